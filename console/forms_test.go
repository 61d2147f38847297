package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// TestAdjustmentRefusesADecimalComma: "0,50" once read as 50.00 USD and "12,5" as 125.00 USD.
// The wizard now refuses both and says why; an unambiguous thousands separator still reads.
func TestAdjustmentRefusesADecimalComma(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	token := c.csrf("/console/seller/agreements/" + privateAgmt + "/adjust")
	for _, amount := range []string{"0,50", "12,5", "1,200", "1.000,50"} {
		r := adjustToPreview(c, token, inv.ID, "partial", amount)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `data-page="adjust_amount"`) || !strings.Contains(r.body, "ambiguous") {
			t.Errorf("amount %q: %d, want the amount step again (400) saying it is ambiguous", amount, r.status)
		}
	}
	r := adjustToPreview(c, token, inv.ID, "partial", "1,000.50 USD")
	if r.status != http.StatusOK || !strings.Contains(r.body, "1,000.50 USD") {
		t.Errorf("amount 1,000.50 USD: %d, want the preview of 1,000.50 USD", r.status)
	}
	if n := e.adjustments(); n != 0 {
		t.Errorf("%d adjustments made by refused amounts", n)
	}
}

// TestRefundFormRefusesADecimalComma: the refund form reads amounts as the adjustment wizard does.
func TestRefundFormRefusesADecimalComma(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	agreement := "/console/buyer/agreements/" + privateAgmt
	token := buyer.csrf(agreement)
	r := buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "invoice", inv.ID, "amount", "12,5",
		"cancellation_date", "2026-12-31"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "ambiguous") || !strings.Contains(r.body, "12.5") {
		t.Fatalf("amount 12,5: %d, want 400 suggesting 12.5\n%s", r.status, r.body)
	}
	if n := len(e.refundCases(buyerCorp, service.Acceptor)); n != 0 {
		t.Fatalf("%d refund requests filed", n)
	}
}

// TestPrivateOfferExpiringInThePastIsRefused: such an offer was created with a success notice,
// though no buyer could ever accept it. Business time is 16 Jan 2026; the form's date is the
// last day a buyer may accept, as the Catalog's AvailabilityEndDate, so the 15th is past.
func TestPrivateOfferExpiringInThePastIsRefused(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	token := seller.csrf("/console/seller/offers")
	for _, expires := range []string{"2026-01-10", "2026-01-15"} {
		r := seller.post("/console/seller/offers", seller.form(token, "id", "offer-past", "product", "prod-acme-backup",
			"visibility", "private", "buyers", buyerCorp, "expires", expires, "pricing", "fixed", "price", "100", "duration", "P1M"))
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "already past") {
			t.Errorf("expires %s: %d, want 400 saying the expiry is already past\n%s", expires, r.status, r.body)
		}
	}
	offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: acme})
	for _, o := range offers {
		if o.ID == "offer-past" || err != nil {
			t.Fatalf("the offer was created (%v)", err)
		}
	}
}

