package console_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/console"
	"mercato/scenario"
	"mercato/service"
	"mercato/sqlite"
)

// The demo scenario's accounts and keys (examples/demo.yaml), and one more seller the tests add.
const (
	acme         = "111122223333"
	buyerCorp    = "444455556666"
	beispiel     = "777788889999"
	otherSeller  = "222233334444"
	privateAgmt  = "agmt-demo-private" // Acme → Buyer Corp, 3 installments, the first invoiced 15 Jan
	publicAgmt   = "agmt-demo-public"  // Acme → Beispiel GmbH, monthly subscription
	otherAgmt    = "agmt-other-seller" // Other Seller → Beispiel GmbH
	variableAgmt = "agmt-services"     // Acme → Beispiel GmbH, payments on request up to 1,000.00 USD
	acmeKey      = "AKIAACMESELLER000001"
	acmeSecret   = "acme-seller-secret"
	buyerKey     = "AKIABUYERCORP0000001"
	buyerSecret  = "buyer-corp-secret"
	beispielKey  = "AKIABEISPIELGMBH0001"
	beispielSec  = "beispiel-gmbh-secret"
	operatorKey  = "AKIAMERCATOOPERATOR1"
	operatorSec  = "operator-secret"
	otherKey     = "AKIAOTHERSELLER00001"
	otherSecret  = "other-seller-secret"
	demoScenario = "../examples/demo.yaml"
)

// env is the console over a real sandbox service on a temporary SQLite database with the demo
// marketplace, served over HTTP, at business time 16 Jan 2026 (the first installment of the
// private agreement is invoiced).
type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *service.Service
	store mercato.Store
	srv   *httptest.Server
	cons  *console.Console
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(store, mercato.NewSimClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	e := &env{t: t, ctx: ctx, svc: svc, store: store}
	e.applyDemo()
	if _, err := svc.Advance(ctx, time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	c, err := console.New(ctx, console.Config{Service: svc, Directory: storeDirectory{store}})
	if err != nil {
		t.Fatal(err)
	}
	e.cons = c
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.srv.Close()
		if err := svc.CheckBooks(context.Background()); err != nil {
			t.Errorf("ledger: %v", err)
		}
		store.Close()
	})
	return e
}

// applyDemo applies examples/demo.yaml and a second seller with an agreement of Beispiel GmbH.
func (e *env) applyDemo() {
	e.t.Helper()
	data, err := os.ReadFile(demoScenario)
	if err != nil {
		e.t.Fatal(err)
	}
	sc, err := scenario.Parse(data)
	if err != nil {
		e.t.Fatal(err)
	}
	sc.Accounts = append(sc.Accounts, mercato.Account{ID: otherSeller, Name: "Other Seller", Roles: []mercato.Role{mercato.RoleSeller},
		AccessKeys: []mercato.AccessKey{{ID: otherKey, Secret: otherSecret}}})
	sc.Products = append(sc.Products, mercato.Product{ID: "prod-other", SellerID: otherSeller, Type: mercato.ProductSaaS,
		Title: "Other Tool", RefundPolicy: "None."})
	sc.Offers = append(sc.Offers, mercato.Offer{ID: "offer-other", ProductID: "prod-other", Visibility: "public",
		Terms: mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly",
			Price: mercato.MustAmount("10")}}}})
	sc.Agreements = append(sc.Agreements, mercato.ScenarioAgreement{ID: otherAgmt, OfferID: "offer-other", BuyerID: beispiel,
		AcceptedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)})
	sc.Products = append(sc.Products, mercato.Product{ID: "prod-acme-services", SellerID: acme, Type: mercato.ProductProfessionalServices,
		Title: "Acme Onboarding", RefundPolicy: "Refunds for work not done."})
	sc.Offers = append(sc.Offers, mercato.Offer{ID: "offer-acme-services", ProductID: "prod-acme-services", Visibility: "private",
		Buyers: []string{beispiel}, ExpiresAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Terms: mercato.Terms{
			{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
			{VariablePayment: &mercato.VariablePaymentTerm{CurrencyCode: "USD", MaxTotalChargeAmount: mercato.MustAmount("1000")}}}})
	sc.Agreements = append(sc.Agreements, mercato.ScenarioAgreement{ID: variableAgmt, OfferID: "offer-acme-services", BuyerID: beispiel,
		AcceptedAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)})
	if err := e.svc.ApplyScenario(e.ctx, sc); err != nil {
		e.t.Fatal(err)
	}
}

// storeDirectory reads accounts and products for the console, as cmd/mercato wires it.
type storeDirectory struct{ store mercato.Store }

func (d storeDirectory) Account(ctx context.Context, id string) (a mercato.Account, err error) {
	err = d.store.View(ctx, func(tx mercato.Tx) error { a, err = tx.GetAccount(id); return err })
	return a, err
}

func (d storeDirectory) Product(ctx context.Context, id string) (p mercato.Product, err error) {
	err = d.store.View(ctx, func(tx mercato.Tx) error { p, err = tx.GetProduct(id); return err })
	return p, err
}

// firstInvoice returns the private agreement's first invoice.
func (e *env) firstInvoice() mercato.Invoice {
	e.t.Helper()
	inv, err := e.svc.Invoices(e.ctx, mercato.InvoiceFilter{AgreementID: privateAgmt, Type: mercato.InvoiceTypeInvoice})
	if err != nil || len(inv) == 0 {
		e.t.Fatalf("invoices of %s: %v, %v", privateAgmt, inv, err)
	}
	return inv[0]
}

// client is a browser-like HTTP client of the test server: it keeps cookies and does not follow
// redirects, so tests see them.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, base: e.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a status, the Location header and the body.
type response struct {
	status   int
	location string
	body     string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b)}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form; headers are extra request headers as name, value pairs.
func (c *client) post(path string, form url.Values, headers ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the first form on the page at path.
func (c *client) csrf(path string) string {
	c.t.Helper()
	r := c.get(path)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		c.t.Fatalf("GET %s: %d, no csrf field", path, r.status)
	}
	return html.UnescapeString(m[1])
}

// signIn signs the client in and checks it lands in the console.
func (c *client) signIn(keyID, secret string) {
	c.t.Helper()
	r := c.post("/console/signin", url.Values{"csrf": {c.csrf("/console/signin")}, "access_key_id": {keyID}, "secret": {secret}})
	if r.status != http.StatusSeeOther || r.location != "/console/" {
		c.t.Fatalf("sign-in as %s: %d to %q, want 303 to /console/\n%s", keyID, r.status, r.location, r.body)
	}
}

// form returns a url.Values of name, value pairs with the session's CSRF token.
func (c *client) form(token string, kv ...string) url.Values {
	v := url.Values{"csrf": {token}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
