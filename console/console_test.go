package console_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/console"
	"mercato/service"
)

func TestSignInFailures(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, key, secret string
	}{
		{"wrong secret", acmeKey, "not-the-secret"},
		{"unknown key", "AKIAUNKNOWNKEY000001", acmeSecret},
		{"empty secret", acmeKey, ""},
		{"empty key", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			r := c.post("/console/signin", url.Values{"csrf": {c.csrf("/console/signin")}, "access_key_id": {tt.key}, "secret": {tt.secret}})
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "not correct") {
				t.Fatalf("sign-in: %d, want 401 with an explanation\n%s", r.status, r.body)
			}
			if strings.Contains(r.body, tt.secret) && tt.secret != "" {
				t.Error("the page repeats the secret typed")
			}
			if got := c.get("/console/seller/agreements"); got.status != http.StatusSeeOther || !strings.HasPrefix(got.location, "/console/signin") {
				t.Errorf("after a failed sign-in, a page answers %d to %q; want a redirect to sign in", got.status, got.location)
			}
		})
	}
}

func TestSignInFormNeedsItsToken(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.csrf("/console/signin") // sets the nonce cookie
	r := c.post("/console/signin", url.Values{"csrf": {"forged"}, "access_key_id": {acmeKey}, "secret": {acmeSecret}})
	if r.status != http.StatusForbidden {
		t.Fatalf("sign-in with a forged form token: %d, want 403", r.status)
	}
}

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	if r := c.get("/console/"); r.status != http.StatusSeeOther || r.location != "/console/seller/agreements" {
		t.Fatalf("home of a seller: %d to %q", r.status, r.location)
	}
	if r := c.get("/console/seller/agreements"); r.status != http.StatusOK || !strings.Contains(r.body, privateAgmt) {
		t.Fatalf("agreements: %d, without %s", r.status, privateAgmt)
	}
	token := c.csrf("/console/seller/agreements")
	if r := c.post("/console/signout", c.form(token)); r.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", r.status)
	}
	if r := c.get("/console/seller/agreements"); r.status != http.StatusSeeOther {
		t.Errorf("after sign-out the agreements answer %d, want a redirect to sign in", r.status)
	}
}

func TestForgedSessionCookieIsIgnored(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(buyerKey, buyerSecret)
	u, _ := url.Parse(e.srv.URL + "/console/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "mercato_console" {
			// Claim to be the seller, keeping the buyer's signature.
			payload, sig, _ := strings.Cut(ck.Value, ".")
			body, err := base64.RawURLEncoding.DecodeString(payload)
			if err != nil || !strings.Contains(string(body), buyerCorp) {
				t.Fatalf("session cookie %q: %v", body, err)
			}
			forged := strings.Replace(string(body), buyerCorp, acme, 1)
			ck.Value = base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + sig
			c.http.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/console/"}})
		}
	}
	if r := c.get("/console/seller/agreements"); r.status != http.StatusSeeOther {
		t.Fatalf("with a tampered cookie: %d, want a redirect to sign in", r.status)
	}
}

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	path := "/console/seller/agreements/" + privateAgmt + "/cancellation"
	token := c.csrf("/console/seller/agreements/" + privateAgmt)
	for name, form := range map[string]url.Values{
		"no token":    {"reason_code": {"OTHER"}},
		"wrong token": {"reason_code": {"OTHER"}, "csrf": {token + "x"}},
	} {
		if r := c.post(path, form); r.status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, r.status)
		}
	}
	if r := c.post(path, c.form(token, "reason_code", "OTHER"), "Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
		t.Errorf("cross-origin POST with a valid token: %d, want 403", r.status)
	}
	if n := e.cancellations(acme); n != 0 {
		t.Fatalf("%d cancellation requests made by refused forms", n)
	}
	if r := c.post(path, c.form(token, "reason_code", "OTHER")); r.status != http.StatusSeeOther {
		t.Fatalf("with the token: %d, want 303\n%s", r.status, r.body)
	}
	if n := e.cancellations(acme); n != 1 {
		t.Fatalf("%d cancellation requests, want 1", n)
	}
}

func (e *env) cancellations(seller string) int {
	e.t.Helper()
	rs, _, err := e.svc.CancellationRequests(e.ctx, seller, service.RequestQuery{Party: service.Proposer})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(rs)
}

