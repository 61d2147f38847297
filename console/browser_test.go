package console_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"mercato"
	"mercato/service"
)

// TestBrowser drives the console in headless Chromium through the seed's billing adjustment flow
// and a buyer's answer to a cancellation request, saving screenshots of the main pages at
// 1280x800 to $MERCATO_SCREENSHOTS (a temporary directory by default).
//
// Without Chromium the test is skipped, except under CI (env CI set), where it fails.
func TestBrowser(t *testing.T) {
	path := chromium(t)
	b := newBrowser(t, newEnv(t), path)
	inv := b.env.firstInvoice()

	// The seller finds the agreement by ID and applies a partial refund through the preview.
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.shot("01-seller-agreements")
	b.fill("#f-agreement", privateAgmt)
	b.submit("#apply-filters", "seller_agreements")
	if n := b.eval(`String(document.querySelectorAll("#agreements tbody tr").length)`); n != "1" {
		t.Fatalf("filtering by agreement ID shows %s rows, want 1", n)
	}
	b.submit(`#agreements a[href$="/`+privateAgmt+`"]`, "seller_agreement")
	b.wantText("#remaining-"+inv.ID, "1,200.00 USD")
	b.shot("02-seller-agreement")

	b.submit("#apply-adjustment", "adjust_reason")
	b.click("#reason-OTHER")
	b.fill("#reason", "refund requested")
	b.submit("#next", "adjust_reason")
	b.wantText("#vague-warning", "This reason is vague")
	b.shot("03-adjust-reason-vague")
	b.click("#reason-INCORRECT_METERING")
	b.clear("#reason")
	b.fill("#reason", "Buyer overbilled due to incorrect usage metering")
	b.fill("#support-case", "CASE-4711")
	b.fill("#buyer-ref", "billing@buyercorp.example, 15 Jan")
	b.shot("03-adjust-reason")
	b.submit("#next", "adjust_invoice")
	b.click("#pick-" + inv.ID)
	b.shot("04-adjust-invoice")
	b.submit("#next", "adjust_amount")
	b.click("#kind-partial")
	b.fill("#amount", "5000")
	b.submitWant("#next", "adjust_amount", http.StatusBadRequest)
	b.wantText("#amount-error", "At most 1,200.00 USD remains refundable")
	b.shot("05-adjust-amount-error")
	b.clear("#amount")
	b.fill("#amount", "200.00")
	b.shot("05-adjust-amount")
	b.submit("#next", "adjust_preview")
	b.wantText("#review-invoice", inv.ID)
	b.wantText("#review-amount", "200.00 USD")
	b.shot("06-adjust-preview")
	b.shotFull("06-adjust-preview-full")
	b.click("#confirm")
	b.submit("#submit-adjustment", "seller_adjustment")
	b.wantText("#submitted", "Billing adjustment submitted")
	b.shot("07-adjustment-submitted")

	// Processing runs when the sandbox clock moves, here by 0s.
	if _, err := b.env.svc.Advance(b.env.ctx, b.env.svc.Now()); err != nil {
		t.Fatal(err)
	}
	b.open("/console/seller/agreements/"+privateAgmt, "seller_agreement")
	b.wantText("#remaining-"+inv.ID, "1,000.00 USD")
	b.wantText("#adjustments", "Completed")

	// The seller asks the buyer to cancel the agreement.
	b.setValue("#cancel-reason", "BUYER_DISSATISFACTION")
	b.fill("#cancel-description", "Buyer moves to an annual plan")
	b.submit("#send-cancellation", "seller_agreement")
	b.wantText("#notice", "Cancellation request sent")
	b.shotFull("08-seller-agreement-full")
	b.open("/console/seller/adjustments", "seller_adjustments")
	b.shot("09-seller-adjustments")
	b.open("/console/seller/offers", "seller_offers")
	b.shotFull("09a-seller-offers-full")
	b.open("/console/seller/refunds", "seller_refunds")
	b.shot("09b-seller-refunds")
	b.open("/console/seller/metering", "seller_metering")
	b.shot("09c-seller-metering")
	b.open("/console/seller/reports", "seller_reports")
	b.shotFull("09d-seller-reports-full")
	b.submit("#signout", "signin")

	// The buyer sees the credit memo and approves the cancellation.
	b.signIn(buyerKey, buyerSecret, "buyer_agreements")
	b.shot("10-buyer-agreements")
	b.open("/console/buyer/agreements/"+privateAgmt, "buyer_agreement")
	b.wantText("#invoices", "Credit memo")
	b.wantText("#invoices", "-200.00 USD")
	b.shot("11-buyer-agreement")
	req := b.env.pendingCancellation()
	b.open("/console/buyer/requests", "buyer_requests")
	b.shot("12-buyer-requests")
	b.submit("#approve-"+req, "buyer_requests")
	b.wantText("#notice", "You approved the cancellation")
	if a, _ := b.env.svc.DescribeAgreement(b.env.ctx, buyerCorp, privateAgmt); a.Status != mercato.AgreementCancelled {
		t.Errorf("agreement is %s after the buyer's approval", a.Status)
	}
	b.open("/console/buyer/offers", "buyer_offers")
	b.shot("13-buyer-offers")
	b.open("/console/buyer/refunds", "buyer_refunds")
	b.shot("13a-buyer-refunds")

	// A form post without the CSRF token is refused.
	status := b.eval(`fetch("/console/buyer/offers/offer-acme-backup-public/accept", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "confirm=1"}).then(r => String(r.status))`)
	if status != "403" {
		t.Errorf("POST without the CSRF token: %s, want 403", status)
	}
	b.submit("#signout", "signin")

	b.signIn(operatorKey, operatorSec, "operator")
	b.shot("14-operator")
}

