package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mercato"
)

// TestBrowserOfferLifecycle drives the seller's offer lifecycle in headless Chromium: a draft
// private offer in EUR, released, extended and cancelled; an agreement-based offer from an
// agreement's page, prefilled with its payments not yet invoiced; then both buyers' views of
// their private offers. Screenshots go where TestBrowser's do.
func TestBrowserOfferLifecycle(t *testing.T) {
	path := chromium(t)
	b := newBrowser(t, newEnv(t), path)
	// Change sets are applied by a job due at once; this test's service runs no scheduler (a
	// server does), so a move of the clock by 0s runs it.
	run := func() {
		t.Helper()
		if _, err := b.env.svc.Advance(b.env.ctx, b.env.svc.Now()); err != nil {
			t.Fatal(err)
		}
	}

	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.open("/console/seller/offers", "seller_offers")
	b.fill("#offer-name", "Backup for Beispiel")
	b.fill("#offer-product", "prod-acme-backup")
	b.click(`input[name=visibility][value=private]`)
	b.fill("#offer-buyers", beispiel)
	b.setValue("#offer-expires", "2026-01-31")
	b.setValue("#offer-currency", "EUR")
	b.click(`input[name=pricing][value=fixed]`)
	b.fill("#offer-price", "900.00")
	b.fill("#offer-refund", "Refunds within 14 days: write to billing@acme.example")
	b.submit("#save-draft", "seller_offers")
	b.wantText("#notice", "Change set started")
	b.wantText("#change-set-table", "PREPARING")
	b.shot("20-offer-draft-started")
	run()
	id := b.env.offerWhere(func(o *mercato.Offer) bool { return o.Listing.Name == "Backup for Beispiel" }).ID
	b.open("/console/seller/offers", "seller_offers")
	b.wantText("#offer-"+id, "Draft")
	b.wantText("#change-set-table", "SUCCEEDED")
	b.shotFull("21-offer-draft")
	if b.env.buyerSees(beispiel, id) {
		t.Errorf("the buyer sees a draft")
	}

	b.submit("#offer-"+id+" .release-offer", "seller_offers")
	run()
	b.open("/console/seller/offers", "seller_offers")
	b.wantText("#offer-"+id, "Released")
	b.shot("22-offer-released")
	if !b.env.buyerSees(beispiel, id) {
		t.Errorf("the buyer does not see the released offer")
	}

	b.setValue("#end-"+id, "2026-03-31")
	b.submit("#offer-"+id+" .extend-offer", "seller_offers")
	run()
	if o := b.env.offerWhere(func(o *mercato.Offer) bool { return o.ID == id }); !o.ExpiresAt.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the extended offer expires at %s, want the end of 31 March", o.ExpiresAt)
	}
	b.open("/console/seller/offers", "seller_offers")
	b.submit("#offer-"+id+" .cancel-offer", "seller_offers")
	run()
	b.open("/console/seller/offers", "seller_offers")
	b.wantText("#offer-"+id, "Expired")
	b.shotFull("23-offer-cancelled")

	// An agreement-based offer from the private agreement: two installments are not invoiced yet.
	b.open("/console/seller/agreements/"+privateAgmt, "seller_agreement")
	b.submit("#create-abo", "seller_offer_edit")
	b.wantText("#replaced-payments", "15 Apr 2026")
	if got := b.eval(`document.querySelector("#offer-schedule").value`); got != "2026-04-15 1200.00\n2026-07-15 1200.00\n" {
		t.Errorf("the schedule is prefilled with %q, want the two payments not yet invoiced", got)
	}
	b.wantText("#replaced-payments", "15 Jul 2026")
	b.shotFull("24-abo-form")
	b.submit("#create-replacement", "seller_offers")
	run()
	abo := b.env.offerWhere(func(o *mercato.Offer) bool { return o.ReplacesAgreementID == privateAgmt }).ID
	b.open("/console/seller/offers", "seller_offers")
	b.wantText("#offer-"+abo, "Released")
	b.wantText("#offer-"+abo, "replaces "+privateAgmt)
	b.shotFull("25-abo-released")
	b.submit("#signout", "signin")

	// Buyer Corp finds the agreement-based offer among its available private offers, with the
	// product's refund policy.
	b.signIn(buyerKey, buyerSecret, "buyer_agreements")
	b.open("/console/buyer/offers", "buyer_offers")
	b.wantText("#private-offers", abo)
	b.shot("26-buyer-private-offers")
	b.open("/console/buyer/offers/"+abo, "buyer_offer")
	b.wantText("#refund-policy", "Full refund within 30 days")
	b.wantText("#replaces-agreement", privateAgmt)
	b.shotFull("27-buyer-abo-offer")
	b.click("#confirm")
	b.submit("#accept-offer", "buyer_agreement")
	if a, _ := b.env.svc.DescribeAgreement(b.env.ctx, buyerCorp, privateAgmt); a.Status != mercato.AgreementReplaced {
		t.Errorf("after accepting the agreement-based offer the agreement is %s, want REPLACED", a.Status)
	}
	b.open("/console/buyer/agreements/"+privateAgmt, "buyer_agreement")
	b.wantText("#refund-policy", "Full refund within 30 days")
	b.submit("#signout", "signin")

	// Beispiel finds the cancelled offer under accepted and expired offers.
	b.signIn(beispielKey, beispielSec, "buyer_agreements")
	b.open("/console/buyer/offers", "buyer_offers")
	b.wantText("#closed-offers", id)
	b.wantText("#closed-offers", "expired")
	b.shot("28-buyer-closed-offers")
}

