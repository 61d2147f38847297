package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

var purchased = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func amt(s string) mercato.Amount { return mercato.MustAmount(s) }

// Cases are built as the service builds them: from a request and the agreements.
func monthly(price string) mercato.Terms {
	return mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt(price)}}}
}

func agreement(terms mercato.Terms, private bool) *mercato.Agreement {
	return &mercato.Agreement{ID: "agmt-1", AcceptanceTime: purchased, StartTime: purchased, Private: private, Terms: terms}
}

func TestDecide(t *testing.T) {
	trial := append(mercato.Terms{{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 10}}}}, monthly("100")...)
	converted := purchased.AddDate(0, 0, 10) // March 11, 09:00; its 7 days are March 11 to 17
	prepaid := mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("30"), Duration: &mercato.Period{Months: 1}}}}
	annual := mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200"), Duration: &mercato.Period{Months: 12}}}}
	march := []mercato.BillingPeriod{{Month: 3, Year: 2026}}
	april := []mercato.BillingPeriod{{Month: 4, Year: 2026}}
	tests := []struct {
		name        string
		r           Request
		a           *mercato.Agreement
		replacement *mercato.Agreement
		auto        bool
		rule        Rule
	}{
		{"cancel after 47h59m", Request{Kind: "CANCELLATION", Filed: purchased.Add(47*time.Hour + 59*time.Minute)}, agreement(monthly("100"), false), nil, true, RuleCancelWithin48Hours},
		{"cancel after 48h01m", Request{Kind: "CANCELLATION", Filed: purchased.Add(48*time.Hour + time.Minute)}, agreement(monthly("100"), false), nil, false, RuleSellerAuthorization},
		{"cancel at exactly 48h", Request{Kind: "CANCELLATION", Filed: purchased.Add(48 * time.Hour)}, agreement(monthly("100"), false), nil, false, RuleSellerAuthorization},
		{"an annual contract cancelled within 48h", Request{Kind: "CANCELLATION", Filed: purchased.Add(24 * time.Hour)}, agreement(annual, false), nil, true, RuleCancelWithin48Hours},
		{"private offer within 48h", Request{Kind: "CANCELLATION", Filed: purchased.Add(time.Hour)}, agreement(monthly("100"), true), nil, false, RuleSellerAuthorization},
		// The free-trial rule goes by when the charges accrued, not by when the request is filed.
		{"trial: filed on day 3", Request{Kind: "REFUND", Filed: converted.AddDate(0, 0, 2)}, agreement(trial, false), nil, true, RuleFreeTrialConversion},
		{"trial: filed after the invoice", Request{Kind: "REFUND", Filed: converted.AddDate(0, 0, 23)}, agreement(trial, false), nil, true, RuleFreeTrialConversion},
		{"trial: the month of the 7 days named", Request{Kind: "REFUND", Filed: converted.AddDate(0, 2, 0), Periods: march}, agreement(trial, false), nil, true, RuleFreeTrialConversion},
		{"trial: a later month named", Request{Kind: "REFUND", Filed: converted.AddDate(0, 2, 0), Periods: april}, agreement(trial, false), nil, false, RuleSellerAuthorization},
		{"trial: the 7 days refunded before", Request{Kind: "REFUND", Filed: converted.AddDate(0, 0, 23), TrialRefunded: true}, agreement(trial, false), nil, false, RuleSellerAuthorization},
		{"trial: filed before the conversion", Request{Kind: "REFUND", Filed: converted.Add(-time.Hour)}, agreement(trial, false), nil, false, RuleSellerAuthorization},
		{"trial: cancelled within the 7 days", Request{Kind: "CANCELLATION", Filed: converted.AddDate(0, 0, 2)}, agreement(trial, false), nil, true, RuleFreeTrialConversion},
		{"trial: cancelled after the 7 days", Request{Kind: "CANCELLATION", Filed: converted.AddDate(0, 0, 7)}, agreement(trial, false), nil, false, RuleSellerAuthorization},
		{"trial: a private offer", Request{Kind: "REFUND", Filed: converted.AddDate(0, 0, 2)}, agreement(trial, true), nil, false, RuleSellerAuthorization},
		{"upgrade to a greater value", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("100"), false), agreement(monthly("200"), false), true, RuleUpgrade},
		{"upgrade to an equal value", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("100"), false), agreement(monthly("100"), false), true, RuleUpgrade},
		{"an 'upgrade' to less is a downgrade", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("50"), false), agreement(monthly("20"), false), false, RuleSellerAuthorization},
		{"a 'downgrade' to more is an upgrade", Request{Kind: "DOWNGRADE", Filed: converted}, agreement(monthly("20"), false), agreement(monthly("50"), false), true, RuleUpgrade},
		{"monthly 100 to annual 1200: equal", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("100"), false), agreement(annual, false), true, RuleUpgrade},
		{"monthly 101 to annual 1200: less", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("101"), false), agreement(annual, false), false, RuleSellerAuthorization},
		{"not replaced", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("100"), false), nil, false, RuleSellerAuthorization},
		{"private upgrade", Request{Kind: "UPGRADE", Filed: converted}, agreement(monthly("100"), true), agreement(monthly("200"), false), false, RuleSellerAuthorization},
		{"confirmed metering error", Request{Kind: "METERING_ERROR", MeteringConfirmed: true}, agreement(monthly("100"), false), nil, true, RuleMeteringError},
		{"unconfirmed metering error", Request{Kind: "METERING_ERROR"}, agreement(monthly("100"), false), nil, false, RuleSellerAuthorization},
		{"tax alone", Request{Kind: "TAX", Filed: purchased.Add(time.Hour)}, agreement(monthly("100"), false), nil, false, RuleSellerAuthorization},
		{"prepaid monthly cancelled after 48h", Request{Kind: "CANCELLATION", Filed: purchased.AddDate(0, 0, 20)}, agreement(prepaid, false), nil, true, RuleProratedCancellation},
		{"plain refund", Request{Kind: "REFUND", Filed: purchased.AddDate(0, 1, 0)}, agreement(monthly("100"), false), nil, false, RuleSellerAuthorization},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(NewCase(tt.r, tt.a, tt.replacement))
			if d.Automatic != tt.auto || d.Rule != tt.rule || d.Why == "" {
				t.Errorf("Decide = %+v, want automatic=%v rule=%s with a reason", d, tt.auto, tt.rule)
			}
		})
	}
}

