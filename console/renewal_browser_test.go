package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mercato"
)

// TestBrowserRenewalAdjustment drives the seller's agreement page in headless Chromium: an
// agreement whose renewal increase the seller picks between 2 and 7.25 % shows the default
// 3.5 % (1,000.00 USD renews at 1,035.00); 9 % is refused naming the field; 5 % is saved (the
// renewal is 1,050.00); after the adjustment deadline the form is gone.
func TestBrowserRenewalAdjustment(t *testing.T) {
	path := chromium(t)
	e := newEnv(t)
	one := 1
	pi := mercato.PriceIncrease{}
	pi.PercentageRange = &struct {
		MinValue     mercato.Amount `json:"minValue" yaml:"minValue"`
		MaxValue     mercato.Amount `json:"maxValue" yaml:"maxValue"`
		DefaultValue mercato.Amount `json:"defaultValue" yaml:"defaultValue"`
	}{MinValue: mercato.MustAmount("2"), MaxValue: mercato.MustAmount("7.25"), DefaultValue: mercato.MustAmount("3.5")}
	err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-ranged", ProductID: "prod-acme-backup", Visibility: "private",
		Buyers: []string{beispiel}, ExpiresAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: mercato.MustAmount("1000.00")}},
			{Renewal: &mercato.RenewalTerm{MaxRenewals: &one, PriceIncrease: &pi,
				AdjustmentDeadline: &mercato.Period{Days: 45}, LockoutPeriod: &mercato.Period{Days: 30}}}}}},
		Agreements: []mercato.ScenarioAgreement{{ID: "agmt-ranged", OfferID: "offer-ranged", BuyerID: beispiel,
			AcceptedAt: time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e, path)
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	page := "/console/seller/agreements/agmt-ranged"
	b.open(page, "seller_agreement")
	b.wantText("#renewal-increase", "3.5% (default)")
	b.wantText("#renewal-value", "1,035.00 USD")
	b.wantText("#renewal-deadline", "2 Dec 2026")
	b.wantText("#renewal-lockout", "17 Dec 2026")
	b.shot("60-renewal-default")

	b.clear("#renewal-increase-input")
	b.fill("#renewal-increase-input", "9")
	b.submitWant("#adjust-renewal", "seller_agreement", http.StatusBadRequest)
	b.wantText("#renewal-error", "increase must be within the renewal term's range, 2 to 7.25 percent")
	b.shot("61-renewal-refused")

	b.clear("#renewal-increase-input")
	b.fill("#renewal-increase-input", "5")
	b.submit("#adjust-renewal", "seller_agreement")
	b.wantText("#renewal-increase", "5% (your choice)")
	b.wantText("#renewal-value", "1,050.00 USD")
	b.shot("62-renewal-adjusted")
	if p, err := e.svc.RenewalPlan(e.ctx, acme, "agmt-ranged"); err != nil || p.Chosen == nil || *p.Chosen != mercato.MustAmount("5") {
		t.Errorf("the plan after the form: %+v, %v", p, err)
	}

	if _, err := e.svc.Advance(e.ctx, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	b.open(page, "seller_agreement")
	b.wantText("#renewal-closed", "can no longer be adjusted")
	if strings.Contains(b.eval(`String(!!document.querySelector("#adjust-renewal"))`), "true") {
		t.Errorf("the adjustment form is still shown after the deadline")
	}
}