// offerWhere returns the seller Acme's one offer that ok accepts.
func (e *env) offerWhere(ok func(*mercato.Offer) bool) mercato.Offer {
	e.t.Helper()
	offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: acme})
	if err != nil {
		e.t.Fatal(err)
	}
	var found []mercato.Offer
	for i := range offers {
		if ok(&offers[i]) {
			found = append(found, offers[i])
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d offers match, want 1", len(found))
	}
	return found[0]
}

// buyerSees reports whether the buyer's offers page would list the offer.
func (e *env) buyerSees(buyer, id string) bool {
	e.t.Helper()
	offers, err := e.svc.BuyerOffers(e.ctx, buyer)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range offers {
		if o.ID == id {
			return true
		}
	}
	return false
}

// TestBuyerTurnsAutoRenewalOffAndOn: the buyer's agreement page amends the renewal term.
func TestBuyerTurnsAutoRenewalOffAndOn(t *testing.T) {
	e := newEnv(t)
	three := 3
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-renewing", ProductID: "prod-acme-backup", Visibility: "private",
		Buyers: []string{beispiel}, ExpiresAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: mercato.MustAmount("100")}},
			{Renewal: &mercato.RenewalTerm{MaxRenewals: &three}}}}},
		Agreements: []mercato.ScenarioAgreement{{ID: "agmt-renewing", OfferID: "offer-renewing", BuyerID: beispiel,
			AcceptedAt: time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn(beispielKey, beispielSec)
	page := "/console/buyer/agreements/agmt-renewing"
	if r := c.get(page); !strings.Contains(r.body, "Auto-renewal is <strong>off</strong>") {
		t.Fatalf("the page does not say auto-renewal is off:\n%s", r.body)
	}
	for _, want := range []string{"on", "off"} {
		r := c.post(page+"/renewal", c.form(c.csrf(page), "autoRenew", want))
		if r.status != http.StatusSeeOther {
			t.Fatalf("turn %s: %d\n%s", want, r.status, r.body)
		}
		if body := c.get(page).body; !strings.Contains(body, "Auto-renewal is <strong>"+want+"</strong>") {
			t.Errorf("after turning auto-renewal %s the page says otherwise", want)
		}
	}
}
