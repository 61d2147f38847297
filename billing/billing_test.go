package billing

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"mercato"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func amt(s string) mercato.Amount { return mercato.MustAmount(s) }

func subscription(start, end time.Time, extra ...mercato.Term) *mercato.Agreement {
	terms := mercato.Terms{
		{RecurringPayment: &mercato.RecurringPaymentTerm{TermHeader: mercato.TermHeader{ID: "rec"},
			CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}},
		{UsageBased: &mercato.UsageBasedPricingTerm{TermHeader: mercato.TermHeader{ID: "use"}, CurrencyCode: "USD",
			RateCards: []mercato.UsageRateCard{{RateCard: []mercato.RateCardItem{{DimensionKey: "api_calls", Price: amt("0.001")}}}}}},
	}
	return &mercato.Agreement{ID: "agmt-1", Currency: "USD", StartTime: start, AcceptanceTime: start, EndTime: end,
		Terms: append(terms, extra...), ProposerID: "111122223333", AcceptorID: "444455556666"}
}

func amounts(cs []mercato.Charge) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c.Kind) + " " + c.Amount.FormatIn("USD")
	}
	return out
}

func TestMonthlyChargesProration(t *testing.T) {
	jan, feb, mar := mercato.BillingPeriod{Month: 1, Year: 2026}, mercato.BillingPeriod{Month: 2, Year: 2026}, mercato.BillingPeriod{Month: 3, Year: 2026}
	tests := []struct {
		name   string
		a      *mercato.Agreement
		period mercato.BillingPeriod
		usage  []mercato.UsageTotal
		want   []string
	}{
		// 100.00 x 22/31 days (Jan 10-31 of a 31-day month) = 70.967... -> 70.97
		{"subscribed on the 10th of a 31-day month", subscription(day(2026, 1, 10), time.Time{}), jan, nil, []string{"RECURRING 70.97"}},
		{"a whole month", subscription(day(2026, 1, 10), time.Time{}), feb, nil, []string{"RECURRING 100.00"}},
		// cancelled at the start of Mar 15: 14 of 31 days = 45.161... -> 45.16
		{"cancelled on the 15th", subscription(day(2026, 1, 10), day(2026, 3, 15)), mar, nil, []string{"RECURRING 45.16"}},
		// a started day counts: Jan 10 12:00 to Feb 1 = 21.5 days -> 22 days
		{"started mid-day", subscription(day(2026, 1, 10).Add(12*time.Hour), time.Time{}), jan, nil, []string{"RECURRING 70.97"}},
		{"not active in the period", subscription(day(2026, 2, 10), time.Time{}), jan, nil, nil},
		// 1500 calls x 0.001 = 1.50 beside the whole month's fee
		{"usage beside the fee", subscription(day(2026, 1, 1), time.Time{}), jan,
			[]mercato.UsageTotal{{AgreementID: "agmt-1", Dimension: "api_calls", Quantity: 1500},
				{AgreementID: "agmt-other", Dimension: "api_calls", Quantity: 99}}, []string{"RECURRING 100.00", "USAGE 1.50"}},
		{"usage of an unpriced dimension is ignored", subscription(day(2026, 1, 1), time.Time{}), jan,
			[]mercato.UsageTotal{{AgreementID: "agmt-1", Dimension: "users", Quantity: 5}}, []string{"RECURRING 100.00"}},
		// cancelled within 48 hours: the agreement ends as of its start, and its usage of those
		// hours is not charged either
		{"ended as of its start", subscription(day(2026, 1, 10), day(2026, 1, 10)), jan,
			[]mercato.UsageTotal{{AgreementID: "agmt-1", Dimension: "api_calls", Quantity: 1550}}, nil},
		// 10-day trial from Feb 1 converts Feb 11: 18 of 28 days = 64.2857... -> 64.29
		{"free trial converts mid-month", subscription(day(2026, 2, 1), time.Time{},
			mercato.Term{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 10}}}), feb, nil, []string{"RECURRING 64.29"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := amounts(MonthlyCharges(tt.a, tt.period, tt.usage))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("charges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMonthlyChargesKeysAndTimes(t *testing.T) {
	jan := mercato.BillingPeriod{Month: 1, Year: 2026}
	cs := MonthlyCharges(subscription(day(2026, 1, 10), time.Time{}), jan,
		[]mercato.UsageTotal{{AgreementID: "agmt-1", Dimension: "api_calls", Quantity: 10}})
	if len(cs) != 2 {
		t.Fatalf("got %d charges", len(cs))
	}
	if cs[0].Key != "recurring:rec:2026-01" || cs[1].Key != "usage:use:api_calls:2026-01" {
		t.Errorf("keys = %q, %q", cs[0].Key, cs[1].Key)
	}
	if !cs[0].PeriodStart.Equal(day(2026, 1, 10)) || !cs[0].PeriodEnd.Equal(day(2026, 2, 1)) {
		t.Errorf("recurring period = %s..%s", cs[0].PeriodStart, cs[0].PeriodEnd)
	}
}

func schedule(dates ...time.Time) mercato.Term {
	var items []mercato.ScheduleItem
	for _, d := range dates {
		items = append(items, mercato.ScheduleItem{ChargeDate: d, ChargeAmount: amt("1200.00")})
	}
	return mercato.Term{PaymentSchedule: &mercato.PaymentScheduleTerm{TermHeader: mercato.TermHeader{ID: "fps"},
		CurrencyCode: "USD", Schedule: items}}
}

func TestAcceptanceChargesInstallments(t *testing.T) {
	dates := []time.Time{day(2026, 1, 15), day(2026, 4, 15), day(2026, 7, 15)}
	tests := []struct {
		name     string
		accepted time.Time
		want     []time.Time
	}{
		{"accepted before the first date", day(2026, 1, 10), dates},
		{"a past date falls due at acceptance", day(2026, 2, 1), []time.Time{day(2026, 2, 1), dates[1], dates[2]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &mercato.Agreement{ID: "agmt-1", Currency: "USD", AcceptanceTime: tt.accepted, StartTime: tt.accepted,
				Terms: mercato.Terms{schedule(dates...)}}
			cs, err := AcceptanceCharges(a)
			if err != nil {
				t.Fatal(err)
			}
			var got []time.Time
			for i, c := range cs {
				got = append(got, c.Time)
				if c.Kind != mercato.ChargeScheduled || c.Amount != amt("1200") || c.Status != mercato.ChargePending {
					t.Errorf("charge %d = %+v", i, c)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("times (-want +got):\n%s", diff)
			}
			v, err := ContractValue(a)
			if err != nil || v != amt("3600") {
				t.Errorf("contract value = %s, %v; want 3600.00", v, err)
			}
		})
	}
}

func TestAcceptanceChargesUpfront(t *testing.T) {
	a := &mercato.Agreement{ID: "agmt-1", Currency: "USD", AcceptanceTime: day(2026, 1, 1), Terms: mercato.Terms{
		{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{TermHeader: mercato.TermHeader{ID: "cup"}, CurrencyCode: "USD",
			RateCards: []mercato.ConfigurableUpfrontRateCard{
				{Selector: mercato.Selector{Type: "Duration", Value: "P1M"}, RateCard: []mercato.RateCardItem{{DimensionKey: "users", Price: amt("10")}}},
				{Selector: mercato.Selector{Type: "Duration", Value: "P12M"}, RateCard: []mercato.RateCardItem{{DimensionKey: "users", Price: amt("99.99")}}},
			},
			Configuration: &mercato.ConfigurableUpfrontConfiguration{SelectorValue: "P12M",
				Dimensions: []mercato.DimensionQuantity{{DimensionKey: "users", DimensionValue: 3}}}}},
	}}
	cs, err := AcceptanceCharges(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Amount != amt("299.97") || cs[0].Kind != mercato.ChargeUpfront {
		t.Fatalf("charges = %+v", cs)
	}
	if end := a.Terms.EndTime(day(2026, 1, 1)); !end.Equal(day(2027, 1, 1)) {
		t.Errorf("end = %s, want 2027-01-01", end)
	}
	a.Terms[0].ConfigurableUpfront.Configuration = nil
	if _, err := AcceptanceCharges(a); mercato.ErrorCodeOf(err) != mercato.EInvalid {
		t.Errorf("missing configuration: err = %v, want invalid", err)
	}
}

func TestTaxKeptApart(t *testing.T) {
	tests := []struct {
		jurisdiction string
		preTax       string
		wantTax      string
		wantLines    int
	}{
		{"US-WA", "70.97", "4.61", 1}, // 6.5% of 70.97 = 4.61305
		{"DE", "100.00", "19.00", 1},
		{"US-OR", "100.00", "0.00", 0}, // not a facilitator jurisdiction
		{"US-MO", "100.00", "0.00", 0}, // taxed, but by the seller, not the marketplace
		{"", "100.00", "0.00", 0},
	}
	for _, tt := range tests {
		j, ok := mercato.LookupJurisdiction(tt.jurisdiction)
		if !ok {
			t.Fatalf("unknown jurisdiction %q", tt.jurisdiction)
		}
		a := subscription(day(2026, 1, 1), time.Time{})
		a.ListingFeeRate = mercato.Percent(300)
		inv := NewInvoice(a, "period:2026-01", []mercato.Charge{{Amount: amt(tt.preTax), PeriodStart: day(2026, 1, 1)}}, day(2026, 2, 2), j)
		if inv.PreTax != amt(tt.preTax) || inv.Tax != amt(tt.wantTax) || len(inv.TaxLines) != tt.wantLines {
			t.Errorf("%s: pre-tax %s tax %s lines %d; want %s, %s, %d", tt.jurisdiction, inv.PreTax, inv.Tax, len(inv.TaxLines), tt.preTax, tt.wantTax, tt.wantLines)
		}
		if inv.Total() != inv.PreTax+inv.Tax {
			t.Errorf("total %s != pre-tax + tax", inv.Total())
		}
		if inv.BillingPeriod != (mercato.BillingPeriod{Month: 1, Year: 2026}) {
			t.Errorf("billing period = %v, want 2026-01", inv.BillingPeriod)
		}
		lt := InvoiceLedger(&inv)
		if err := lt.Validate(); err != nil {
			t.Errorf("%s: %v", tt.jurisdiction, err)
		}
	}
}

func TestNetPaymentDueDate(t *testing.T) {
	a := subscription(day(2026, 1, 1), time.Time{}, mercato.Term{NetPayment: &mercato.NetPaymentTerm{PaymentDuePeriod: mercato.Period{Days: 30}}})
	j, _ := mercato.LookupJurisdiction("US")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("1")}}, day(2026, 2, 2), j)
	if !inv.DueAt.Equal(day(2026, 3, 4)) {
		t.Errorf("due = %s, want 2026-03-04", inv.DueAt)
	}
	a.Terms = a.Terms[:2]
	if inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("1")}}, day(2026, 2, 2), j); !inv.DueAt.Equal(day(2026, 2, 2)) {
		t.Errorf("due without net term = %s, want issue date", inv.DueAt)
	}
}

