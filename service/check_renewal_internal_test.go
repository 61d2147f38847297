package service

import (
	"slices"
	"testing"

	"mercato"
)

// TestRenewalPriceRule works the renewal-price rule by hand on every kind of price, at a fixed
// increase of 4.25 %: 1,200.00 upfront → 1,251.00; 100.00 a month → 104.25; a contract rate of
// 10.05 → 10.477125 → 10.48; a usage rate of 0.00333333 → 0.0034749965 → 0.00347500 (8
// decimals); 999 JPY → 1,041.4575 → 1,041. The free trial is not renewed. Each case plants one
// wrong price (or wholesale) in the renewal and expects exactly its violation.
func TestRenewalPriceRule(t *testing.T) {
	amt := func(s string) mercato.Amount {
		a, err := mercato.ParseAmount(s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	pi := &mercato.PriceIncrease{}
	pi.FixedPercentage = &struct {
		Value mercato.Amount `json:"value" yaml:"value"`
	}{Value: amt("4.25")}
	terms := func(upfront, monthly, seats, calls string) mercato.Terms {
		return mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt(upfront)}},
			{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt(monthly)}},
			{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{CurrencyCode: "USD", RateCards: []mercato.ConfigurableUpfrontRateCard{
				{RateCard: []mercato.RateCardItem{{DimensionKey: "seats", Price: amt(seats)}}}}}},
			{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
				{RateCard: []mercato.RateCardItem{{DimensionKey: "calls", Price: amt(calls)}}}}}},
			{Renewal: &mercato.RenewalTerm{PriceIncrease: pi}},
		}
	}
	source := func() mercato.Agreement {
		ts := append(mercato.Terms{{FreeTrial: &mercato.FreeTrialPricingTerm{}}}, terms("1200.00", "100.00", "10.05", "0.00333333")...)
		return mercato.Agreement{ID: "agmt-src", Status: mercato.AgreementRenewed, Currency: "USD", Terms: ts,
			Resale: &mercato.Resale{ManufacturerID: "maker", Wholesale: amt("1000.00"), Price: amt("1200.00")}}
	}
	renewal := func(upfront, monthly, seats, calls, wholesale string) mercato.Agreement {
		return mercato.Agreement{ID: "agmt-next", SourceAgreementID: "agmt-src", Status: mercato.AgreementActive, Currency: "USD",
			Value: amt("1251.00"), Terms: terms(upfront, monthly, seats, calls),
			Resale: &mercato.Resale{ManufacturerID: "maker", Wholesale: amt(wholesale), Price: amt("1251.00")}}
	}
	const at = "agreement agmt-next: renews agreement agmt-src at an increase of 4.25% (fixed): "
	for _, c := range []struct {
		name string
		next mercato.Agreement
		want []string
	}{
		{"sound", renewal("1251.00", "104.25", "10.48", "0.003475", "1042.50"), nil},
		{"upfront not raised", renewal("1200.00", "104.25", "10.48", "0.003475", "1042.50"),
			[]string{at + "the upfront price is 1200.00 USD, want 1251.00 USD"}},
		{"monthly price raised twice", renewal("1251.00", "108.68", "10.48", "0.003475", "1042.50"),
			[]string{at + "the recurring price is 108.68 USD, want 104.25 USD"}},
		{"contract rate truncated", renewal("1251.00", "104.25", "10.47", "0.003475", "1042.50"),
			[]string{at + "the contract price of seats is 10.47 USD, want 10.48 USD"}},
		{"usage rate truncated", renewal("1251.00", "104.25", "10.48", "0.00347499", "1042.50"),
			[]string{at + "the usage rate of calls is 0.00347499 USD, want 0.003475 USD"}},
		{"wholesale kept", renewal("1251.00", "104.25", "10.48", "0.003475", "1000.00"),
			[]string{"agreement agmt-next: renews agreement agmt-src resold at wholesale 1000.00 USD of 1200.00; maker \"maker\"'s wholesale is 1000.00 USD, want 1042.50 USD"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := &books{agreements: []mercato.Agreement{source(), c.next}}
			var got []string
			for _, v := range b.check() {
				got = append(got, v.Subject+": "+v.Detail)
				if v.Rule != RuleRenewalPrice {
					t.Errorf("rule %s", v.Rule)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("\n got %q\nwant %q", got, c.want)
			}
		})
	}

	t.Run("yen", func(t *testing.T) {
		src := mercato.Agreement{ID: "agmt-src", Status: mercato.AgreementRenewed, Currency: "JPY", Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "JPY", Price: amt("999")}},
			{Renewal: &mercato.RenewalTerm{PriceIncrease: pi}}}}
		next := mercato.Agreement{ID: "agmt-next", SourceAgreementID: "agmt-src", Status: mercato.AgreementActive, Currency: "JPY", Terms: src.Terms.Clone()}
		for price, want := range map[string][]string{"1041": nil, "1042": {at + "the upfront price is 1042 JPY, want 1041 JPY"}} {
			next.Terms[0].FixedUpfront.Price = amt(price)
			var got []string
			for _, v := range (&books{agreements: []mercato.Agreement{src, next}}).check() {
				got = append(got, v.Subject+": "+v.Detail)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s JPY:\n got %q\nwant %q", price, got, want)
			}
		}
	})
}
