package console_test

import (
	"net/http"
	"strings"
	"testing"

	"mercato"
)

// The channel partner the resale tests add to the demo marketplace.
const (
	partner       = "333344445555"
	partnerKey    = "AKIACHANNELCO0000001"
	partnerSecret = "channel-co-secret"
)

// addPartner registers Channel Co, a channel partner, in the demo marketplace.
func (e *env) addPartner() {
	e.t.Helper()
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{Accounts: []mercato.Account{{ID: partner, Name: "Channel Co",
		Roles: []mercato.Role{mercato.RoleChannelPartner}, AccessKeys: []mercato.AccessKey{{ID: partnerKey, Secret: partnerSecret}}}}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// runJobs applies the change sets started: their job is due at once, and the test's service
// runs no scheduler, so a move of the clock by 0s runs it.
func (e *env) runJobs() {
	e.t.Helper()
	if _, err := e.svc.Advance(e.ctx, e.svc.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// authorizationOf returns the one authorization Acme grants.
func (e *env) authorizationOf() mercato.ResaleAuthorization {
	e.t.Helper()
	granted, _, err := e.svc.ResaleAuthorizations(e.ctx, acme)
	if err != nil || len(granted) != 1 {
		e.t.Fatalf("Acme grants %d authorizations (%v), want 1", len(granted), err)
	}
	return granted[0].ResaleAuthorization
}

// TestResalePages: Acme authorizes Channel Co at 1,000.00 USD for 12 months to Beispiel, with
// one offer allowed; Channel Co sees it with Acme named, is refused a price of 999.00 with the
// Catalog's reason on its page, then releases an offer at a 20% markup (1,200.00); the limit is
// then reached, which the page says. A seller that is no channel partner has no shared page.
func TestResalePages(t *testing.T) {
	e := newEnv(t)
	e.addPartner()
	isv := e.client()
	isv.signIn(acmeKey, acmeSecret)
	if body := isv.get("/console/seller/agreements").body; !strings.Contains(body, `id="nav-resale"`) || strings.Contains(body, `id="nav-resale-shared"`) {
		t.Errorf("the maker's navigation: want the resale link and no shared link")
	}
	r := isv.post("/console/seller/resale", isv.form(isv.csrf("/console/seller/resale"), "product", "prod-acme-backup", "reseller", partner,
		"name", "Channel Co resale", "currency", "USD", "pricing", "fixed", "price", "1000.00", "duration", "P12M",
		"grants", "workspaces=3", "lastDay", "2026-06-30", "buyers", beispiel, "maxOffers", "1", "release", "1"))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/console/seller/resale?notice=resale-started") {
		t.Fatalf("create: %d to %q\n%s", r.status, r.location, r.body)
	}
	e.runJobs()
	auth := e.authorizationOf()
	want := mercato.ResaleAuthorization{ManufacturerID: acme, ResellerID: partner, ProductID: "prod-acme-backup",
		State: mercato.ResaleAuthorizationActive, Wholesale: mercato.MustAmount("1000"), Currency: "USD", Buyers: []string{beispiel}, MaxOffers: 1}
	if auth.ResellerID != want.ResellerID || auth.State != want.State || auth.Wholesale != want.Wholesale || auth.Currency != want.Currency ||
		strings.Join(auth.Buyers, ",") != beispiel || auth.MaxOffers != 1 || auth.ExpiresAt.Format("2006-01-02") != "2026-07-01" {
		t.Fatalf("the authorization: %+v", auth)
	}
	page := isv.get("/console/seller/resale").body
	for _, s := range []string{"Channel Co", "1,000.00 USD", "2026-06-30", "0 released of 1 allowed", "Active"} {
		if !strings.Contains(page, s) {
			t.Errorf("the maker's page does not say %q", s)
		}
	}

	cp := e.client()
	cp.signIn(partnerKey, partnerSecret)
	shared := cp.get("/console/seller/resale/shared")
	if shared.status != http.StatusOK || !strings.Contains(shared.body, "Acme") || !strings.Contains(shared.body, auth.ID) {
		t.Fatalf("the partner's page: %d\n%s", shared.status, shared.body)
	}
	token := cp.csrf("/console/seller/resale/shared")
	offer := func(kv ...string) {
		t.Helper()
		r := cp.post("/console/seller/resale/shared", cp.form(token, append([]string{"authorization", auth.ID, "name", "Backup via Channel Co",
			"release", "1"}, kv...)...))
		if r.status != http.StatusSeeOther {
			t.Fatalf("offer: %d\n%s", r.status, r.body)
		}
		e.runJobs()
	}
	offer("pricing", "price", "price", "999.00")
	if body := cp.get("/console/seller/resale/shared").body; !strings.Contains(body, "below the wholesale price 1000.00") {
		t.Errorf("the partner's page does not give the reason of the refused price:\n%s", body)
	}
	if r := cp.post("/console/seller/resale/shared", cp.form(token, "authorization", auth.ID, "pricing", "markup", "markup", "lots")); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "write a percentage") {
		t.Errorf("an unreadable markup: %d", r.status)
	}
	offer("pricing", "markup", "markup", "20")
	offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner})
	if err != nil || len(offers) != 1 || !offers[0].Released() || offers[0].Resale == nil || offers[0].Resale.Price != mercato.MustAmount("1200") {
		t.Fatalf("the partner's offers (%v): %+v", err, offers)
	}
	if body := cp.get("/console/seller/resale/shared").body; !strings.Contains(body, "allows 1 offers, all made") {
		t.Errorf("the partner's page does not say the limit is reached")
	}
	if body := cp.get("/console/seller/offers").body; !strings.Contains(body, "resale of Acme") {
		t.Errorf("the partner's offers page does not name the maker")
	}

	other := e.client()
	other.signIn(otherKey, otherSecret)
	if r := other.get("/console/seller/resale/shared"); r.status != http.StatusNotFound {
		t.Errorf("a seller that is no channel partner gets %d for the shared page, want 404", r.status)
	}
}