func TestListingFeeRate(t *testing.T) {
	tests := []struct {
		name string
		in   FeeInput
		want string
	}{
		{"public SaaS", FeeInput{ProductType: mercato.ProductSaaS}, "3%"},
		{"public data", FeeInput{ProductType: mercato.ProductData}, "3%"},
		{"public AMI", FeeInput{ProductType: mercato.ProductAMI}, "20%"},
		{"public container", FeeInput{ProductType: mercato.ProductContainer}, "20%"},
		{"private just under 1M", FeeInput{ProductType: mercato.ProductSaaS, Private: true, ContractValue: amt("999999.99")}, "3%"},
		{"private at 1M", FeeInput{ProductType: mercato.ProductSaaS, Private: true, ContractValue: amt("1000000")}, "2%"},
		{"private just under 10M", FeeInput{ProductType: mercato.ProductAMI, Private: true, ContractValue: amt("9999999.99")}, "2%"},
		{"private at 10M", FeeInput{ProductType: mercato.ProductSaaS, Private: true, ContractValue: amt("10000000")}, "1.5%"},
		{"private renewal", FeeInput{ProductType: mercato.ProductSaaS, Private: true, Renewal: true, ContractValue: amt("100")}, "1.5%"},
		{"professional services", FeeInput{ProductType: mercato.ProductProfessionalServices, Private: true, ContractValue: amt("5000000")}, "2.5%"},
		{"channel partner", FeeInput{ProductType: mercato.ProductSaaS, Private: true, ChannelPartner: true, ContractValue: amt("500000")}, "3.5%"},
		{"channel partner above 10M", FeeInput{ProductType: mercato.ProductSaaS, Private: true, ChannelPartner: true, ContractValue: amt("20000000")}, "2%"},
	}
	for _, tt := range tests {
		if got := ListingFeeRate(tt.in).String(); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestInvoiceLedgerSplitsFee(t *testing.T) {
	a := subscription(day(2026, 1, 1), time.Time{})
	a.ListingFeeRate = mercato.Percent(300)
	j, _ := mercato.LookupJurisdiction("US-WA")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("1200.00")}}, day(2026, 1, 15), j)
	inv.ID = "inv-1"
	got := map[string]string{}
	for _, p := range InvoiceLedger(&inv).Postings {
		got[p.Account] = p.Amount.FormatIn("USD")
	}
	want := map[string]string{
		"buyer:444455556666:receivable": "1278.00",  // 1200 + 6.5% tax
		"seller:111122223333:payable":   "-1164.00", // 1200 less the 3% fee
		"marketplace:fees":              "-36.00",
		"marketplace:tax-payable":       "-78.00",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("postings (-want +got):\n%s", diff)
	}
}