func TestAccessControl(t *testing.T) {
	e := newEnv(t)
	clients := map[string]*client{}
	for who, key := range map[string][2]string{"acme": {acmeKey, acmeSecret}, "buyer": {buyerKey, buyerSecret},
		"beispiel": {beispielKey, beispielSec}, "operator": {operatorKey, operatorSec}, "other": {otherKey, otherSecret}} {
		clients[who] = e.client()
		clients[who].signIn(key[0], key[1])
	}
	tests := []struct {
		who, path string
		want      int
	}{
		{"acme", "/console/seller/agreements/" + privateAgmt, http.StatusOK},
		{"acme", "/console/seller/agreements/" + otherAgmt, http.StatusNotFound},       // another seller's
		{"other", "/console/seller/agreements/" + privateAgmt, http.StatusNotFound},    // another seller's
		{"beispiel", "/console/seller/agreements/" + privateAgmt, http.StatusNotFound}, // a buyer, someone else's
		{"buyer", "/console/seller/agreements/" + privateAgmt, http.StatusNotFound},    // a buyer, its own, seller page
		{"buyer", "/console/seller/agreements", http.StatusNotFound},                   // not a seller
		{"buyer", "/console/seller/agreements/" + privateAgmt + "/adjust", http.StatusNotFound},
		{"buyer", "/console/buyer/agreements/" + privateAgmt, http.StatusOK},
		{"beispiel", "/console/buyer/agreements/" + privateAgmt, http.StatusNotFound}, // another buyer's
		{"acme", "/console/buyer/agreements/" + privateAgmt, http.StatusNotFound},     // a seller, buyer page
		{"beispiel", "/console/buyer/offers/offer-acme-private", http.StatusNotFound}, // private, not targeted
		{"buyer", "/console/buyer/offers/offer-acme-private", http.StatusOK},          // private, targeted
		{"acme", "/console/operator", http.StatusNotFound},
		{"operator", "/console/operator", http.StatusOK},
		{"operator", "/console/seller/agreements", http.StatusNotFound},
		{"acme", "/console/no/such/page", http.StatusNotFound},
	}
	for _, tt := range tests {
		r := clients[tt.who].get(tt.path)
		if r.status != tt.want {
			t.Errorf("%s GET %s: %d, want %d", tt.who, tt.path, r.status, tt.want)
		}
		if tt.want == http.StatusNotFound && strings.Contains(r.body, "1,200.00") {
			t.Errorf("%s GET %s: the 404 page shows the agreement's amounts", tt.who, tt.path)
		}
	}
	// A form of a page the account may not see changes nothing either.
	buyer := clients["buyer"]
	token := buyer.csrf("/console/buyer/agreements")
	r := buyer.post("/console/seller/agreements/"+privateAgmt+"/cancellation", buyer.form(token, "reason_code", "OTHER"))
	if r.status != http.StatusNotFound || e.cancellations(acme) != 0 {
		t.Errorf("buyer POST to the seller's cancellation form: %d, %d requests", r.status, e.cancellations(acme))
	}
}

// adjust walks the billing adjustment wizard up to the preview and returns its page.
func adjustToPreview(c *client, token, invoice, kind, amount string) response {
	return c.post("/console/seller/agreements/"+privateAgmt+"/adjust/preview", c.form(token,
		"reason_code", "INCORRECT_METERING", "reason", "Buyer overbilled due to incorrect usage metering",
		"support_case", "CASE-42", "invoice", invoice, "kind", kind, "amount", amount))
}

func TestAdjustmentAmountIsCheckedOnTheServer(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	token := c.csrf("/console/seller/agreements/" + privateAgmt + "/adjust")
	tests := []struct {
		amount, want string
	}{
		{"1200.01", "At most 1,200.00 USD remains refundable on invoice " + inv.ID},
		{"5000", "Enter 1,200.00 or less"},
		{"10.005", "at most 2 decimal places"},
		{"0", "more than zero"},
		{"-5", "more than zero"},
		{"ten", "a number such as 250.00"},
		{"", "Enter the pre-tax amount"},
	}
	for _, tt := range tests {
		r := adjustToPreview(c, token, inv.ID, "partial", tt.amount)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `data-page="adjust_amount"`) || !strings.Contains(r.body, tt.want) {
			t.Errorf("amount %q: %d, want the amount step again (400) saying %q", tt.amount, r.status, tt.want)
		}
	}
	r := c.post("/console/seller/agreements/"+privateAgmt+"/adjust/submit", c.form(token,
		"reason_code", "INCORRECT_METERING", "reason", "Buyer overbilled due to incorrect usage metering",
		"invoice", inv.ID, "kind", "partial", "amount", "1300", "token", "t-1", "confirm", "1"))
	if r.status != http.StatusBadRequest || e.adjustments() != 0 {
		t.Errorf("submitting an amount above the invoice: %d, %d adjustments", r.status, e.adjustments())
	}
}