func usage(rates ...string) mercato.Term {
	var card []mercato.RateCardItem
	for i := 0; i < len(rates); i += 2 {
		card = append(card, mercato.RateCardItem{DimensionKey: rates[i], Price: amt(rates[i+1])})
	}
	return mercato.Term{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{{RateCard: card}}}}
}

func TestPlanValue(t *testing.T) {
	fixed := func(price string, d *mercato.Period) mercato.Term {
		return mercato.Term{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt(price), Duration: d}}
	}
	validity := func(d mercato.Period) mercato.Term {
		return mercato.Term{Validity: &mercato.ValidityTerm{AgreementDuration: &d}}
	}
	schedule := mercato.Term{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
		{ChargeDate: purchased, ChargeAmount: amt("1000")}, {ChargeDate: purchased.AddDate(1, 0, 0), ChargeAmount: amt("2000")}}}}
	tests := []struct {
		name  string
		terms mercato.Terms
		want  string
	}{
		{"monthly: 12 times the fee", monthly("49.99"), "599.88"},
		{"annual upfront as is", mercato.Terms{fixed("1200", &mercato.Period{Months: 12})}, "1200"},
		{"P1Y upfront as is", mercato.Terms{fixed("1200", &mercato.Period{Years: 1})}, "1200"},
		{"36 months upfront: a third", mercato.Terms{fixed("3000", &mercato.Period{Months: 36})}, "1000"},
		{"one month upfront: 12 times", mercato.Terms{fixed("30", &mercato.Period{Months: 1})}, "360"},
		{"90 days upfront: by days", mercato.Terms{fixed("90", &mercato.Period{Days: 90})}, "365"},
		{"upfront for the validity term", mercato.Terms{validity(mercato.Period{Months: 24}), fixed("2400", nil)}, "1200"},
		{"upfront without any term: a year's", mercato.Terms{fixed("500", nil)}, "500"},
		// 3000.00 over a 24-month term
		{"schedule over its term", mercato.Terms{validity(mercato.Period{Months: 24}), schedule}, "1500"},
		{"usage alone: no fixed value", mercato.Terms{usage("api_calls", "0.01")}, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlanValue(agreement(tt.terms, false)).PerYear; got != amt(tt.want) {
				t.Errorf("per year %s, want %s", got, tt.want)
			}
		})
	}
}

