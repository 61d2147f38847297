package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// TestCreatePrivateOfferThroughTheForm creates a private offer with an installment schedule and
// finds it in the list; a bad form comes back with the service's field errors.
func TestCreatePrivateOfferThroughTheForm(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	list := seller.get("/console/seller/offers")
	if list.status != http.StatusOK || !strings.Contains(list.body, "offer-acme-private") || !strings.Contains(list.body, `id="offer-form"`) {
		t.Fatalf("offers page: %d\n%s", list.status, list.body)
	}
	token := seller.csrf("/console/seller/offers")
	r := seller.post("/console/seller/offers", seller.form(token, "id", "offer-form-test", "product", "prod-acme-backup",
		"visibility", "private", "buyers", "12345", "expires", "2026-03-01", "pricing", "schedule", "schedule", "2026-02-15 600.00"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "not a 12-digit account ID") || !strings.Contains(r.body, "2026-02-15 600.00") {
		t.Fatalf("bad buyer ID: %d\n%s", r.status, r.body)
	}
	r = seller.post("/console/seller/offers", seller.form(token, "id", "offer-form-test", "product", "prod-acme-backup",
		"visibility", "private", "buyers", buyerCorp+", "+beispiel, "expires", "2026-03-01", "pricing", "schedule",
		"schedule", "2026-02-15 600.00\n2026-05-15 600.00\n"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: acme})
	if err != nil {
		t.Fatal(err)
	}
	var found *mercato.Offer
	for i := range offers {
		if offers[i].ID == "offer-form-test" {
			found = &offers[i]
		}
	}
	if found == nil || !found.IsPrivate() || len(found.Buyers) != 2 || len(found.Terms) != 1 || found.Terms[0].PaymentSchedule == nil ||
		len(found.Terms[0].PaymentSchedule.Schedule) != 2 {
		t.Fatalf("offer created: %+v", found)
	}
	if l := seller.get("/console/seller/offers"); !strings.Contains(l.body, `id="offer-offer-form-test"`) || !strings.Contains(l.body, beispiel) {
		t.Errorf("the list does not show the new offer:\n%s", l.body)
	}
	// A monthly price for a product of another seller is refused with the service's reason.
	r = seller.post("/console/seller/offers", seller.form(token, "product", "prod-other", "visibility", "private", "buyers", buyerCorp,
		"expires", "2026-03-01", "pricing", "recurring", "price", "10"))
	if r.status == http.StatusSeeOther || !strings.Contains(r.body, `id="problem"`) {
		t.Errorf("an offer of another seller's product: %d", r.status)
	}
}

// The offer form leaves the rules of private offers (1 to 26 buyers, an expiry) to the offer's
// own validation, which every way of creating an offer shares, and shows them with the form's
// own problems at once.
func TestOfferFormShowsTheOffersOwnRules(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	token := seller.csrf("/console/seller/offers")
	r := seller.post("/console/seller/offers", seller.form(token, "id", "offer-form-test", "product", "prod-acme-backup",
		"visibility", "private", "pricing", "recurring", "price", "0"))
	for _, want := range []string{
		"a private offer targets 1 to 26 buyer accounts, has 0", // mercato.Offer.Validate's words
		"a private offer needs an expiry",
		"write a price above 0", // the form's own
	} {
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, want) {
			t.Errorf("a private offer without buyers, expiry or price: %d, does not say %q", r.status, want)
		}
	}
	if strings.Contains(r.body, "at least one term is required") {
		t.Error("the form reports the missing terms as well as the bad price")
	}
}

// TestMeteringErrorAndReportsPages confirms a metering error through the form and opens the
// reports.
func TestMeteringErrorAndReportsPages(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	token := seller.csrf("/console/seller/metering")
	r := seller.post("/console/seller/metering", seller.form(token, "product", "prod-acme-analytics", "dimension", "api_calls", "period", "Jan 2026"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "YYYY-MM") {
		t.Fatalf("bad period: %d", r.status)
	}
	// December 2025 is billed (and had no usage): the preview says there is nothing to refund.
	r = seller.post("/console/seller/metering", seller.form(token, "product", "prod-acme-analytics", "dimension", "api_calls", "period", "2025-12"))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="metering-nothing"`) {
		t.Fatalf("preview: %d\n%s", r.status, r.body)
	}
	r = seller.post("/console/seller/metering", seller.form(token, "product", "prod-acme-analytics", "dimension", "api_calls", "period", "2025-12",
		"step", "confirm", "confirm", "1"))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="metering-result"`) {
		t.Fatalf("confirm: %d\n%s", r.status, r.body)
	}
	r = seller.post("/console/seller/metering", seller.form(token, "product", "prod-other", "dimension", "api_calls", "period", "2026-01"))
	if r.status != http.StatusNotFound {
		t.Errorf("another seller's product: %d, want 404", r.status)
	}
	rep := seller.get("/console/seller/reports?year=2026")
	if rep.status != http.StatusOK || !strings.Contains(rep.body, `id="reconciliation"`) || !strings.Contains(rep.body, "Balanced") {
		t.Fatalf("reports: %d\n%s", rep.status, rep.body)
	}
	if !strings.Contains(rep.body, `<svg id="revenue-chart"`) {
		t.Errorf("reports without the chart")
	}
}

// TestNewFormsRefusePostsWithoutCSRFToken posts to every new form without the session's token.
func TestNewFormsRefusePostsWithoutCSRFToken(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	for _, tc := range []struct {
		c    *client
		path string
		form url.Values
	}{
		{buyer, "/console/buyer/agreements/" + privateAgmt + "/refund", url.Values{"type": {"CANCELLATION"}}},
		{buyer, "/console/buyer/refunds/rc-x/answer", url.Values{"comments": {"x"}}},
		{seller, "/console/seller/refunds/rc-x/approve", url.Values{}},
		{seller, "/console/seller/refunds/rc-x/reject", url.Values{"reason": {"no"}}},
		{seller, "/console/seller/offers", url.Values{"product": {"prod-acme-backup"}, "visibility": {"public"}, "pricing": {"recurring"}, "price": {"5"}}},
		{seller, "/console/seller/metering", url.Values{"product": {"prod-acme-analytics"}, "dimension": {"api_calls"}, "period": {"2026-01"}}},
	} {
		if r := tc.c.post(tc.path, tc.form); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", tc.path, r.status)
		}
		tc.form.Set("csrf", "forged")
		if r := tc.c.post(tc.path, tc.form); r.status != http.StatusForbidden {
			t.Errorf("POST %s with a forged token: %d, want 403", tc.path, r.status)
		}
	}
	if cs := e.refundCases(buyerCorp, service.Acceptor); len(cs) != 0 {
		t.Errorf("%d refund requests made by refused forms", len(cs))
	}
}