func (e *env) adjustments() int {
	e.t.Helper()
	bas, _, err := e.svc.Adjustments(e.ctx, acme, service.AdjustmentQuery{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(bas)
}

func TestAdjustmentWizard(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	base := "/console/seller/agreements/" + privateAgmt + "/adjust"
	token := c.csrf(base)

	// A vague reason is questioned once, then kept knowingly.
	vague := c.form(token, "reason_code", "OTHER", "reason", "refund requested")
	r := c.post(base+"/invoice", vague)
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="vague-warning"`) {
		t.Fatalf("vague reason: %d, want the reason step with a warning", r.status)
	}
	vague.Set("vague_ok", "OTHER|refund requested")
	if r = c.post(base+"/invoice", vague); !strings.Contains(r.body, `data-page="adjust_invoice"`) {
		t.Fatalf("vague reason kept: want the invoice step, got %d", r.status)
	}
	// A missing reason is an error on step 1, whatever later steps say.
	if r = c.post(base+"/preview", c.form(token, "reason_code", "NOT_A_CODE", "invoice", inv.ID, "kind", "full")); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, `data-page="adjust_reason"`) || !strings.Contains(r.body, "clear reason is required") {
		t.Fatalf("no reason: %d, want step 1 with errors", r.status)
	}

	r = adjustToPreview(c, token, inv.ID, "partial", "200.00")
	if r.status != http.StatusOK || !strings.Contains(r.body, `data-page="adjust_preview"`) {
		t.Fatalf("preview: %d\n%s", r.status, r.body)
	}
	for _, want := range []string{inv.ID, "200.00 USD", "1,000.00 USD", "Incorrect usage metering", "CASE-42", "no undo", "not a cancellation"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the preview does not show %q", want)
		}
	}
	clientToken := regexpField(t, r.body, "token")
	submit := c.form(token, "reason_code", "INCORRECT_METERING", "reason", "Buyer overbilled due to incorrect usage metering",
		"support_case", "CASE-42", "invoice", inv.ID, "kind", "partial", "amount", "200.00", "token", clientToken)
	if r = c.post(base+"/submit", submit); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Confirm that you checked") {
		t.Fatalf("submit without the confirmation: %d", r.status)
	}
	submit.Set("confirm", "1")
	first := c.post(base+"/submit", submit)
	if first.status != http.StatusSeeOther || !strings.Contains(first.location, "/adjustments/ba-") {
		t.Fatalf("submit: %d to %q\n%s", first.status, first.location, first.body)
	}
	// The same preview submitted again adjusts nothing twice.
	if again := c.post(base+"/submit", submit); again.location != first.location {
		t.Errorf("second submission went to %q, want the same adjustment %q", again.location, first.location)
	}
	if n := e.adjustments(); n != 1 {
		t.Fatalf("%d adjustments, want 1", n)
	}
	page := c.get(first.location)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Billing adjustment submitted") || !strings.Contains(page.body, "Pending") {
		t.Errorf("confirmation page: %d", page.status)
	}
	ba, _, _ := e.svc.Adjustments(e.ctx, acme, service.AdjustmentQuery{})
	if ba[0].Amount != mercato.MustAmount("200") || ba[0].ReasonCode != "INCORRECT_METERING" ||
		ba[0].Description != "Buyer overbilled due to incorrect usage metering | Support case: CASE-42" {
		t.Errorf("adjustment = %+v", ba[0])
	}
}

func regexpField(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no field %s", name)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return rest[:strings.Index(rest, `"`)]
}

func TestBuyerAnswersCancellation(t *testing.T) {
	e := newEnv(t)
	r, err := e.svc.SendCancellationRequest(e.ctx, acme, service.SendCancellationInput{AgreementID: privateAgmt,
		ReasonCode: "BUYER_DISSATISFACTION", ClientToken: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn(buyerKey, buyerSecret)
	path := "/console/buyer/agreements/" + privateAgmt + "/cancellations/" + r.ID
	token := c.csrf("/console/buyer/requests")
	if res := c.post(path+"/reject", c.form(token)); res.status != http.StatusBadRequest || !strings.Contains(res.body, "Give a reason") {
		t.Errorf("reject without a reason: %d", res.status)
	}
	res := c.post(path+"/accept", c.form(token, "from", "requests"))
	if res.status != http.StatusSeeOther || res.location != "/console/buyer/requests?notice=cancellation-approved" {
		t.Fatalf("approve: %d to %q", res.status, res.location)
	}
	a, _ := e.svc.DescribeAgreement(e.ctx, buyerCorp, privateAgmt)
	if a.Status != mercato.AgreementCancelled {
		t.Errorf("agreement is %s after approval", a.Status)
	}
	if res := c.post(path+"/accept", c.form(token)); res.status != http.StatusConflict {
		t.Errorf("approving twice: %d, want 409", res.status)
	}
}

func TestAcceptOfferTwiceIsADuplicateContract(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(beispielKey, beispielSec) // already subscribed to Acme Analytics (agmt-demo-public)
	token := c.csrf("/console/buyer/offers/offer-acme-public")
	r := c.post("/console/buyer/offers/offer-acme-public/accept", c.form(token, "confirm", "1"))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "already have an active contract") || !strings.Contains(r.body, publicAgmt) {
		t.Fatalf("duplicate: %d\n%s", r.status, r.body)
	}
	r = c.post("/console/buyer/offers/offer-acme-backup-public/accept", c.form(token, "confirm", "1"))
	if r.status != http.StatusSeeOther || !strings.Contains(r.location, "?notice=offer-accepted") {
		t.Fatalf("accept: %d to %q", r.status, r.location)
	}
}

// offerRow returns the row of the offers page that lists the offer.
func offerRow(t *testing.T, body, offer string) string {
	t.Helper()
	_, row, ok := strings.Cut(body, `<tr id="offer-`+offer+`">`)
	if !ok {
		t.Fatalf("the offers page does not list %s", offer)
	}
	row, _, _ = strings.Cut(row, "</tr>")
	return row
}

// A buyer with an active professional-services agreement and a SaaS subscription is not offered
// those products' offers again: acceptance would refuse them, and the page says so.
func TestBuyerOffersPageDoesNotOfferWhatAcceptanceRefuses(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(beispielKey, beispielSec) // holds agmt-services (professional services) and agmt-demo-public (SaaS)
	page := c.get("/console/buyer/offers")
	for offer, agreement := range map[string]string{"offer-acme-services": variableAgmt, "offer-acme-public": publicAgmt} {
		row := offerRow(t, page.body, offer)
		if !strings.Contains(row, "Not available") || strings.Contains(row, "Review and accept") || !strings.Contains(row, agreement) {
			t.Errorf("%s is listed as\n%s\nwant not available, naming %s", offer, row, agreement)
		}
	}
	if row := offerRow(t, page.body, "offer-acme-backup-public"); !strings.Contains(row, "Review and accept") {
		t.Errorf("an offer of another product is not available:\n%s", row)
	}
	r := c.get("/console/buyer/offers/offer-acme-services")
	if r.status != http.StatusOK || strings.Contains(r.body, `id="accept-offer"`) || !strings.Contains(r.body, "already have an active contract") {
		t.Errorf("the offer's page: %d, offers to accept it again or does not say why not", r.status)
	}
	token := c.csrf("/console/buyer/offers")
	r = c.post("/console/buyer/offers/offer-acme-services/accept", c.form(token, "confirm", "1"))
	if r.status != http.StatusConflict || !strings.Contains(r.body, variableAgmt) {
		t.Errorf("accepting again: %d, want 409 naming %s", r.status, variableAgmt)
	}
	all, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{AcceptorID: beispiel, ProductID: "prod-acme-services"})
	if err != nil || len(all) != 1 {
		t.Errorf("professional-services agreements = %d (%v), want 1", len(all), err)
	}
}

// A new AMI offer to a buyer with an hourly AMI agreement is offered as its replacement, and
// accepting it replaces the agreement.
func TestBuyerOffersPageOffersAnAMIReplacement(t *testing.T) {
	e := newEnv(t)
	hourly := func(price string) mercato.Terms {
		return mercato.Terms{{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
			{RateCard: []mercato.RateCardItem{{DimensionKey: "hours", Price: mercato.MustAmount(price)}}}}}}}
	}
	if err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{
		Products: []mercato.Product{{ID: "prod-acme-ami", SellerID: acme, Type: mercato.ProductAMI, Title: "Acme Appliance",
			RefundPolicy: "None.", Dimensions: []mercato.Dimension{{Key: "hours", Metered: true}}}},
		Offers: []mercato.Offer{
			{ID: "offer-ami", ProductID: "prod-acme-ami", Visibility: "public", Terms: hourly("0.10")},
			{ID: "offer-ami-cheaper", ProductID: "prod-acme-ami", Visibility: "private", Buyers: []string{buyerCorp},
				ExpiresAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Terms: hourly("0.05")},
		},
	}); err != nil {
		t.Fatal(err)
	}
	old, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-ami", BuyerID: buyerCorp})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn(buyerKey, buyerSecret)
	page := c.get("/console/buyer/offers")
	if row := offerRow(t, page.body, "offer-ami-cheaper"); !strings.Contains(row, "Review and accept") || !strings.Contains(row, "Accepting replaces your agreement") {
		t.Errorf("the new AMI offer is listed as\n%s", row)
	}
	if row := offerRow(t, page.body, "offer-ami"); strings.Contains(row, "Review and accept") {
		t.Errorf("the AMI offer already accepted is offered again:\n%s", row)
	}
	r := c.get("/console/buyer/offers/offer-ami-cheaper")
	if !strings.Contains(r.body, `id="replaces"`) || !strings.Contains(r.body, old.ID) {
		t.Errorf("the offer's page does not say it replaces %s", old.ID)
	}
	token := c.csrf("/console/buyer/offers")
	if r := c.post("/console/buyer/offers/offer-ami-cheaper/accept", c.form(token, "confirm", "1")); r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d", r.status)
	}
	if a, _ := e.svc.Agreement(e.ctx, old.ID); a.Status != mercato.AgreementReplaced {
		t.Errorf("the hourly agreement is %s, want REPLACED", a.Status)
	}
}

