package service_test

import (
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// policyMarket adds, to the usual marketplace, a product with a 10-day free trial then 100.00 a
// month plus 0.01 an API call, two public monthly plans (50.00 and 20.00) and a public annual
// plan as the console's offer form makes it (a fixed 1200.00 for P12M, no validity term).
func policyMarket(e *env) {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{
		Products: []mercato.Product{
			{ID: "prod-metered-trial", SellerID: seller, Type: mercato.ProductSaaS, Title: "Metered trial", RefundPolicy: "Pro rata.",
				Dimensions: []mercato.Dimension{{Key: "api_calls", Metered: true}}},
			{ID: "prod-tiers", SellerID: seller, Type: mercato.ProductSaaS, Title: "Tiers", RefundPolicy: "Pro rata."},
			{ID: "prod-annual", SellerID: seller, Type: mercato.ProductSaaS, Title: "Annual", RefundPolicy: "Pro rata."},
		},
		Offers: []mercato.Offer{
			{ID: "offer-metered-trial", ProductID: "prod-metered-trial", Visibility: "public", Terms: mercato.Terms{
				{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 10}}},
				{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}},
				{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
					{RateCard: []mercato.RateCardItem{{DimensionKey: "api_calls", Price: amt("0.01")}}}}}},
			}},
			{ID: "offer-tier-50", ProductID: "prod-tiers", Visibility: "public", Terms: mercato.Terms{
				{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("50.00")}}}},
			{ID: "offer-tier-20", ProductID: "prod-tiers", Visibility: "private", Buyers: []string{buyer}, ExpiresAt: day(2027, 1, 1),
				Terms: mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("20.00")}}}},
			{ID: "offer-tier-80", ProductID: "prod-tiers", Visibility: "private", Buyers: []string{buyer}, ExpiresAt: day(2027, 1, 1),
				Terms: mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("80.00")}}}},
			{ID: "offer-annual", ProductID: "prod-annual", Visibility: "public", Terms: mercato.Terms{
				{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200.00"), Duration: &mercato.Period{Months: 12}}}}},
		},
	})
}

// meteredTrial accepts the metered trial on Feb 1 (it converts on Feb 11) and meters usage
// before, inside and after the 7 days that follow the conversion; during runs on Feb 14, the
// third day of the 7.
func meteredTrial(e *env, during func(mercato.Agreement)) mercato.Agreement {
	e.t.Helper()
	policyMarket(e)
	e.advanceTo(day(2026, 2, 1))
	a := e.accept("offer-metered-trial", buyer)
	usage := []struct {
		at time.Time
		n  int64
	}{
		{day(2026, 2, 5), 1000},                     // in the trial
		{day(2026, 2, 11), 500},                     // the day it converts
		{day(2026, 2, 17).Add(23 * time.Hour), 300}, // the last hour of the 7 days
		{day(2026, 2, 18), 400},                     // the first hour after them
		{day(2026, 2, 25), 200},
	}
	for _, u := range usage {
		if u.at.After(day(2026, 2, 14)) && during != nil {
			e.advanceTo(day(2026, 2, 14))
			during(a)
			during = nil
		}
		e.advanceTo(u.at.Add(time.Minute))
		if err := e.svc.RecordUsage(e.ctx, a.ID, "api_calls", u.at, u.n); err != nil {
			e.t.Fatal(err)
		}
	}
	return a
}

// The refund of a converted trial is what accrued in the 7 days after the conversion:
// February's fee covers the 18 converted days of 28 (100.00 x 18/28 = 64.29), of which the
// first 7 are refunded (64.29 x 7/18 = 25.00), and the 800 calls of those days at 0.01 (8.00),
// not the 1,400 billed for the month (14.00; the 1,000 calls in the trial are free). 33.00 in
// all.
const trialWindowRefund = "33.00"

func TestTrialRefundFiledInTheWindowWaitsForTheInvoice(t *testing.T) {
	e := newEnv(t)
	var c mercato.RefundCase
	a := meteredTrial(e, func(mercato.Agreement) {
		c = file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-metered-trial", Kind: "REFUND"})
	})
	if c.Status != mercato.RefundPending {
		t.Fatalf("filed on day 3, before February is invoiced, the case must wait: %+v", c)
	}
	e.advanceTo(day(2026, 3, 3))
	c, _ = e.svc.RefundCase(e.ctx, buyer, c.ID)
	if c.Status != mercato.RefundCompleted || c.Rule != "FREE_TRIAL_CONVERSION_7_DAYS" {
		t.Fatalf("after the invoice: %+v", c)
	}
	if got := refunded(e, a.ID); got != amt(trialWindowRefund) {
		t.Errorf("refunded %s, want %s", got, trialWindowRefund)
	}
}

