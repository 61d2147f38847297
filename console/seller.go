package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"mercato"
	"mercato/service"
)

// agreementList returns the handler of an agreements list, with filters and paging: the
// agreements of one side of the signed-in account.
func (c *Console) agreementList(party service.Party, name, title, path string) func(http.ResponseWriter, *http.Request, *user) {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		p := page{Name: name, Title: title, Nav: strings.ReplaceAll(name, "_", "-"), User: u}
		l, err := c.listAgreements(r, u, party, path)
		status := http.StatusOK
		if err != nil {
			if status, p.Error = problemOf(err); status >= 500 {
				c.fail(w, r, u, err)
				return
			}
		}
		p.Data = l
		c.render(w, r, status, p)
	}
}

// sellerAgreementView is the data of a seller's agreement page.
type sellerAgreementView struct {
	A             mercato.Agreement
	Product       string
	Buyer         string
	Terms         []termView
	Invoices      []invoiceView
	CanAdjust     bool // some invoice has an amount left to refund
	Adjustments   []mercato.BillingAdjustment
	Cancellations []mercato.CancellationRequest
	Pending       *mercato.CancellationRequest
	Payments      []mercato.PaymentRequest
	History       []historyEntry
	Cancel        cancelForm
	CancelReasons []string
	// PendingCharges are a replaced agreement's scheduled charges, which go on being invoiced
	// until the seller stops them; StopError is why stopping them was refused.
	PendingCharges []mercato.Charge
	StopError      string
	// Renewal is the plan of the coming renewal, if its renewal term has a range to pick from;
	// RenewalError and RenewalInput are what the last adjustment form left.
	Renewal      *service.RenewalPlan
	RenewalError string
	RenewalInput string
}

// cancelForm is the form to send a cancellation request, as last posted.
type cancelForm struct {
	ReasonCode  string
	Description string
	Error       string
}

// sellerAgreement shows one of the seller's agreements: terms, invoices with what remains
// refundable, billing adjustments, cancellation requests and history.
func (c *Console) sellerAgreement(w http.ResponseWriter, r *http.Request, u *user) {
	c.showSellerAgreement(w, r, u, http.StatusOK, cancelForm{})
}

func (c *Console) showSellerAgreement(w http.ResponseWriter, r *http.Request, u *user, status int, form cancelForm) {
	c.renderSellerAgreement(w, r, u, status, func(v *sellerAgreementView) { v.Cancel = form })
}

// renderSellerAgreement shows the seller's agreement page with status, after edit has set what
// the last form left on it.
func (c *Console) renderSellerAgreement(w http.ResponseWriter, r *http.Request, u *user, status int, edit func(*sellerAgreementView)) {
	a, err := c.agreementAs(r, u, service.Proposer)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v, err := c.sellerAgreementData(r.Context(), u, a)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	edit(&v)
	c.render(w, r, status, page{Name: "seller_agreement", Title: "Agreement " + a.ID, Nav: "seller-agreements", User: u,
		Crumbs: []crumb{{"Agreements", "/console/seller/agreements"}}, Data: v})
}

