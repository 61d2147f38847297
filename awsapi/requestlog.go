package awsapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// RequestLog is what the Handler knows about a request once it has answered it: one line of
// the request log, and what Config.Observe receives. Service and Operation come from fixed
// sets (the registered services and operations, else ""), never from the raw path, so that
// they can label metrics.
type RequestLog struct {
	RequestID string
	Service   string // the service's target, e.g. AgreementTarget; "" when the request named none served
	Operation string // a registered operation's name; "" when the request named none
	Caller    string // the authenticated account; "" when the request was refused before
	Status    int    // the HTTP status of the answer
	ErrorCode string // the exception's name; "" on success
	Latency   time.Duration
}

// maxLoggedKeyID bounds the access key ID logged for a refused signature: it is the client's
// text, and a key ID is 16 to 128 characters.
const maxLoggedKeyID = 128

// logRequest logs the request once, at Info, or at Warn when its signature was refused, and
// passes it to the observer. Nothing secret is logged: no header, body or signature, only the
// access key ID of a refused request (an identifier, which AWS logs too) and the reason. Floods
// of refusals and throttling are logged at a bounded rate (floodlog.go).
func (h *Handler) logRequest(r *http.Request, c *call, latency time.Duration) {
	rl := RequestLog{RequestID: c.requestID, Service: c.service, Operation: c.operation, Caller: c.caller,
		Status: c.status, ErrorCode: c.errName, Latency: latency}
	if h.observe != nil {
		h.observe(rl)
	}
	admitted, suppressed := h.floods.admit(rl.Status, time.Now())
	if !admitted {
		return
	}
	level := slog.LevelInfo
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs,
		slog.String("requestId", rl.RequestID),
		slog.String("service", rl.Service),
		slog.String("operation", rl.Operation),
		slog.String("caller", rl.Caller),
		slog.Int("status", rl.Status),
		slog.Float64("latencyMs", float64(latency.Microseconds())/1000),
	)
	if rl.ErrorCode != "" {
		attrs = append(attrs, slog.String("errorCode", rl.ErrorCode))
	}
	if rl.Status == http.StatusForbidden {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("accessKeyId", accessKeyID(r)), slog.String("reason", c.errMsg))
	}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("suppressed", suppressed))
	}
	h.log.LogAttrs(context.WithoutCancel(r.Context()), level, "aws request", attrs...)
}

// accessKeyID returns the access key ID that the request's Authorization header names, cut to
// maxLoggedKeyID characters, or "".
func accessKeyID(r *http.Request) string {
	_, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(cred, "/")
	id, _, _ = strings.Cut(id, ",")
	if len(id) > maxLoggedKeyID {
		id = id[:maxLoggedKeyID]
	}
	return strings.ToValidUTF8(id, "?")
}