func TestCreditMemosAddUpToTheInvoice(t *testing.T) {
	a := subscription(day(2026, 1, 1), time.Time{})
	a.ListingFeeRate = mercato.Percent(300)
	j, _ := mercato.LookupJurisdiction("US-WA")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("100.00")}}, day(2026, 2, 2), j) // tax 6.50, fee 3.00
	inv.ID = "inv-1"
	var memos []mercato.Invoice
	// three refunds of a third: 33.33 + 33.33 + 33.34
	for i, part := range []string{"33.33", "33.33", "33.34"} {
		m := CreditMemo(&inv, amt(part), day(2026, 2, 10))
		inv.Credited, inv.CreditedTax, inv.CreditedFee = inv.Credited+m.PreTax, inv.CreditedTax+m.Tax, inv.CreditedFee+m.ListingFee
		if m.Type != mercato.InvoiceTypeCreditMemo || m.OriginalInvoiceID != "inv-1" || m.PreTax != amt(part) {
			t.Fatalf("memo %d = %+v", i, m)
		}
		if lt := CreditMemoLedger(&m); lt.Validate() != nil {
			t.Fatal(lt.Validate())
		}
		memos = append(memos, m)
	}
	got := []string{memos[0].Tax.String(), memos[1].Tax.String(), memos[2].Tax.String(),
		memos[0].ListingFee.String(), memos[1].ListingFee.String(), memos[2].ListingFee.String()}
	// counted from the start: 6.50 x 33.33/100 = 2.16645 -> 2.17; 6.50 x 66.66/100 = 4.3329 ->
	// 4.33, less 2.17 returned: 2.16; the last takes the remaining 2.17.
	// 3.00 x 33.33/100 = 0.9999 -> 1.00; 3.00 x 66.66/100 = 1.9998 -> 2.00, less 1.00: 1.00; 1.00
	want := []string{"2.17", "2.16", "2.17", "1.00", "1.00", "1.00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tax and fee shares (-want +got):\n%s", diff)
	}
	var postings = map[string]mercato.Amount{}
	for _, lt := range []mercato.LedgerTxn{InvoiceLedger(&inv), CreditMemoLedger(&memos[0]), CreditMemoLedger(&memos[1]), CreditMemoLedger(&memos[2])} {
		for _, p := range lt.Postings {
			postings[p.Account] += p.Amount
		}
	}
	for account, v := range postings {
		if v != 0 {
			t.Errorf("after a full refund %s holds %s, want 0", account, v)
		}
	}
}

