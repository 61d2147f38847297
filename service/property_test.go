package service_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"pgregory.net/rapid"

	"mercato"
	"mercato/service"
	"mercato/sqlite"
)

// TestLedgerBalancesAndNothingIsInvoicedTwice drives random acceptances, usage, cancellations and
// clock moves, and checks after each step that the ledger balances, that every invoice equals the
// charges it bills, and that no charge is invoiced twice.
func TestLedgerBalancesAndNothingIsInvoicedTwice(t *testing.T) {
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		store, err := sqlite.Open(filepath.Join(dir, "prop"+time.Now().Format("150405.000000000")+".db"))
		if err != nil {
			rt.Fatal(err)
		}
		defer store.Close()
		ctx := context.Background()
		svc := service.New(store, mercato.NewSimClock(day(2026, 1, 1)), service.WithBatchSize(3))
		e := &env{t: t, ctx: ctx, svc: svc}
		e.marketplace()
		var agreements []string
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			switch rapid.IntRange(0, 4).Draw(rt, "action") {
			case 0, 1:
				offer := rapid.SampledFrom([]string{"offer-public", "offer-private"}).Draw(rt, "offer")
				b := rapid.SampledFrom([]string{buyer, buyer2}).Draw(rt, "buyer")
				if a, err := svc.AcceptOffer(ctx, service.AcceptInput{OfferID: offer, BuyerID: b}); err == nil {
					agreements = append(agreements, a.ID)
				} else if mercato.ErrorCodeOf(err) == mercato.EInternal {
					rt.Fatal(err)
				}
			case 2:
				if len(agreements) > 0 {
					id := rapid.SampledFrom(agreements).Draw(rt, "usage agreement")
					at := svc.Now().Add(time.Duration(rapid.IntRange(0, 48).Draw(rt, "hour")) * time.Hour)
					q := int64(rapid.IntRange(0, 100000).Draw(rt, "quantity"))
					if err := svc.RecordUsage(ctx, id, "api_calls", at, q); mercato.ErrorCodeOf(err) == mercato.EInternal {
						rt.Fatal(err)
					}
				}
			case 3:
				if len(agreements) > 0 {
					id := rapid.SampledFrom(agreements).Draw(rt, "cancel agreement")
					if _, err := svc.CancelAgreement(ctx, service.CancelInput{AgreementID: id, Actor: "test"}); mercato.ErrorCodeOf(err) == mercato.EInternal {
						rt.Fatal(err)
					}
				}
			case 4:
				d := time.Duration(rapid.IntRange(1, 24*120).Draw(rt, "advance hours")) * time.Hour
				if _, err := svc.Advance(ctx, svc.Now().Add(d)); err != nil {
					rt.Fatal(err)
				}
			}
			checkBooks(rt, ctx, svc)
		}
	})
	if n == 0 {
		t.Fatal("no property runs")
	}
}

// checkBooks asserts the invariants of invoicing: a balanced ledger, invoices equal to the charges
// they bill, and no charge billed twice.
func checkBooks(rt *rapid.T, ctx context.Context, svc *service.Service) {
	if err := svc.CheckBooks(ctx); err != nil {
		rt.Fatal(err)
	}
	invoices, err := svc.Invoices(ctx, mercato.InvoiceFilter{})
	if err != nil {
		rt.Fatal(err)
	}
	charges, err := svc.Charges(ctx, mercato.ChargeFilter{})
	if err != nil {
		rt.Fatal(err)
	}
	billed := map[string]mercato.Amount{}
	seen := map[string]bool{}
	for _, c := range charges {
		k := c.AgreementID + "|" + c.Key
		if seen[k] {
			rt.Fatalf("charge %s invoiced twice", k)
		}
		seen[k] = true
		if c.Status == mercato.ChargeInvoiced {
			billed[c.InvoiceID] += c.Amount
		}
	}
	for _, inv := range invoices {
		if inv.Type == mercato.InvoiceTypeInvoice && billed[inv.ID] != inv.PreTax {
			rt.Fatalf("invoice %s of %s bills %s of charges", inv.ID, inv.PreTax, billed[inv.ID])
		}
	}
}
