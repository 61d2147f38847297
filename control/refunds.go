package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"mercato"
	"mercato/awsapi"
	"mercato/service"
)

// maxRefundBody bounds the body of a refund request call.
const maxRefundBody = 1 << 16

// registerRefunds adds the refund request endpoints, in every mode. Every call is signed with
// an account's access key (AWS Signature Version 4, like the AWS APIs), sandbox included: who
// calls decides what the call does (the buyer answers, the seller decides, support decides on
// the seller's behalf).
func (h *Handler) registerRefunds(mux *http.ServeMux, prefix string) {
	p := prefix + "/_mercato/refunds"
	mux.HandleFunc("GET "+p, h.signed(h.listRefunds))
	mux.HandleFunc("POST "+p, h.signed(h.fileRefund))
	mux.HandleFunc("GET "+p+"/{id}", h.signed(h.showRefund))
	mux.HandleFunc("POST "+p+"/{id}/approve", h.signed(h.approveRefund))
	mux.HandleFunc("POST "+p+"/{id}/reject", h.signed(h.rejectRefund))
	mux.HandleFunc("POST "+p+"/{id}/answer", h.signed(h.answerRefund))
}

// signedHandler serves a call of an authenticated account, with the body it signed.
type signedHandler func(w http.ResponseWriter, r *http.Request, caller string, body []byte)

// signed authenticates the call's signature over its body before serving it.
func (h *Handler) signed(next signedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRefundBody))
		if err != nil {
			h.fail(w, mercato.Errorf(mercato.EInvalid, "reading the body: %v", err))
			return
		}
		caller, err := h.reportKeys.Authenticate(r, body)
		if ex, ok := errors.AsType[*awsapi.Exception](err); ok {
			err = mercato.Errorf(mercato.EUnauthorized, "%s: %s", ex.Name, ex.Message)
		}
		if err != nil {
			h.fail(w, err)
			return
		}
		next(w, r, caller, body)
	}
}

// RefundRequestBody is the body of POST /_mercato/refunds (a request, as the refund request
// form asks for it) and of POST /_mercato/refunds/{id}/answer (what a request lacks: the
// members given replace the case's). An empty buyerId or sellerId is the caller. Amounts are
// decimal strings, billing periods YYYY-MM, the cancellation date YYYY-MM-DD.
type RefundRequestBody struct {
	BuyerID          string   `json:"buyerId,omitempty"`
	SellerID         string   `json:"sellerId,omitempty"`
	ProductID        string   `json:"productId,omitempty"`
	AgreementID      string   `json:"agreementId,omitempty"`
	Type             string   `json:"type,omitempty"`
	InvoiceIDs       []string `json:"invoiceIds,omitempty"`
	BillingPeriods   []string `json:"billingPeriods,omitempty"`
	Amount           string   `json:"amount,omitempty"`
	CancellationDate string   `json:"cancellationDate,omitempty"`
	Comments         string   `json:"comments,omitempty"`
	Reason           string   `json:"reason,omitempty"` // of a rejection
}

const refundBodyShape = `{"buyerId":ID,"productId":ID,"type":"REFUND","billingPeriods":["2026-01"],"amount":"20.00",...}`

// decodeRefundBody reads a body (empty is {}), refusing unknown members.
func decodeRefundBody(body []byte) (RefundRequestBody, error) {
	var b RefundRequestBody
	if len(bytes.TrimSpace(body)) == 0 {
		return b, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, mercato.Errorf(mercato.EInvalid, "body must be %s: %v", refundBodyShape, err)
	}
	return b, nil
}

// input reads what the service cannot: the amount, the billing periods and the date as written.
func (b *RefundRequestBody) input() (service.RefundRequestInput, error) {
	in := service.RefundRequestInput{BuyerID: b.BuyerID, SellerID: b.SellerID, ProductID: b.ProductID,
		AgreementID: b.AgreementID, Kind: mercato.RefundKind(b.Type), InvoiceIDs: b.InvoiceIDs, Comments: b.Comments}
	var p mercato.Problems
	if b.Amount != "" {
		a, err := mercato.ParseAmount(b.Amount)
		if err != nil {
			p.Add("amount", "must be a decimal amount such as 120.50")
		}
		in.Amount = a
	}
	for _, s := range b.BillingPeriods {
		t, err := time.Parse("2006-01", s)
		if err != nil {
			p.Add("billingPeriods", "%q must be a billing period such as 2026-01", s)
			continue
		}
		in.Periods = append(in.Periods, mercato.PeriodOf(t))
	}
	if b.CancellationDate != "" {
		t, err := time.Parse(time.DateOnly, b.CancellationDate)
		if err != nil {
			p.Add("cancellationDate", "must be a date such as 2026-06-30")
		}
		in.CancellationDate = t
	}
	return in, p.Err("invalid refund request")
}

// refundCaseBody is a refund request as these endpoints show it: amounts in the currency's
// decimals, billing periods as YYYY-MM, dates as RFC 3339.
func refundCaseBody(c mercato.RefundCase) map[string]any {
	periods := make([]string, len(c.Periods))
	for i, p := range c.Periods {
		periods[i] = p.String()
	}
	return map[string]any{"referenceId": c.ID, "filedBy": c.FiledBy, "buyerId": c.BuyerID, "sellerId": c.SellerID,
		"productId": c.ProductID, "agreementId": c.AgreementID, "type": c.Kind, "invoiceIds": c.InvoiceIDs,
		"billingPeriods": periods, "amount": c.Amount.FormatIn(c.Currency), "currencyCode": c.Currency,
		"cancellationDate": optionalTime(c.CancellationDate), "comments": c.Comments, "status": c.Status,
		"statusReason": c.StatusReason, "policyRule": c.Rule, "billingAdjustmentRequestIds": c.Adjustments,
		"cancelled": c.Cancelled, "createdAt": formatTime(c.CreatedAt), "updatedAt": formatTime(c.UpdatedAt)}
}

