package service_test

import (
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

const operator = "999900001111"

// withOperator adds the marketplace's support account.
func withOperator(e *env) {
	e.t.Helper()
	e.apply(mercato.Scenario{Accounts: []mercato.Account{{ID: operator, Name: "Ops", Roles: []mercato.Role{mercato.RoleOperator}}}})
}

// auditActor returns the actor of the case's last audit record with the action.
func auditActor(e *env, caseID, action string) string {
	e.t.Helper()
	recs, err := e.svc.Audit(e.ctx, mercato.AuditFilter{ResourceID: caseID})
	if err != nil {
		e.t.Fatal(err)
	}
	actor := ""
	for _, r := range recs {
		if r.Action == action {
			actor = r.Actor
		}
	}
	return actor
}

// TestAutomaticCaseShowsItsAmount: a buyer who cancels within 48 hours asks for no amount; the
// policy refunds the whole 30.00, and the completed case says so instead of 0.
func TestAutomaticCaseShowsItsAmount(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	e.advanceTo(day(2026, 1, 10))
	e.accept("offer-backup", buyer)
	e.advanceTo(day(2026, 1, 11))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-backup", Kind: "CANCELLATION"})
	if c.Status != mercato.RefundCompleted || c.Amount != amt("30.00") {
		t.Fatalf("case %s, amount %s; want COMPLETED with the 30.00 refunded", c.Status, c.Amount)
	}
	// A prorated cancellation (11 of January's 31 days left on the 21st): 30.00 x 11/31 = 10.65.
	e2 := newEnv(t)
	refundMarket(e2)
	e2.accept("offer-backup", buyer)
	e2.advanceTo(day(2026, 1, 21))
	c = file(e2, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-backup", Kind: "CANCELLATION"})
	if got, _ := e2.svc.RefundCase(e2.ctx, seller, c.ID); got.Amount != amt("10.65") {
		t.Errorf("the seller sees the prorated case with amount %s, want 10.65", got.Amount)
	}
}

// TestSellerFilesByBillingPeriod: the seller files for a buyer by product and billing period;
// the period is not invoiced yet, so the case is pending until January's consolidated invoice,
// then the seller's own request is its authorization and 40.00 of the 100.00 is refunded.
func TestSellerFilesByBillingPeriod(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	a := e.accept("offer-public", buyer) // 100.00 a month in arrears, from Jan 1
	e.advanceTo(day(2026, 1, 20))
	jan := mercato.BillingPeriod{Month: 1, Year: 2026}
	c := file(e, seller, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: product, Kind: "REFUND",
		Periods: []mercato.BillingPeriod{jan}, Amount: amt("40.00"), Comments: "outage on the 12th"})
	if c.Status != mercato.RefundPending || c.FiledBy != seller || c.AgreementID != a.ID || !strings.Contains(c.StatusReason, "2026-01") {
		t.Fatalf("filed: %+v", c)
	}
	bc, err := e.svc.RefundCase(e.ctx, buyer, c.ID)
	if err != nil || bc.Status != mercato.RefundPending || bc.Comments != "outage on the 12th" {
		t.Fatalf("the buyer sees %+v, %v", bc, err)
	}

	e.advanceTo(day(2026, 2, 3))
	c, _ = e.svc.RefundCase(e.ctx, buyer, c.ID)
	if c.Status != mercato.RefundCompleted || c.Rule != "SELLER_AUTHORIZATION" || c.Amount != amt("40.00") || len(c.Adjustments) != 1 {
		t.Fatalf("after January's invoice: %+v", c)
	}
	if got := refunded(e, a.ID); got != amt("40.00") {
		t.Errorf("refunded %s, want 40.00", got)
	}
}

// TestSellerFilesByInvoiceOfAnEarlierAgreement: an invoice names its agreement, even when the
// buyer has a later one for the product.
func TestSellerFilesByInvoiceOfAnEarlierAgreement(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: a.ID, Actor: seller}); err != nil {
		t.Fatal(err)
	}
	later := e.accept("offer-public", buyer)
	c := file(e, seller, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: product, Kind: "REFUND",
		InvoiceIDs: []string{inv.ID}, Amount: amt("100.00"), CancellationDate: day(2026, 6, 1)}) // an annual plan
	if c.AgreementID != a.ID || c.Status != mercato.RefundCompleted || c.Amount != amt("100.00") {
		t.Fatalf("case on %s (later %s): %+v", c.AgreementID, later.ID, c)
	}
	_, err := e.svc.FileRefundRequest(e.ctx, seller, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: product,
		Kind: "REFUND", InvoiceIDs: []string{"inv-none"}, Amount: amt("1")})
	if f := errorOf(t, err, mercato.EInvalid).Fields; len(f) != 1 || f[0].Name != "invoiceIds" {
		t.Errorf("an unknown invoice: %v", f)
	}
}

