package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"mercato"
	"mercato/service"
)

// Account and key management under /_mercato/accounts, every call signed. An operator creates
// accounts and manages anyone's keys; an account reads itself, sets its payouts (a seller) and
// creates, rotates and revokes its own keys. Each call is also an IAM action of the "mercato"
// service (mercato:CreateAccessKey, ...), checked against the signing key's policy: a key whose
// policy grants only aws-marketplace actions cannot mint itself a stronger key.
func (h *Handler) registerAccounts(mux *http.ServeMux, prefix string) {
	p := prefix + "/_mercato/accounts"
	mux.HandleFunc("POST "+p, h.signed(h.allowed("mercato:CreateAccount", h.createAccount)))
	mux.HandleFunc("GET "+p+"/{id}", h.signed(h.allowed("mercato:GetAccount", h.showAccount)))
	mux.HandleFunc("POST "+p+"/{id}/payout", h.signed(h.allowed("mercato:UpdatePayout", h.setPayout)))
	mux.HandleFunc("GET "+p+"/{id}/keys", h.signed(h.allowed("mercato:ListAccessKeys", h.listKeys)))
	mux.HandleFunc("POST "+p+"/{id}/keys", h.signed(h.allowed("mercato:CreateAccessKey", h.createKey)))
	mux.HandleFunc("POST "+p+"/{id}/keys/{key}/rotate", h.signed(h.allowed("mercato:RotateAccessKey", h.rotateKey)))
	mux.HandleFunc("POST "+p+"/{id}/keys/{key}/revoke", h.signed(h.allowed("mercato:RevokeAccessKey", h.revokeKey)))
}

// allowed checks the signing key's policy for action before serving the call.
func (h *Handler) allowed(action string, next signedHandler) signedHandler {
	return func(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
		if err := h.reportKeys.Authorize(r, action, "*"); err != nil {
			h.fail(w, err)
			return
		}
		next(w, r, caller, body)
	}
}

// AccountBody is an account as the accounts API reads and writes it; keys are listed apart.
type AccountBody struct {
	ID              string                `json:"id"`
	Name            string                `json:"name"`
	Roles           []mercato.Role        `json:"roles"`
	TaxJurisdiction string                `json:"taxJurisdiction,omitempty"`
	Disbursement    *mercato.Disbursement `json:"disbursement,omitempty"`
}

// KeyBody is an access key as the accounts API shows it: the secret only in the answer that
// creates the key.
type KeyBody struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey,omitempty"`
	Policy          string `json:"policy,omitempty"`
	Status          string `json:"status"`
	CreatedAt       string `json:"createdAt,omitempty"`
}

// CreateKeyBody is the body of POST /_mercato/accounts/{id}/keys.
type CreateKeyBody struct {
	Policy string `json:"policy,omitempty"` // IAM JSON policy document or managed policy name
}

func keyBody(k mercato.AccessKey) KeyBody {
	b := KeyBody{AccessKeyID: k.ID, SecretAccessKey: k.Secret, Policy: k.Policy, Status: string(mercato.KeyActive)}
	if !k.Active() {
		b.Status = string(mercato.KeyRevoked)
	}
	if !k.Created.IsZero() {
		b.CreatedAt = k.Created.UTC().Format(time.RFC3339)
	}
	return b
}

func (h *Handler) createAccount(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	var b AccountBody
	if err := decodeBytes(body, &b, `{"id":"123456789012","name":"...","roles":["seller"]}`); err != nil {
		h.fail(w, err)
		return
	}
	a, err := h.svc.CreateAccount(r.Context(), caller, service.AccountInput(b))
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, accountBody(a))
}

func accountBody(a mercato.Account) AccountBody {
	return AccountBody{ID: a.ID, Name: a.Name, Roles: a.Roles, TaxJurisdiction: a.TaxJurisdiction, Disbursement: a.Disbursement}
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	id := r.PathValue("id")
	if _, err := h.svc.AccessKeys(r.Context(), caller, id); err != nil { // the account itself or an operator
		h.fail(w, err)
		return
	}
	a, err := h.svc.Account(r.Context(), id)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, accountBody(a))
}

func (h *Handler) setPayout(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	var d mercato.Disbursement
	if err := decodeBytes(body, &d, `{"cadence":"monthly","day":15,"bankAccounts":[...]}`); err != nil {
		h.fail(w, err)
		return
	}
	if err := h.svc.SetPayout(r.Context(), caller, r.PathValue("id"), d); err != nil {
		h.fail(w, err)
		return
	}
	h.showAccount(w, r, caller, nil)
}

func (h *Handler) listKeys(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	keys, err := h.svc.AccessKeys(r.Context(), caller, r.PathValue("id"))
	if err != nil {
		h.fail(w, err)
		return
	}
	out := make([]KeyBody, 0, len(keys))
	for _, k := range keys {
		out = append(out, keyBody(k))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accessKeys": out})
}

func (h *Handler) createKey(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	var b CreateKeyBody
	if err := decodeBytes(body, &b, `{"policy":"AWSMarketplaceSellerProductsReadOnly"}`); err != nil {
		h.fail(w, err)
		return
	}
	k, err := h.svc.CreateAccessKey(r.Context(), caller, r.PathValue("id"), b.Policy)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, keyBody(k))
}

func (h *Handler) rotateKey(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	k, err := h.svc.RotateAccessKey(r.Context(), caller, r.PathValue("id"), r.PathValue("key"))
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, keyBody(k))
}

func (h *Handler) revokeKey(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	if err := h.svc.RevokeAccessKey(r.Context(), caller, r.PathValue("id"), r.PathValue("key")); err != nil {
		h.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeBytes decodes a signed JSON body (empty is {}) into v, refusing unknown members; shape
// describes the expected body in the error.
func decodeBytes(body []byte, v any, shape string) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return mercato.Errorf(mercato.EInvalid, "body must be %s: %v", shape, err)
	}
	return nil
}
