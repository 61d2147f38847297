// Package control serves mercato's own endpoints under /_mercato/: health in every mode, and in
// sandbox mode the simulated clock and scenario loading. Requests that change state must declare
// JSON and come from no other site (see sameOrigin).
package control

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"mercato"
	"mercato/awsapi"
	"mercato/forwarded"
	"mercato/scenario"
	"mercato/service"
)

// maxScenarioBytes bounds a scenario upload.
const maxScenarioBytes = 8 << 20

// Handler serves /_mercato/.
type Handler struct {
	svc *service.Service
	log *slog.Logger
	// reportKeys verifies the signatures of report requests outside sandbox mode; built once so
	// that it keeps its derived signing keys across requests.
	reportKeys *awsapi.Verifier
}

// New returns the handler; Register adds its routes to a mux. Proxies are the declared
// reverse proxies, believed for the client's address and transport that policies see.
func New(svc *service.Service, log *slog.Logger, proxies forwarded.Proxies) *Handler {
	return &Handler{svc: svc, log: log, reportKeys: &awsapi.Verifier{Credentials: awsapi.CredentialsFunc(svc.AccessKey),
		Permissions: awsapi.PermissionsFunc(svc.Authorize), Proxies: proxies}}
}

// Register adds the routes under prefix (e.g. "" or "/base"). Every request that changes state
// passes sameOrigin first.
func (h *Handler) Register(mux *http.ServeMux, prefix string) {
	routes := http.NewServeMux()
	h.register(routes, prefix)
	mux.Handle(prefix+"/_mercato/", h.sameOrigin(routes))
}

// register adds the routes to routes.
func (h *Handler) register(routes *http.ServeMux, prefix string) {
	routes.HandleFunc("GET "+prefix+"/_mercato/health", h.health)
	h.registerRevenue(routes, prefix)  // reports, metering key; simulated payments in sandbox mode
	h.registerRefunds(routes, prefix)  // refund requests, signed by the buyer, the seller or support
	h.registerRenewals(routes, prefix) // a renewal's plan, and the seller's adjustment of its price, signed by a party
	routes.HandleFunc("GET "+prefix+"/_mercato/exports/feeds", h.feeds)
	h.registerEvents(routes, prefix)   // event destinations (webhooks) and the events tail, signed by the account
	h.registerAccounts(routes, prefix) // accounts and their keys, signed by the account or an operator
	if !h.svc.Sandbox() {
		return
	}
	routes.HandleFunc("GET "+prefix+"/_mercato/clock", h.getClock)
	routes.HandleFunc("POST "+prefix+"/_mercato/clock", h.moveClock)
	routes.HandleFunc("POST "+prefix+"/_mercato/scenario", h.applyScenario)
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	mode := "production"
	if h.svc.Sandbox() {
		mode = "sandbox"
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "mode": mode, "now": formatTime(h.svc.Now())})
}

func (h *Handler) getClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"now": formatTime(h.svc.Now())})
}

// ClockRequest moves the simulated clock: by a duration ("720h", or ISO-8601 "P30D") or to a
// time. Exactly one is given.
type ClockRequest struct {
	Advance string `json:"advance,omitempty"`
	Set     string `json:"set,omitempty"`
}

func (h *Handler) moveClock(w http.ResponseWriter, r *http.Request) {
	var req ClockRequest
	if err := decodeBody(r, &req, `{"advance":"720h"} or {"set":"2026-03-01T00:00:00Z"}`); err != nil {
		h.fail(w, err)
		return
	}
	target, err := req.target(h.svc.Now())
	if err != nil {
		h.fail(w, err)
		return
	}
	m, err := h.svc.MoveClock(r.Context(), target)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, clockMoveBody(m))
}

// ClockMoveBody is the answer to a move of the clock: the new time, how many jobs of each kind
// were done on the way, and the jobs whose last attempt failed. The move answers 200 even when
// jobs failed, since the clock did move: a client checks Failed.
type ClockMoveBody struct {
	Now    string                  `json:"now"`
	Done   map[mercato.JobKind]int `json:"done"`
	Failed []FailedJob             `json:"failed"`
	// Issued counts the documents dated within the move: invoices, credit memos (refunds),
	// payments and payouts.
	Issued service.MovedDocuments `json:"issued"`
}

// FailedJob is a job whose last attempt failed: "pending" when it will be tried again at
// NextAttemptAt, "failed" when it gave up and waits for an operator's retry.
type FailedJob struct {
	ID            int64             `json:"id"`
	Kind          mercato.JobKind   `json:"kind"`
	Key           string            `json:"key"`
	DueAt         string            `json:"dueAt"`
	Status        mercato.JobStatus `json:"status"`
	Attempts      int               `json:"attempts"`
	LastError     string            `json:"lastError"`
	NextAttemptAt string            `json:"nextAttemptAt,omitempty"`
}