func (c *Console) sellerAgreementData(ctx context.Context, u *user, a mercato.Agreement) (sellerAgreementView, error) {
	n := c.names(ctx)
	v := sellerAgreementView{A: a, Product: n.Product(a.ProductID), Buyer: n.Account(a.AcceptorID),
		Terms: viewTerms(a.Terms), CancelReasons: mercato.CancellationReasons}
	invoices, err := collect(func(cur string) ([]mercato.Invoice, string, error) {
		return c.svc.InvoiceLineItems(ctx, u.ID, service.InvoiceQuery{AgreementID: a.ID, Page: service.Page{Cursor: cur}})
	})
	if err != nil {
		return v, err
	}
	v.Invoices = groupInvoices(invoices)
	for _, inv := range v.Invoices {
		v.CanAdjust = v.CanAdjust || inv.Remaining > 0
	}
	if v.Adjustments, err = collect(func(cur string) ([]mercato.BillingAdjustment, string, error) {
		return c.svc.Adjustments(ctx, u.ID, service.AdjustmentQuery{AgreementID: a.ID, Page: service.Page{Cursor: cur}})
	}); err != nil {
		return v, err
	}
	if err := c.loadRequests(ctx, u, a.ID, service.Proposer, &v.Cancellations, &v.Payments); err != nil {
		return v, err
	}
	v.Pending = pendingCancellation(v.Cancellations)
	if err := c.loadRenewal(ctx, u, &v); err != nil {
		return v, err
	}
	if a.Status == mercato.AgreementReplaced {
		if v.PendingCharges, err = c.svc.PendingCharges(ctx, u.ID, a.ID); err != nil {
			return v, err
		}
	}
	ids := make([]string, 0, len(v.Adjustments)+len(v.Cancellations)+len(v.Payments))
	for _, x := range v.Adjustments {
		ids = append(ids, x.ID)
	}
	for _, x := range v.Cancellations {
		ids = append(ids, x.ID)
	}
	for _, x := range v.Payments {
		ids = append(ids, x.ID)
	}
	v.History, err = c.history(ctx, a.ID, ids)
	return v, err
}

// loadRequests reads the cancellation and payment requests of an agreement on one side.
func (c *Console) loadRequests(ctx context.Context, u *user, agreementID string, party service.Party,
	cancellations *[]mercato.CancellationRequest, payments *[]mercato.PaymentRequest) error {
	q := func(cur string) service.RequestQuery {
		return service.RequestQuery{Party: party, AgreementID: agreementID, Page: service.Page{Cursor: cur}}
	}
	var err error
	if *cancellations, err = collect(func(cur string) ([]mercato.CancellationRequest, string, error) {
		return c.svc.CancellationRequests(ctx, u.ID, q(cur))
	}); err != nil {
		return err
	}
	*payments, err = collect(func(cur string) ([]mercato.PaymentRequest, string, error) {
		return c.svc.PaymentRequests(ctx, u.ID, q(cur))
	})
	return err
}

func pendingCancellation(rs []mercato.CancellationRequest) *mercato.CancellationRequest {
	for i := range rs {
		if rs[i].Status == mercato.CancellationPendingApproval {
			return &rs[i]
		}
	}
	return nil
}

// sendCancellation sends the buyer a request to cancel the agreement.
func (c *Console) sendCancellation(w http.ResponseWriter, r *http.Request, u *user) {
	form := cancelForm{ReasonCode: r.PostFormValue("reason_code"), Description: strings.TrimSpace(r.PostFormValue("description"))}
	_, err := c.svc.SendCancellationRequest(r.Context(), u.ID, service.SendCancellationInput{AgreementID: r.PathValue("id"),
		ReasonCode: form.ReasonCode, Description: form.Description, ClientToken: "console-" + randomHex(16)})
	if err != nil {
		c.cancellationFailed(w, r, u, form, err)
		return
	}
	http.Redirect(w, r, agreementURL(r)+"?notice=cancellation-sent#cancellation", http.StatusSeeOther)
}

// cancellationFailed shows the agreement again with the service's reason, or fails the page.
func (c *Console) cancellationFailed(w http.ResponseWriter, r *http.Request, u *user, form cancelForm, err error) {
	if status, msg, ok := c.formProblem(w, r, u, err); ok {
		form.Error = msg
		c.showSellerAgreement(w, r, u, status, form)
	}
}

// withdrawCancellation withdraws the seller's pending cancellation request.
func (c *Console) withdrawCancellation(w http.ResponseWriter, r *http.Request, u *user) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	_, err := c.svc.WithdrawCancellationRequest(r.Context(), u.ID, r.PathValue("id"), r.PathValue("rid"), reason)
	if err != nil {
		c.cancellationFailed(w, r, u, cancelForm{}, err)
		return
	}
	http.Redirect(w, r, agreementURL(r)+"?notice=cancellation-withdrawn#cancellation", http.StatusSeeOther)
}