// TestManySmallCreditMemos refunds an invoice in 875 pieces of 1.37 and the rest: rounding each
// memo's tax share on its own would return the whole tax long before the pre-tax amount (1.37 x
// 6.5% = 0.089 -> 0.09 each); counted from the start, what was returned after every memo is the
// tax of what was refunded so far, rounded once.
func TestManySmallCreditMemos(t *testing.T) {
	a := subscription(day(2026, 1, 1), time.Time{})
	j, _ := mercato.LookupJurisdiction("US-WA")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("1200.00")}}, day(2026, 2, 2), j)
	if inv.Tax != amt("78.00") {
		t.Fatalf("tax %s, want 78.00", inv.Tax)
	}
	for i := 1; inv.Credited < inv.PreTax; i++ {
		part := min(amt("1.37"), inv.PreTax-inv.Credited)
		m := CreditMemo(&inv, part, day(2026, 2, 10))
		inv.Credited, inv.CreditedTax = inv.Credited+m.PreTax, inv.CreditedTax+m.Tax
		if want := inv.Tax.MulFrac(int64(inv.Credited), int64(inv.PreTax), "USD"); inv.CreditedTax != want {
			t.Fatalf("after memo %d (%s of %s refunded): tax returned %s, want %s", i, inv.Credited, inv.PreTax, inv.CreditedTax, want)
		}
	}
	if inv.CreditedTax != inv.Tax {
		t.Errorf("after a full refund in pieces, tax returned %s of %s", inv.CreditedTax, inv.Tax)
	}
}

