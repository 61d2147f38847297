package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// plant writes data behind the service's back, as a defect would.
func (e *env) plant(fn func(tx mercato.Tx) error) {
	e.t.Helper()
	e.planted = true
	if err := e.store.Update(e.ctx, fn); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) violations() map[string][]service.Violation {
	e.t.Helper()
	vs, err := e.svc.Check(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string][]service.Violation{}
	for _, v := range vs {
		out[v.Rule] = append(out[v.Rule], v)
	}
	return out
}

// TestCheckFindsADoublyPaidRefund plants the defect settlement once had: the overpayment of an
// invoice refunded twice, booked in a balanced ledger. Check names the invoice and the amounts.
func TestCheckFindsADoublyPaidRefund(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	e.advanceTo(day(2026, 1, 16))
	e.refund(a, inv, "100.00", "r1")
	e.advanceTo(day(2026, 1, 18)) // 106.50 refunded to the buyer
	if vs := e.violations(); len(vs) != 0 {
		t.Fatalf("sound books: %v", vs)
	}

	refund := e.payments(inv.ID)[1]
	if refund.Kind != mercato.PaymentRefunded || refund.Amount != amt("-106.50") {
		t.Fatalf("refund: %+v", refund)
	}
	again := refund
	again.ID = "pay-planted"
	lt := again.Ledger()
	lt.ID = "lt-planted"
	e.plant(func(tx mercato.Tx) error {
		if err := tx.InsertPayments(again); err != nil {
			return err
		}
		return tx.InsertLedgerTxns(lt)
	})

	vs := e.violations()
	want := map[string]string{
		service.RuleRefundOverpayment: "invoice " + inv.ID + ": refunds of 213.00 exceed the overpayment of 106.50 USD (paid 1278.00, owed 1171.50)",
		service.RuleCollectedIsPaid:   "invoice " + inv.ID + ": collected 1171.50, but payments 1278.00 less refunds 213.00 are 1065.00 USD",
	}
	for rule, text := range want {
		if len(vs[rule]) != 1 {
			t.Errorf("%s: %v", rule, vs[rule])
			continue
		}
		if got := vs[rule][0].Subject + ": " + vs[rule][0].Detail; got != text {
			t.Errorf("%s:\n got %s\nwant %s", rule, got, text)
		}
	}
	if len(vs[service.RuleLedgerBalanced]) != 0 {
		t.Errorf("the planted refund is balanced, yet: %v", vs[service.RuleLedgerBalanced])
	}
}

// TestCheckFindsMoneyFinerThanTheCurrency plants a credit memo of 0.00999999 USD.
func TestCheckFindsMoneyFinerThanTheCurrency(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	memo := inv
	memo.ID, memo.Key, memo.Type, memo.OriginalInvoiceID = "cm-planted", "credit:planted", mercato.InvoiceTypeCreditMemo, inv.ID
	memo.PreTax, memo.Tax, memo.ListingFee, memo.AgreementID = amt("0.00999999"), 0, 0, a.ID
	e.plant(func(tx mercato.Tx) error { return tx.InsertInvoices(memo) })
	vs := e.violations()
	if len(vs[service.RuleMinorUnits]) != 1 || vs[service.RuleMinorUnits][0].Subject != "CREDIT_MEMO cm-planted" {
		t.Errorf("minor units: %v", vs[service.RuleMinorUnits])
	}
	if len(vs[service.RuleCreditedTotals]) != 1 {
		t.Errorf("credited totals: %v", vs[service.RuleCreditedTotals])
	}
}
