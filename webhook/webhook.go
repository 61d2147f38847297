// Package webhook sends events as Standard Webhooks (standardwebhooks.com): an HTTP POST of
// the event's JSON with the webhook-id, webhook-timestamp and webhook-signature headers. The
// service decides what to send and when; this package only signs and sends.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"mercato"
)

// Sign returns the webhook-signature value of a message: "v1," and the base64 of the
// HMAC-SHA256, under key, of id + "." + timestamp + "." + body.
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, timestamp, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Request is one delivery attempt to make.
type Request struct {
	URL  string
	Key  []byte // the signing key (mercato.WebhookKey of the destination's secret)
	ID   string // webhook-id: the event's id
	Body []byte
}

// Result is what came of an attempt.
type Result struct {
	StatusCode int           // 0 when no answer came
	Err        error         // nil for a 2xx answer
	Time       time.Time     // wall time of the attempt: its webhook-timestamp
	Duration   time.Duration // until the answer, or the failure
}

// maxResponse bounds how much of an answer is read: receivers answer with a status, and the
// rest is drained only so that the connection can be reused.
const maxResponse = 64 << 10

// Sender posts webhooks over HTTP, each attempt bounded by mercato.DeliveryTimeout.
type Sender struct {
	Client *http.Client
}

// NewSender returns a sender with a client of its own: keep-alive connections to many hosts,
// no redirects followed (a receiver that moved says so with its status, which counts as a
// failure), connections only to the addresses p permits, and every attempt bounded by
// mercato.DeliveryTimeout.
func NewSender(p AddressPolicy) *Sender {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = p.dialer().DialContext
	if !p.AllowInternal {
		// Through a proxy (HTTPS_PROXY) the dialer would see the proxy's address, not the
		// destination's, and the policy would judge the wrong one: guarded webhooks go direct.
		tr.Proxy = nil
	}
	tr.MaxIdleConnsPerHost = 64
	tr.MaxIdleConns = 256
	return &Sender{Client: &http.Client{
		Transport:     tr,
		Timeout:       mercato.DeliveryTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Send makes one attempt: a POST of the body with the Standard Webhooks headers, signed at the
// current wall-clock second (receivers refuse timestamps far from their own clock).
func (s *Sender) Send(ctx context.Context, r Request) Result {
	start := time.Now()
	res := Result{Time: start.UTC()}
	res.StatusCode, res.Err = s.post(ctx, r, start.Unix())
	res.Duration = time.Since(start)
	return res
}

func (s *Sender) post(ctx context.Context, r Request, ts int64) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mercato-webhooks/1")
	req.Header.Set("webhook-id", r.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", Sign(r.Key, r.ID, ts, r.Body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
