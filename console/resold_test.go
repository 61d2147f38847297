package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mercato"
)

const resoldAgmt = "agmt-resold"

// resell adds Other Seller's resale of Acme Backup to Beispiel GmbH: 1,200.00 for 12 months,
// of which Acme's wholesale price is 1,000.00, accepted on 16 January (the console's now) and
// invoiced then.
func (e *env) resell() {
	e.t.Helper()
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{
		Offers: []mercato.Offer{{ID: "offer-resold", ProductID: "prod-acme-backup", SellerID: otherSeller, Visibility: "private",
			Buyers: []string{beispiel}, ExpiresAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			Resale: &mercato.Resale{Wholesale: mercato.MustAmount("1000.00"), Price: mercato.MustAmount("1200.00")},
			Terms: mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: mercato.MustAmount("1200.00"),
				Duration: &mercato.Period{Months: 12}}}}}},
		Agreements: []mercato.ScenarioAgreement{{ID: resoldAgmt, OfferID: "offer-resold", BuyerID: beispiel,
			AcceptedAt: time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// TestMakerSeesItsResales: Acme lists the partner's resale of its product under "Resold by
// partners" and opens it: partner, buyer, product and its own share (1,000.00 and its 35.00
// fee), never the buyer's price of 1,200.00. The partner, the buyer and Acme's own agreement
// page do not show it there.
func TestMakerSeesItsResales(t *testing.T) {
	e := newEnv(t)
	e.resell()
	acmeC, otherC, beispielC := e.client(), e.client(), e.client()
	acmeC.signIn(acmeKey, acmeSecret)
	otherC.signIn(otherKey, otherSecret)
	beispielC.signIn(beispielKey, beispielSec)

	list := acmeC.get("/console/seller/resold")
	if list.status != http.StatusOK || !strings.Contains(list.body, resoldAgmt) || !strings.Contains(list.body, "Other Seller") ||
		!strings.Contains(list.body, "Beispiel") || strings.Contains(list.body, "1,200.00") {
		t.Errorf("Acme's resold list: %d\n%s", list.status, list.body)
	}
	if own := acmeC.get("/console/seller/agreements"); !strings.Contains(own.body, `href="/console/seller/resold"`) || strings.Contains(own.body, resoldAgmt) {
		t.Errorf("Acme's own agreements list links no resold view or lists the resale")
	}
	if other := otherC.get("/console/seller/resold"); other.status != http.StatusOK || strings.Contains(other.body, resoldAgmt) {
		t.Errorf("the partner's resold list: %d, lists its own resale: %v", other.status, strings.Contains(other.body, resoldAgmt))
	}

	page := acmeC.get("/console/seller/resold/" + resoldAgmt)
	for _, want := range []string{"Other Seller", "Beispiel", "Acme Backup", "1,000.00", "35.00"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("Acme's page of the resale lacks %q", want)
		}
	}
	if page.status != http.StatusOK || strings.Contains(page.body, "1,200.00") || strings.Contains(page.body, "apply-adjustment") {
		t.Errorf("Acme's page of the resale: %d, shows the buyer's price or an adjustment\n%s", page.status, page.body)
	}
	for who, c := range map[string]*client{"partner": otherC, "buyer": beispielC} {
		if r := c.get("/console/seller/resold/" + resoldAgmt); r.status != http.StatusNotFound {
			t.Errorf("the %s opens the maker's page of the resale: %d", who, r.status)
		}
	}
	if r := acmeC.get("/console/seller/agreements/" + resoldAgmt); r.status != http.StatusNotFound {
		t.Errorf("Acme opens the resale as its own agreement: %d", r.status)
	}
	if r := acmeC.get("/console/seller/resold/" + privateAgmt); r.status != http.StatusNotFound {
		t.Errorf("Acme opens its own agreement as a resale: %d", r.status)
	}
}

// TestResoldBrowser: in Chromium, Acme goes from its agreements to "Resold by partners", opens
// the partner's resale and reads the partner and its own share, with no refund action.
func TestResoldBrowser(t *testing.T) {
	path := chromium(t)
	e := newEnv(t)
	e.resell()
	b := newBrowser(t, e, path)
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.submit("#resold-by-partners", "seller_resold")
	if n := b.eval(`String(document.querySelectorAll("#resold tbody tr").length)`); n != "1" {
		t.Fatalf("the resold list shows %s rows, want 1", n)
	}
	b.shot("resold-list")
	b.submit(`#resold a[href$="/`+resoldAgmt+`"]`, "seller_resold_agreement")
	b.wantText("#summary", "Other Seller")
	b.wantText("#share", "1,000.00 USD")
	if n := b.eval(`String(document.querySelectorAll("#apply-adjustment").length)`); n != "0" {
		t.Errorf("the maker's page of a resale offers a billing adjustment")
	}
	b.shot("resold-agreement")
}
