package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mercato/service"
)

// TestPagesReferenceNoOtherHost fetches every console page, as each kind of account, and checks
// that nothing in them points the browser at another host: no absolute http(s) URL anywhere, and
// every src, href and action attribute relative to the console's own origin.
func TestPagesReferenceNoOtherHost(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	if _, err := e.svc.SendCancellationRequest(e.ctx, acme, service.SendCancellationInput{AgreementID: privateAgmt,
		ReasonCode: "OTHER", ClientToken: "t1"}); err != nil {
		t.Fatal(err)
	}
	pages := map[string]response{}

	anon := e.client()
	pages["signin"] = anon.get("/console/signin")

	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	for _, p := range []string{"/console/seller/agreements", "/console/seller/agreements?agreement=" + privateAgmt,
		"/console/seller/agreements?status=ACTIVE&buyer=" + buyerCorp, "/console/seller/agreements/" + privateAgmt,
		"/console/seller/agreements/" + publicAgmt, "/console/seller/agreements/" + privateAgmt + "/adjust",
		"/console/seller/adjustments", "/console/seller/refunds", "/console/seller/offers", "/console/seller/metering",
		"/console/seller/reports", "/console/seller/reports?year=2025"} {
		pages[p] = seller.get(p)
	}
	token := seller.csrf("/console/seller/agreements")
	adjust := "/console/seller/agreements/" + privateAgmt + "/adjust"
	for _, step := range []string{"/invoice", "/amount", "/preview"} {
		pages["POST "+step] = adjustToPreviewAt(seller, adjust+step, token, inv.ID)
	}
	submit := seller.post(adjust+"/submit", seller.form(token, "reason_code", "INCORRECT_METERING",
		"reason", "Buyer overbilled due to incorrect usage metering", "invoice", inv.ID, "kind", "full", "token", "t-pages", "confirm", "1"))
	pages["adjustment"] = seller.get(submit.location)

	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	for _, p := range []string{"/console/buyer/agreements", "/console/buyer/agreements/" + privateAgmt, "/console/buyer/requests",
		"/console/buyer/refunds", "/console/buyer/offers", "/console/buyer/offers/offer-acme-private", "/console/buyer/offers/offer-acme-public"} {
		pages["buyer "+p] = buyer.get(p)
	}
	btoken := buyer.csrf("/console/buyer/agreements/" + privateAgmt)
	pages["POST refund (refused form)"] = withStatus(buyer.post("/console/buyer/agreements/"+privateAgmt+"/refund",
		buyer.form(btoken, "type", "REFUND", "amount", "x")), http.StatusBadRequest)
	// The invoice is refunded in full above, so the request names none: it needs action.
	if r := buyer.post("/console/buyer/agreements/"+privateAgmt+"/refund", buyer.form(btoken, "type", "REFUND", "amount", "5")); r.status != http.StatusSeeOther {
		t.Fatalf("file a refund request: %d", r.status)
	}
	pages["buyer refunds with a case"] = buyer.get("/console/buyer/refunds")
	pages["seller refunds with a case"] = seller.get("/console/seller/refunds")
	pages["POST offer (refused form)"] = withStatus(seller.post("/console/seller/offers", seller.form(token, "product", "")), http.StatusBadRequest)
	pages["POST metering (month not billed)"] = withStatus(seller.post("/console/seller/metering", seller.form(token, "product", "prod-acme-analytics",
		"dimension", "api_calls", "period", "2026-01")), http.StatusBadRequest)
	pages["POST metering preview"] = seller.post("/console/seller/metering", seller.form(token, "product", "prod-acme-analytics",
		"dimension", "api_calls", "period", "2025-12"))
	operator := e.client()
	operator.signIn(operatorKey, operatorSec)
	pages["operator"] = operator.get("/console/operator")
	for _, asset := range []string{"console.css", "console.js"} {
		pages[asset] = anon.get("/console/static/" + asset)
	}

	notFound := seller.get("/console/no-such-page")
	if notFound.status != http.StatusNotFound {
		t.Errorf("a page that does not exist: %d, want 404", notFound.status)
	}
	pages["404"] = response{status: http.StatusOK, body: notFound.body}
	for name, r := range pages {
		if r.status != http.StatusOK || len(r.body) < 200 {
			t.Errorf("%s: %d, %d bytes; want a page", name, r.status, len(r.body))
		}
		checkNoExternalHost(t, name, r.body)
	}
}

// withStatus counts a response with the expected status as a page shown.
func withStatus(r response, want int) response {
	if r.status == want {
		r.status = http.StatusOK
	}
	return r
}

func adjustToPreviewAt(c *client, path, token, invoice string) response {
	return c.post(path, c.form(token, "reason_code", "INCORRECT_METERING", "reason", "Buyer overbilled due to incorrect usage metering",
		"invoice", invoice, "kind", "partial", "amount", "10.00"))
}

var (
	absoluteURL = regexp.MustCompile(`(?i)\bhttps?:`)
	urlAttr     = regexp.MustCompile(`(?i)\b(src|href|action|formaction|poster|srcset)\s*=\s*["']?([^"'\s>]*)`)
	cssURL      = regexp.MustCompile(`(?i)(url\(|@import)\s*["']?([^"')\s]*)`)
)

// checkNoExternalHost fails if the page names an absolute URL or links outside its origin.
func checkNoExternalHost(t *testing.T, name, body string) {
	t.Helper()
	if loc := absoluteURL.FindStringIndex(body); loc != nil {
		t.Errorf("%s: absolute URL at %q", name, body[max(0, loc[0]-40):min(len(body), loc[1]+40)])
	}
	for _, re := range []*regexp.Regexp{urlAttr, cssURL} {
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			if v := m[2]; !sameOrigin(v) {
				t.Errorf("%s: %s refers to %q, outside the console's origin", name, m[1], v)
			}
		}
	}
}

// sameOrigin reports whether a URL reference stays on the page's origin.
func sameOrigin(ref string) bool {
	switch {
	case ref == "", ref == "data:,", strings.HasPrefix(ref, "#"), strings.HasPrefix(ref, "?"):
		return true
	case strings.HasPrefix(ref, "//"), strings.HasPrefix(ref, `/\`):
		return false
	}
	return strings.HasPrefix(ref, "/")
}

func TestEveryResponseHasASecurityPolicy(t *testing.T) {
	e := newEnv(t)
	res, err := http.Get(e.srv.URL + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	for _, c := range res.Cookies() {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/console/" {
			t.Errorf("cookie %s: HttpOnly %v, SameSite %v, Path %q", c.Name, c.HttpOnly, c.SameSite, c.Path)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	for ref, want := range map[string]bool{
		"/console/": true, "#main": true, "?cursor=x": true, "data:,": true,
		"//cdn.example.com/x.js": false, `/\example.com`: false, "https://example.com": false,
		"mailto:x@example.com": false, "javascript:alert(1)": false,
	} {
		if got := sameOrigin(ref); got != want {
			t.Errorf("sameOrigin(%q) = %v, want %v", ref, got, want)
		}
	}
	if !absoluteURL.MatchString(`<img src="HTTPS://example.com/a.png">`) {
		t.Error("an absolute URL goes unnoticed")
	}
}
