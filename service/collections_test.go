package service_test

import (
	"strconv"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// settledEnv is the marketplace with buyer's private contract accepted on Jan 10 (installments
// of 1200.00 + 6.5% tax on Jan 15, Apr 15, Jul 15; 3% fee) and buyer2's subscription (100.00 a
// month + 19% VAT; 3% fee) since Jan 1.
func settledEnv(t *testing.T) (e *env, private, public mercato.Agreement) {
	e = newEnv(t)
	e.marketplace()
	public = e.accept("offer-public", buyer2)
	e.advanceTo(day(2026, 1, 10))
	private = e.accept("offer-private", buyer)
	return e, private, public
}

func (e *env) invoiceWithKey(agreementID, key string) mercato.Invoice {
	e.t.Helper()
	for _, inv := range e.invoices(agreementID) {
		if inv.Key == key {
			return inv
		}
	}
	e.t.Fatalf("agreement %s has no invoice %s", agreementID, key)
	return mercato.Invoice{}
}

// installment returns the invoice of the agreement's nth installment.
func (e *env) installment(agreementID string, n int) mercato.Invoice {
	e.t.Helper()
	for _, inv := range e.invoices(agreementID) {
		if strings.HasPrefix(inv.Key, "charge:installment:") && strings.HasSuffix(inv.Key, ":"+strconv.Itoa(n)) {
			return inv
		}
	}
	e.t.Fatalf("agreement %s has no installment %d invoice", agreementID, n)
	return mercato.Invoice{}
}

func (e *env) receivable(invoiceID string) mercato.Receivable {
	e.t.Helper()
	rs, err := e.svc.Receivables(e.ctx, mercato.ReceivableFilter{InvoiceIDs: []string{invoiceID}})
	if err != nil || len(rs) != 1 {
		e.t.Fatalf("receivable of %s: %+v, %v", invoiceID, rs, err)
	}
	return rs[0]
}

func (e *env) balance(account string) mercato.Amount {
	e.t.Helper()
	b, err := e.svc.LedgerBalance(e.ctx, account, "USD")
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) refund(a mercato.Agreement, inv mercato.Invoice, amount, token string) {
	e.t.Helper()
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, amount, token)})
	if err != nil || len(res.Items) != 1 {
		e.t.Fatalf("refund %s of %s: %+v, %v", amount, inv.ID, res, err)
	}
	e.advanceTo(e.svc.Now()) // the credit memo
}

func (e *env) behave(buyerID string, b mercato.PaymentBehavior) {
	e.t.Helper()
	if err := e.svc.SetPaymentBehavior(e.ctx, buyerID, b); err != nil {
		e.t.Fatal(err)
	}
}