// answerCase writes a case, or the error.
func (h *Handler) answerCase(w http.ResponseWriter, c mercato.RefundCase, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, refundCaseBody(c))
}

// fileRefund serves POST /_mercato/refunds: the caller files as the buyer or as the seller.
func (h *Handler) fileRefund(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	b, err := decodeRefundBody(body)
	if err != nil {
		h.fail(w, err)
		return
	}
	if b.BuyerID == "" {
		b.BuyerID = caller
	} else if b.SellerID == "" {
		b.SellerID = caller
	}
	in, err := b.input()
	if err != nil {
		h.fail(w, err)
		return
	}
	c, err := h.svc.FileRefundRequest(r.Context(), caller, in)
	h.answerCase(w, c, err)
}

// listRefunds serves GET /_mercato/refunds?as=buyer|seller|operator: the caller's requests as
// buyer (the default) or as seller, oldest first, or, for an operator, every request waiting.
func (h *Handler) listRefunds(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	var cases []mercato.RefundCase
	var err error
	switch as := r.URL.Query().Get("as"); as {
	case "", "buyer", "seller":
		party := map[string]service.Party{"": service.Acceptor, "buyer": service.Acceptor, "seller": service.Proposer}[as]
		cases, err = h.allRefundCases(r, caller, party)
	case "operator":
		cases, err = h.svc.WaitingRefundCases(r.Context(), caller)
	default:
		err = fieldError("as", "must be buyer, seller or operator")
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	out := make([]map[string]any, len(cases))
	for i, c := range cases {
		out[i] = refundCaseBody(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"refundRequests": out})
}

// allRefundCases reads every page of the caller's requests on one side.
func (h *Handler) allRefundCases(r *http.Request, caller string, party service.Party) ([]mercato.RefundCase, error) {
	var all []mercato.RefundCase
	cursor := ""
	for {
		page, next, err := h.svc.RefundCases(r.Context(), caller, service.RequestQuery{Party: party, Page: service.Page{Cursor: cursor}})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// showRefund serves GET /_mercato/refunds/{id} to the case's buyer, its seller or an operator.
func (h *Handler) showRefund(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	c, err := h.svc.RefundCase(r.Context(), caller, r.PathValue("id"))
	h.answerCase(w, c, err)
}

// approveRefund serves POST /_mercato/refunds/{id}/approve: the seller's authorization, or
// support's on the seller's behalf when an operator calls.
func (h *Handler) approveRefund(w http.ResponseWriter, r *http.Request, caller string, _ []byte) {
	h.decideRefund(w, r, caller, h.svc.ApproveRefundRequest, h.svc.OperatorApproveRefundRequest)
}

// rejectRefund serves POST /_mercato/refunds/{id}/reject {"reason": "..."}: the seller's
// refusal, or support's when an operator calls.
func (h *Handler) rejectRefund(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	b, err := decodeRefundBody(body)
	if err != nil {
		h.fail(w, err)
		return
	}
	withReason := func(decide func(context.Context, string, string, string) (mercato.RefundCase, error)) refundDecision {
		return func(ctx context.Context, caller, id string) (mercato.RefundCase, error) {
			return decide(ctx, caller, id, b.Reason)
		}
	}
	h.decideRefund(w, r, caller, withReason(h.svc.RejectRefundRequest), withReason(h.svc.OperatorRejectRefundRequest))
}

// refundDecision is a decision on refund case id by caller.
type refundDecision func(ctx context.Context, caller, id string) (mercato.RefundCase, error)

// decideRefund makes the seller's decision when the caller is the case's seller, support's
// otherwise (the service refuses an account that is neither), and answers with the case.
func (h *Handler) decideRefund(w http.ResponseWriter, r *http.Request, caller string, asSeller, asSupport refundDecision) {
	id := r.PathValue("id")
	c, err := h.svc.RefundCase(r.Context(), caller, id)
	switch {
	case err != nil:
	case c.SellerID == caller:
		c, err = asSeller(r.Context(), caller, id)
	default:
		c, err = asSupport(r.Context(), caller, id)
	}
	h.answerCase(w, c, err)
}

// answerRefund serves POST /_mercato/refunds/{id}/answer: the filer's answer to a request that
// needs action, or support's when an operator calls.
func (h *Handler) answerRefund(w http.ResponseWriter, r *http.Request, caller string, body []byte) {
	b, err := decodeRefundBody(body)
	if err != nil {
		h.fail(w, err)
		return
	}
	in, err := b.input()
	if err != nil {
		h.fail(w, err)
		return
	}
	id := r.PathValue("id")
	c, err := h.svc.RefundCase(r.Context(), caller, id)
	switch {
	case err != nil:
	case c.FiledBy == caller:
		c, err = h.svc.AnswerRefundRequest(r.Context(), caller, id, in)
	default:
		c, err = h.svc.OperatorAnswerRefundRequest(r.Context(), caller, id, in)
	}
	h.answerCase(w, c, err)
}
