package billing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

// ratedResale is a channel-partner agreement in currency c whose maker rates dimension
// "api_calls" at usageRate per unit and "users" of a 12-month contract at userRate, at the
// private channel-partner fee rate of 3.5%; the buyer's contract is 3 users, priced by the
// partner at userPrice. Wholesale and price split the other lines.
func ratedResale(c mercato.Currency, usageRate, userRate, userPrice, wholesale, price string) *mercato.Agreement {
	a := resaleAgreement(c, wholesale, price)
	a.Terms = append(a.Terms, mercato.Term{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{
		TermHeader: mercato.TermHeader{ID: "cfg"}, CurrencyCode: c,
		RateCards: []mercato.ConfigurableUpfrontRateCard{{Selector: mercato.Selector{Type: "Duration", Value: "P12M"},
			RateCard: []mercato.RateCardItem{{DimensionKey: "users", Price: amt(userPrice)}}}},
		Configuration: &mercato.ConfigurableUpfrontConfiguration{SelectorValue: "P12M",
			Dimensions: []mercato.DimensionQuantity{{DimensionKey: "users", DimensionValue: 3}}}}})
	a.Resale.Rates = &mercato.ResaleRates{
		Usage: []mercato.RateCardItem{{DimensionKey: "api_calls", Price: amt(usageRate)}},
		Contract: []mercato.ConfigurableUpfrontRateCard{{Selector: mercato.Selector{Type: "Duration", Value: "P12M"},
			RateCard: []mercato.RateCardItem{{DimensionKey: "users", Price: amt(userRate)}}}},
	}
	return a
}

func usageLine(amount string, qty int64) mercato.Charge {
	return mercato.Charge{Kind: mercato.ChargeUsage, TermID: "use", Dimension: "api_calls", Quantity: qty, Amount: amt(amount)}
}