// browser is a headless Chromium tab on the test server.
type browser struct {
	t     *testing.T
	env   *env
	ctx   context.Context
	shots string
}

// chromium returns the browser to run: $MERCATO_CHROMIUM or the first of the usual names found.
func chromium(t *testing.T) string {
	if p := os.Getenv("MERCATO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed: the browser test must run in CI (apt-get install chromium)")
	}
	t.Skip("Chromium is not installed; set MERCATO_CHROMIUM or install chromium to run the browser test")
	return ""
}

// newBrowser starts headless Chromium at path with a fresh profile and a 1280x800 viewport.
func newBrowser(t *testing.T, e *env, path string) *browser {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browser{t: t, env: e, ctx: ctx, shots: screenshotDir(t)}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return b
}

// screenshotDir returns $MERCATO_SCREENSHOTS, made if needed, or a temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("MERCATO_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// open navigates to a console path and checks the page that answers.
func (b *browser) open(path, page string) {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.env.srv.URL+path))
	var status int64
	if res != nil {
		status = res.Status
	}
	b.loaded(status, http.StatusOK, err, path, page)
}

// submit clicks a button or link that loads a page and checks the page that answers.
func (b *browser) submit(sel, page string) {
	b.t.Helper()
	b.submitWant(sel, page, http.StatusOK)
}

// submitWant is submit for a page that answers with another status than 200.
func (b *browser) submitWant(sel, page string, want int64) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	var status int64
	if res != nil {
		status = res.Status
	}
	b.loaded(status, want, err, sel, page)
}

// loaded checks that the page that loaded is the one wanted, with the status wanted.
func (b *browser) loaded(status, want int64, err error, what, page string) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if got := b.eval(`document.body.dataset.page`); status != want || got != page {
		b.t.Fatalf("%s: status %d, page %q; want %d and %q\n%s", what, status, got, want, page, b.eval(`document.querySelector("main").innerText`))
	}
}

// signIn signs in with the keyboard alone: the key ID field has the focus, Tab moves to the
// secret, Enter sends the form.
func (b *browser) signIn(key, secret, page string) {
	b.t.Helper()
	b.open("/console/signin", "signin")
	// Chromium applies autofocus at its next rendering step, which a loaded machine may reach
	// after the load event: wait for it a little.
	focused := b.eval(`document.activeElement.id`)
	for deadline := time.Now().Add(2 * time.Second); focused != "access-key-id" && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		focused = b.eval(`document.activeElement.id`)
	}
	if focused != "access-key-id" {
		b.t.Fatalf("the sign-in page focuses %q, want the access key ID", focused)
	}
	if err := chromedp.Do(b.ctx, chromedp.KeyEvent(key+kb.Tab+secret)); err != nil {
		b.t.Fatal(err)
	}
	res, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent(kb.Enter))
	var status int64
	if res != nil {
		status = res.Status
	}
	b.loaded(status, http.StatusOK, err, "sign-in", page)
}

func (b *browser) click(sel string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

// fill types into an input, as a person would.
func (b *browser) fill(sel, text string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		b.t.Fatalf("type into %s: %v", sel, err)
	}
}

func (b *browser) clear(sel string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Clear(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("clear %s: %v", sel, err)
	}
}

func (b *browser) setValue(sel, v string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(sel), v)); err != nil {
		b.t.Fatalf("set %s: %v", sel, err)
	}
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// wantText checks that the element's text contains want.
func (b *browser) wantText(sel, want string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	if !strings.Contains(got, want) {
		b.t.Errorf("%s says %q, want %q in it", sel, got, want)
	}
}

// shot saves a screenshot of the top of the page as a 1280x800 viewport shows it.
func (b *browser) shot(name string) {
	b.t.Helper()
	b.eval(`window.scrollTo(0, 0), ""`)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.save(name, png)
}

// shotFull saves a screenshot of the whole page, 1280 pixels wide.
func (b *browser) shotFull(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.save(name, png)
}

func (b *browser) save(name string, png []byte) {
	b.t.Helper()
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// pendingCancellation returns the ID of the private agreement's pending cancellation request.
func (e *env) pendingCancellation() string {
	e.t.Helper()
	rs, _, err := e.svc.CancellationRequests(e.ctx, buyerCorp, service.RequestQuery{Party: service.Acceptor,
		AgreementID: privateAgmt, Status: string(mercato.CancellationPendingApproval)})
	if err != nil || len(rs) != 1 {
		e.t.Fatalf("pending cancellation requests: %v, %v", rs, err)
	}
	return rs[0].ID
}
