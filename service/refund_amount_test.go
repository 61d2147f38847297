package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// TestRefundWithoutAnAmountNeedsOne: a REFUND that no automatic rule computes needs its amount;
// filed without one it is action required (it used to complete, refunding nothing), and the
// answer with the amount refunds it.
func TestRefundWithoutAnAmountNeedsOne(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	c, err := e.svc.FileRefundRequest(e.ctx, seller, service.RefundRequestInput{BuyerID: buyer, SellerID: seller,
		AgreementID: a.ID, Kind: mercato.RefundKindRefund, InvoiceIDs: []string{inv.ID}, CancellationDate: day(2026, 6, 1)})
	if err != nil || c.Status != mercato.RefundActionRequired || len(c.Adjustments) != 0 {
		t.Fatalf("a refund of nothing: %+v, %v", c, err)
	}
	c, err = e.svc.AnswerRefundRequest(e.ctx, seller, c.ID, service.RefundRequestInput{Amount: amt("120.00")})
	if err != nil || c.Status != mercato.RefundCompleted || c.Amount != amt("120.00") || len(c.Adjustments) != 1 {
		t.Fatalf("answered with 120.00: %+v, %v", c, err)
	}
}
