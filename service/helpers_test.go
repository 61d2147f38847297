package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/sqlite"
	"mercato/storetest"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func amt(s string) mercato.Amount { return mercato.MustAmount(s) }

// env is a sandbox service on a fresh SQLite database, with its clock at 2026-01-01.
type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *service.Service
	clk   *mercato.SimClock
	store mercato.Store
	// planted says the test wrote unsound data on purpose (see plant): its books are not checked.
	planted bool
}

// newEnv returns a sandbox on SQLite whose books are checked when the test ends.
func newEnv(t *testing.T) *env {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOn(t, store)
}

// eachStore runs fn on a sandbox on SQLite, and on PostgreSQL when MERCATO_TEST_POSTGRES names a
// database (in a schema of its own).
func eachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("SQLite", func(t *testing.T) { fn(t, newEnv(t)) })
	t.Run("PostgreSQL", func(t *testing.T) {
		base := os.Getenv("MERCATO_TEST_POSTGRES")
		if base == "" {
			t.Skip("MERCATO_TEST_POSTGRES is not set")
		}
		store, err := postgres.Open(context.Background(), storetest.PostgresSchema(t, base))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, newEnvOn(t, store))
	})
}

// newEnvOn returns a sandbox on the store, with its clock at 2026-01-01; the store's books are
// checked, and the store closed, when the test ends.
func newEnvOn(t *testing.T, store mercato.Store) *env {
	t.Helper()
	clk := mercato.NewSimClock(day(2026, 1, 1))
	e := &env{t: t, ctx: context.Background(), svc: service.New(store, clk, service.WithBatchSize(7)), clk: clk, store: store}
	t.Cleanup(func() {
		if err := e.svc.CheckBooks(context.Background()); err != nil && !e.planted {
			t.Errorf("ledger: %v", err)
		}
		store.Close()
	})
	return e
}

const (
	seller  = "111122223333"
	buyer   = "444455556666"
	buyer2  = "777788889999"
	product = "prod-analytics"
)

// marketplace applies a seller, two buyers, a SaaS product with a public subscription offer and
// a private 3-installment offer to buyer.
func (e *env) marketplace() {
	e.t.Helper()
	e.apply(mercato.Scenario{
		Accounts: []mercato.Account{
			{ID: seller, Name: "Acme", Roles: []mercato.Role{mercato.RoleSeller}},
			{ID: buyer, Name: "Buyer Corp", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA"},
			{ID: buyer2, Name: "Other Buyer", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "DE"},
		},
		Products: []mercato.Product{{ID: product, SellerID: seller, Type: mercato.ProductSaaS, Title: "Analytics",
			RefundPolicy: "Full refund within 30 days.", Dimensions: []mercato.Dimension{{Key: "api_calls", Metered: true}}}},
		Offers: []mercato.Offer{
			{ID: "offer-public", ProductID: product, Visibility: "public", Terms: mercato.Terms{
				{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}},
				{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
					{RateCard: []mercato.RateCardItem{{DimensionKey: "api_calls", Price: amt("0.001")}}}}}},
			}},
			{ID: "offer-private", ProductID: product, Visibility: "private", Buyers: []string{buyer},
				ExpiresAt: day(2026, 3, 1), Terms: mercato.Terms{
					{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
					{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
						{ChargeDate: day(2026, 1, 15), ChargeAmount: amt("1200.00")},
						{ChargeDate: day(2026, 4, 15), ChargeAmount: amt("1200.00")},
						{ChargeDate: day(2026, 7, 15), ChargeAmount: amt("1200.00")},
					}}},
				}},
		},
	})
}

func (e *env) apply(sc mercato.Scenario) {
	e.t.Helper()
	if err := e.svc.ApplyScenario(e.ctx, sc); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) accept(offer, buyerID string) mercato.Agreement {
	e.t.Helper()
	a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: offer, BuyerID: buyerID})
	if err != nil {
		e.t.Fatalf("accept %s by %s: %v", offer, buyerID, err)
	}
	return a
}

// advanceTo moves the clock to t; a job that fails on the way fails the test, as no test means
// it to unless it says so (with service.FailJobs, and its own move of the clock).
func (e *env) advanceTo(t time.Time) {
	e.t.Helper()
	m, err := e.svc.MoveClock(e.ctx, t)
	if err != nil {
		e.t.Fatalf("advance to %s: %v", t, err)
	}
	for _, j := range m.Failed {
		e.t.Errorf("advance to %s: job %s %s after %d attempts: %s", t, j.Key, j.Status, j.Attempts, j.LastError)
	}
}

func (e *env) invoices(agreementID string) []mercato.Invoice {
	e.t.Helper()
	inv, err := e.svc.Invoices(e.ctx, mercato.InvoiceFilter{AgreementID: agreementID})
	if err != nil {
		e.t.Fatal(err)
	}
	return inv
}

// errorOf asserts err is an *mercato.Error with the code and returns it.
func errorOf(t *testing.T, err error, code mercato.ErrorCode) *mercato.Error {
	t.Helper()
	if got := mercato.ErrorCodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
	var e *mercato.Error
	errors.As(err, &e)
	return e
}

func (e *env) offers() []mercato.Offer {
	e.t.Helper()
	out, err := e.svc.Offers(e.ctx, mercato.OfferFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}