func TestCreditMemoOfPartOfACent(t *testing.T) {
	a := subscription(day(2026, 1, 1), time.Time{})
	j, _ := mercato.LookupJurisdiction("DE")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("10.00")}}, day(2026, 2, 2), j) // tax 1.90
	m := CreditMemo(&inv, amt("0.00000001"), day(2026, 2, 3))
	if m.PreTax != 1 || m.Tax != 0 {
		t.Errorf("memo of 10^-8: pre-tax %d tax %s", m.PreTax, m.Tax)
	}
}

func TestTaxOnlyCreditMemo(t *testing.T) {
	a := subscription(day(2026, 1, 1), time.Time{})
	a.ListingFeeRate = mercato.Percent(300)
	j, _ := mercato.LookupJurisdiction("US-WA")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("100.00")}}, day(2026, 2, 2), j) // tax 6.50
	m := TaxCreditMemo(&inv, day(2026, 2, 3))
	if m.PreTax != 0 || m.Tax != amt("6.50") || m.ListingFee != 0 || len(m.TaxLines) != 1 {
		t.Fatalf("tax memo: %+v", m)
	}
	lt := CreditMemoLedger(&m)
	if err := lt.Validate(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range lt.Postings {
		got[p.Account] = p.Amount.String()
	}
	if diff := cmp.Diff(map[string]string{"buyer:444455556666:receivable": "-6.50", "marketplace:tax-payable": "6.50"}, got); diff != "" {
		t.Errorf("postings (-want +got):\n%s", diff)
	}
	// a full pre-tax refund afterwards reverses no more tax
	inv.CreditedTax = m.Tax
	if full := CreditMemo(&inv, amt("100.00"), day(2026, 2, 4)); full.Tax != 0 || full.ListingFee != amt("3.00") {
		t.Errorf("pre-tax refund after the tax one: tax %s fee %s", full.Tax, full.ListingFee)
	}
}

