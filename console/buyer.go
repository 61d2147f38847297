package console

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"mercato"
	"mercato/service"
)

// buyerAgreementView is the data of a buyer's agreement page.
type buyerAgreementView struct {
	A             mercato.Agreement
	Product       string
	Seller        string
	Terms         []termView
	Invoices      []invoiceView
	Cancellations []mercato.CancellationRequest
	Payments      []mercato.PaymentRequest
	Refund        refundForm
	RefundKinds   []mercato.RefundKind
	// SetUp says the product has a registration page the buyer can go (back) to.
	SetUp   bool
	Contact sellerContact // the refund policy and the seller
}

// buyerAgreement shows one of the buyer's agreements: terms, invoices with their credit memos,
// and the seller's requests to answer.
func (c *Console) buyerAgreement(w http.ResponseWriter, r *http.Request, u *user) {
	c.showBuyerAgreement(w, r, u, http.StatusOK, "")
}

func (c *Console) showBuyerAgreement(w http.ResponseWriter, r *http.Request, u *user, status int, problem string) {
	c.showBuyerAgreementWith(w, r, u, status, problem, refundForm{})
}

// showBuyerAgreementWith shows the agreement with the refund form as last posted.
func (c *Console) showBuyerAgreementWith(w http.ResponseWriter, r *http.Request, u *user, status int, problem string, refund refundForm) {
	a, err := c.agreementAs(r, u, service.Acceptor)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v, err := c.buyerAgreementData(r.Context(), u, a)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v.Refund, v.RefundKinds = refund, service.RefundKinds
	c.render(w, r, status, page{Name: "buyer_agreement", Title: "Agreement " + a.ID, Nav: "buyer-agreements", User: u,
		Error: problem, Crumbs: []crumb{{"My agreements", "/console/buyer/agreements"}}, Data: v})
}

func (c *Console) buyerAgreementData(ctx context.Context, u *user, a mercato.Agreement) (buyerAgreementView, error) {
	n := c.names(ctx)
	v := buyerAgreementView{A: a, Product: n.Product(a.ProductID), Seller: n.Account(a.ProposerID), Terms: viewTerms(a.Terms),
		SetUp:   a.Status == mercato.AgreementActive && c.hasFulfillment(ctx, a.ProductID),
		Contact: c.contactOf(ctx, a.ProductID, a.ProposerID, a.Terms)}
	// a is the caller's (agreementAs checked): its invoices are the caller's to see, billed to
	// the caller or, for a linked account, to its organisation's payer.
	invoices, err := c.svc.Invoices(ctx, mercato.InvoiceFilter{AgreementID: a.ID})
	if err != nil {
		return v, err
	}
	v.Invoices = groupInvoices(invoices)
	err = c.loadRequests(ctx, u, a.ID, service.Acceptor, &v.Cancellations, &v.Payments)
	return v, err
}

// requestsView is the data of the buyer's requests page.
type requestsView struct {
	Cancellations []mercato.CancellationRequest
	Payments      []mercato.PaymentRequest
	Pending       int
}

// buyerRequests lists the cancellation and payment requests sellers sent the buyer, the pending
// ones to answer first.
func (c *Console) buyerRequests(w http.ResponseWriter, r *http.Request, u *user) {
	var v requestsView
	if err := c.loadRequests(r.Context(), u, "", service.Acceptor, &v.Cancellations, &v.Payments); err != nil {
		c.fail(w, r, u, err)
		return
	}
	var cancellations, payments int
	v.Cancellations, cancellations = pendingFirst(v.Cancellations, func(x mercato.CancellationRequest) bool {
		return x.Status == mercato.CancellationPendingApproval
	})
	v.Payments, payments = pendingFirst(v.Payments, func(x mercato.PaymentRequest) bool {
		return x.Status == mercato.PaymentRequestPendingApproval
	})
	v.Pending = cancellations + payments
	c.render(w, r, http.StatusOK, page{Name: "buyer_requests", Title: "Requests to answer", Nav: "buyer-requests", User: u, Data: v})
}

