package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering"
	mtypes "github.com/aws/aws-sdk-go-v2/service/marketplacemetering/types"
	"github.com/google/go-cmp/cmp"
)

// registrationPage is a seller's registration page: it answers the first POST with a 500, as
// a page that is deploying would, and hands on the x-amzn-marketplace-token of every later
// one, checking that it arrives as a browser's form post.
type registrationPage struct {
	t      *testing.T
	mu     sync.Mutex
	posts  int
	tokens chan string
}

func newRegistrationPage(t *testing.T) (*registrationPage, *httptest.Server) {
	p := &registrationPage{t: t, tokens: make(chan string, 10)}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	return p, srv
}

func (p *registrationPage) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.posts++
	first := p.posts == 1
	p.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if r.Method != http.MethodPost || r.URL.Path != "/register" || err != nil ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || form.Get("x-amzn-marketplace-token") == "" {
		p.t.Errorf("the registration page got %s %s (%s) %q", r.Method, r.URL, r.Header.Get("Content-Type"), body)
	}
	if first {
		http.Error(w, "deploying", http.StatusInternalServerError)
		return
	}
	p.tokens <- form.Get("x-amzn-marketplace-token")
	http.Redirect(w, r, "/welcome", http.StatusFound)
}

func (p *registrationPage) postCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.posts
}

// next waits for the next token posted.
func (p *registrationPage) next(t *testing.T) string {
	t.Helper()
	select {
	case tok := <-p.tokens:
		return tok
	case <-time.After(10 * time.Second):
		t.Fatal("no registration token was posted within 10 s")
		return ""
	}
}

// startSaaSServer starts a sandbox on testdata/saas.yaml whose product posts to page.
func startSaaSServer(t *testing.T, page string) *server {
	t.Helper()
	tmpl, err := os.ReadFile(filepath.Join("testdata", "saas.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "saas.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(tmpl), "FULFILLMENT_URL", page)), 0o644); err != nil {
		t.Fatal(err)
	}
	return startServerWith(t, "sqlite:"+filepath.Join(dir, "x.db"), path)
}

func meteringClient(srv *server, a account) *marketplacemetering.Client {
	return marketplacemetering.New(marketplacemetering.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(a.KeyID, a.Secret, ""),
		HTTPClient:  &bufferingClient{http: http.DefaultClient}, Retryer: aws.NopRetryer{}})
}

