package service_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"mercato"
	"mercato/service"
	"mercato/sqlite"
)

// BenchmarkMonthEnd measures a month's end for N pay-as-you-go agreements on SQLite (WAL,
// synchronous=FULL): the consolidated invoices on Feb 2 (rating each agreement's January usage
// and fee, tax, listing fee, ledger), then the settlement the next midnight: every invoice's
// receivable opened and paid (the buyers pay on time; a payment and its ledger transaction
// each), its payout line, and the seller's disbursement of all of them (paid daily). The
// agreements are set up outside the timer; afterwards the benchmark checks that N invoices were
// paid, one disbursement of their proceeds was made, and the ledger balances.
//
//	go test ./service -run '^$' -bench MonthEnd -benchtime 1x
func BenchmarkMonthEnd(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("agreements=%d", n), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				svc, store := seedMonthEnd(b, n)
				ctx := context.Background()
				b.StartTimer()
				start := time.Now()
				if err := svc.CloseMonth(ctx, mercato.BillingPeriod{Month: 1, Year: 2026}); err != nil {
					b.Fatal(err)
				}
				closed := time.Since(start)
				if _, err := svc.Advance(ctx, day(2026, 2, 3)); err != nil {
					b.Fatal(err)
				}
				total := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(n)/total.Seconds(), "agreements/s")
				b.ReportMetric(closed.Seconds(), "close-s")
				b.ReportMetric((total - closed).Seconds(), "settle-s")
				b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
				checkSettled(b, svc, n)
				store.Close()
			}
		})
	}
}

// seedMonthEnd stores a daily-paid seller and n subscriptions of one buyer with usage in
// January 2026, the clock at Feb 2.
func seedMonthEnd(b *testing.B, n int) (*service.Service, mercato.Store) {
	store, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	err = store.Update(ctx, func(tx mercato.Tx) error {
		if err := tx.PutAccount(mercato.Account{ID: seller, Name: "Seller", Roles: []mercato.Role{mercato.RoleSeller},
			Disbursement: &mercato.Disbursement{Cadence: "daily"}}); err != nil {
			return err
		}
		return tx.PutAccount(mercato.Account{ID: buyer, Name: "Buyer", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA"})
	})
	if err != nil {
		b.Fatal(err)
	}
	terms := mercato.Terms{
		{RecurringPayment: &mercato.RecurringPaymentTerm{TermHeader: mercato.TermHeader{ID: "rec", Type: "RecurringPaymentTerm"},
			CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}},
		{UsageBased: &mercato.UsageBasedPricingTerm{TermHeader: mercato.TermHeader{ID: "use", Type: "UsageBasedPricingTerm"},
			CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{{RateCard: []mercato.RateCardItem{{DimensionKey: "api_calls", Price: amt("0.001")}}}}}},
	}
	const chunk = 5000
	for from := 0; from < n; from += chunk {
		err := store.Update(ctx, func(tx mercato.Tx) error {
			var usage []mercato.UsageRecord
			for i := from; i < from+chunk && i < n; i++ {
				start := day(2026, 1, 1+i%28)
				id := fmt.Sprintf("agmt-%08d", i)
				if err := tx.InsertAgreement(mercato.Agreement{ID: id, OfferID: "offer-public", ProductID: product,
					ProductType: mercato.ProductSaaS, ProposerID: seller, AcceptorID: buyer, Terms: terms,
					Status: mercato.AgreementActive, AcceptanceTime: start, StartTime: start, UpdatedAt: start,
					InitialAgreementID: id, Currency: "USD", ListingFeeRate: mercato.Percent(300), TaxJurisdiction: "US-WA"}); err != nil {
					return err
				}
				usage = append(usage, mercato.UsageRecord{AgreementID: id, Dimension: "api_calls", Hour: start.Add(time.Hour),
					Quantity: int64(1000 + i%500), RecordedAt: start})
			}
			_, err := tx.InsertUsageRecords(usage)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return service.New(store, mercato.NewSimClock(day(2026, 2, 2))), store
}

func checkSettled(b *testing.B, svc *service.Service, n int) {
	ctx := context.Background()
	open, err := svc.Receivables(ctx, mercato.ReceivableFilter{Status: mercato.ReceivableOpen})
	if err != nil || len(open) != 0 {
		b.Fatalf("%d receivables open (%v), want none", len(open), err)
	}
	paid, err := svc.Receivables(ctx, mercato.ReceivableFilter{Status: mercato.ReceivableCollected})
	if err != nil || len(paid) != n {
		b.Fatalf("%d receivables collected (%v), want %d", len(paid), err, n)
	}
	payouts, err := svc.Payouts(ctx, mercato.PayoutFilter{SellerID: seller})
	if err != nil || len(payouts) != 1 || payouts[0].Lines != n {
		b.Fatalf("payouts: %d (%v), want one of %d lines", len(payouts), err, n)
	}
	if bal, err := svc.LedgerBalance(ctx, mercato.LedgerSellerPayable(seller), "USD"); err != nil || bal != 0 {
		b.Fatalf("the seller is owed %s after the disbursement (%v)", bal, err)
	}
	if err := svc.CheckLedger(ctx); err != nil {
		b.Fatal(err)
	}
}