func TestCollectionsFollowPaymentBehaviors(t *testing.T) {
	e, private, public := settledEnv(t)
	e.behave(buyer2, mercato.PaymentBehavior{Mode: mercato.PayLate, Days: 10})
	e.advanceTo(day(2026, 1, 16))
	inst1 := e.installment(private.ID, 1)
	r := e.receivable(inst1.ID)
	if r.Status != mercato.ReceivableCollected || r.Collected != amt("1278") || !r.CollectedAt.Equal(day(2026, 1, 15)) {
		t.Fatalf("on-time buyer's installment: %+v", r)
	}
	if got := e.balance(mercato.LedgerBuyerReceivable(buyer)); got != 0 {
		t.Errorf("buyer owes %s after paying", got)
	}

	// buyer2 pays January's invoice (issued and due Feb 2) ten days late.
	e.advanceTo(day(2026, 2, 11))
	jan := e.invoiceWithKey(public.ID, "period:2026-01")
	if r := e.receivable(jan.ID); r.Status != mercato.ReceivableOpen || r.Collected != 0 {
		t.Errorf("late buyer before Feb 12: %+v", r)
	}
	e.advanceTo(day(2026, 2, 12))
	if r := e.receivable(jan.ID); r.Status != mercato.ReceivableCollected || !r.CollectedAt.Equal(day(2026, 2, 12)) {
		t.Errorf("late buyer after Feb 12: %+v", r)
	}

	// A partial payer pays half on the due date and stays open; a payer who never pays, nothing.
	e.behave(buyer, mercato.PaymentBehavior{Mode: mercato.PayPartial, Fraction: mercato.Rate(amt("0.5"))})
	e.behave(buyer2, mercato.PaymentBehavior{Mode: mercato.PayNever})
	e.advanceTo(day(2026, 4, 20))
	inst2 := e.installment(private.ID, 2)
	if r := e.receivable(inst2.ID); r.Status != mercato.ReceivableOpen || r.Collected != amt("639") {
		t.Errorf("partial payer: %+v", r)
	}
	mar := e.invoiceWithKey(public.ID, "period:2026-03")
	if r := e.receivable(mar.ID); r.Status != mercato.ReceivableOpen || r.Collected != 0 {
		t.Errorf("buyer who never pays: %+v", r)
	}
	if got := e.balance(mercato.LedgerBuyerReceivable(buyer2)); got != amt("119")*2 {
		t.Errorf("buyer2 owes %s, want February's and March's 119.00", got)
	}

	// A payment recorded by hand completes the partial one.
	p, err := e.svc.RecordPayment(e.ctx, inst2.ID, 0)
	if err != nil || p.Amount != amt("639") {
		t.Fatalf("RecordPayment = %+v, %v", p, err)
	}
	if r := e.receivable(inst2.ID); r.Status != mercato.ReceivableCollected {
		t.Errorf("after the rest was paid: %+v", r)
	}
	_, err = e.svc.RecordPayment(e.ctx, inst2.ID, amt("1"))
	errorOf(t, err, mercato.EConflict)
	_, err = e.svc.RecordPayment(e.ctx, mar.ID, amt("119.01"))
	errorOf(t, err, mercato.EInvalid)
}

func TestDisbursementsAndRefunds(t *testing.T) {
	e, private, public := settledEnv(t)
	e.advanceTo(day(2026, 2, 5))
	inst1 := e.installment(private.ID, 1)
	jan := e.invoiceWithKey(public.ID, "period:2026-01")

	// A refund before the disbursement: 40.00 of buyer2's paid January invoice. The buyer gets
	// the 40.00 and its 7.60 VAT back in cash; the seller's line is -(40.00 - 1.20 fee).
	e.refund(public, jan, "40.00", "before")
	e.advanceTo(day(2026, 2, 10))
	if r := e.receivable(jan.ID); r.Collected != amt("71.40") {
		t.Errorf("January after the refund: %+v, want 119.00 - 47.60 collected", r)
	}
	payouts := e.payouts()
	if len(payouts) != 1 || payouts[0].Amount != amt("1222.20") || !payouts[0].Time.Equal(day(2026, 2, 10)) ||
		payouts[0].BankAccount != (mercato.BankAccount{Type: mercato.BankACH, Currency: "USD"}) || len(payouts[0].LineItems) != 3 {
		t.Fatalf("payouts on Feb 10 = %+v, want 1164.00 + 97.00 - 38.80 to ACH", payouts)
	}

	// A refund after the disbursement comes back as a negative line: 600.00 of the first
	// installment (fee 18.00) makes the seller's balance negative, which the next lines recover.
	e.refund(private, inst1, "600.00", "after")
	e.advanceTo(day(2026, 4, 10))
	if got := len(e.payouts()); got != 1 {
		t.Errorf("%d payouts by Apr 10 with a negative balance, want 1", got)
	}
	if got := e.balance(mercato.LedgerSellerPayable(seller)); got != amt("388") {
		t.Errorf("seller payable on Apr 10 = %s, want 582.00 refunded less 2 x 97.00 collected (a debit)", got)
	}
	e.advanceTo(day(2026, 5, 10))
	payouts = e.payouts()
	if len(payouts) != 2 || payouts[1].Amount != amt("873") {
		t.Fatalf("payouts by May 10 = %+v, want a second of 1164.00 + 2 x 97.00 - 582.00 + 97.00", payouts)
	}
	// Each document is paid out once.
	seen := map[string]string{}
	for _, p := range payouts {
		for _, l := range p.LineItems {
			if other, dup := seen[l.DocumentID]; dup {
				t.Errorf("%s paid out in %s and %s", l.DocumentID, other, p.ID)
			}
			seen[l.DocumentID] = p.ID
		}
	}
	rs, err := e.svc.Reconcile(e.ctx, service.ReportQuery{SellerID: seller})
	if err != nil || len(rs) != 1 {
		t.Fatalf("reconcile = %+v, %v", rs, err)
	}
	r := rs[0]
	if !r.Balanced() || r.Disbursed != amt("2095.20") || r.Closing != 0 || r.Pending != 0 {
		t.Errorf("reconciliation = %+v", r)
	}
	if got := e.balance(mercato.LedgerCash); got != -e.balance(mercato.LedgerTaxPayable)-e.balance(mercato.LedgerMarketplaceFees) {
		t.Errorf("cash %s is not the tax and fees the marketplace keeps", got)
	}
}

