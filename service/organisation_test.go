package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

const (
	payer  = "121212121212"
	linked = "343434343434"
)

// TestLinkedAccountBilledToPayer: linked is a linked account of payer's organisation. It accepts
// the private offer; the agreement names it, the 1200.00 installment is billed to the payer
// (US-WA tax of the buyer, 6.5%: 78.00; total 1278.00), and refunds credit the payer: 200.00
// back reverses 13.00 of tax, so the payer owes 1278.00 - 213.00 = 1065.00 until it pays.
func TestLinkedAccountBilledToPayer(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.apply(mercato.Scenario{Accounts: []mercato.Account{
			{ID: payer, Name: "Buyer Corp (payer)", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA"},
			{ID: linked, Name: "Buyer Corp data team", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA", Payer: payer},
		}, Offers: []mercato.Offer{{ID: "offer-org", ProductID: product, Visibility: "private", Buyers: []string{linked},
			ExpiresAt: day(2026, 3, 1), Terms: mercato.Terms{
				{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
				{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
					{ChargeDate: day(2026, 1, 15), ChargeAmount: amt("1200.00")}}}},
			}}}})
		e.advanceTo(day(2026, 1, 10))
		a := e.accept("offer-org", linked)
		if a.AcceptorID != linked {
			t.Fatalf("agreement names %s, want the linked account %s", a.AcceptorID, linked)
		}
		e.advanceTo(day(2026, 1, 15))
		invs := e.invoices(a.ID)
		if len(invs) != 1 || invs[0].BuyerID != payer || invs[0].PreTax != amt("1200") || invs[0].Tax != amt("78") {
			t.Fatalf("invoices = %+v", invs)
		}
		balance := func(account string) mercato.Amount {
			t.Helper()
			v, err := e.svc.LedgerBalance(e.ctx, mercato.LedgerBuyerReceivable(account), "USD")
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		owedBefore := balance(payer)
		if balance(linked) != 0 {
			t.Errorf("the linked account owes %s; its payer owes", balance(linked))
		}

		res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, invs[0], "200.00", "org-1")})
		if err != nil || len(res.Errors) != 0 {
			t.Fatalf("refund: %+v, %v", res, err)
		}
		e.advanceTo(e.svc.Now())
		var memo *mercato.Invoice
		for _, inv := range e.invoices(a.ID) {
			if inv.Type == mercato.InvoiceTypeCreditMemo {
				memo = &inv
			}
		}
		if memo == nil || memo.BuyerID != payer || memo.PreTax != amt("200") || memo.Tax != amt("13") {
			t.Fatalf("credit memo = %+v", memo)
		}
		if got, want := owedBefore-balance(payer), amt("213"); got != want {
			t.Errorf("the refund took %s off what the payer owes, want %s", got, want)
		}
		if balance(linked) != 0 {
			t.Errorf("the linked account owes %s after the refund", balance(linked))
		}
		// the payer is collected from: 1278.00 less the 213.00 credited
		e.advanceTo(day(2026, 3, 1))
		rs, err := e.svc.Receivables(e.ctx, mercato.ReceivableFilter{InvoiceIDs: []string{invs[0].ID}})
		if err != nil || len(rs) != 1 || rs[0].BuyerID != payer || rs[0].Status != mercato.ReceivableCollected || rs[0].Collected != amt("1065") {
			t.Errorf("receivable = %+v, %v", rs, err)
		}
		if balance(payer) != 0 || balance(linked) != 0 {
			t.Errorf("after collection the payer owes %s, the linked account %s", balance(payer), balance(linked))
		}
		// the refund's event goes to the linked account that subscribed, not to the payer
		told := func(account string) bool {
			evs, err := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: account})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if ev.DetailType == "Purchase Agreement Billing Adjustment Completed - Acceptor" {
					return true
				}
			}
			return false
		}
		if !told(linked) || told(payer) {
			t.Errorf("refund completed told to the linked account: %v, to the payer: %v", told(linked), told(payer))
		}
		if vs, err := e.svc.Check(e.ctx); err != nil || len(vs) != 0 {
			t.Errorf("check: %v, %v", vs, err)
		}
	})
}

func TestScenarioPayerMustBeAnAccountAndNotLinked(t *testing.T) {
	e := newEnv(t)
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{Accounts: []mercato.Account{
		{ID: buyer, Name: "Buyer Corp", Roles: []mercato.Role{mercato.RoleBuyer}, Payer: payer}}})
	errorOf(t, err, mercato.ENotFound)
	err = e.svc.ApplyScenario(e.ctx, mercato.Scenario{Accounts: []mercato.Account{
		{ID: payer, Name: "Payer", Roles: []mercato.Role{mercato.RoleBuyer}, Payer: buyer2},
		{ID: buyer2, Name: "Other", Roles: []mercato.Role{mercato.RoleBuyer}},
		{ID: buyer, Name: "Buyer Corp", Roles: []mercato.Role{mercato.RoleBuyer}, Payer: payer}}})
	errorOf(t, err, mercato.EInvalid)
}

// TestCheckFindsAnInvoiceBilledToAnotherAccount plants what would follow from a payer changed
// behind the service's back: the invoice is billed to the old payer, and the check says so.
func TestCheckFindsAnInvoiceBilledToAnotherAccount(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-private", buyer)
	e.advanceTo(day(2026, 1, 15))
	inv := e.invoices(a.ID)[0]
	if vs := e.violations(); len(vs) != 0 {
		t.Fatalf("before planting: %v", vs)
	}
	e.plant(func(tx mercato.Tx) error {
		if err := tx.PutAccount(mercato.Account{ID: payer, Name: "Payer", Roles: []mercato.Role{mercato.RoleBuyer}}); err != nil {
			return err
		}
		acct, err := tx.GetAccount(buyer)
		if err != nil {
			return err
		}
		acct.Payer = payer
		return tx.PutAccount(acct)
	})
	vs := e.violations()[service.RuleInvoicePayer]
	want := "invoice " + inv.ID + ": is billed to " + buyer + ", but agreement " + a.ID + "'s buyer " + buyer + " is billed to " + payer
	if len(vs) != 1 || vs[0].Subject+": "+vs[0].Detail != want {
		t.Errorf("invoice-payer violations = %v\nwant %s", vs, want)
	}
}
