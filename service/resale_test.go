package service_test

import (
	"testing"

	"mercato"
	"mercato/billing"
	"mercato/service"
)

const partner = "222233334444"

// resaleMarketplace adds a channel partner to the marketplace and its resale offer of the maker's
// product to buyer: a 12-month contract of 1,200.00 upfront, whose wholesale price is 1,000.00.
func (e *env) resaleMarketplace() {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{
		Accounts: []mercato.Account{{ID: partner, Name: "Channel Co", Roles: []mercato.Role{mercato.RoleSeller}}},
		Offers: []mercato.Offer{{ID: "offer-cppo", ProductID: product, SellerID: partner, Visibility: "private",
			Buyers: []string{buyer}, ExpiresAt: day(2026, 3, 1),
			Resale: &mercato.Resale{Wholesale: amt("1000.00"), Price: amt("1200.00")},
			Terms: mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200.00"),
				Duration: &mercato.Period{Months: 12}}}}}},
	})
}

// TestResaleDisbursedToBoth: a channel partner's offer of the maker's product is accepted,
// invoiced, collected, refunded in part by the partner (the seller of record), and disbursed to
// both to the cent. At 3.5% (private, channel partner): the invoice of 1,200.00 gives the maker
// 1,000.00 less 35.00 and the partner 200.00 less 7.00; the refund of 600.00 takes back half of
// each (500.00 less 17.50, 100.00 less 3.50). Check proves the books when the test ends.
func TestResaleDisbursedToBoth(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.resaleMarketplace()
		a := e.accept("offer-cppo", buyer)
		if a.ProposerID != partner || a.Resale == nil || a.Resale.ManufacturerID != seller || a.ListingFeeRate != mercato.Percent(350) {
			t.Fatalf("agreement = %+v, want the partner as proposer and the maker in its resale at 3.5%%", a)
		}
		if _, err := e.svc.DescribeAgreement(e.ctx, partner, a.ID); err != nil {
			t.Errorf("the partner describes its agreement: %v", err)
		}
		e.advanceTo(day(2026, 1, 5))
		invs := e.invoices(a.ID)
		if len(invs) != 1 {
			t.Fatalf("invoices = %+v", invs)
		}
		inv := invs[0]
		if inv.MakerID != seller || inv.MakerAmount != amt("1000") || inv.MakerFee != amt("35") || inv.ListingFee != amt("42") {
			t.Fatalf("invoice split = %+v", inv)
		}

		// Only the seller of record refunds.
		_, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "600.00", "isv")})
		if err == nil {
			t.Errorf("the maker refunded the partner's agreement")
		}
		res, err := e.svc.CreateAdjustments(e.ctx, partner, []service.AdjustmentEntry{entry(a, inv, "600.00", "partner")})
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("the partner's refund: %+v, %v", res, err)
		}
		e.advanceTo(day(2026, 2, 10))

		for _, want := range []struct {
			seller string
			amount string
		}{{seller, "482.50"}, {partner, "96.50"}} {
			ps, err := e.svc.Payouts(e.ctx, mercato.PayoutFilter{SellerID: want.seller})
			if err != nil || len(ps) != 1 || ps[0].Amount != amt(want.amount) || len(ps[0].LineItems) != 2 {
				t.Errorf("payouts of %s = %+v, %v; want one of %s in two lines", want.seller, ps, err, want.amount)
			}
			rs, err := e.svc.Reconcile(e.ctx, service.ReportQuery{SellerID: want.seller})
			if err != nil || len(rs) != 1 || !rs[0].Balanced() || rs[0].Disbursed != amt(want.amount) || rs[0].Closing != 0 {
				t.Errorf("reconciliation of %s = %+v, %v", want.seller, rs, err)
			}
		}
		if got := e.balance(mercato.LedgerMarketplaceFees); got != amt("-21") {
			t.Errorf("marketplace fees = %s, want 42.00 less 21.00 refunded", got)
		}
	})
}

