package console_test

import (
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestSubscriptionGoesToTheRegistrationPage: the seller sets a product's registration page on
// the offers page; a buyer who subscribes is sent there with a form POST of a registration
// token that the seller resolves, which only that page's policy allows.
func TestSubscriptionGoesToTheRegistrationPage(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	page := seller.get("/console/seller/offers")
	if !strings.Contains(page.body, `id="setup-prod-acme-backup"`) {
		t.Fatalf("the offers page has no registration page form for prod-acme-backup:\n%s", page.body)
	}
	token := seller.csrf("/console/seller/offers")
	action := "/console/seller/products/prod-acme-backup/fulfillment"
	bad := seller.post(action, seller.form(token, "fulfillment_url", "ftp://acme.example/register"))
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "absolute http or https URL") ||
		!strings.Contains(bad.body, `value="ftp://acme.example/register"`) {
		t.Fatalf("a bad URL: %d\n%s", bad.status, bad.body)
	}
	if r := seller.post("/console/seller/products/prod-other/fulfillment", seller.form(token, "fulfillment_url", "https://x.example/")); r.status != http.StatusNotFound {
		t.Errorf("another seller's product: %d", r.status)
	}
	ok := seller.post(action, seller.form(token, "fulfillment_url", " https://acme.example/register?src=mp "))
	if ok.status != http.StatusSeeOther || !strings.Contains(ok.location, "notice=fulfillment-saved") {
		t.Fatalf("saving: %d to %q", ok.status, ok.location)
	}
	if p, err := e.svc.Product(e.ctx, "prod-acme-backup"); err != nil || p.FulfillmentURL != "https://acme.example/register?src=mp" {
		t.Fatalf("product = %+v, %v", p, err)
	}

	buyer := e.client()
	buyer.signIn(beispielKey, beispielSec)
	btoken := buyer.csrf("/console/buyer/offers/offer-acme-backup-public")
	accepted := buyer.post("/console/buyer/offers/offer-acme-backup-public/accept", buyer.form(btoken, "confirm", "1"))
	agreement, found := strings.CutSuffix(strings.TrimPrefix(accepted.location, "/console/buyer/agreements/"), "/setup")
	if accepted.status != http.StatusSeeOther || !found {
		t.Fatalf("accept: %d to %q, want the setup page", accepted.status, accepted.location)
	}

	res, err := buyer.http.Get(buyer.base + accepted.location)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	setup := string(raw)
	if csp := res.Header.Get("Content-Security-Policy"); res.StatusCode != http.StatusOK ||
		!strings.Contains(csp, "form-action 'self' https://acme.example;") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("setup page: %d, CSP %q, Cache-Control %q", res.StatusCode, csp, res.Header.Get("Cache-Control"))
	}
	form := regexp.MustCompile(`<form method="post" action="([^"]+)" id="fulfillment-form"[^>]*>\s*<input type="hidden" name="x-amzn-marketplace-token" value="([^"]+)">`).
		FindStringSubmatch(setup)
	if form == nil || html.UnescapeString(form[1]) != "https://acme.example/register?src=mp" {
		t.Fatalf("no form to the registration page:\n%s", setup)
	}
	c, err := e.svc.ResolveCustomer(e.ctx, acme, html.UnescapeString(form[2]))
	if err != nil || c.AccountID != beispiel || !strings.HasSuffix(c.LicenseArn, strings.TrimPrefix(agreement, "agmt-")) {
		t.Errorf("the token resolves to %+v, %v", c, err)
	}
	if !strings.Contains(setup, `id="fulfillment-continue"`) {
		t.Error("no button for browsers without script")
	}

	// The agreement's page leads back there; only the buyer has the page; an agreement without
	// a registration page goes on to itself.
	if r := buyer.get("/console/buyer/agreements/" + agreement); !strings.Contains(r.body, `href="`+accepted.location+`"`) {
		t.Errorf("the agreement's page has no link to %s", accepted.location)
	}
	if r := buyer.get("/console/buyer/agreements/" + publicAgmt); strings.Contains(r.body, `id="set-up-account"`) {
		t.Error("an agreement of a product without a registration page links to one")
	}
	other := e.client()
	other.signIn(buyerKey, buyerSecret)
	if r := other.get(accepted.location); r.status != http.StatusNotFound {
		t.Errorf("another buyer: %d", r.status)
	}
	if r := buyer.get("/console/buyer/agreements/" + publicAgmt + "/setup"); r.status != http.StatusSeeOther ||
		!strings.HasSuffix(r.location, publicAgmt+"?notice=offer-accepted") {
		t.Errorf("without a registration page: %d to %q", r.status, r.location)
	}
}
