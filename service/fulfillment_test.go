package service_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// registrationPage is a seller's registration page: it keeps the tokens POSTed to it, after failing
// the first fail requests with a 500.
type registrationPage struct {
	mu     sync.Mutex
	fail   int
	tokens []string
	bad    []string // requests not shaped as a browser's form POST
}

func newRegistrationPage(t *testing.T, fail int) (*registrationPage, *httptest.Server) {
	r := &registrationPage{fail: fail}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *registrationPage) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		http.Error(w, "not now", http.StatusInternalServerError)
		return
	}
	form, err := url.ParseQuery(string(body))
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || err != nil ||
		len(form) != 1 || form.Get("x-amzn-marketplace-token") == "" {
		r.bad = append(r.bad, req.Method+" "+req.Header.Get("Content-Type")+" "+string(body))
	}
	r.tokens = append(r.tokens, form.Get("x-amzn-marketplace-token"))
	http.Redirect(w, req, "/welcome", http.StatusSeeOther) // a registration page's usual answer
}

func (r *registrationPage) received() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.tokens...), append([]string(nil), r.bad...)
}

// saasMarketplace adds to the marketplace a SaaS contract product with the fulfillment URL,
// and a legacy product that still uses customer identifiers.
func (e *env) saasMarketplace(fulfillmentURL string) {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{
		Products: []mercato.Product{
			{ID: "prod-sync", SellerID: seller, Type: mercato.ProductSaaS, Title: "Sync", RefundPolicy: "None.",
				FulfillmentURL: fulfillmentURL, Dimensions: []mercato.Dimension{{Key: "users"}, {Key: "support"}, {Key: "jobs", Metered: true}}},
			{ID: "prod-legacy", SellerID: seller, Type: mercato.ProductSaaS, Title: "Legacy", RefundPolicy: "None.",
				CustomerIdentifier: true, Dimensions: []mercato.Dimension{{Key: "seats"}, {Key: "jobs", Metered: true}}},
		},
		Offers: []mercato.Offer{
			{ID: "offer-sync", ProductID: "prod-sync", Visibility: "public", Terms: mercato.Terms{
				{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200.00"), Duration: &mercato.Period{Months: 12},
					Grants: []mercato.GrantItem{{DimensionKey: "users", MaxQuantity: quantity(25)}, {DimensionKey: "support"}}}},
				{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
					{RateCard: []mercato.RateCardItem{{DimensionKey: "jobs", Price: amt("0.01")}}}}}}}},
			{ID: "offer-legacy", ProductID: "prod-legacy", Visibility: "public", Terms: mercato.Terms{
				{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("100.00"), Duration: &mercato.Period{Months: 1},
					Grants: []mercato.GrantItem{{DimensionKey: "seats", MaxQuantity: quantity(10)}}}},
				{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
					{RateCard: []mercato.RateCardItem{{DimensionKey: "jobs", Price: amt("0.01")}}}}}}}},
		},
	})
}

// TestFulfillmentPostsTheToken: a subscription in the sandbox posts a registration token to
// the product's fulfillment URL as a browser's form would, retried when the page fails; the
// seller resolves it for four hours of business time.
func TestFulfillmentPostsTheToken(t *testing.T) {
	rcv, srv := newRegistrationPage(t, 1)
	e := newEnv(t)
	e.saasMarketplace(srv.URL + "/register")
	a := e.accept("offer-sync", buyer)
	if tokens, _ := rcv.received(); len(tokens) != 0 {
		t.Fatalf("posted before the job ran: %v", tokens)
	}

	// The page fails the first POST: the job stays pending, to be tried a minute later.
	m, err := e.svc.MoveClock(e.ctx, e.svc.Now())
	if err != nil || len(m.Failed) != 1 || m.Failed[0].Status != mercato.JobPending || !strings.Contains(m.Failed[0].LastError, "500") {
		t.Fatalf("first attempt: %+v, %v", m, err)
	}
	e.advanceTo(e.svc.Now().Add(time.Minute))
	tokens, bad := rcv.received()
	if len(tokens) != 1 || len(bad) != 0 {
		t.Fatalf("tokens %v, badly shaped requests %v", tokens, bad)
	}
	issued := e.svc.Now()

	c, err := e.svc.ResolveCustomer(e.ctx, seller, tokens[0])
	if err != nil {
		t.Fatal(err)
	}
	want := service.Customer{AccountID: buyer, ProductCode: "prod-sync", LicenseArn: service.LicenseArn(&a)}
	if c != want {
		t.Errorf("customer = %+v, want %+v (no legacy identifier for a new integration)", c, want)
	}
	_, err = e.svc.ResolveCustomer(e.ctx, buyer, tokens[0])
	if got := errorOf(t, err, mercato.EInvalid); got.Reason != mercato.ReasonInvalidToken {
		t.Errorf("the buyer resolves the token: %v", err)
	}

	// Reusable for four hours, then expired.
	e.advanceTo(issued.Add(service.FulfillmentTokenLife))
	if _, err := e.svc.ResolveCustomer(e.ctx, seller, tokens[0]); err != nil {
		t.Errorf("at four hours: %v", err)
	}
	e.advanceTo(issued.Add(service.FulfillmentTokenLife + time.Second))
	_, err = e.svc.ResolveCustomer(e.ctx, seller, tokens[0])
	if got := errorOf(t, err, mercato.EInvalid); got.Reason != mercato.ReasonExpiredToken {
		t.Errorf("after four hours: %v", err)
	}
	if tokens, _ := rcv.received(); len(tokens) != 1 {
		t.Errorf("the token was posted %d times", len(tokens))
	}
}

