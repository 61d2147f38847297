package e2e

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// The accounts organisations.yaml adds to the end-to-end marketplace: a private marketplace's
// administrator and the buyer it governs (allowed nothing yet), and an organisation's payer
// with a linked account.
var (
	pmpAdmin  = account{"555566667777", "AKIAE2EPMPADMIN00001", "e2e-pmp-admin-secret"}
	governed  = account{"565656565656", "AKIAE2EGOVERNED00001", "e2e-governed-secret"}
	orgPayer  = account{"121212121212", "AKIAE2EPAYER00000001", "e2e-payer-secret"}
	orgLinked = account{"343434343434", "AKIAE2ELINKED0000001", "e2e-linked-secret"}
)

const orgAccounts = `accounts:
  - {id: "555566667777", name: Governed Corp IT, roles: [privateMarketplaceAdmin], accessKeys: [{id: AKIAE2EPMPADMIN00001, secret: e2e-pmp-admin-secret}]}
  - {id: "565656565656", name: Governed Corp, roles: [buyer], taxJurisdiction: US-WA, accessKeys: [{id: AKIAE2EGOVERNED00001, secret: e2e-governed-secret}]}
  - {id: "121212121212", name: Org Payer, roles: [buyer], taxJurisdiction: US-WA, accessKeys: [{id: AKIAE2EPAYER00000001, secret: e2e-payer-secret}]}
  - {id: "343434343434", name: Org Data Team, roles: [buyer], taxJurisdiction: US-WA, payer: "121212121212", accessKeys: [{id: AKIAE2ELINKED0000001, secret: e2e-linked-secret}]}
`

const orgMarketplaces = `
privateMarketplaces:
  - {id: exp-e2e, administrator: "555566667777", accounts: ["565656565656"], products: []}
`

// orgScenario writes the end-to-end scenario with the accounts and private marketplace above.
func orgScenario(t *testing.T) string {
	t.Helper()
	base, err := os.ReadFile(filepath.Join(moduleRoot, "e2e", "testdata", "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc := strings.Replace(string(base), "accounts:\n", orgAccounts, 1) + orgMarketplaces
	path := filepath.Join(t.TempDir(), "organisations.yaml")
	if err := os.WriteFile(path, []byte(sc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPrivateMarketplaceThroughTheSDK: a governed buyer's AcceptAgreementRequest path is refused
// with the reason; it requests the product in the console, its administrator approves it there,
// and the buyer's purchase through the SDK then goes through.
func TestPrivateMarketplaceThroughTheSDK(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), orgScenario(t))
	e := newEnv(t, srv, protocols[0])
	buyer := e.client(governed)
	quote := func() (*ma.CreateAgreementRequestOutput, error) {
		return buyer.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(2)})
	}
	_, err := quote()
	ad := wantError[*types.AccessDeniedException](t, err)
	if !strings.Contains(aws.ToString(ad.Message), "not approved for procurement in your private marketplace") ||
		ad.Reason != types.AccessDeniedExceptionReasonInvalidAccess {
		t.Fatalf("refusal: reason %q, message %q", ad.Reason, aws.ToString(ad.Message))
	}

	b := signIn(t, srv.URL, governed)
	b.post("/console/buyer/offers/"+offerReports+"/request-product", b.csrf("/console/buyer/offers/"+offerReports), "note", "reports for finance")
	a := signIn(t, srv.URL, pmpAdmin)
	page := a.get("/console/pmp")
	m := regexp.MustCompile(`id="approve-([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the administrator's page shows no request:\n%s", page)
	}
	a.post("/console/pmp/requests/"+m[1]+"/approve", a.csrf("/console/pmp"))

	q, err := quote()
	must(t, err)
	accepted, err := buyer.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: q.AgreementRequestId})
	must(t, err)
	if !strings.HasPrefix(aws.ToString(accepted.AgreementId), "agmt-") {
		t.Errorf("accepted: %q", aws.ToString(accepted.AgreementId))
	}
}

// TestLinkedAccountSubscribesThroughTheSDK: the agreement names the linked account that
// subscribed, the seller's billed report shows its invoice billed to the payer (the server's
// `mercato check` then passes, invoice-payer included, when the test ends).
func TestLinkedAccountSubscribesThroughTheSDK(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), orgScenario(t))
	e := newEnv(t, srv, protocols[0])
	linked := e.client(orgLinked)
	q, err := linked.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(3)})
	must(t, err)
	accepted, err := linked.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: q.AgreementRequestId})
	must(t, err)
	id := aws.ToString(accepted.AgreementId)
	ag, err := e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(id)})
	must(t, err)
	if aws.ToString(ag.Acceptor.AccountId) != orgLinked.ID {
		t.Errorf("the agreement names %s, want the linked account %s", aws.ToString(ag.Acceptor.AccountId), orgLinked.ID)
	}
	resp, err := http.Get(srv.URL + "/_mercato/reports/billed?format=csv&seller=" + seller.ID)
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var line string
	for l := range strings.SplitSeq(string(body), "\n") {
		if strings.Contains(l, id) {
			line = l
		}
	}
	// 3 seats at 10.00, due on acceptance, billed to the payer
	if !strings.Contains(line, orgPayer.ID) || strings.Contains(line, orgLinked.ID) || !strings.Contains(line, "30.00") {
		t.Errorf("billed report line of %s: %q\n%s", id, line, body)
	}
}

// consoleClient is a signed-in browser session of the console, without a browser.
type consoleClient struct {
	t    *testing.T
	base string
	http *http.Client
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs the account in to the console of the server at base.
func signIn(t *testing.T, base string, a account) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleClient{t: t, base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.post("/console/signin", c.csrf("/console/signin"), "access_key_id", a.KeyID, "secret", a.Secret)
	return c
}

func (c *consoleClient) get(path string) string {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
	}
	return string(b)
}

// csrf returns the form token of the page at path.
func (c *consoleClient) csrf(path string) string {
	c.t.Helper()
	m := csrfField.FindStringSubmatch(c.get(path))
	if m == nil {
		c.t.Fatalf("GET %s: no form token", path)
	}
	return html.UnescapeString(m[1])
}

// post submits a form with the token and name, value pairs; the console answers with a redirect.
func (c *consoleClient) post(path, token string, kv ...string) {
	c.t.Helper()
	form := url.Values{"csrf": {token}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	resp, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("POST %s: %d, want 303\n%s", path, resp.StatusCode, b)
	}
}
