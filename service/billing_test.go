package service_test

import (
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

func TestInstallmentsInvoicedOnTheirDates(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-private", buyer)
	steps := []struct {
		to   time.Time
		want int
	}{
		{day(2026, 1, 14), 0},
		{day(2026, 1, 15), 1},
		{day(2026, 4, 14), 1},
		{day(2026, 4, 15), 2},
		{day(2026, 12, 31), 3},
		{day(2027, 1, 10), 3},
	}
	for _, s := range steps {
		e.advanceTo(s.to)
		if got := len(e.invoices(a.ID)); got != s.want {
			t.Fatalf("at %s: %d invoices, want %d", s.to.Format("2006-01-02"), got, s.want)
		}
	}
	for i, inv := range e.invoices(a.ID) {
		want := []time.Time{day(2026, 1, 15), day(2026, 4, 15), day(2026, 7, 15)}[i]
		if !inv.IssuedAt.Equal(want) || inv.PreTax != amt("1200") || inv.Tax != amt("78") {
			t.Errorf("invoice %d: issued %s pre-tax %s tax %s; want %s, 1200.00, 78.00 (6.5%% US-WA)",
				i, inv.IssuedAt, inv.PreTax, inv.Tax, want)
		}
		if inv.BillingPeriod != mercato.PeriodOf(want) || inv.ListingFee != amt("36") {
			t.Errorf("invoice %d: period %v fee %s", i, inv.BillingPeriod, inv.ListingFee)
		}
	}
	a, _ = e.svc.Agreement(e.ctx, a.ID)
	if a.Status != mercato.AgreementExpired {
		t.Errorf("after 12 months the agreement is %s, want EXPIRED", a.Status)
	}
}

func TestConsolidatedInvoiceOnTheSecond(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-public", buyer)
	if err := e.svc.RecordUsage(e.ctx, a.ID, "api_calls", day(2026, 1, 20), 1000); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RecordUsage(e.ctx, a.ID, "api_calls", day(2026, 1, 31).Add(23*time.Hour), 500); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 2, 1).Add(24*time.Hour - time.Second))
	if n := len(e.invoices(a.ID)); n != 0 {
		t.Fatalf("%d invoices before the 2nd", n)
	}
	e.advanceTo(day(2026, 2, 2))
	inv := e.invoices(a.ID)
	if len(inv) != 1 {
		t.Fatalf("%d invoices on the 2nd, want 1", len(inv))
	}
	// 70.97 (22 of 31 days of 100.00) + 1.50 (1500 calls at 0.001) = 72.47; 6.5% tax = 4.71
	got := inv[0]
	if got.PreTax != amt("72.47") || got.Tax != amt("4.71") || !got.IssuedAt.Equal(day(2026, 2, 2)) ||
		got.BillingPeriod != (mercato.BillingPeriod{Month: 1, Year: 2026}) {
		t.Errorf("invoice: pre-tax %s tax %s issued %s period %v", got.PreTax, got.Tax, got.IssuedAt, got.BillingPeriod)
	}
	if len(got.TaxLines) != 1 || got.TaxLines[0].Amount != got.Tax {
		t.Errorf("tax lines %+v must carry the tax apart", got.TaxLines)
	}
	// running the period again issues nothing twice
	if err := e.svc.CloseMonth(e.ctx, mercato.BillingPeriod{Month: 1, Year: 2026}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.invoices(a.ID)); n != 1 {
		t.Errorf("after closing January again: %d invoices, want 1", n)
	}
	e.advanceTo(day(2026, 3, 2))
	if inv := e.invoices(a.ID); len(inv) != 2 || inv[1].PreTax != amt("100") {
		t.Errorf("February: %+v, want a whole 100.00", inv)
	}
}

func TestCancellationProratesTheLastMonth(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-public", buyer2) // DE: 19% VAT
	e.advanceTo(day(2026, 3, 15))
	if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: a.ID, Actor: buyer2, Reason: "no longer needed"}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 6, 1))
	var got []string
	for _, inv := range e.invoices(a.ID) {
		got = append(got, inv.BillingPeriod.String()+" "+inv.PreTax.String()+" + "+inv.Tax.String())
	}
	// Jan: 22/31 of 100 = 70.97 (+13.48 VAT); Feb: 100 (+19); Mar: 14/31 = 45.16 (+8.58)
	want := []string{"2026-01 70.97 + 13.48", "2026-02 100.00 + 19.00", "2026-03 45.16 + 8.58"}
	if len(got) != len(want) {
		t.Fatalf("invoices %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("invoice %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestClockOnlyMovesForward(t *testing.T) {
	e := newEnv(t)
	e.advanceTo(day(2026, 2, 1))
	_, err := e.svc.Advance(e.ctx, day(2026, 1, 31))
	errorOf(t, err, mercato.EInvalid)
	if !e.svc.Now().Equal(day(2026, 2, 1)) {
		t.Errorf("clock moved to %s", e.svc.Now())
	}
}

func TestUsageReplayAndDuplicate(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	a := e.accept("offer-public", buyer)
	at := day(2026, 1, 5).Add(10*time.Hour + 5*time.Minute)
	for i := 0; i < 2; i++ {
		if err := e.svc.RecordUsage(e.ctx, a.ID, "api_calls", at, 7); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	errorOf(t, e.svc.RecordUsage(e.ctx, a.ID, "api_calls", at.Add(time.Minute), 8), mercato.EConflict)
	errorOf(t, e.svc.RecordUsage(e.ctx, a.ID, "users", at, 1), mercato.EInvalid)
}