func TestTrialRefundFiledAfterTheInvoiceIsAutomatic(t *testing.T) {
	e := newEnv(t)
	a := meteredTrial(e, nil)
	e.advanceTo(day(2026, 3, 5))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-metered-trial", Kind: "REFUND"})
	if c.Status != mercato.RefundCompleted || c.Rule != "FREE_TRIAL_CONVERSION_7_DAYS" {
		t.Fatalf("filed after the invoice of the 7 days: %+v", c)
	}
	if got := refunded(e, a.ID); got != amt(trialWindowRefund) {
		t.Errorf("refunded %s, want %s", got, trialWindowRefund)
	}
	// A second request finds nothing left of the 7 days: the seller decides on anything else.
	again := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-metered-trial", Kind: "REFUND",
		Amount: amt("10"), Periods: []mercato.BillingPeriod{{Month: 2, Year: 2026}}})
	if again.Status != mercato.RefundAwaitingSeller {
		t.Errorf("a refund beyond the 7 days: %+v", again)
	}
}

func TestTrialRefundOfALaterMonthNeedsTheSeller(t *testing.T) {
	e := newEnv(t)
	meteredTrial(e, nil)
	e.advanceTo(day(2026, 4, 5))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-metered-trial", Kind: "REFUND",
		Periods: []mercato.BillingPeriod{{Month: 3, Year: 2026}}, Amount: amt("100")})
	if c.Status != mercato.RefundAwaitingSeller {
		t.Errorf("March accrued after the 7 days: %+v", c)
	}
}

func TestCheaperUpgradeIsADowngrade(t *testing.T) {
	e := newEnv(t)
	policyMarket(e)
	old := e.accept("offer-tier-50", buyer)
	e.advanceTo(day(2026, 2, 10))
	if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-tier-20", BuyerID: buyer, ReplacesAgreementID: old.ID}); err != nil {
		t.Fatal(err)
	}
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: old.ID, Kind: "UPGRADE"})
	if c.Status != mercato.RefundAwaitingSeller || c.Rule != "SELLER_AUTHORIZATION" {
		t.Errorf("20.00 a month replacing 50.00 is a downgrade: %+v", c)
	}
	if got := refunded(e, old.ID); got != 0 {
		t.Errorf("refunded %s of a downgrade without the seller", got)
	}
}

func TestDearerReplacementIsAnUpgrade(t *testing.T) {
	e := newEnv(t)
	policyMarket(e)
	old := e.accept("offer-tier-50", buyer)
	e.advanceTo(day(2026, 2, 10))
	if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-tier-80", BuyerID: buyer, ReplacesAgreementID: old.ID}); err != nil {
		t.Fatal(err)
	}
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: old.ID, Kind: "UPGRADE"})
	if c.Status != mercato.RefundCompleted || c.Rule != "UPGRADE_LOWER_TIER" {
		t.Fatalf("80.00 a month replacing 50.00 is an upgrade: %+v", c)
	}
	// what is invoiced of the lower tier when the request is filed: January's 50.00
	if got := refunded(e, old.ID); got != amt("50") {
		t.Errorf("refunded %s, want 50.00", got)
	}
}

func TestAnnualPlanWithoutValidityNeedsADate(t *testing.T) {
	for _, kind := range []mercato.RefundKind{"REFUND", "CANCELLATION", "DOWNGRADE", "UPGRADE"} {
		t.Run(string(kind), func(t *testing.T) {
			e := newEnv(t)
			policyMarket(e)
			a := e.accept("offer-annual", buyer)
			e.advanceTo(day(2026, 3, 1))
			c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: kind,
				Amount: amt("100"), InvoiceIDs: []string{e.invoices(a.ID)[0].ID}})
			if c.Status != mercato.RefundActionRequired || c.StatusReason != "annual subscriptions need a cancellation date" {
				t.Errorf("case: %+v", c)
			}
		})
	}
}

func TestTrialCancellationInTheWindow(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	e.advanceTo(day(2026, 2, 1))
	a := e.accept("offer-trial", buyer) // converts on Feb 11
	e.advanceTo(day(2026, 2, 14))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-trial", Kind: "CANCELLATION"})
	if c.Status != mercato.RefundPending || !c.Cancelled {
		t.Fatalf("the agreement ends at once, the refund waits for February's invoice: %+v", c)
	}
	e.advanceTo(day(2026, 3, 3))
	c, _ = e.svc.RefundCase(e.ctx, buyer, c.ID)
	if c.Status != mercato.RefundCompleted || c.Rule != "FREE_TRIAL_CONVERSION_7_DAYS" {
		t.Fatalf("after the invoice: %+v", c)
	}
	// February bills Feb 11 to 13, all within the 7 days: 100.00 x 3/28 = 10.71, all refunded.
	if got := refunded(e, a.ID); got != amt("10.71") {
		t.Errorf("refunded %s, want 10.71", got)
	}
}