// TestCheckFindsAWrongResaleSplit plants the defects a resale's payout could have, each in
// balanced books: an invoice that pays the maker the markup too, and a document paid out to a
// third seller. Check names both under resale-split.
func TestCheckFindsAWrongResaleSplit(t *testing.T) {
	e := newEnv(t)
	e.resaleMarketplace()
	a := e.accept("offer-cppo", buyer)
	e.advanceTo(day(2026, 1, 5))
	if vs := e.violations(); len(vs) != 0 {
		t.Fatalf("sound books: %v", vs)
	}
	inv := e.invoices(a.ID)[0]

	greedy := inv
	greedy.ID, greedy.Key, greedy.MakerAmount = "inv-planted", "planted", inv.PreTax
	lt := billing.InvoiceLedger(&greedy)
	lt.ID = "lt-planted"
	third := mercato.PayoutLine{DocumentID: inv.ID, InvoiceID: inv.ID, SellerID: "333344445555", Currency: "USD",
		Amount: amt("1"), Kind: mercato.InvoiceTypeInvoice, EligibleAt: day(2026, 1, 5)}
	e.plant(func(tx mercato.Tx) error {
		if err := tx.InsertInvoices(greedy); err != nil {
			return err
		}
		if err := tx.InsertLedgerTxns(lt); err != nil {
			return err
		}
		_, err := tx.InsertPayoutLines(third)
		return err
	})
	subjects := map[string]bool{}
	for _, v := range e.violations()[service.RuleResaleSplit] {
		subjects[v.Subject] = true
	}
	if !subjects["invoice inv-planted"] || !subjects["document "+inv.ID] {
		t.Errorf("resale-split violations name %v, want the planted invoice and the document paid to three", subjects)
	}
}

// TestResaleAgreementBasedOffer: the partner replaces its resale agreement through the Catalog
// API with an agreement-based offer; the new agreement keeps the maker's share.
func TestResaleAgreementBasedOffer(t *testing.T) {
	e := newEnv(t)
	e.resaleMarketplace()
	a := e.accept("offer-cppo", buyer)
	cs := e.changeSet(partner,
		named("R", "CreateReplacementOffer", "", `{"AgreementId": "`+a.ID+`"}`),
		ch("UpdatePricingTerms", "$R.Entity.Identifier", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "1500.00", "Duration": "P12M", "Grants": []}]}`),
		ch("UpdateValidityTerms", "$R.Entity.Identifier", `{"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P12M"}]}`),
		ch("UpdateAvailability", "$R.Entity.Identifier", `{"AvailabilityEndDate": "2026-02-28"}`),
		ch("ReleaseOffer", "$R.Entity.Identifier", `{}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("%s %+v", cs.Status, cs.Changes)
	}
	b := e.accept(cs.Changes[0].EntityID, buyer)
	if b.ProposerID != partner || b.Resale == nil || b.Resale.ManufacturerID != seller || b.Resale.Wholesale != amt("1000") {
		t.Fatalf("the agreement-based resale: %+v", b)
	}
	e.advanceTo(day(2026, 1, 2))
	invs := e.invoices(b.ID)
	if len(invs) != 1 {
		t.Fatalf("the agreement-based resale has %d invoices, want 1", len(invs))
	}
	for _, inv := range invs {
		// 1,500.00 × 1,000/1,500: the maker's 1,000.00 of what the buyer pays under the new terms.
		if inv.MakerID != seller || inv.MakerAmount != amt("1000") {
			t.Errorf("invoice %s gives maker %q %s", inv.ID, inv.MakerID, inv.MakerAmount)
		}
	}
}

// TestResaleEventsTellTheMaker: a resale's acceptance tells the partner as Proposer, the buyer as
// Acceptor, and the maker, who is no party, as Manufacturer.
func TestResaleEventsTellTheMaker(t *testing.T) {
	e := newEnv(t)
	e.resaleMarketplace()
	from := e.outboxLen()
	e.accept("offer-cppo", buyer)
	got := e.outbox(from)
	if len(got) < 3 {
		t.Fatalf("%d events", len(got))
	}
	sameTold(t, "resale acceptance", got[:3],
		told{partner, "Purchase Agreement Created - Proposer"}, told{buyer, "Purchase Agreement Created - Acceptor"},
		told{seller, "Purchase Agreement Created - Manufacturer"})
}
