package console_test

import (
	"net/http"
	"strings"
	"testing"

	"mercato"
)

// TestBrowserResale drives a channel-partner private offer in headless Chromium: Acme
// authorizes Channel Co to resell its backup product at 1,000.00 USD for 12 months and releases
// the authorization; Channel Co sees it, is refused a price of 999.00 with the Catalog's reason,
// then releases an offer to Beispiel at a 20% markup; Beispiel accepts it at 1,200.00; Channel
// Co's offers page names Acme as the maker and Acme's page counts the offer. Screenshots go
// where TestBrowser's do.
func TestBrowserResale(t *testing.T) {
	path := chromium(t)
	e := newEnv(t)
	e.addPartner()
	b := newBrowser(t, e, path)

	// The maker creates the authorization as a draft, then releases it from the list.
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.submit("#nav-resale", "resale_granted") // the navigation's link
	b.setValue("#resale-product", "prod-acme-backup")
	b.fill("#resale-reseller", partner)
	b.fill("#resale-name", "Backup through Channel Co")
	b.click(`input[name=pricing][value=fixed]`)
	b.fill("#resale-price", "1000.00")
	b.fill("#resale-grants", "workspaces=3")
	b.setValue("#resale-last-day", "2026-06-30")
	b.fill("#resale-buyers", beispiel)
	b.click("#resale-release") // unchecked: a draft
	b.submit("#create-authorization-submit", "resale_granted")
	b.wantText("#notice", "Change set started")
	e.runJobs()
	auth := e.authorizationOf()
	b.open("/console/seller/resale", "resale_granted")
	b.wantText("#authorization-"+auth.ID, "Draft")
	b.shot("40-resale-draft")
	b.submit("#authorization-"+auth.ID+" .release-authorization", "resale_granted")
	e.runJobs()
	b.open("/console/seller/resale", "resale_granted")
	b.wantText("#authorization-"+auth.ID, "Active")
	b.wantText("#authorization-"+auth.ID+" .wholesale", "1,000.00 USD")
	b.shotFull("41-resale-released")
	b.submit("#signout", "signin")

	// The partner sees it, with its maker, and is refused a price below wholesale.
	b.signIn(partnerKey, partnerSecret, "seller_agreements")
	b.open("/console/seller/resale/shared", "resale_shared")
	b.wantText("#authorization-"+auth.ID+" .authorization-maker", "Acme")
	b.wantText("#authorization-"+auth.ID+" .authorization-usable", "Yes")
	b.setValue("#offer-authorization", auth.ID)
	b.fill("#resale-offer-name", "Backup for Beispiel")
	b.click(`input[name=pricing][value=price]`)
	b.fill("#resale-offer-price", "999.00")
	b.fill("#resale-offer-buyers", beispiel)
	b.submit("#create-resale-offer-submit", "resale_shared")
	e.runJobs()
	b.open("/console/seller/resale/shared", "resale_shared")
	b.wantText("#change-set-table", "FAILED")
	b.wantText("#change-set-table .change-set-errors", "below the wholesale price 1000.00")
	b.shotFull("42-resale-below-wholesale")

	// A 20% markup for the named buyer, released.
	b.fill("#resale-offer-name", "Backup for Beispiel")
	b.click(`input[name=pricing][value=markup]`)
	b.fill("#resale-markup", "20")
	b.fill("#resale-offer-buyers", beispiel)
	b.submit("#create-resale-offer-submit", "resale_shared")
	e.runJobs()
	offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner})
	if err != nil || len(offers) != 1 || !offers[0].Released() {
		t.Fatalf("the partner's offers (%v): %+v", err, offers)
	}
	offer := offers[0]
	b.open("/console/seller/offers", "seller_offers")
	b.wantText("#offer-"+offer.ID, "Released")
	b.wantText("#offer-"+offer.ID+" .offer-maker", "resale of Acme")
	b.wantText("#offer-"+offer.ID, "1,200.00")
	b.shotFull("43-resale-offer-released")
	b.submit("#signout", "signin")

	// The buyer accepts it at the marked-up price.
	b.signIn(beispielKey, beispielSec, "buyer_agreements")
	b.open("/console/buyer/offers/"+offer.ID, "buyer_offer")
	b.wantText("main", "1,200.00")
	b.click("#confirm")
	b.submit("#accept-offer", "buyer_agreement")
	id := strings.TrimPrefix(b.eval(`location.pathname`), "/console/buyer/agreements/")
	a, err := e.svc.DescribeAgreement(e.ctx, beispiel, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.ProposerID != partner || fixedPrice(a.Terms) != mercato.MustAmount("1200") {
		t.Errorf("the buyer's agreement %s: proposer %s, terms %+v; want Channel Co at 1,200.00", id, a.ProposerID, a.Terms)
	}
	b.wantText("main", "1,200.00")
	b.shotFull("44-resale-accepted")
	b.submit("#signout", "signin")

	// The maker's page counts the partner's offer.
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.open("/console/seller/resale", "resale_granted")
	b.wantText("#authorization-"+auth.ID+" .authorization-offers", "1 released")
	b.wantText("#authorization-"+auth.ID+" .authorization-offers", offer.ID)
	b.shot("45-resale-maker-sees-offer")
	if r := e.client().get("/console/seller/resale/shared"); r.status != http.StatusSeeOther && r.status != http.StatusNotFound {
		t.Errorf("signed out, the shared page answers %d", r.status)
	}
}

// fixedPrice returns the price of the terms' fixed upfront term, or zero.
func fixedPrice(ts mercato.Terms) mercato.Amount {
	for _, t := range ts {
		if t.FixedUpfront != nil {
			return t.FixedUpfront.Price
		}
	}
	return 0
}