// Worked by hand: a usage line gives the maker its rate × the quantity and a configured
// contract its rate card × the buyer's quantities, each rounded once to the minor unit (half
// away from zero); other lines split by wholesale / price; the maker's fee is 3.5% of its
// amount, rounded; the partner takes the rest of the amount and of the invoice's fee.
func TestResaleRatedSplitHandWorked(t *testing.T) {
	tests := []struct {
		name    string
		c       mercato.Currency
		rate    string // the maker's rate of api_calls
		charges []mercato.Charge
		want    split
	}{
		// 1,234 calls at 0.125 (0.10 marked up 25%) = 154.25; the maker 1,234 × 0.10 = 123.40,
		// fee 4.319 -> 4.32; the invoice's fee 5.39875 -> 5.40, so the partner 30.85 and 1.08.
		{"usage marked up 25%", "USD", "0.10", []mercato.Charge{usageLine("154.25", 1234)}, split{"123.40", "4.32", "30.85", "1.08"}},
		// Thirds: 3,000 calls at 0.00333333 = 9.99999 -> 10.00 for the maker; the buyer's rate
		// 0.00416666 gives 12.49998 -> 12.50. Fees 0.35 of the invoice's 0.4375 -> 0.44.
		{"thirds", "USD", "0.00333333", []mercato.Charge{usageLine("12.50", 3000)}, split{"10.00", "0.35", "2.50", "0.09"}},
		// One call at 0.005 is a cent for the buyer; the maker's 0.004 rounds to nothing, and
		// the fee 0.00035 to nothing: the partner keeps the cent.
		{"one cent", "USD", "0.004", []mercato.Charge{usageLine("0.01", 1)}, split{"0.00", "0.00", "0.01", "0.00"}},
		// Yen: 7 calls at 3.33333333 = 23.33333331 -> 23 for the maker; the buyer's 29 (7 ×
		// 4.16666666). Fees: 23 × 3.5% = 0.805 -> 1, of the invoice's 1.015 -> 1: none left.
		{"yen thirds", "JPY", "3.33333333", []mercato.Charge{usageLine("29", 7)}, split{"23", "1", "6", "0"}},
		// A configured contract: 3 users at the maker's 33.33333333 = 99.99999999 -> 100.00
		// (rounded once, not 3 × 33.33 = 99.99); the buyer pays 3 × 41.67 = 125.01. Fees 3.50
		// and 4.37535 -> 4.38.
		{"configured contract thirds", "USD", "0.10", []mercato.Charge{{Kind: mercato.ChargeUpfront, TermID: "cfg", Amount: amt("125.01")}},
			split{"100.00", "3.50", "25.01", "0.88"}},
		// Usage beside an installment: 100 calls give the maker 10.00 of 12.50; the installment
		// of 100.00 splits 800/1,000 = 80.00. Total 90.00 of 112.50; fees 3.15 and 3.9375 -> 3.94.
		{"usage beside an installment", "USD", "0.10", []mercato.Charge{usageLine("12.50", 100),
			{Kind: mercato.ChargeScheduled, TermID: "sched", Amount: amt("100")}}, split{"90.00", "3.15", "22.50", "0.79"}},
		// A dimension the maker does not rate splits with the other lines, 800/1,000: 4.00, fee
		// 0.14 of the invoice's 0.175 -> 0.18.
		{"unrated dimension", "USD", "0.10", []mercato.Charge{{Kind: mercato.ChargeUsage, Dimension: "gb", Quantity: 5, Amount: amt("5")}},
			split{"4.00", "0.14", "1.00", "0.04"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ratedResale(tt.c, tt.rate, "33.33333333", "41.67", "800", "1000")
			inv := NewInvoice(a, "k", tt.charges, day(2026, 2, 1), mercato.Jurisdiction{})
			if diff := cmp.Diff(tt.want, splitOf(&inv)); diff != "" {
				t.Errorf("split (-want +got):\n%s", diff)
			}
			if got := inv.MakerNet() + inv.ProposerNet() + inv.ListingFee; got != inv.PreTax {
				t.Errorf("maker %s + partner %s + fee %s = %s, want the invoice's %s",
					inv.MakerNet(), inv.ProposerNet(), inv.ListingFee, got, inv.PreTax)
			}
		})
	}
}

// Without rates the split is the ratio of the whole invoice, as before: the rated split of a
// fixed or scheduled contract's invoice is ResaleSplit's.
func TestResaleInvoiceSplitWithoutRatesIsTheRatio(t *testing.T) {
	a := resaleAgreement("USD", "33.33", "100")
	charges := []mercato.Charge{{Kind: mercato.ChargeScheduled, Amount: amt("4")}, {Kind: mercato.ChargeScheduled, Amount: amt("6")}}
	gotAmount, gotFee := ResaleInvoiceSplit(a, charges, amt("0.35"))
	wantAmount, wantFee := ResaleSplit(amt("10"), amt("0.35"), a.ListingFeeRate, a.Resale, "USD")
	if gotAmount != wantAmount || gotFee != wantFee {
		t.Errorf("rated split %s/%s, ratio split %s/%s", gotAmount, gotFee, wantAmount, wantFee)
	}
}

// A monthly invoice's usage line names what it prices, so the split can be proven later.
func TestMonthlyUsageChargeNamesItsQuantity(t *testing.T) {
	a := subscription(day(2026, 1, 1), day(2027, 1, 1))
	usage := []mercato.UsageTotal{{AgreementID: a.ID, Dimension: "api_calls", Quantity: 2500}}
	n := 0
	for _, c := range MonthlyCharges(a, mercato.BillingPeriod{Year: 2026, Month: 3}, usage) {
		if c.Kind != mercato.ChargeUsage {
			continue
		}
		n++
		if c.Dimension != "api_calls" || c.Quantity != 2500 || c.Amount != amt("2.50") {
			t.Errorf("usage charge %+v, want 2,500 api_calls for 2.50", c)
		}
	}
	if n != 1 {
		t.Errorf("%d usage charges, want 1", n)
	}
}