// TestFulfillmentOnlyWhereConfigured: no job for a product without a fulfillment URL, nor
// outside the sandbox; an unreachable page fails its job after the retries, and nothing else.
func TestFulfillmentOnlyWhereConfigured(t *testing.T) {
	e := newEnv(t)
	e.saasMarketplace("http://127.0.0.1:1/register") // nothing listens on port 1
	e.accept("offer-legacy", buyer)
	e.accept("offer-sync", buyer)
	if n := e.fulfillmentJobs(); n != 1 {
		t.Errorf("%d fulfillment jobs, want 1 (the product without a URL has none)", n)
	}
	m, err := e.svc.MoveClock(e.ctx, e.svc.Now().Add(time.Hour))
	if err != nil || len(m.Failed) != 1 || m.Failed[0].Status != mercato.JobFailed || m.Failed[0].Attempts != mercato.MaxJobAttempts {
		t.Errorf("an unreachable page: %+v, %v", m, err)
	}

	prod := service.New(e.store, mercato.RealClock{})
	if _, err := prod.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-sync", BuyerID: buyer2}); err != nil {
		t.Fatal(err)
	}
	if n := e.fulfillmentJobs(); n != 1 {
		t.Errorf("%d fulfillment jobs after an acceptance in production, want still 1", n)
	}
}

func (e *env) fulfillmentJobs() int {
	e.t.Helper()
	jobs, err := e.svc.Jobs(e.ctx, mercato.JobFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, j := range jobs {
		if j.Kind == "saas-fulfillment" {
			n++
		}
	}
	return n
}

// TestFulfillmentForTheConsole: the buyer gets the page and a fresh token; the seller sets the
// URL, which must be an absolute http(s) URL.
func TestFulfillmentForTheConsole(t *testing.T) {
	e := newEnv(t)
	e.saasMarketplace("")
	a := e.accept("offer-sync", buyer)
	if f, err := e.svc.Fulfillment(e.ctx, buyer, a.ID); err != nil || f != (service.Fulfillment{}) {
		t.Errorf("without a URL: %+v, %v", f, err)
	}
	for _, bad := range []string{"ftp://example.com/x", "/register", "https://", "not a url", "https://user:pw@example.com/"} {
		_, err := e.svc.SetFulfillmentURL(e.ctx, seller, "prod-sync", bad)
		if got := errorOf(t, err, mercato.EInvalid); len(got.Fields) != 1 || got.Fields[0].Name != "fulfillmentUrl" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	_, err := e.svc.SetFulfillmentURL(e.ctx, buyer, "prod-sync", "https://example.com/register")
	errorOf(t, err, mercato.ENotFound)
	p, err := e.svc.SetFulfillmentURL(e.ctx, seller, "prod-sync", "https://example.com/register")
	if err != nil || p.FulfillmentURL != "https://example.com/register" {
		t.Fatalf("set: %+v, %v", p, err)
	}

	f, err := e.svc.Fulfillment(e.ctx, buyer, a.ID)
	if err != nil || f.URL != "https://example.com/register" {
		t.Fatalf("fulfillment = %+v, %v", f, err)
	}
	if c, err := e.svc.ResolveCustomer(e.ctx, seller, f.Token); err != nil || c.AccountID != buyer {
		t.Errorf("the console's token resolves to %+v, %v", c, err)
	}
	_, err = e.svc.Fulfillment(e.ctx, seller, a.ID)
	errorOf(t, err, mercato.ENotFound)
}

// TestLegacyCustomerIdentifier: a product that still uses customer identifiers gets the same
// one from ResolveCustomer and GetEntitlements, filters by it, and meters with it.
func TestLegacyCustomerIdentifier(t *testing.T) {
	e := newEnv(t)
	e.saasMarketplace("")
	a := e.accept("offer-legacy", buyer)
	ents, err := e.svc.AgreementEntitlements(e.ctx, buyer, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.ResolveCustomer(e.ctx, seller, ents[0].RegistrationToken)
	if err != nil || c.Identifier == "" {
		t.Fatalf("customer = %+v, %v", c, err)
	}
	got, _, err := e.svc.Entitlements(e.ctx, seller, service.EntitlementsInput{ProductCode: "prod-legacy",
		CustomerIdentifiers: []string{c.Identifier}})
	if err != nil || len(got) != 1 || got[0].CustomerIdentifier != c.Identifier || got[0].CustomerAccountID != buyer {
		t.Errorf("by identifier: %+v, %v", got, err)
	}
	got, _, err = e.svc.Entitlements(e.ctx, seller, service.EntitlementsInput{ProductCode: "prod-legacy",
		CustomerIdentifiers: []string{"bm90LWEtY3VzdG9tZXI"}})
	if err != nil || len(got) != 0 {
		t.Errorf("by a forged identifier: %+v, %v", got, err)
	}
	res, err := e.svc.BatchMeterUsage(e.ctx, seller, "prod-legacy", []service.UsageRecordInput{
		{CustomerIdentifier: c.Identifier, Dimension: "jobs", Timestamp: e.svc.Now(), Quantity: 3}})
	if err != nil || res[0].Status != service.MeterSuccess {
		t.Errorf("metered by identifier: %+v, %v", res, err)
	}
}