func (e *env) payouts() []mercato.Payout {
	e.t.Helper()
	ps, err := e.svc.Payouts(e.ctx, mercato.PayoutFilter{SellerID: seller})
	if err != nil {
		e.t.Fatal(err)
	}
	return ps
}

func TestDailyDisbursementsAndBankAccounts(t *testing.T) {
	e, _, _ := settledEnv(t)
	bad := []mercato.Disbursement{
		{Cadence: "daily", BankAccounts: []mercato.BankAccount{{Type: mercato.BankACH, Currency: "EUR"}}},
		{Cadence: "daily", BankAccounts: []mercato.BankAccount{{Type: mercato.BankHyperwallet, Currency: "GBP"}}},
		{Cadence: "daily", BankAccounts: []mercato.BankAccount{{Type: mercato.BankSWIFT, Currency: "INR"}}},
		{Cadence: "daily", BankAccounts: []mercato.BankAccount{{Type: mercato.BankSWIFT, Currency: "CAD"}}},
		{Cadence: "daily", BankAccounts: []mercato.BankAccount{{Type: "WIRE", Currency: "USD"}}},
		{Cadence: "daily", BankAccounts: []mercato.BankAccount{{Type: mercato.BankACH, Currency: "USD"}, {Type: mercato.BankSWIFT, Currency: "USD"}}},
		{Cadence: "monthly", Day: 29},
	}
	for _, d := range bad {
		errorOf(t, e.svc.SetDisbursement(e.ctx, seller, d), mercato.EInvalid)
	}
	errorOf(t, e.svc.SetDisbursement(e.ctx, buyer, mercato.Disbursement{Cadence: "daily"}), mercato.EForbidden)

	// Paid daily, but only to a EUR account: USD proceeds wait for a USD account.
	if err := e.svc.SetDisbursement(e.ctx, seller, mercato.Disbursement{Cadence: "daily",
		BankAccounts: []mercato.BankAccount{{Type: mercato.BankSWIFT, Currency: "EUR"}}}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 1, 20))
	if got := e.payouts(); len(got) != 0 {
		t.Fatalf("payouts without a USD account: %+v", got)
	}
	if err := e.svc.SetDisbursement(e.ctx, seller, mercato.Disbursement{Cadence: "daily",
		BankAccounts: []mercato.BankAccount{{Type: mercato.BankSWIFT, Currency: "EUR"}, {Type: mercato.BankHyperwallet, Currency: "USD"}}}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 1, 21))
	got := e.payouts()
	if len(got) != 1 || got[0].Amount != amt("1164") || !got[0].Time.Equal(day(2026, 1, 21)) || got[0].BankAccount.Type != mercato.BankHyperwallet {
		t.Fatalf("daily payouts by Jan 21 = %+v", got)
	}
	// Daily: buyer2's January invoice, paid Feb 2, is disbursed on Feb 3.
	e.advanceTo(day(2026, 2, 3))
	if got := e.payouts(); len(got) != 2 || !got[1].Time.Equal(day(2026, 2, 3)) || got[1].Amount != amt("97") {
		t.Errorf("daily payouts by Feb 3 = %+v", got)
	}
}