func TestValueAtLeast(t *testing.T) {
	value := func(terms ...mercato.Term) Value { return PlanValue(agreement(terms, false)) }
	fee := func(p string) mercato.Term { return monthly(p)[0] }
	tests := []struct {
		name     string
		new, old Value
		want     bool
	}{
		{"same fee, same rate", value(fee("100"), usage("api", "0.01")), value(fee("100"), usage("api", "0.01")), true},
		{"dearer fee, same rate", value(fee("200"), usage("api", "0.01")), value(fee("100"), usage("api", "0.01")), true},
		{"dearer fee, cheaper rate: not comparable", value(fee("200"), usage("api", "0.005")), value(fee("100"), usage("api", "0.01")), false},
		{"the reverse is not either", value(fee("100"), usage("api", "0.01")), value(fee("200"), usage("api", "0.005")), false},
		{"a dimension the new plan lacks", value(fee("200")), value(fee("100"), usage("api", "0.01")), false},
		{"a dimension only the new plan meters", value(fee("100"), usage("api", "0.01")), value(fee("100")), true},
		{"hourly rates: 0.10 to 0.05", value(usage("hours", "0.05")), value(usage("hours", "0.10")), false},
		{"another currency", Value{Currency: "EUR", PerYear: amt("2000")}, Value{Currency: "USD", PerYear: amt("1000")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.new.AtLeast(tt.old); got != tt.want {
				t.Errorf("AtLeast = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAnnual(t *testing.T) {
	end := purchased.AddDate(1, 0, 0)
	short := purchased.AddDate(1, 0, -1)
	tests := []struct {
		name  string
		terms mercato.Terms
		want  bool
	}{
		{"fixed P12M without validity (the console's form)", mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200"), Duration: &mercato.Period{Months: 12}}}}, true},
		{"fixed P1M", mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("100"), Duration: &mercato.Period{Months: 1}}}}, false},
		{"validity P1Y", append(mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Years: 1}}}}, monthly("100")...), true},
		{"validity P36M", append(mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 36}}}}, monthly("100")...), true},
		{"validity P365D", append(mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Days: 365}}}}, monthly("100")...), true},
		{"validity end date a year on", append(mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementEndDate: &end}}}, monthly("100")...), true},
		{"validity end date a day short", append(mercato.Terms{{Validity: &mercato.ValidityTerm{AgreementEndDate: &short}}}, monthly("100")...), false},
		{"configured P12M contract", mercato.Terms{{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{CurrencyCode: "USD",
			Configuration: &mercato.ConfigurableUpfrontConfiguration{SelectorValue: "P12M"}}}}, true},
		{"pay as you go", monthly("100"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Annual(agreement(tt.terms, false)); got != tt.want {
				t.Errorf("Annual = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNeedsCancellationDate(t *testing.T) {
	annual := agreement(mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200"), Duration: &mercato.Period{Months: 12}}}}, false)
	later := purchased.AddDate(0, 2, 0)
	tests := []struct {
		name string
		r    Request
		a    *mercato.Agreement
		want bool
	}{
		{"annual refund", Request{Kind: "REFUND", Filed: later}, annual, true},
		{"annual upgrade", Request{Kind: "UPGRADE", Filed: later}, annual, true},
		{"annual downgrade", Request{Kind: "DOWNGRADE", Filed: later}, annual, true},
		{"annual cancellation", Request{Kind: "CANCELLATION", Filed: later}, annual, true},
		{"annual, date given", Request{Kind: "REFUND", Filed: later, CancellationDate: later.AddDate(0, 1, 0)}, annual, false},
		{"annual cancelled within 48 hours", Request{Kind: "CANCELLATION", Filed: purchased.Add(time.Hour)}, annual, false},
		{"annual tax", Request{Kind: "TAX", Filed: later}, annual, false},
		{"monthly refund", Request{Kind: "REFUND", Filed: later}, agreement(monthly("100"), false), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewCase(tt.r, tt.a, nil).NeedsCancellationDate(); got != tt.want {
				t.Errorf("NeedsCancellationDate = %v, want %v", got, tt.want)
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
		// Converted on Feb 25 at 09:00: the 7 days are Feb 25 to 28 (the conversion day counts,
		// as the fee's pro-ration counts it) and Mar 1 to 3. February's 4 days (100.00 x 4/28 =
		// 14.29) in full, and 3 of March's 31 days: 100.00 x 3/31 = 9.677... -> 9.68.
		{"trial: the 7 days across two invoices", RuleFreeTrialConversion, []Line{
			{InvoiceID: "inv-feb", Amount: amt("14.29"), Software: true, PeriodStart: time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC), PeriodEnd: mar1, Currency: "USD"},
			{InvoiceID: "inv-mar", Amount: amt("100"), Software: true, PeriodStart: mar1, PeriodEnd: apr1, Currency: "USD"},
		}, time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC), time.Time{}, "", []Refund{{"inv-feb", amt("14.29")}, {"inv-mar", amt("9.68")}}},
		// 2,400 calls billed 24.00 for February; 800 of them in the 7 days: 8.00, whatever the days' share.
		{"trial: usage of the 7 days, exactly", RuleFreeTrialConversion, []Line{
			{InvoiceID: "inv-feb", Amount: amt("24.00"), Software: true, PeriodStart: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: mar1,
				Currency: "USD", UsageDimension: "api_calls", Quantity: 2400, TrialQuantity: 800},
		}, feb11, time.Time{}, "", []Refund{{"inv-feb", amt("8.00")}}},
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
