package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"mercato"
	"mercato/service"
)

// maxTailWait bounds how long GET /_mercato/events waits for an event: well under the
// server's write timeout.
const maxTailWait = 30 * time.Second

// registerEvents adds the endpoints of an account's events and their webhook destinations, in
// every mode, each call signed with the account's access key (like /_mercato/refunds).
func (h *Handler) registerEvents(mux *http.ServeMux, prefix string) {
	p := prefix + "/_mercato/event-destinations"
	mux.HandleFunc("GET "+p, h.signed(h.listDestinations))
	mux.HandleFunc("POST "+p, h.signed(h.createDestination))
	mux.HandleFunc("GET "+p+"/{id}", h.signed(h.showDestination))
	mux.HandleFunc("DELETE "+p+"/{id}", h.signed(h.deleteDestination))
	mux.HandleFunc("POST "+p+"/{id}/rotate-secret", h.signed(h.rotateSecret))
	mux.HandleFunc("GET "+p+"/{id}/attempts", h.signed(h.deliveryLog))
	mux.HandleFunc("POST "+p+"/{id}/redeliver", h.signed(h.redeliver))
	mux.HandleFunc("GET "+prefix+"/_mercato/events", h.signed(h.tailEvents))
}

// DestinationBody is the body of POST /_mercato/event-destinations (url required; eventTypes
// empty for every event of the account; secret "whsec_" + base64, generated when empty), of
// POST .../rotate-secret (secret only, generated when empty) and of POST .../redeliver
// (eventId only).
type DestinationBody struct {
	URL        string   `json:"url,omitempty"`
	EventTypes []string `json:"eventTypes,omitempty"`
	Secret     string   `json:"secret,omitempty"`
	EventID    string   `json:"eventId,omitempty"`
}

const destinationBodyShape = `{"url":"https://example.com/events","eventTypes":["Purchase Agreement Created - Proposer"],"secret":"whsec_..."}`

// decodeDestinationBody reads a body (empty is {}), refusing unknown members.
func decodeDestinationBody(body []byte) (DestinationBody, error) {
	var b DestinationBody
	if len(bytes.TrimSpace(body)) == 0 {
		return b, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, mercato.Errorf(mercato.EInvalid, "body must be %s: %v", destinationBodyShape, err)
	}
	return b, nil
}

// destinationBody is a destination as these endpoints show it, secret included: the account
// needs it to verify what it receives.
func destinationBody(d mercato.EventDestination) map[string]any {
	types := d.EventTypes
	if types == nil {
		types = []string{}
	}
	return map[string]any{"id": d.ID, "accountId": d.AccountID, "url": d.URL, "eventTypes": types,
		"secret": d.Secret, "status": d.Status, "createdAt": formatTime(d.CreatedAt), "updatedAt": formatTime(d.UpdatedAt)}
}

func (h *Handler) answerDestination(w http.ResponseWriter, status int, d mercato.EventDestination, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, status, destinationBody(d))
}

// listDestinations serves GET /_mercato/event-destinations: the caller's destinations.
func (h *Handler) listDestinations(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	ds, err := h.svc.EventDestinations(r.Context(), caller)
	if err != nil {
		h.fail(w, err)
		return
	}
	out := make([]map[string]any, len(ds))
	for i, d := range ds {
		out[i] = destinationBody(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"eventDestinations": out})
}

// createDestination serves POST /_mercato/event-destinations.
func (h *Handler) createDestination(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	b, err := decodeDestinationBody(body)
	if err != nil {
		h.fail(w, err)
		return
	}
	d, err := h.svc.CreateEventDestination(r.Context(), caller,
		service.EventDestinationInput{URL: b.URL, EventTypes: b.EventTypes, Secret: b.Secret})
	h.answerDestination(w, http.StatusCreated, d, err)
}

// showDestination serves GET /_mercato/event-destinations/{id}.
func (h *Handler) showDestination(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	d, err := h.svc.EventDestination(r.Context(), caller, r.PathValue("id"))
	h.answerDestination(w, http.StatusOK, d, err)
}

// deleteDestination serves DELETE /_mercato/event-destinations/{id}.
func (h *Handler) deleteDestination(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	if err := h.svc.DeleteEventDestination(r.Context(), caller, r.PathValue("id")); err != nil {
		h.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// rotateSecret serves POST /_mercato/event-destinations/{id}/rotate-secret {"secret": ...}.
func (h *Handler) rotateSecret(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	b, err := decodeDestinationBody(body)
	if err != nil {
		h.fail(w, err)
		return
	}
	d, err := h.svc.RotateDestinationSecret(r.Context(), caller, r.PathValue("id"), b.Secret)
	h.answerDestination(w, http.StatusOK, d, err)
}

// deliveryLog serves GET /_mercato/event-destinations/{id}/attempts?limit=N: the latest
// attempts, newest first.
func (h *Handler) deliveryLog(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		h.fail(w, err)
		return
	}
	log, err := h.svc.DeliveryLog(r.Context(), caller, r.PathValue("id"), int(limit))
	if err != nil {
		h.fail(w, err)
		return
	}
	out := make([]map[string]any, len(log))
	for i, a := range log {
		out[i] = map[string]any{"eventId": a.EventUID, "detailType": a.DetailType, "status": a.Status,
			"statusCode": a.StatusCode, "error": a.Error, "durationMs": a.Duration.Milliseconds(),
			"time": formatTime(a.Time), "wallTime": a.WallTime.UTC().Format(time.RFC3339Nano)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempts": out})
}

// redeliver serves POST /_mercato/event-destinations/{id}/redeliver {"eventId": ...}.
func (h *Handler) redeliver(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	b, err := decodeDestinationBody(body)
	if err == nil && b.EventID == "" {
		err = &mercato.Error{Code: mercato.EInvalid, Message: "eventId is required",
			Fields: []mercato.FieldError{{Name: "eventId", Message: "is required"}}}
	}
	if err == nil {
		err = h.svc.RedeliverEvent(r.Context(), caller, r.PathValue("id"), b.EventID)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"eventId": b.EventID, "status": "pending"})
}

// tailEvents serves GET /_mercato/events?after=N&wait=SECONDS&limit=N: the caller's events
// after the position N (omitted: from now on), as EventBridge envelopes, waiting up to wait
// seconds (at most 30) for one; and the position to ask from next.
func (h *Handler) tailEvents(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	after, err := intParam(r, "after", -1)
	if err != nil {
		h.fail(w, err)
		return
	}
	wait, err := intParam(r, "wait", 0)
	if err != nil {
		h.fail(w, err)
		return
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		h.fail(w, err)
		return
	}
	events, next, err := h.svc.EventsAfter(r.Context(), caller, after, int(limit), min(time.Duration(wait)*time.Second, maxTailWait))
	if err != nil {
		h.fail(w, err)
		return
	}
	out := make([]json.RawMessage, 0, len(events))
	for _, e := range events {
		b, err := e.Envelope()
		if err != nil {
			h.fail(w, err)
			return
		}
		out = append(out, b)
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "next": strconv.FormatInt(next, 10)})
}

// intParam reads an integer query parameter, def when absent; EInvalid naming it otherwise.
func intParam(r *http.Request, name string, def int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return def, &mercato.Error{Code: mercato.EInvalid, Message: "invalid " + name,
			Fields: []mercato.FieldError{{Name: name, Message: "must be a whole number, 0 or more"}}}
	}
	return v, nil
}
