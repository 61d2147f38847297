package service_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
	"mercato/sqlite"
)

// BenchmarkMonthlyClose measures the consolidated monthly invoicing of N subscription agreements
// on SQLite (durable: WAL, synchronous=FULL): each gets a pro-rated recurring charge and a usage
// charge, an invoice with tax, the charges, a ledger transaction and an audit record. Run with
// -benchtime=1x; the agreements are set up outside the timer.
//
//	go test ./service -run '^$' -bench MonthlyClose -benchtime 1x
func BenchmarkMonthlyClose(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("agreements=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				svc, store := seedAgreements(b, n)
				b.StartTimer()
				start := time.Now()
				if err := svc.CloseMonth(context.Background(), mercato.BillingPeriod{Month: 1, Year: 2026}); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(n)/elapsed.Seconds(), "agreements/s")
				b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
				checkClosed(b, svc, n)
				store.Close()
			}
		})
	}
}

// seedAgreements stores n active subscriptions with usage in January 2026.
func seedAgreements(b *testing.B, n int) (*service.Service, mercato.Store) {
	store, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	svc := service.New(store, mercato.NewSimClock(day(2026, 2, 2)))
	terms := mercato.Terms{
		{RecurringPayment: &mercato.RecurringPaymentTerm{TermHeader: mercato.TermHeader{ID: "rec", Type: "RecurringPaymentTerm"},
			CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}},
		{UsageBased: &mercato.UsageBasedPricingTerm{TermHeader: mercato.TermHeader{ID: "use", Type: "UsageBasedPricingTerm"},
			CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{{RateCard: []mercato.RateCardItem{{DimensionKey: "api_calls", Price: amt("0.001")}}}}}},
	}
	const chunk = 5000
	for from := 0; from < n; from += chunk {
		err := store.Update(context.Background(), func(tx mercato.Tx) error {
			for i := from; i < from+chunk && i < n; i++ {
				start := day(2026, 1, 1+i%28)
				a := mercato.Agreement{ID: fmt.Sprintf("agmt-%08d", i), OfferID: "offer-public", ProductID: product,
					ProductType: mercato.ProductSaaS, ProposerID: seller, AcceptorID: buyer, Terms: terms,
					Status: mercato.AgreementActive, AcceptanceTime: start, StartTime: start, UpdatedAt: start,
					InitialAgreementID: fmt.Sprintf("agmt-%08d", i), Currency: "USD", ListingFeeRate: mercato.Percent(300),
					TaxJurisdiction: "US-WA"}
				if err := tx.InsertAgreement(a); err != nil {
					return err
				}
				if _, err := tx.InsertUsage(mercato.UsageRecord{AgreementID: a.ID, Dimension: "api_calls",
					Hour: start.Add(time.Hour), Quantity: int64(1000 + i%500), RecordedAt: start}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return svc, store
}

func checkClosed(b *testing.B, svc *service.Service, n int) {
	inv, err := svc.Invoices(context.Background(), mercato.InvoiceFilter{})
	if err != nil || len(inv) != n {
		b.Fatalf("%d invoices (%v), want %d", len(inv), err, n)
	}
	if err := svc.CheckLedger(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// peakRSS returns the process's peak resident set size in bytes (Linux), or 0.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