// TestSaaSRegistrationFlow is a SaaS seller's integration end to end: the sandbox posts a
// subscription's registration token to the product's fulfillment URL (retrying when the page
// fails), the seller resolves it with the Go SDK, reads the entitlement with boto3 and the
// AWS CLI, and meters the customer's usage; a subscription through the Agreement API is
// posted too; after four hours a token is expired, and a forged one is invalid.
func TestSaaSRegistrationFlow(t *testing.T) {
	page, pageSrv := newRegistrationPage(t)
	srv := startSaaSServer(t, pageSrv.URL+"/register")
	metering := meteringClient(srv, seller)

	// Buyer One's scenario acceptance is posted when applying the scenario moves the clock;
	// the page fails that attempt, and the job tries again a minute of business time later.
	srv.advance(t, "0s")
	if n := page.postCount(); n != 1 {
		t.Fatalf("%d POSTs before the retry is due, want 1 (the failed one)", n)
	}
	srv.advance(t, "1m")
	token := page.next(t)

	c, err := metering.ResolveCustomer(ctx(), &marketplacemetering.ResolveCustomerInput{RegistrationToken: aws.String(token)})
	must(t, err)
	license := "arn:aws:license-manager::444455556666:license:l-e2e-sync"
	if aws.ToString(c.CustomerAWSAccountId) != buyer1.ID || aws.ToString(c.ProductCode) != "prod-e2e-sync" ||
		aws.ToString(c.LicenseArn) != license || c.CustomerIdentifier != nil {
		t.Errorf("ResolveCustomer = account %s, product %s, license %s, identifier %v", aws.ToString(c.CustomerAWSAccountId),
			aws.ToString(c.ProductCode), aws.ToString(c.LicenseArn), aws.ToString(c.CustomerIdentifier))
	}

	// What did the customer buy? (boto3, as a Python back end would ask.)
	var bought []wireEntitlement
	python(t, srv, seller, fmt.Sprintf(`show(ent.get_entitlements(ProductCode="prod-e2e-sync",
  Filter={"CUSTOMER_AWS_ACCOUNT_ID": [%q]})["Entitlements"])`, aws.ToString(c.CustomerAWSAccountId)), &bought)
	end := "2027-02-28T12:00:00+00:00" // a year from the acceptance
	want := []wireEntitlement{
		{ProductCode: "prod-e2e-sync", Dimension: "premium_support", CustomerAWSAccountId: buyer1.ID, LicenseArn: license,
			Value: map[string]any{"BooleanValue": true}, ExpirationDate: end},
		{ProductCode: "prod-e2e-sync", Dimension: "users", CustomerAWSAccountId: buyer1.ID, LicenseArn: license,
			Value: map[string]any{"IntegerValue": 25.0}, ExpirationDate: end},
	}
	if diff := cmp.Diff(want, bought); diff != "" {
		t.Errorf("entitlements (-want +got):\n%s", diff)
	}

	// Meter the customer's usage.
	now := srv.advance(t, "0s")
	used, err := metering.BatchMeterUsage(ctx(), &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("prod-e2e-sync"),
		UsageRecords: []mtypes.UsageRecord{{CustomerAWSAccountId: c.CustomerAWSAccountId, Dimension: aws.String("sync_jobs"),
			Quantity: aws.Int32(42), Timestamp: aws.Time(now)}}})
	must(t, err)
	if len(used.Results) != 1 || used.Results[0].Status != mtypes.UsageRecordResultStatusSuccess {
		t.Errorf("BatchMeterUsage = %+v", used.Results)
	}

	second := subscribeThroughAgreementAPI(t, srv, page, metering)

	// Every entitlement, a page at a time (boto3's paginator).
	var pages [][]wireEntitlement
	python(t, srv, seller, `show([p["Entitlements"] for p in ent.get_paginator("get_entitlements").paginate(
  ProductCode="prod-e2e-sync", PaginationConfig={"PageSize": 2})])`, &pages)
	if len(pages) != 2 || len(pages[0]) != 2 || len(pages[1]) != 1 {
		t.Errorf("pages of 2: %+v", pages)
	}

	// Four hours later the tokens are expired; a forged one never resolved.
	srv.advance(t, "4h1m")
	_, err = metering.ResolveCustomer(ctx(), &marketplacemetering.ResolveCustomerInput{RegistrationToken: aws.String(second)})
	wantError[*mtypes.ExpiredTokenException](t, err)
	forged := token[:strings.IndexByte(token, '.')+1] + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	_, err = metering.ResolveCustomer(ctx(), &marketplacemetering.ResolveCustomerInput{RegistrationToken: aws.String(forged)})
	wantError[*mtypes.InvalidTokenException](t, err)
}

// subscribeThroughAgreementAPI has Buyer Two buy 7 users through the Agreement API (Go SDK,
// CBOR), checks that the sandbox posts the new agreement's token and that the AWS CLI lists its
// entitlement, and returns the token.
func subscribeThroughAgreementAPI(t *testing.T, srv *server, page *registrationPage, metering *marketplacemetering.Client) string {
	t.Helper()
	e := newEnv(t, srv, protocols[0])
	const offer = "offer-e2e-sync-users"
	quote, err := e.buyer2.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offer)), RequestedTerms: []types.RequestedTerm{
			{Id: aws.String(termID(offer, 1)), Configuration: &types.RequestedTermConfigurationMemberConfigurableUpfrontPricingTermConfiguration{
				Value: types.ConfigurableUpfrontPricingTermConfiguration{SelectorValue: aws.String("P12M"),
					Dimensions: []types.Dimension{{DimensionKey: aws.String("users"), DimensionValue: 7}}}}},
			{Id: aws.String(termID(offer, 2))}}})
	must(t, err)
	accepted, err := e.buyer2.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
	must(t, err)
	srv.advance(t, "0s")
	token := page.next(t)

	c, err := metering.ResolveCustomer(ctx(), &marketplacemetering.ResolveCustomerInput{RegistrationToken: aws.String(token)})
	must(t, err)
	if aws.ToString(c.CustomerAWSAccountId) != buyer2.ID || !strings.HasSuffix(aws.ToString(c.LicenseArn),
		strings.TrimPrefix(aws.ToString(accepted.AgreementId), "agmt-")) {
		t.Errorf("the second token resolves to %s, %s (agreement %s)", aws.ToString(c.CustomerAWSAccountId),
			aws.ToString(c.LicenseArn), aws.ToString(accepted.AgreementId))
	}
	out, ok := awsCLI(t, srv, seller, "marketplace-entitlement", "get-entitlements", "--product-code", "prod-e2e-sync",
		"--filter", "LICENSE_ARN="+aws.ToString(c.LicenseArn), "--query", "Entitlements[].[Dimension,Value.IntegerValue]", "--output", "text")
	if !ok || strings.Join(strings.Fields(out), " ") != "users 7" {
		t.Errorf("the CLI lists %q (ok=%v), want users 7", out, ok)
	}
	return token
}
