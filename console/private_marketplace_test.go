package console_test

import (
	"net/http"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

const (
	pmpAdmin    = "555566667777"
	pmpAdminKey = "AKIAPMPADMIN00000001"
	pmpAdminSec = "pmp-admin-secret"
	backupOffer = "/console/buyer/offers/offer-acme-backup-public"
)

// governBeispiel puts Beispiel GmbH under a private marketplace that allows the analytics
// product only.
func (e *env) governBeispiel() {
	e.t.Helper()
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{
		Accounts: []mercato.Account{{ID: pmpAdmin, Name: "Beispiel IT", Roles: []mercato.Role{mercato.RolePrivateMarketplaceAdmin},
			AccessKeys: []mercato.AccessKey{{ID: pmpAdminKey, Secret: pmpAdminSec}}}},
		PrivateMarketplaces: []mercato.PrivateMarketplace{{ID: "exp-beispiel", AdminID: pmpAdmin,
			Accounts: []string{beispiel}, Products: []string{"prod-acme-analytics"}}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// A governed buyer is refused a product its private marketplace does not allow, requests it,
// and accepts its offer once the administrator approves.
func TestProductRequestThroughTheConsole(t *testing.T) {
	e := newEnv(t)
	e.governBeispiel()
	buyer := e.client()
	buyer.signIn(beispielKey, beispielSec)
	r := buyer.get(backupOffer)
	if r.status != http.StatusOK || strings.Contains(r.body, `id="accept-offer"`) ||
		!strings.Contains(r.body, "not approved for procurement") || !strings.Contains(r.body, `id="request-product"`) {
		t.Fatalf("the refused offer's page: %d\n%s", r.status, r.body)
	}
	token := buyer.csrf(backupOffer)
	r = buyer.post(backupOffer+"/accept", buyer.form(token, "confirm", "1"))
	if r.status != http.StatusForbidden {
		t.Errorf("accepting a product not approved: %d, want 403", r.status)
	}
	r = buyer.post(backupOffer+"/request-product", buyer.form(token, "note", "Backups for the Munich office"))
	if r.status != http.StatusSeeOther || !strings.Contains(r.location, "notice=product-requested") {
		t.Fatalf("request: %d to %q", r.status, r.location)
	}
	r = buyer.get(backupOffer)
	if !strings.Contains(r.body, `id="product-request"`) || strings.Contains(r.body, `id="request-product"`) {
		t.Errorf("after the request, the page does not show it pending or still offers to request:\n%s", r.body)
	}
	if got := buyer.get("/console/pmp"); got.status != http.StatusNotFound {
		t.Errorf("a buyer opens the administrator's page: %d", got.status)
	}

	admin := e.client()
	admin.signIn(pmpAdminKey, pmpAdminSec)
	if got := admin.get("/console/"); got.location != "/console/pmp" {
		t.Errorf("an administrator's home goes to %q", got.location)
	}
	page := admin.get("/console/pmp")
	if page.status != http.StatusOK || !strings.Contains(page.body, "Backups for the Munich office") {
		t.Fatalf("administrator's page: %d\n%s", page.status, page.body)
	}
	rid := requestID(t, page.body)
	atoken := admin.csrf("/console/pmp")
	r = admin.post("/console/pmp/requests/"+rid+"/decline", admin.form(atoken))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "required to decline") {
		t.Errorf("decline without a reason: %d", r.status)
	}
	r = admin.post("/console/pmp/requests/"+rid+"/approve", admin.form(atoken))
	if r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", r.status, r.body)
	}
	r = buyer.post(backupOffer+"/accept", buyer.form(token, "confirm", "1"))
	if r.status != http.StatusSeeOther {
		t.Errorf("accepting after approval: %d\n%s", r.status, r.body)
	}
}

// The administrator removes a product and adds it back.
func TestAdministratorCuratesThroughTheConsole(t *testing.T) {
	e := newEnv(t)
	e.governBeispiel()
	admin := e.client()
	admin.signIn(pmpAdminKey, pmpAdminSec)
	token := admin.csrf("/console/pmp")
	if r := admin.post("/console/pmp/exp-beispiel/products/prod-acme-analytics/remove", admin.form(token)); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.status)
	}
	if page := admin.get("/console/pmp"); !strings.Contains(page.body, "No product is allowed") {
		t.Errorf("after removing the only product:\n%s", page.body)
	}
	if r := admin.post("/console/pmp/exp-beispiel/products", admin.form(token, "product", "prod-nope")); r.status != http.StatusNotFound ||
		!strings.Contains(r.body, "prod-nope") {
		t.Errorf("adding an unknown product: %d", r.status)
	}
	if r := admin.post("/console/pmp/exp-beispiel/products", admin.form(token, "product", "prod-acme-backup")); r.status != http.StatusSeeOther {
		t.Errorf("add: %d", r.status)
	}
	buyer := e.client()
	buyer.signIn(beispielKey, beispielSec)
	if r := buyer.get(backupOffer); !strings.Contains(r.body, `id="accept-offer"`) {
		t.Errorf("an allowed product's offer cannot be accepted:\n%s", r.body)
	}
}

// requestID returns the ID of the first request the administrator's page offers to approve.
func requestID(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="approve-`)
	if i < 0 {
		t.Fatalf("no request to approve:\n%s", body)
	}
	rest := body[i+len(`id="approve-`):]
	return rest[:strings.Index(rest, `"`)]
}

// An organisation's payer sees the invoice of its linked account's agreement; the linked
// account sees it on its agreement's page.
func TestPayerSeesLinkedAccountsInvoices(t *testing.T) {
	e := newEnv(t)
	const payer, linked = "121212121212", "343434343434"
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{
		Accounts: []mercato.Account{
			{ID: payer, Name: "Org Payer", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA",
				AccessKeys: []mercato.AccessKey{{ID: "AKIAORGPAYER00000001", Secret: "org-payer-secret"}}},
			{ID: linked, Name: "Org Data Team", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA", Payer: payer,
				AccessKeys: []mercato.AccessKey{{ID: "AKIAORGLINKED0000001", Secret: "org-linked-secret"}}},
		},
		Offers: []mercato.Offer{{ID: "offer-org", ProductID: "prod-acme-backup", Visibility: "private", Buyers: []string{linked},
			ExpiresAt: e.svc.Now().AddDate(0, 1, 0), Terms: mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{
				CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: mercato.MustAmount("300")}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-org", BuyerID: linked})
	if err != nil {
		t.Fatal(err)
	}
	p := e.client()
	p.signIn("AKIAORGPAYER00000001", "org-payer-secret")
	page := p.get("/console/buyer/invoices")
	if page.status != http.StatusOK || !strings.Contains(page.body, a.ID) || !strings.Contains(page.body, "(linked account)") ||
		!strings.Contains(page.body, "319.50") { // 300.00 and 6.5% Washington tax
		t.Errorf("the payer's invoices: %d\n%s", page.status, page.body)
	}
	l := e.client()
	l.signIn("AKIAORGLINKED0000001", "org-linked-secret")
	if page := l.get("/console/buyer/agreements/" + a.ID); !strings.Contains(page.body, "319.50") {
		t.Errorf("the linked account's agreement page shows no invoice:\n%s", page.body)
	}
	if page := l.get("/console/buyer/invoices"); strings.Contains(page.body, a.ID) {
		t.Errorf("the linked account is billed for %s", a.ID)
	}
}
