package billing_test

import (
	"testing"

	"mercato"
	"mercato/billing"
)

// TestRenewedTerms checks renewal prices worked by hand: 3% on 1,200.00 USD is 1,236.00; on
// 99.99 USD a month 102.9897, rounded to 102.99; 2.5% on 0.00012345 a call is 0.00012653625, to 8
// decimals, 0.00012654 (half away from zero); 10% on 999 JPY is 1098.9, rounded to 1099 yen;
// the free trial is dropped.
func TestRenewedTerms(t *testing.T) {
	p12 := mercato.Period{Months: 12}
	ts := mercato.Terms{
		{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 7}}},
		{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &p12, Price: mercato.MustAmount("1200.00")}},
		{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: mercato.MustAmount("99.99")}},
	}
	got := billing.RenewedTerms(ts, mercato.MustAmount("3"))
	if len(got) != 2 || got[0].FixedUpfront.Price != mercato.MustAmount("1236.00") || got[1].RecurringPayment.Price != mercato.MustAmount("102.99") {
		t.Errorf("3%%: %v %v", got[0].FixedUpfront.Price, got[1].RecurringPayment.Price)
	}
	if ts[1].FixedUpfront.Price != mercato.MustAmount("1200.00") {
		t.Errorf("the renewal changed the agreement's own terms")
	}

	usage := mercato.Terms{{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
		{RateCard: []mercato.RateCardItem{{DimensionKey: "calls", Price: mercato.MustAmount("0.00012345")}}}}}}}
	if p := billing.RenewedTerms(usage, mercato.MustAmount("2.5"))[0].UsageBased.RateCards[0].RateCard[0].Price; p != mercato.MustAmount("0.00012654") {
		t.Errorf("2.5%% on a usage rate: %s", p.Format(8))
	}
	yen := mercato.Terms{{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{CurrencyCode: "JPY", RateCards: []mercato.ConfigurableUpfrontRateCard{
		{Selector: mercato.Selector{Type: "Duration", Value: "P12M"}, RateCard: []mercato.RateCardItem{{DimensionKey: "seats", Price: mercato.MustAmount("999")}}}}}}}
	if p := billing.RenewedTerms(yen, mercato.MustAmount("10"))[0].ConfigurableUpfront.RateCards[0].RateCard[0].Price; p != mercato.MustAmount("1099") {
		t.Errorf("10%% on 999 JPY: %s", p)
	}
}

func TestRenewable(t *testing.T) {
	p12 := mercato.Period{Months: 12}
	for _, tc := range []struct {
		name  string
		terms mercato.Terms
		want  bool
	}{
		{"a contract of 12 months", mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &p12, Price: 1}}}, true},
		{"a subscription without end", mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", Price: 1}}}, false},
		{"a payment schedule", mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementDuration: &p12}},
			{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD"}}}, false},
		{"variable payments", mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementDuration: &p12}},
			{VariablePayment: &mercato.VariablePaymentTerm{CurrencyCode: "USD", MaxTotalChargeAmount: 1}}}, false},
	} {
		if got := billing.Renewable(tc.terms); got != tc.want {
			t.Errorf("%s: renewable %v, want %v", tc.name, got, tc.want)
		}
	}
}
