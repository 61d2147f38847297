package billing_test

import (
	"testing"
	"time"

	"mercato"
	"mercato/billing"
)

// TestRaisePrice: a renewal's price is the old price raised by the chosen percentage, rounded
// once to the currency's minor unit, half away from zero. Worked by hand:
//
//	1,200.00 USD + 3.5%  = 1,242.00
//	  999.99 USD + 3.5%  = 1,034.98965      -> 1,034.99
//	   10.10 USD + 3.5%  = 10.4535          -> 10.45
//	   10.30 USD + 3.5%  = 10.6605          -> 10.66
//	    0.30 USD + 2.5%  = 0.3075           -> 0.31 (the half goes away from zero)
//	1,200.00 USD + 0%    = 1,200.00
//	1,000.00 USD + 2%    = 1,020.00 (a range's minimum)
//	1,000.00 USD + 7.25% = 1,072.50 (its maximum)
//	  12,345 JPY + 3.5%  = 12,777.075       -> 12,777
//	     999 JPY + 3.5%  = 1,033.965        -> 1,034
//	  10,000 JPY + 0%    = 10,000
//	     100 JPY + 4.5%  = 104.5            -> 105
func TestRaisePrice(t *testing.T) {
	for _, tc := range []struct {
		price, pct string
		currency   mercato.Currency
		want       string
	}{
		{"1200.00", "3.5", "USD", "1242.00"},
		{"999.99", "3.5", "USD", "1034.99"},
		{"10.10", "3.5", "USD", "10.45"},
		{"10.30", "3.5", "USD", "10.66"},
		{"0.30", "2.5", "USD", "0.31"},
		{"1200.00", "0", "USD", "1200.00"},
		{"1000.00", "2", "USD", "1020.00"},
		{"1000.00", "7.25", "USD", "1072.50"},
		{"12345", "3.5", "JPY", "12777"},
		{"999", "3.5", "JPY", "1034"},
		{"10000", "0", "JPY", "10000"},
		{"100", "4.5", "JPY", "105"},
	} {
		got := billing.RaisePrice(mercato.MustAmount(tc.price), mercato.MustAmount(tc.pct), tc.currency)
		if got != mercato.MustAmount(tc.want) {
			t.Errorf("%s %s + %s%%: %s, want %s", tc.price, tc.currency, tc.pct, got.FormatIn(tc.currency), tc.want)
		}
	}
}

// TestRenewalIncreaseChoice: a fixed percentage applies as it is; within a range the seller's
// choice, else the default; once finalized, the finalized increase whatever the choice says.
func TestRenewalIncreaseChoice(t *testing.T) {
	fixed := mercato.PriceIncrease{FixedPercentage: &struct {
		Value mercato.Amount `json:"value" yaml:"value"`
	}{Value: mercato.MustAmount("3")}}
	rng := mercato.PriceIncrease{PercentageRange: &struct {
		MinValue     mercato.Amount `json:"minValue" yaml:"minValue"`
		MaxValue     mercato.Amount `json:"maxValue" yaml:"maxValue"`
		DefaultValue mercato.Amount `json:"defaultValue" yaml:"defaultValue"`
	}{MinValue: mercato.MustAmount("2"), MaxValue: mercato.MustAmount("7.25"), DefaultValue: mercato.MustAmount("3.5")}}
	chosen := mercato.MustAmount("5")
	at := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		term mercato.RenewalTerm
		want string
	}{
		{"no increase", mercato.RenewalTerm{}, "0"},
		{"fixed", mercato.RenewalTerm{PriceIncrease: &fixed}, "3"},
		{"fixed, a stray choice ignored", mercato.RenewalTerm{PriceIncrease: &fixed, Adjustment: &mercato.RenewalAdjustment{Increase: &chosen}}, "3"},
		{"range, no choice", mercato.RenewalTerm{PriceIncrease: &rng}, "3.5"},
		{"range, chosen", mercato.RenewalTerm{PriceIncrease: &rng, Adjustment: &mercato.RenewalAdjustment{Increase: &chosen}}, "5"},
		{"range, finalized", mercato.RenewalTerm{PriceIncrease: &rng, Adjustment: &mercato.RenewalAdjustment{Increase: &chosen,
			FinalIncrease: mercato.MustAmount("3.5"), FinalizedAt: &at}}, "3.5"},
	} {
		if got := billing.RenewalIncrease(&tc.term); got != mercato.MustAmount(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got.Format(2), tc.want)
		}
	}
}

// TestRenewedTermsStartWithoutAdjustment: the renewal's own renewal term carries no choice of
// the previous cycle's.
func TestRenewedTermsStartWithoutAdjustment(t *testing.T) {
	p12 := mercato.Period{Months: 12}
	chosen := mercato.MustAmount("5")
	ts := mercato.Terms{
		{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &p12, Price: mercato.MustAmount("1000.00")}},
		{Renewal: &mercato.RenewalTerm{Adjustment: &mercato.RenewalAdjustment{Increase: &chosen}}},
	}
	got := billing.RenewedTerms(ts, chosen)
	if len(got) != 2 || got[1].Renewal == nil || got[1].Renewal.Adjustment != nil || got[0].FixedUpfront.Price != mercato.MustAmount("1050.00") {
		t.Errorf("renewed terms: %+v", got)
	}
	if ts[1].Renewal.Adjustment == nil {
		t.Errorf("the renewal changed the agreement's own terms")
	}
}