// TestOperatorDecidesRefundRequests: support approves a case awaiting the seller (refunding the
// amount asked), rejects another with a reason, answers one that needs action; a seller or a
// buyer cannot act as support, and a decided case cannot be decided again.
func TestOperatorDecidesRefundRequests(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	withOperator(e)
	ask := func(amount string, invoices ...string) mercato.RefundCase {
		return file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "REFUND",
			Amount: amt(amount), InvoiceIDs: invoices, CancellationDate: day(2026, 6, 1)}) // an annual plan needs the date
	}
	approve, reject, missing := ask("300", inv.ID), ask("50", inv.ID), ask("25")
	if approve.Status != mercato.RefundAwaitingSeller || missing.Status != mercato.RefundActionRequired {
		t.Fatalf("filed: %s, %s", approve.Status, missing.Status)
	}

	for _, who := range []string{seller, buyer, "000000000000"} {
		_, err := e.svc.OperatorApproveRefundRequest(e.ctx, who, approve.ID)
		errorOf(t, err, mercato.EForbidden)
		_, err = e.svc.OperatorRejectRefundRequest(e.ctx, who, reject.ID, "duplicate")
		errorOf(t, err, mercato.EForbidden)
		_, err = e.svc.OperatorAnswerRefundRequest(e.ctx, who, missing.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}})
		errorOf(t, err, mercato.EForbidden)
	}

	c, err := e.svc.OperatorApproveRefundRequest(e.ctx, operator, approve.ID)
	if err != nil || c.Status != mercato.RefundCompleted || c.Rule != "SUPPORT_AUTHORIZATION" || c.Amount != amt("300") {
		t.Fatalf("approved: %+v, %v", c, err)
	}
	if got := refunded(e, a.ID); got != amt("300") {
		t.Errorf("refunded %s, want 300.00", got)
	}
	if actor := auditActor(e, c.ID, "ApproveRefundRequest"); actor != operator {
		t.Errorf("approval audited as %q", actor)
	}
	_, err = e.svc.OperatorApproveRefundRequest(e.ctx, operator, approve.ID)
	errorOf(t, err, mercato.EConflict)

	_, err = e.svc.OperatorRejectRefundRequest(e.ctx, operator, reject.ID, "  ")
	errorOf(t, err, mercato.EInvalid)
	_, err = e.svc.RejectRefundRequest(e.ctx, seller, reject.ID, "")
	errorOf(t, err, mercato.EInvalid) // the seller too must say why
	c, err = e.svc.OperatorRejectRefundRequest(e.ctx, operator, reject.ID, "duplicate of "+approve.ID)
	if err != nil || c.Status != mercato.RefundRejected || !strings.Contains(c.StatusReason, "duplicate of "+approve.ID) {
		t.Fatalf("rejected: %+v, %v", c, err)
	}
	// The seller can no longer decide a case support rejected: the transition table refuses it.
	_, err = e.svc.ApproveRefundRequest(e.ctx, seller, reject.ID)
	errorOf(t, err, mercato.EConflict)
	_, err = e.svc.OperatorRejectRefundRequest(e.ctx, operator, approve.ID, "too late")
	errorOf(t, err, mercato.EConflict)

	// Answering supplies the invoice; the request then waits for the seller, as the buyer's own
	// answer would make it.
	_, err = e.svc.OperatorAnswerRefundRequest(e.ctx, operator, reject.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}})
	errorOf(t, err, mercato.EConflict)
	c, err = e.svc.OperatorAnswerRefundRequest(e.ctx, operator, missing.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}})
	if err != nil || c.Status != mercato.RefundAwaitingSeller || c.InvoiceIDs[0] != inv.ID {
		t.Fatalf("answered: %+v, %v", c, err)
	}
	if actor := auditActor(e, c.ID, "AnswerRefundRequest"); actor != operator {
		t.Errorf("answer audited as %q", actor)
	}
	if got, err := e.svc.RefundCase(e.ctx, operator, c.ID); err != nil || got.ID != c.ID {
		t.Errorf("support cannot read the case: %v", err)
	}
	events := e.eventsOf(buyer)
	if !strings.Contains(events, "Refund Request Rejected - Acceptor") || !strings.Contains(events, "Refund Request Completed - Acceptor") {
		t.Errorf("the buyer was not told of support's decisions: %s", events)
	}
}

// TestOperatorRejectsPendingCase: support may close a case that waits for its billing cycle;
// the review at the cycle's end then leaves it rejected.
func TestOperatorRejectsPendingCase(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	withOperator(e)
	a := e.accept("offer-public", buyer)
	e.advanceTo(day(2026, 1, 20))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: product, Kind: "REFUND",
		Periods: []mercato.BillingPeriod{{Month: 1, Year: 2026}}, Amount: amt("10")})
	if c.Status != mercato.RefundPending {
		t.Fatalf("filed: %+v", c)
	}
	if _, err := e.svc.OperatorRejectRefundRequest(e.ctx, operator, c.ID, "filed twice"); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 2, 3))
	c, _ = e.svc.RefundCase(e.ctx, buyer, c.ID)
	if c.Status != mercato.RefundRejected || refunded(e, a.ID) != 0 {
		t.Errorf("after the cycle: %+v", c)
	}
}

// eventsOf returns the detail types of the account's outgoing events, one a line.
func (e *env) eventsOf(account string) string {
	e.t.Helper()
	evs, err := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: account})
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString(ev.DetailType + "\n")
	}
	return b.String()
}