// TestResaleRestrictAndPermission: a restricted authorization refuses new offers with the
// Catalog's reason; a read-only key sees why the page's forms are closed to it.
func TestResaleRestrictAndPermission(t *testing.T) {
	e := newEnv(t)
	e.addPartner()
	isv := e.client()
	isv.signIn(acmeKey, acmeSecret)
	isv.post("/console/seller/resale", isv.form(isv.csrf("/console/seller/resale"), "product", "prod-acme-backup", "reseller", partner,
		"name", "To restrict", "currency", "USD", "pricing", "fixed", "price", "500.00", "duration", "P12M", "lastDay", "2026-06-30", "release", "1"))
	e.runJobs()
	auth := e.authorizationOf()
	if r := isv.post("/console/seller/resale/"+auth.ID+"/restrict", isv.form(isv.csrf("/console/seller/resale"))); r.status != http.StatusSeeOther {
		t.Fatalf("restrict: %d\n%s", r.status, r.body)
	}
	e.runJobs()
	if got := e.authorizationOf().State; got != mercato.ResaleAuthorizationRestricted {
		t.Fatalf("after restricting the authorization is %s", got)
	}
	cp := e.client()
	cp.signIn(partnerKey, partnerSecret)
	if body := cp.get("/console/seller/resale/shared").body; !strings.Contains(body, "is restricted by its manufacturer") {
		t.Errorf("the partner's page does not say the authorization is restricted")
	}
	cp.post("/console/seller/resale/shared", cp.form(cp.csrf("/console/seller/resale/shared"), "authorization", auth.ID, "name", "Late",
		"pricing", "markup", "markup", "10", "buyers", beispiel, "release", "1"))
	e.runJobs()
	if body := cp.get("/console/seller/resale/shared").body; !strings.Contains(body, "is restricted by its manufacturer") ||
		!strings.Contains(body, "FAILED") {
		t.Errorf("the refused offer's change set does not show the reason:\n%s", body)
	}

	k, err := e.svc.CreateAccessKey(e.ctx, acme, acme, "AWSMarketplaceSellerProductsReadOnly")
	if err != nil {
		t.Fatal(err)
	}
	ro := e.client()
	ro.signIn(k.ID, k.Secret)
	r := ro.get("/console/seller/resale")
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "aws-marketplace:StartChangeSet") || strings.Contains(r.body, `id="authorization-form"`) {
		t.Errorf("a read-only key: %d, want 403 with the explanation and no form", r.status)
	}
}

// TestResaleOfferNeedsSharedAuthorization: the partner's form names an authorization shared
// with it; a draft (its maker's alone), an unknown ID and none are refused on the form, with no
// change set started.
func TestResaleOfferNeedsSharedAuthorization(t *testing.T) {
	e := newEnv(t)
	e.addPartner()
	isv := e.client()
	isv.signIn(acmeKey, acmeSecret)
	r := isv.post("/console/seller/resale", isv.form(isv.csrf("/console/seller/resale"), "product", "prod-acme-backup", "reseller", partner,
		"name", "Draft resale", "currency", "USD", "pricing", "fixed", "price", "1000.00", "duration", "P12M", "lastDay", "2026-06-30"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	e.runJobs()
	draft := e.authorizationOf()
	if draft.State != mercato.ResaleAuthorizationDraft {
		t.Fatalf("the authorization is %s, want a draft", draft.State)
	}
	cp := e.client()
	cp.signIn(partnerKey, partnerSecret)
	token := cp.csrf("/console/seller/resale/shared")
	for _, id := range []string{draft.ID, "resaleauthz-unknown", ""} {
		r := cp.post("/console/seller/resale/shared", cp.form(token, "authorization", id, "name", "Try", "pricing", "markup", "markup", "20"))
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "The offer is not complete") {
			t.Errorf("authorization %q: %d, want 400 refusing the form\n%s", id, r.status, r.body)
		}
	}
	if offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner}); err != nil || len(offers) != 0 {
		t.Errorf("the partner's offers (%v): %+v, want none", err, offers)
	}
}