// TestChargesAreInMinorUnits: prices keep up to 8 decimals, but what is charged is rounded to
// the currency's minor unit, half away from zero: 99.995 USD upfront is 100.00, an installment
// of 0.004 USD rounds to nothing and is left out, 1000.5 JPY is 1001.
func TestChargesAreInMinorUnits(t *testing.T) {
	tests := []struct {
		currency mercato.Currency
		terms    mercato.Terms
		want     []string
	}{
		{"USD", mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{TermHeader: mercato.TermHeader{ID: "up"},
			CurrencyCode: "USD", Price: amt("99.995")}}}, []string{"100"}},
		{"USD", mercato.Terms{{PaymentSchedule: &mercato.PaymentScheduleTerm{TermHeader: mercato.TermHeader{ID: "ps"},
			CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{{ChargeDate: day(2026, 1, 1), ChargeAmount: amt("0.004")},
				{ChargeDate: day(2026, 2, 1), ChargeAmount: amt("12.34567891")}}}}}, []string{"12.35"}},
		{"JPY", mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{TermHeader: mercato.TermHeader{ID: "up"},
			CurrencyCode: "JPY", Price: amt("1000.5")}}}, []string{"1001"}},
	}
	for _, tt := range tests {
		a := &mercato.Agreement{ID: "agmt-1", Currency: tt.currency, AcceptanceTime: day(2026, 1, 1), Terms: tt.terms}
		cs, err := AcceptanceCharges(a)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.Amount.Format(0))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s charges (-want +got):\n%s", tt.currency, diff)
		}
	}
	sub := subscription(day(2026, 1, 1), time.Time{})
	sub.Terms[0].RecurringPayment.Price = amt("33.333")
	if cs := MonthlyCharges(sub, mercato.BillingPeriod{Year: 2026, Month: 1}, nil); len(cs) != 1 || cs[0].Amount != amt("33.33") {
		t.Errorf("a full month at 33.333: %+v", cs)
	}
}

// TestUsageSpan: usage is charged from the first whole hour after a free trial converts.
func TestUsageSpan(t *testing.T) {
	trial := func(start time.Time, days int) *mercato.Agreement {
		return subscription(start, time.Time{}, mercato.Term{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: days}}})
	}
	feb := mercato.BillingPeriod{Month: 2, Year: 2026}
	tests := []struct {
		name     string
		a        *mercato.Agreement
		from, to time.Time
	}{
		{"no trial", subscription(day(2026, 1, 10), time.Time{}), day(2026, 2, 1), day(2026, 3, 1)},
		{"converts at midnight on Feb 11", trial(day(2026, 2, 1), 10), day(2026, 2, 11), day(2026, 3, 1)},
		{"converts at 13:20: the hour is free", trial(day(2026, 2, 1).Add(13*time.Hour+20*time.Minute), 10),
			day(2026, 2, 11).Add(14 * time.Hour), day(2026, 3, 1)},
		{"converted the month before", trial(day(2026, 1, 1), 10), day(2026, 2, 1), day(2026, 3, 1)},
		{"in trial all month", trial(day(2026, 1, 30), 31), day(2026, 3, 1), day(2026, 3, 1)},
	}
	for _, tt := range tests {
		from, to := UsageSpan(tt.a, feb)
		if !from.Equal(tt.from) || !to.Equal(tt.to) {
			t.Errorf("%s: [%s, %s), want [%s, %s)", tt.name, from, to, tt.from, tt.to)
		}
	}
}
