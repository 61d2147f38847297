package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

func TestTaxOnlyRefundThenFullRefund(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e) // 1200.00 + 78.00 tax
	_, err := e.svc.RefundTax(e.ctx, buyer, a.ID, inv.ID)
	errorOf(t, err, mercato.EForbidden)
	memo, err := e.svc.RefundTax(e.ctx, seller, a.ID, inv.ID)
	if err != nil || memo.PreTax != 0 || memo.Tax != amt("78") || memo.Type != mercato.InvoiceTypeCreditMemo {
		t.Fatalf("tax refund: %+v, %v", memo, err)
	}
	_, err = e.svc.RefundTax(e.ctx, seller, a.ID, inv.ID)
	if errorOf(t, err, mercato.EInvalid).Reason != "INVALID_ADJUSTMENT_AMOUNT" {
		t.Errorf("second tax refund: %v", err)
	}
	// the pre-tax amount is still refundable in full, and reverses no tax a second time
	for _, i := range e.invoices(a.ID) {
		if i.ID == inv.ID && i.MaxAdjustment() != amt("1200") {
			t.Errorf("max adjustment %s after a tax refund", i.MaxAdjustment())
		}
	}
	if _, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "1200", "full")}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(e.svc.Now())
	var tax mercato.Amount
	for _, i := range e.invoices(a.ID) {
		if i.Type == mercato.InvoiceTypeCreditMemo {
			tax += i.Tax
		}
	}
	if tax != amt("78") {
		t.Errorf("credit memos reverse %s of tax, want exactly the 78.00 invoiced", tax)
	}
	if bal, _ := e.svc.LedgerBalance(e.ctx, mercato.LedgerBuyerReceivable(buyer), "USD"); bal != 0 {
		t.Errorf("the buyer still owes %s after a full refund plus tax", bal)
	}
}

func TestTaxRefundRequestNeedsTheSeller(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "TAX"})
	if c.Status != mercato.RefundActionRequired {
		t.Fatalf("without an invoice: %+v", c)
	}
	c, err := e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}})
	if err != nil || c.Status != mercato.RefundAwaitingSeller {
		t.Fatalf("answered: %+v, %v", c, err)
	}
	c, err = e.svc.ApproveRefundRequest(e.ctx, seller, c.ID)
	if err != nil || c.Status != mercato.RefundCompleted || c.Amount != amt("78") {
		t.Fatalf("approved: %+v, %v", c, err)
	}
}

// A tax request's amount is the tax left, whatever the filer typed: the case records what was
// refunded, as the approval's preview shows it.
func TestTaxRefundRequestRecordsTheTaxRefunded(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e) // 78.00 tax
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID,
		Kind: mercato.RefundKindTax, InvoiceIDs: []string{inv.ID}, Amount: amt("10")})
	if c.Status != mercato.RefundAwaitingSeller {
		t.Fatalf("filed: %+v", c)
	}
	ap, err := e.svc.PreviewRefundApproval(e.ctx, seller, c.ID)
	if err != nil || ap.Total != amt("78") {
		t.Fatalf("preview: %+v, %v", ap, err)
	}
	c, err = e.svc.ApproveRefundRequest(e.ctx, seller, c.ID)
	if err != nil || c.Status != mercato.RefundCompleted || c.Amount != ap.Total {
		t.Fatalf("approved: amount %s, want the %s previewed (%v)", c.Amount, ap.Total, err)
	}
}