// TestMeteringErrorIsPreviewedThenConfirmed: "Confirm metering error" refunded every affected
// buyer at once, even for a dimension that is not metered or a month not billed yet. It now
// refuses those, shows the refunds, to whom, and makes them only once confirmed.
func TestMeteringErrorIsPreviewedThenConfirmed(t *testing.T) {
	e := newEnv(t)
	// Beispiel GmbH calls the API 3000 times in January at 0.001 USD: 3.00 USD, invoiced 2 February.
	if err := e.svc.RecordUsage(e.ctx, publicAgmt, "api_calls", time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), 3000); err != nil {
		t.Fatal(err)
	}
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	token := seller.csrf("/console/seller/metering")
	post := func(kv ...string) response {
		return seller.post("/console/seller/metering", seller.form(token, append([]string{"product", "prod-acme-analytics"}, kv...)...))
	}
	if r := post("dimension", "api_calls", "period", "2026-01"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "not invoiced yet") {
		t.Errorf("a month not invoiced yet: %d, want 400", r.status)
	}
	if _, err := e.svc.Advance(e.ctx, time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, dim := range []string{"users", "api_cals"} {
		if r := post("dimension", dim, "period", "2026-01"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "not a metered dimension") {
			t.Errorf("dimension %s: %d, want 400 saying it is not metered", dim, r.status)
		}
	}
	r := post("dimension", "api_calls", "period", "2026-01")
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="metering-preview"`) || !strings.Contains(r.body, "Beispiel GmbH") ||
		!strings.Contains(r.body, publicAgmt) || !strings.Contains(r.body, "3.00 USD") {
		t.Fatalf("preview: %d\n%s", r.status, r.body)
	}
	if n := e.adjustments(); n != 0 {
		t.Fatalf("the preview made %d adjustments", n)
	}
	if r := post("dimension", "api_calls", "period", "2026-01", "step", "confirm"); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "Confirm that you checked") || e.adjustments() != 0 {
		t.Fatalf("confirmation without the box ticked: %d, %d adjustments", r.status, e.adjustments())
	}
	r = post("dimension", "api_calls", "period", "2026-01", "step", "confirm", "confirm", "1")
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="metering-result"`) || e.adjustments() != 1 {
		t.Fatalf("confirmed: %d, %d adjustments\n%s", r.status, e.adjustments(), r.body)
	}
	ba, _, _ := e.svc.Adjustments(e.ctx, acme, service.AdjustmentQuery{})
	if ba[0].Amount != mercato.MustAmount("3") || ba[0].AgreementID != publicAgmt {
		t.Errorf("adjustment = %+v, want 3.00 USD on %s", ba[0], publicAgmt)
	}
}

// TestRefundRequestAboveTheRefundableIsRefusedOnTheForm: such a request was "filed" as needing
// action, and could be neither granted nor withdrawn. The form now says what can be asked.
func TestRefundRequestAboveTheRefundableIsRefusedOnTheForm(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice() // 1,200.00 USD
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	agreement := "/console/buyer/agreements/" + privateAgmt
	token := buyer.csrf(agreement)
	r := buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "invoice", inv.ID, "amount", "1,500.00",
		"cancellation_date", "2026-12-31", "comments", "keep me"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "ask for 1200.00 USD or less") || !strings.Contains(r.body, "keep me") {
		t.Fatalf("1,500.00 on a 1,200.00 invoice: %d, want 400 saying what can be asked\n%s", r.status, r.body)
	}
	if n := len(e.refundCases(buyerCorp, service.Acceptor)); n != 0 {
		t.Fatalf("%d refund requests filed", n)
	}
}

// TestRefundApprovalIsReviewedFirst: "Approve" refunded on one click. The seller now sees what
// is refunded, from which invoice, to whom, and confirms; an approval that can no longer apply
// is refused on the review, before any confirmation.
func TestRefundApprovalIsReviewedFirst(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice() // 1,200.00 USD
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	agreement := "/console/buyer/agreements/" + privateAgmt
	token := buyer.csrf(agreement)
	for _, amount := range []string{"800", "700"} {
		if r := buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "invoice", inv.ID, "amount", amount,
			"cancellation_date", "2026-12-31")); r.status != http.StatusSeeOther {
			t.Fatalf("file %s: %d\n%s", amount, r.status, r.body)
		}
	}
	cases := e.refundCases(acme, service.Proposer) // oldest first
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	stoken := seller.csrf("/console/seller/refunds")
	first, second := "/console/seller/refunds/"+cases[0].ID+"/approve", "/console/seller/refunds/"+cases[1].ID+"/approve"
	r := seller.get(first)
	for _, want := range []string{"Buyer Corp", buyerCorp, privateAgmt, inv.ID, "800.00 USD", "no undo"} {
		if r.status != http.StatusOK || !strings.Contains(r.body, want) {
			t.Errorf("review of the first approval: %d, does not show %q", r.status, want)
		}
	}
	if r := seller.post(first, seller.form(stoken, "confirm", "1")); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", r.status, r.body)
	}
	// 400.00 USD remains: the second request's 700.00 cannot be refunded any more.
	if r := seller.get(second); r.status != http.StatusBadRequest || !strings.Contains(r.body, "cannot be refunded") {
		t.Errorf("review of an approval that cannot apply: %d, want 400 saying why", r.status)
	}
	if n := e.adjustments(); n != 1 {
		t.Errorf("%d adjustments, want the first approval's", n)
	}
}