func clockMoveBody(m service.ClockMove) ClockMoveBody {
	b := ClockMoveBody{Now: formatTime(m.Now), Done: m.Done, Failed: []FailedJob{}, Issued: m.Issued}
	for _, j := range m.Failed {
		f := FailedJob{ID: j.ID, Kind: j.Kind, Key: j.Key, DueAt: formatTime(j.DueAt), Status: j.Status,
			Attempts: j.Attempts, LastError: j.LastError}
		if j.Status == mercato.JobPending {
			f.NextAttemptAt = formatTime(j.RunAt)
		}
		b.Failed = append(b.Failed, f)
	}
	return b
}

// target returns the time the request moves the clock to from now.
func (req ClockRequest) target(now time.Time) (time.Time, error) {
	switch {
	case (req.Advance == "") == (req.Set == ""):
		return now, fieldError("advance", "give exactly one of advance and set")
	case req.Set != "":
		t, err := time.Parse(time.RFC3339Nano, req.Set)
		if err != nil {
			return now, fieldError("set", "must be an RFC 3339 time such as 2026-03-01T00:00:00Z")
		}
		return t, nil
	case strings.HasPrefix(req.Advance, "P"):
		p, err := mercato.ParsePeriod(req.Advance)
		if err != nil {
			return now, fieldError("advance", "must be a duration such as 720h or P30D")
		}
		return p.AddTo(now), nil
	default:
		d, err := time.ParseDuration(req.Advance)
		if err != nil || d < 0 {
			return now, fieldError("advance", "must be a non-negative duration such as 720h or P30D")
		}
		return now.Add(d), nil
	}
}

// fieldError is EInvalid for the request field name, whose message names the field and says
// what it accepts, since a CLI user sees the message alone.
func fieldError(name, msg string) error {
	return &mercato.Error{Code: mercato.EInvalid, Message: name + " " + msg,
		Fields: []mercato.FieldError{{Name: name, Message: msg}}}
}

func (h *Handler) applyScenario(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScenarioBytes))
	if err != nil {
		h.fail(w, mercato.Errorf(mercato.EInvalid, "reading scenario: %v", err))
		return
	}
	sc, err := scenario.Parse(body)
	if err != nil {
		h.fail(w, err)
		return
	}
	if err := h.svc.ApplyScenario(r.Context(), sc); err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": formatTime(h.svc.Now()), "applied": map[string]int{
		"accounts": len(sc.Accounts), "products": len(sc.Products), "offers": len(sc.Offers), "agreements": len(sc.Agreements)}})
}

// statusOf maps an error code to the HTTP status of these JSON endpoints.
var statusOf = map[mercato.ErrorCode]int{
	mercato.EInvalid: http.StatusBadRequest, mercato.ENotFound: http.StatusNotFound,
	mercato.EConflict: http.StatusConflict, mercato.EForbidden: http.StatusForbidden,
	mercato.EUnauthorized: http.StatusUnauthorized, mercato.EQuota: http.StatusPaymentRequired,
	mercato.EThrottled: http.StatusTooManyRequests, mercato.EInternal: http.StatusInternalServerError,
}

// ErrorBody is the JSON shape of an error from /_mercato/.
type ErrorBody struct {
	Error struct {
		Code    mercato.ErrorCode    `json:"code"`
		Message string               `json:"message"`
		Fields  []mercato.FieldError `json:"fields,omitempty"`
	} `json:"error"`
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	h.failStatus(w, 0, err)
}

// failStatus answers err with status, or with its code's status when status is 0.
func (h *Handler) failStatus(w http.ResponseWriter, status int, err error) {
	var body ErrorBody
	var e *mercato.Error
	if errors.As(err, &e) && e.Code != mercato.EInternal {
		body.Error.Code, body.Error.Message, body.Error.Fields = e.Code, e.Error(), e.Fields
	} else {
		h.log.Error("control request failed", "err", err)
		body.Error.Code, body.Error.Message = mercato.EInternal, "internal error"
		status = 0
	}
	if status == 0 {
		status = statusOf[body.Error.Code]
	}
	writeJSON(w, status, body)
}

// decodeBody decodes a JSON request body of at most 64 KiB into v, refusing unknown members;
// shape describes the expected body in the error.
func decodeBody(r *http.Request, v any, shape string) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return mercato.Errorf(mercato.EInvalid, "body must be %s: %v", shape, err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
