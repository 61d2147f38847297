package mercato

import (
	"regexp"
	"testing"
	"time"
)

func TestValidateAllocations(t *testing.T) {
	tag := func(k, v string) Tag { return Tag{Key: k, Value: v} }
	tests := []struct {
		name   string
		q      int64
		allocs []UsageAllocation
		reason string
	}{
		{"none", 5, nil, ""},
		{"summing up, with an untagged bucket", 5, []UsageAllocation{{Quantity: 3, Tags: []Tag{tag("team", "a")}}, {Quantity: 2}}, ""},
		{"tags in another order are the same set", 2, []UsageAllocation{{Quantity: 1, Tags: []Tag{tag("a", "1"), tag("b", "2")}},
			{Quantity: 1, Tags: []Tag{tag("b", "2"), tag("a", "1")}}}, ReasonInvalidUsageAllocations},
		{"short of the quantity", 5, []UsageAllocation{{Quantity: 4}}, ReasonInvalidUsageAllocations},
		{"a negative part", 0, []UsageAllocation{{Quantity: 1, Tags: []Tag{tag("a", "1")}}, {Quantity: -1}}, ReasonInvalidUsageAllocations},
		{"six tags", 1, []UsageAllocation{{Quantity: 1, Tags: []Tag{tag("a", "1"), tag("b", "1"), tag("c", "1"), tag("d", "1"),
			tag("e", "1"), tag("f", "1")}}}, ReasonInvalidTag},
		{"a key twice", 1, []UsageAllocation{{Quantity: 1, Tags: []Tag{tag("a", "1"), tag("a", "2")}}}, ReasonInvalidTag},
		{"an empty value", 1, []UsageAllocation{{Quantity: 1, Tags: []Tag{tag("a", "")}}}, ReasonInvalidTag},
		{"a character outside the pattern", 1, []UsageAllocation{{Quantity: 1, Tags: []Tag{tag("a", "x~y")}}}, ReasonInvalidTag},
	}
	for _, tt := range tests {
		err := ValidateAllocations(tt.q, tt.allocs)
		var reason string
		if e, ok := err.(*Error); ok {
			reason = e.Reason
		}
		if reason != tt.reason {
			t.Errorf("%s: %v, want reason %q", tt.name, err, tt.reason)
		}
	}
}

func TestMeteringRecordID(t *testing.T) {
	hour := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	r := UsageRecord{AgreementID: "agmt-1", Dimension: "calls", Hour: hour, Quantity: 5}
	same := UsageRecord{AgreementID: "agmt-1", Dimension: "calls", Hour: hour.Add(59 * time.Minute), Quantity: 6}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if id := r.MeteringRecordID(); !uuid.MatchString(id) || id != same.MeteringRecordID() {
		t.Errorf("IDs %s and %s: want one UUID for the hour", id, same.MeteringRecordID())
	}
	for _, other := range []UsageRecord{{AgreementID: "agmt-2", Dimension: "calls", Hour: hour},
		{AgreementID: "agmt-1", Dimension: "call", Hour: hour}, {AgreementID: "agmt-1", Dimension: "calls", Hour: hour.Add(time.Hour)}} {
		if other.MeteringRecordID() == r.MeteringRecordID() {
			t.Errorf("%+v has the ID of %+v", other, r)
		}
	}
}

func TestDisbursementSchedule(t *testing.T) {
	var a Account
	d := a.DisbursementSchedule()
	if d.Cadence != "monthly" || d.Day != 10 || !d.PaysOn(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)) ||
		d.PaysOn(time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("default schedule = %+v", d)
	}
	if b, ok := d.BankAccountFor("USD"); !ok || b.Type != BankACH {
		t.Errorf("USD without bank accounts = %+v, %v; want the ACH account on file", b, ok)
	}
	if _, ok := d.BankAccountFor("EUR"); ok {
		t.Error("EUR without a SWIFT account has a bank account")
	}
	a.Disbursement = &Disbursement{BankAccounts: []BankAccount{{Type: BankSWIFT, Currency: "EUR"}}}
	d = a.DisbursementSchedule()
	if _, ok := d.BankAccountFor("USD"); ok || d.Day != 10 {
		t.Errorf("bank accounts without a cadence: %+v", d)
	}
}

func TestPaymentBehaviorTarget(t *testing.T) {
	due := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	owed := MustAmount("119.00")
	tests := []struct {
		b      PaymentBehavior
		at     time.Time
		want   string
		paidAt time.Time
	}{
		{PaymentBehavior{Mode: PayOnTime}, due.Add(-time.Second), "0", time.Time{}},
		{PaymentBehavior{Mode: PayOnTime}, due, "119", due},
		{PaymentBehavior{Mode: PayLate, Days: 10}, due.AddDate(0, 0, 9), "0", time.Time{}},
		{PaymentBehavior{Mode: PayLate, Days: 10}, due.AddDate(0, 0, 11), "119", due.AddDate(0, 0, 10)},
		{PaymentBehavior{Mode: PayPartial, Fraction: Rate(MustAmount("0.333"))}, due, "39.63", due}, // 39.627 -> 39.63
		{PaymentBehavior{Mode: PayNever}, due.AddDate(1, 0, 0), "0", time.Time{}},
	}
	for _, tt := range tests {
		got, at := tt.b.Target(owed, "USD", due, tt.at)
		if got != MustAmount(tt.want) || !at.Equal(tt.paidAt) {
			t.Errorf("%s at %s: %s at %s, want %s at %s", tt.b, tt.at, got, at, tt.want, tt.paidAt)
		}
	}
	for _, bad := range []PaymentBehavior{{Mode: "sometimes"}, {Mode: PayLate}, {Mode: PayPartial, Fraction: AmountScale}} {
		if bad.Validate() == nil {
			t.Errorf("%+v is valid", bad)
		}
	}
}
