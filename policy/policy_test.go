package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

var purchased = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func amt(s string) mercato.Amount { return mercato.MustAmount(s) }

func TestDecide(t *testing.T) {
	converted := time.Date(2026, 2, 11, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		c    Case
		auto bool
		rule Rule
	}{
		{"cancel after 47h59m", Case{Kind: KindCancellation, Purchased: purchased, At: purchased.Add(47*time.Hour + 59*time.Minute)}, true, RuleCancelWithin48Hours},
		{"cancel after 48h01m", Case{Kind: KindCancellation, Purchased: purchased, At: purchased.Add(48*time.Hour + time.Minute)}, false, RuleSellerAuthorization},
		{"cancel at exactly 48h", Case{Kind: KindCancellation, Purchased: purchased, At: purchased.Add(48 * time.Hour)}, false, RuleSellerAuthorization},
		{"private offer within 48h", Case{Kind: KindCancellation, Private: true, Purchased: purchased, At: purchased.Add(time.Hour)}, false, RuleSellerAuthorization},
		{"day 7 after conversion", Case{Kind: KindRefund, Purchased: purchased, TrialConverted: converted, At: converted.Add(7*24*time.Hour - time.Second)}, true, RuleFreeTrialConversion},
		{"day 8 after conversion", Case{Kind: KindRefund, Purchased: purchased, TrialConverted: converted, At: converted.Add(7 * 24 * time.Hour)}, false, RuleSellerAuthorization},
		{"before conversion", Case{Kind: KindRefund, Purchased: purchased, TrialConverted: converted, At: converted.Add(-time.Hour)}, false, RuleSellerAuthorization},
		{"upgrade to a greater value", Case{Kind: KindUpgrade, NewValue: amt("200"), OldValue: amt("100")}, true, RuleUpgrade},
		{"upgrade to an equal value", Case{Kind: KindUpgrade, NewValue: amt("100"), OldValue: amt("100")}, true, RuleUpgrade},
		{"an 'upgrade' to less is a downgrade", Case{Kind: KindUpgrade, NewValue: amt("99.99"), OldValue: amt("100")}, false, RuleSellerAuthorization},
		{"downgrade", Case{Kind: KindDowngrade, NewValue: amt("50"), OldValue: amt("100")}, false, RuleSellerAuthorization},
		{"private upgrade", Case{Kind: KindUpgrade, Private: true, NewValue: amt("200"), OldValue: amt("100")}, false, RuleSellerAuthorization},
		{"confirmed metering error", Case{Kind: KindMeteringError, MeteringConfirmed: true}, true, RuleMeteringError},
		{"unconfirmed metering error", Case{Kind: KindMeteringError}, false, RuleSellerAuthorization},
		{"prepaid monthly cancelled after 48h", Case{Kind: KindCancellation, PrepaidMonthly: true, Purchased: purchased, At: purchased.AddDate(0, 0, 20)}, true, RuleProratedCancellation},
		{"plain refund", Case{Kind: KindRefund, Purchased: purchased, At: purchased.AddDate(0, 1, 0)}, false, RuleSellerAuthorization},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.c)
			if d.Automatic != tt.auto || d.Rule != tt.rule || d.Why == "" {
				t.Errorf("Decide = %+v, want automatic=%v rule=%s with a reason", d, tt.auto, tt.rule)
			}
		})
	}
}

func TestAmounts(t *testing.T) {
	feb11 := time.Date(2026, 2, 11, 0, 0, 0, 0, time.UTC)
	mar1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	apr1 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	trialLine := Line{InvoiceID: "inv-feb", Amount: amt("64.29"), Software: true, PeriodStart: feb11, PeriodEnd: mar1, Currency: "USD"}
	tests := []struct {
		name      string
		rule      Rule
		lines     []Line
		converted time.Time
		at        time.Time
		dimension string
		want      []Refund
	}{
		// 7 of the 18 converted days of February: 64.29 x 7/18 = 25.0016... -> 25.00
		{"trial: the first 7 days after conversion", RuleFreeTrialConversion, []Line{trialLine}, feb11, time.Time{}, "", []Refund{{"inv-feb", amt("25.00")}}},
		// prepaid 31.00 for March, cancelled at the start of March 21: 11 days left -> 11.00
		{"pro rata for the days left", RuleProratedCancellation, []Line{{InvoiceID: "inv-mar", Amount: amt("31.00"), Software: true,
			PeriodStart: mar1, PeriodEnd: apr1, Currency: "USD"}}, time.Time{}, time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC), "", []Refund{{"inv-mar", amt("11.00")}}},
		{"48 hours: everything but infrastructure", RuleCancelWithin48Hours, []Line{
			{InvoiceID: "inv-1", Amount: amt("100"), Software: true, PeriodStart: mar1, PeriodEnd: mar1},
			{InvoiceID: "inv-1", Amount: amt("20"), Software: true, PeriodStart: mar1, PeriodEnd: mar1},
			{InvoiceID: "inv-1", Amount: amt("55"), Software: false, PeriodStart: mar1, PeriodEnd: mar1},
		}, time.Time{}, mar1, "", []Refund{{"inv-1", amt("120")}}},
		{"metering error: only the dimension", RuleMeteringError, []Line{
			{InvoiceID: "inv-2", Amount: amt("1.50"), Software: true, UsageDimension: "api_calls"},
			{InvoiceID: "inv-2", Amount: amt("100"), Software: true},
			{InvoiceID: "inv-3", Amount: amt("0.25"), Software: true, UsageDimension: "api_calls"},
			{InvoiceID: "inv-3", Amount: amt("9"), Software: true, UsageDimension: "storage"},
		}, time.Time{}, mar1, "api_calls", []Refund{{"inv-2", amt("1.50")}, {"inv-3", amt("0.25")}}},
		{"nothing for the seller's rule", RuleSellerAuthorization, []Line{trialLine}, feb11, mar1, "", nil},
		{"a one-time charge outside the window", RuleFreeTrialConversion, []Line{{InvoiceID: "inv-x", Amount: amt("10"), Software: true,
			PeriodStart: mar1, PeriodEnd: mar1}}, feb11, time.Time{}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Amounts(tt.rule, tt.lines, tt.converted, tt.at, tt.dimension)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refunds (-want +got):\n%s", diff)
			}
		})
	}
}
