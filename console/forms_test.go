package console_test

import (
	"net/http"
	"strings"
	"testing"

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
// though no buyer could ever accept it. Business time is 16 Jan 2026.
func TestPrivateOfferExpiringInThePastIsRefused(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	token := seller.csrf("/console/seller/offers")
	for _, expires := range []string{"2026-01-10", "2026-01-16"} {
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