// stopReplacedPayments cancels the pending charges of a replaced agreement, which would
// otherwise go on being invoiced on the previous offer's schedule.
func (c *Console) stopReplacedPayments(w http.ResponseWriter, r *http.Request, u *user) {
	if _, err := c.svc.CancelReplacedCharges(r.Context(), u.ID, r.PathValue("id")); err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.renderSellerAgreement(w, r, u, status, func(v *sellerAgreementView) { v.StopError = msg })
		}
		return
	}
	http.Redirect(w, r, agreementURL(r)+"?notice=payments-stopped#pending-charges", http.StatusSeeOther)
}

// agreementURL returns the URL of the agreement page that the request's path is under.
func agreementURL(r *http.Request) string {
	side := "seller"
	if strings.HasPrefix(r.URL.Path, "/console/buyer/") {
		side = "buyer"
	}
	return "/console/" + side + "/agreements/" + url.PathEscape(r.PathValue("id"))
}

// adjustmentList is the data of the billing adjustments list.
type adjustmentList struct {
	AgreementID string
	Status      string
	Statuses    []mercato.AdjustmentStatus
	Rows        []mercato.BillingAdjustment
	Next        string
	First       string
}

// adjustmentsPage lists the seller's billing adjustments with their statuses.
func (c *Console) adjustmentsPage(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	l := adjustmentList{AgreementID: strings.TrimSpace(q.Get("agreement")), Status: q.Get("status"),
		Statuses: []mercato.AdjustmentStatus{mercato.AdjustmentPending, mercato.AdjustmentCompleted, mercato.AdjustmentValidationFailed}}
	cursor := q.Get("cursor")
	rows, next, err := c.svc.Adjustments(r.Context(), u.ID, service.AdjustmentQuery{AgreementID: l.AgreementID,
		Status: mercato.AdjustmentStatus(l.Status), Page: service.Page{Cursor: cursor, Limit: pageSize}})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	l.Rows = rows
	link := func(cur string) string {
		return agreementQuery{AgreementID: l.AgreementID, Status: l.Status}.url("/console/seller/adjustments", cur)
	}
	if next != "" {
		l.Next = link(next)
	}
	if cursor != "" {
		l.First = link("")
	}
	c.render(w, r, http.StatusOK, page{Name: "seller_adjustments", Title: "Billing adjustments", Nav: "seller-adjustments", User: u, Data: l})
}

// adjustmentView is the data of one billing adjustment's page.
type adjustmentView struct {
	B         mercato.BillingAdjustment
	Submitted bool
	Invoice   *invoiceView
}

// adjustmentPage shows one billing adjustment: after submission, the confirmation.
func (c *Console) adjustmentPage(w http.ResponseWriter, r *http.Request, u *user) {
	ba, err := c.svc.Adjustment(r.Context(), u.ID, r.PathValue("id"), r.PathValue("ba"))
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v := adjustmentView{B: ba, Submitted: r.URL.Query().Get("submitted") == "1"}
	invoices, err := collect(func(cur string) ([]mercato.Invoice, string, error) {
		return c.svc.InvoiceLineItems(r.Context(), u.ID, service.InvoiceQuery{AgreementID: ba.AgreementID, Page: service.Page{Cursor: cur}})
	})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	for _, inv := range groupInvoices(invoices) {
		if inv.ID == ba.OriginalInvoiceID {
			v.Invoice = &inv
		}
	}
	c.render(w, r, http.StatusOK, page{Name: "seller_adjustment", Title: "Billing adjustment " + ba.ID, Nav: "seller-adjustments", User: u,
		Crumbs: []crumb{{"Agreements", "/console/seller/agreements"}, {ba.AgreementID, "/console/seller/agreements/" + ba.AgreementID}}, Data: v})
}