func TestExpiredPrivateOfferSaysWhy(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.Advance(e.ctx, e.svc.Now().AddDate(0, 2, 0)); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn(buyerKey, buyerSecret)
	r := c.get("/console/buyer/offers/offer-acme-private")
	if r.status != http.StatusOK || !strings.Contains(r.body, "expired on 1 Mar 2026") || strings.Contains(r.body, `id="accept-offer"`) {
		t.Errorf("expired offer page: %d", r.status)
	}
}

func TestOperatorAdvancesTheClock(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(operatorKey, operatorSec)
	token := c.csrf("/console/operator")
	if r := c.post("/console/operator/clock", c.form(token, "advance", "-1h")); r.status != http.StatusBadRequest {
		t.Errorf("advance by -1h: %d, want 400", r.status)
	}
	before := e.svc.Now()
	if r := c.post("/console/operator/clock", c.form(token, "advance", "P1D")); r.status != http.StatusSeeOther {
		t.Fatalf("advance: %d", r.status)
	}
	if got := e.svc.Now().Sub(before); got != 24*60*60*1e9 {
		t.Errorf("the clock moved by %s, want 24h", got)
	}
	if r := c.get("/console/operator"); !strings.Contains(r.body, "Balanced") {
		t.Error("the operator page does not say the ledger is balanced")
	}
}

