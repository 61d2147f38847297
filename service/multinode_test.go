package service_test

import (
	"context"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/storetest"
)

// TestTwoNodesShareOnePostgres runs two services (two nodes, each with its own connection pool)
// on one PostgreSQL database, moving their clocks through a year at once: every job runs once
// (leases), every charge is invoiced once, and the ledger balances.
func TestTwoNodesShareOnePostgres(t *testing.T) {
	base := os.Getenv("MERCATO_TEST_POSTGRES")
	if base == "" {
		t.Skip("MERCATO_TEST_POSTGRES is not set")
	}
	dsn := storetest.PostgresSchema(t, base)
	ctx := context.Background()
	var nodes []*service.Service
	for i := 0; i < 2; i++ {
		store, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		nodes = append(nodes, service.New(store, mercato.NewSimClock(day(2026, 1, 1)), service.WithBatchSize(3)))
	}
	e := &env{t: t, ctx: ctx, svc: nodes[0]}
	e.marketplace()
	e.accept("offer-public", buyer2)
	e.advanceTo(day(2026, 1, 10))
	e.accept("offer-private", buyer)
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := n.Advance(ctx, day(2026, 12, 31)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	jobs, err := nodes[1].Jobs(ctx, mercato.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.DueAt.Before(day(2026, 12, 31)) && (j.Status != mercato.JobDone || j.Attempts != 1) {
			t.Errorf("job %s: %s after %d attempts (%s)", j.Key, j.Status, j.Attempts, j.LastError)
		}
	}
	invoices, err := nodes[1].Invoices(ctx, mercato.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// a subscription: January to November closed by Dec 31; three installments
	if len(invoices) != 11+3 {
		t.Errorf("%d invoices, want 14", len(invoices))
	}
	if err := nodes[1].CheckBooks(ctx); err != nil {
		t.Error(err)
	}
}
