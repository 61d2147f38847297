package service_test

import (
	"fmt"
	"testing"

	"mercato"
	"mercato/service"
)

// TestSettlementRefundsAnOverpaymentOnce: an invoice whose credit memos outnumber the store's
// read chunk (500) is settled once, so the buyer is refunded its overpayment once (on
// PostgreSQL the settlement failed instead, and no later one ran). The invoice is 1200.00 +
// 78.00 tax, paid on time; 600 adjustments of 1.00 take back 600.00 + 39.00 tax.
func TestSettlementRefundsAnOverpaymentOnce(t *testing.T) {
	eachStore(t, testSettlementRefundsAnOverpaymentOnce)
}

func testSettlementRefundsAnOverpaymentOnce(t *testing.T, e *env) {
	a, inv := paidInstallment(e)
	e.advanceTo(day(2026, 1, 16)) // paid on its due date
	if r := e.receivable(inv.ID); r.Collected != amt("1278") {
		t.Fatalf("before the refunds: %+v", r)
	}
	for i := 0; i < 600; i += mercato.MaxAdjustmentsPerRequest {
		var batch []service.AdjustmentEntry
		for j := i; j < i+mercato.MaxAdjustmentsPerRequest; j++ {
			batch = append(batch, entry(a, inv, "1.00", fmt.Sprintf("t%d", j)))
		}
		if res, err := e.svc.CreateAdjustments(e.ctx, seller, batch); err != nil || len(res.Errors) != 0 {
			t.Fatalf("adjustments %d: %+v, %v", i, res.Errors, err)
		}
	}
	e.advanceTo(e.svc.Now()) // the credit memos
	e.advanceTo(day(2026, 1, 18))

	ps := e.payments(inv.ID)
	var refunds []mercato.Amount
	for _, p := range ps {
		if p.Kind == mercato.PaymentRefunded {
			refunds = append(refunds, p.Amount)
		}
	}
	if len(refunds) != 1 || refunds[0] != amt("-639") {
		t.Errorf("refunds of the overpayment: %v, want one of -639.00", refunds)
	}
	if r := e.receivable(inv.ID); r.Collected != amt("639") || r.Outstanding() != 0 {
		t.Errorf("receivable after the refund: collected %s, outstanding %s; want 639.00 and 0", r.Collected, r.Outstanding())
	}
	if got := e.balance(mercato.LedgerBuyerReceivable(buyer)); got != 0 {
		t.Errorf("buyer's receivable: %s, want 0", got)
	}
}

// payments returns the payments and refunds of an invoice, read from the store.
func (e *env) payments(invoiceID string) []mercato.Payment {
	e.t.Helper()
	var ps []mercato.Payment
	err := e.store.View(e.ctx, func(tx mercato.Tx) error {
		var err error
		ps, err = tx.ListPayments(mercato.PaymentFilter{InvoiceID: invoiceID})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ps
}