func TestRolesAreInferredWithoutADirectory(t *testing.T) {
	e := newEnv(t)
	c, err := console.New(e.ctx, console.Config{Service: e.svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e.srv = srv
	tests := []struct {
		key, secret, home string
	}{
		{acmeKey, acmeSecret, "/console/seller/agreements"}, // proposed agreements
		{buyerKey, buyerSecret, "/console/buyer/agreements"},
		{operatorKey, operatorSec, "/console/buyer/agreements"}, // the operator role cannot be inferred
	}
	for _, tt := range tests {
		cl := e.client()
		cl.signIn(tt.key, tt.secret)
		if r := cl.get("/console/"); r.location != tt.home {
			t.Errorf("%s lands on %q, want %q", tt.key, r.location, tt.home)
		}
		if r := cl.get("/console/operator"); r.status != http.StatusNotFound {
			t.Errorf("%s opens the operator page without a directory: %d", tt.key, r.status)
		}
	}
}

func TestSellerWithdrawsCancellation(t *testing.T) {
	e := newEnv(t)
	r, err := e.svc.SendCancellationRequest(e.ctx, acme, service.SendCancellationInput{AgreementID: privateAgmt,
		ReasonCode: "TEST_AGREEMENT", ClientToken: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	page := c.get("/console/seller/agreements/" + privateAgmt)
	if !strings.Contains(page.body, `id="withdraw-cancellation"`) || strings.Contains(page.body, `id="send-cancellation"`) {
		t.Fatal("a pending request should offer to withdraw it, not to send another")
	}
	token := c.csrf("/console/seller/agreements/" + privateAgmt)
	res := c.post("/console/seller/agreements/"+privateAgmt+"/cancellation/"+r.ID+"/withdraw", c.form(token, "reason", "sent by mistake"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d\n%s", res.status, res.body)
	}
	got, _ := e.svc.CancellationRequest(e.ctx, acme, privateAgmt, r.ID)
	if got.Status != mercato.CancellationCancelled || got.StatusMessage != "sent by mistake" {
		t.Errorf("request after withdrawal: %s %q", got.Status, got.StatusMessage)
	}
	// The same form again: the service's refusal is shown on the agreement page.
	res = c.post("/console/seller/agreements/"+privateAgmt+"/cancellation/"+r.ID+"/withdraw", c.form(token))
	if res.status != http.StatusConflict || !strings.Contains(res.body, "only a pending request") {
		t.Errorf("withdrawing twice: %d", res.status)
	}
}

func TestBuyerAnswersPaymentRequests(t *testing.T) {
	e := newEnv(t)
	send := func(name, amount string) mercato.PaymentRequest {
		r, err := e.svc.SendPaymentRequest(e.ctx, acme, service.SendPaymentInput{AgreementID: variableAgmt,
			TermID: "offer-acme-services-term-2", Name: name, Amount: mercato.MustAmount(amount), ClientToken: strings.ReplaceAll(name, " ", "-")})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	kickoff, extra := send("Kick-off workshop", "400"), send("Extra training day", "250")
	c := e.client()
	c.signIn(beispielKey, beispielSec)
	page := c.get("/console/buyer/requests")
	if !strings.Contains(page.body, "2 requests from sellers wait for your answer") || !strings.Contains(page.body, "400.00 USD") {
		t.Fatalf("requests page: %d\n%s", page.status, page.body)
	}
	token := c.csrf("/console/buyer/requests")
	base := "/console/buyer/agreements/" + variableAgmt + "/payments/"
	if r := c.post(base+kickoff.ID+"/accept", c.form(token, "purchase_order", "PO-7")); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", r.status, r.body)
	}
	if r := c.post(base+extra.ID+"/reject", c.form(token, "reason", "Not agreed")); r.status != http.StatusSeeOther {
		t.Fatalf("reject: %d", r.status)
	}
	got, _ := e.svc.PaymentRequest(e.ctx, beispiel, variableAgmt, kickoff.ID)
	if got.Status != mercato.PaymentRequestApproved || got.PurchaseOrderReference != "PO-7" {
		t.Errorf("approved request: %s %q", got.Status, got.PurchaseOrderReference)
	}
	agreement := c.get("/console/buyer/agreements/" + variableAgmt)
	if !strings.Contains(agreement.body, "400.00 USD") || !strings.Contains(agreement.body, "Not agreed") {
		t.Errorf("the agreement page shows neither the invoice nor the rejection")
	}
}

func TestOperatorSeesWaitingRefundRequests(t *testing.T) {
	e := newEnv(t)
	c, err := e.svc.FileRefundRequest(e.ctx, "444455556666", service.RefundRequestInput{BuyerID: "444455556666",
		SellerID: "111122223333", AgreementID: "agmt-demo-private", Kind: "REFUND", Amount: mercato.MustAmount("10")})
	if err != nil {
		t.Fatal(err)
	}
	cl := e.client()
	cl.signIn(operatorKey, operatorSec)
	r := cl.get("/console/operator")
	if r.status != http.StatusOK || !strings.Contains(r.body, c.ID) || !strings.Contains(r.body, `id="waiting-refunds"`) {
		t.Errorf("operator page (%d) does not list waiting request %s", r.status, c.ID)
	}
}
