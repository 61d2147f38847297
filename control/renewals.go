package control

import (
	"net/http"

	"mercato"
	"mercato/service"
)

// registerRenewals adds the renewal price endpoints, in every mode, each call signed with an
// account's access key: the Agreement API has no call for a seller's choice of a renewal's
// price increase within its PercentageRange (no AWS API models it), so mercato offers it
// here.
//
//	GET  /_mercato/agreements/{id}/renewal             the renewal's plan, to either party
//	POST /_mercato/agreements/{id}/renewal/adjustment  {"increase": "5", "clientToken": "..."}, the seller's choice
func (h *Handler) registerRenewals(mux *http.ServeMux, prefix string) {
	p := prefix + "/_mercato/agreements/{id}/renewal"
	mux.HandleFunc("GET "+p, h.signed(h.showRenewal))
	mux.HandleFunc("POST "+p+"/adjustment", h.signed(h.adjustRenewal))
}

// RenewalAdjustmentBody is the body of POST /_mercato/agreements/{id}/renewal/adjustment: the
// increase in percent as a decimal string, and an optional client token that makes a retry
// return the first answer.
type RenewalAdjustmentBody struct {
	Increase    string `json:"increase"`
	ClientToken string `json:"clientToken,omitempty"`
}

const renewalBodyShape = `{"increase":"3.5","clientToken":"..."}`

// showRenewal serves GET /_mercato/agreements/{id}/renewal.
func (h *Handler) showRenewal(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	p, err := h.svc.RenewalPlan(r.Context(), caller, r.PathValue("id"))
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, renewalPlanBody(p))
}

// adjustRenewal serves POST /_mercato/agreements/{id}/renewal/adjustment and answers with the
// renewal's plan.
func (h *Handler) adjustRenewal(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	var b RenewalAdjustmentBody
	if err := decodeBytes(body, &b, renewalBodyShape); err != nil {
		h.fail(w, err)
		return
	}
	pct, err := mercato.ParseAmount(b.Increase)
	if err != nil {
		h.fail(w, fieldError("increase", "must be a percentage as a decimal string, such as 3.5"))
		return
	}
	id := r.PathValue("id")
	if _, err := h.svc.AdjustRenewal(r.Context(), caller, service.AdjustRenewalInput{AgreementID: id, Increase: pct, ClientToken: b.ClientToken}); err != nil {
		h.fail(w, err)
		return
	}
	h.showRenewal(w, r, caller, nil)
}

// renewalPlanBody is a renewal plan as these endpoints show it: percentages and the renewal's
// value as decimal strings, times as RFC 3339 ("" when none).
func renewalPlanBody(p service.RenewalPlan) map[string]any {
	out := map[string]any{"agreementId": p.AgreementID, "renews": p.Renews, "priceIncrease": p.Increase.Format(0),
		"renewalValue": p.Value.FormatIn(p.Currency), "currencyCode": p.Currency,
		"termsFinalizedTime": "", "finalizeTime": optionalTime(p.FinalizeTime), "lockoutStartTime": optionalTime(p.LockoutStart)}
	if p.FinalizedAt != nil {
		out["termsFinalizedTime"] = formatTime(*p.FinalizedAt)
	}
	if p.Ranged {
		rng := map[string]any{"minValue": p.Min.Format(0), "maxValue": p.Max.Format(0), "defaultValue": p.Default.Format(0),
			"chosenValue": nil, "adjustable": p.Adjustable, "adjustableUntil": optionalTime(p.AdjustableUntil)}
		if p.Chosen != nil {
			rng["chosenValue"] = p.Chosen.Format(0)
		}
		out["percentageRange"] = rng
	}
	return out
}
