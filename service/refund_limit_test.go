package service_test

import (
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// TestRefundRequestAboveTheRefundableIsRefused: a request for more than remains refundable on
// the invoices it names was filed as ACTION_REQUIRED, a case nobody could decide or withdraw.
// It is now refused before anything is filed, naming the amount and what remains.
func TestRefundRequestAboveTheRefundableIsRefused(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-backup", buyer) // 30.00 USD upfront, invoiced at once
	e.advanceTo(day(2026, 1, 20))        // past the 48 hours of an automatic refund
	inv := e.invoices(a.ID)[0]
	in := service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "REFUND",
		InvoiceIDs: []string{inv.ID}, Amount: amt("30.01")}
	_, err := e.svc.FileRefundRequest(e.ctx, buyer, in)
	got := errorOf(t, err, mercato.EInvalid)
	if len(got.Fields) != 1 || got.Fields[0].Name != "amount" || !strings.Contains(got.Message, "30.00 USD") {
		t.Errorf("30.01 on a 30.00 invoice: %+v", got)
	}
	if cases, _, _ := e.svc.RefundCases(e.ctx, buyer, service.RequestQuery{Party: service.Acceptor}); len(cases) != 0 {
		t.Fatalf("a refused request was filed: %+v", cases)
	}

	// An answer to a request that needs action is held to the same limit, and the case still waits for one.
	in.InvoiceIDs, in.Amount = nil, amt("10")
	c := file(e, buyer, in)
	if c.Status != mercato.RefundActionRequired {
		t.Fatalf("without an invoice: %s, want ACTION_REQUIRED", c.Status)
	}
	_, err = e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}, Amount: amt("45")})
	if got := errorOf(t, err, mercato.EInvalid); len(got.Fields) != 1 || got.Fields[0].Name != "amount" {
		t.Errorf("answer of 45.00: %+v", got)
	}
	c, err = e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}, Amount: amt("30")})
	if err != nil || c.Status != mercato.RefundAwaitingSeller || c.Amount != amt("30") {
		t.Fatalf("answer of 30.00: %+v, %v", c, err)
	}
}

// TestPreviewRefundApproval shows the seller what an approval refunds, per invoice, changing
// nothing; the approval then refunds exactly that.
func TestPreviewRefundApproval(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e) // 1,200.00 USD invoiced on 15 January
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "REFUND",
		Amount: amt("300"), InvoiceIDs: []string{inv.ID}, CancellationDate: day(2026, 12, 31)})
	if c.Status != mercato.RefundAwaitingSeller {
		t.Fatalf("case: %+v", c)
	}
	_, err := e.svc.PreviewRefundApproval(e.ctx, buyer, c.ID)
	errorOf(t, err, mercato.EForbidden)
	p, err := e.svc.PreviewRefundApproval(e.ctx, seller, c.ID)
	if err != nil || len(p.Refunds) != 1 || p.Refunds[0] != (service.InvoiceRefund{InvoiceID: inv.ID, Amount: amt("300")}) ||
		p.Total != amt("300") || p.Tax || p.Cancels {
		t.Fatalf("preview: %+v, %v", p, err)
	}
	if got := refunded(e, a.ID); got != 0 {
		t.Fatalf("the preview refunded %s", got)
	}
	if _, err := e.svc.ApproveRefundRequest(e.ctx, seller, c.ID); err != nil {
		t.Fatal(err)
	}
	if got := refunded(e, a.ID); got != p.Total {
		t.Errorf("approved %s, previewed %s", got, p.Total)
	}
	_, err = e.svc.PreviewRefundApproval(e.ctx, seller, c.ID)
	errorOf(t, err, mercato.EConflict)
}