// pendingFirst orders the pending items first, newest first within each group, and counts them.
func pendingFirst[T any](xs []T, pending func(T) bool) ([]T, int) {
	var newest, rest []T
	for i := len(xs) - 1; i >= 0; i-- {
		if pending(xs[i]) {
			newest = append(newest, xs[i])
		} else {
			rest = append(rest, xs[i])
		}
	}
	return append(newest, rest...), len(newest)
}

// maxAnswer bounds a rejection reason or purchase order reference.
const maxAnswer = 250

// answer reads the text of an answer to a request, and what is wrong with it. A rejection names
// who reads its reason, which makes the reason mandatory; other answers pass "".
func answer(r *http.Request, field, reader string) (string, string) {
	s := strings.TrimSpace(r.PostFormValue(field))
	switch {
	case reader != "" && s == "":
		return s, "Give a reason for rejecting, so that the " + reader + " knows why."
	case utf8.RuneCountInString(s) > maxAnswer:
		return s, fmt.Sprintf("Keep it to %d characters.", maxAnswer)
	}
	return s, ""
}

// answered redirects after an answer to a request: back to the requests page when it came from
// there, else to the agreement.
func answered(w http.ResponseWriter, r *http.Request, notice string) {
	to := agreementURL(r)
	if r.PostFormValue("from") == "requests" {
		to = "/console/buyer/requests"
	}
	http.Redirect(w, r, to+"?notice="+notice, http.StatusSeeOther)
}

// answerFailed shows the agreement with the reason an answer was refused.
func (c *Console) answerFailed(w http.ResponseWriter, r *http.Request, u *user, err error) {
	if status, msg, ok := c.formProblem(w, r, u, err); ok {
		c.showBuyerAgreement(w, r, u, status, msg)
	}
}

// approveCancellation approves a seller's cancellation request: the agreement is cancelled.
func (c *Console) approveCancellation(w http.ResponseWriter, r *http.Request, u *user) {
	if _, err := c.svc.AcceptCancellationRequest(r.Context(), u.ID, r.PathValue("id"), r.PathValue("rid")); err != nil {
		c.answerFailed(w, r, u, err)
		return
	}
	answered(w, r, "cancellation-approved")
}

// rejectCancellation rejects a seller's cancellation request, with a reason.
func (c *Console) rejectCancellation(w http.ResponseWriter, r *http.Request, u *user) {
	reason, problem := answer(r, "reason", "seller")
	if problem != "" {
		c.showBuyerAgreement(w, r, u, http.StatusBadRequest, problem)
		return
	}
	if _, err := c.svc.RejectCancellationRequest(r.Context(), u.ID, r.PathValue("id"), r.PathValue("rid"), reason); err != nil {
		c.answerFailed(w, r, u, err)
		return
	}
	answered(w, r, "cancellation-rejected")
}

// approvePayment approves a seller's payment request, with an optional purchase order reference.
func (c *Console) approvePayment(w http.ResponseWriter, r *http.Request, u *user) {
	po, problem := answer(r, "purchase_order", "")
	if problem != "" {
		c.showBuyerAgreement(w, r, u, http.StatusBadRequest, problem)
		return
	}
	if _, err := c.svc.AcceptPaymentRequest(r.Context(), u.ID, r.PathValue("id"), r.PathValue("pid"), po); err != nil {
		c.answerFailed(w, r, u, err)
		return
	}
	answered(w, r, "payment-approved")
}

// rejectPayment rejects a seller's payment request, with a reason.
func (c *Console) rejectPayment(w http.ResponseWriter, r *http.Request, u *user) {
	reason, problem := answer(r, "reason", "seller")
	if problem != "" {
		c.showBuyerAgreement(w, r, u, http.StatusBadRequest, problem)
		return
	}
	if _, err := c.svc.RejectPaymentRequest(r.Context(), u.ID, r.PathValue("id"), r.PathValue("pid"), reason); err != nil {
		c.answerFailed(w, r, u, err)
		return
	}
	answered(w, r, "payment-rejected")
}
