package service_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/sqlite"
	"mercato/storetest"
)

// The products of the acceptance rules by product type: an AMI whose software meters instance
// hours, and professional services.
const (
	amiProduct      = "prod-ami"
	servicesProduct = "prod-services"
)

func hourly(price string) mercato.Term {
	return mercato.Term{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
		{RateCard: []mercato.RateCardItem{{DimensionKey: "hours", Price: amt(price)}}}}}}
}

func upfront(price string, months int) mercato.Term {
	return mercato.Term{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt(price),
		Duration: &mercato.Period{Months: months}}}
}

func privateTo(id, productID string, terms ...mercato.Term) mercato.Offer {
	return mercato.Offer{ID: id, ProductID: productID, Visibility: "private", Buyers: []string{buyer},
		ExpiresAt: day(2026, 12, 1), Terms: terms}
}

// productTypes adds to the marketplace an AMI product with a public hourly offer at 0.10 an
// instance hour, and a professional-services product; offers are the test's own.
func (e *env) productTypes(offers ...mercato.Offer) {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{
		Products: []mercato.Product{
			{ID: amiProduct, SellerID: seller, Type: mercato.ProductAMI, Title: "Appliance", RefundPolicy: "None.",
				Dimensions: []mercato.Dimension{{Key: "hours", Unit: "Hrs", Metered: true}}},
			{ID: servicesProduct, SellerID: seller, Type: mercato.ProductProfessionalServices, Title: "Onboarding",
				RefundPolicy: "Refunds for work not done."},
		},
		Offers: append([]mercato.Offer{{ID: "offer-ami-public", ProductID: amiProduct, Visibility: "public",
			Terms: mercato.Terms{hourly("0.10")}}}, offers...),
	})
}

func (e *env) agreement(id string) mercato.Agreement {
	e.t.Helper()
	a, err := e.svc.Agreement(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) meterHours(at time.Time, hours int64) {
	e.t.Helper()
	if _, err := e.svc.MeterUsage(e.ctx, buyer, service.MeterUsageInput{ProductCode: amiProduct, Timestamp: at,
		Dimension: "hours", Quantity: hours}); err != nil {
		e.t.Fatalf("meter %d hours at %s: %v", hours, at, err)
	}
}

// invoiced sums the pre-tax amounts of an agreement's invoices with the key.
func (e *env) invoiced(agreementID, key string) mercato.Amount {
	e.t.Helper()
	var sum mercato.Amount
	for _, inv := range e.invoices(agreementID) {
		if inv.Key == key {
			sum += inv.PreTax
		}
	}
	return sum
}

// isDuplicate asserts that err refuses an acceptance because of the buyer's active agreement.
func isDuplicate(t *testing.T, err error, active string) {
	t.Helper()
	got := errorOf(t, err, mercato.EConflict)
	if got.Reason != "DUPLICATE_AGREEMENT" || got.ResourceID != active || !strings.Contains(got.Message, "already has an active") {
		t.Errorf("refusal = %+v, want DUPLICATE_AGREEMENT naming %s", got, active)
	}
}

// An AMI hourly buyer who accepts a new offer gets its terms from then on: the old agreement is
// replaced at the acceptance, and usage is billed by when it happened, at 0.10 before and 0.05
// after (seed 003, "For AMI hourly and annual").
func TestAMIHourlyNewOfferOverridesTheOld(t *testing.T) {
	e := newEnv(t)
	e.productTypes(privateTo("offer-ami-cheaper", amiProduct, hourly("0.05")))
	old := e.accept("offer-ami-public", buyer)
	e.advanceTo(day(2026, 1, 10).Add(10 * time.Hour))
	e.meterHours(day(2026, 1, 10).Add(9*time.Hour+30*time.Minute), 100)

	e.advanceTo(day(2026, 1, 10).Add(12 * time.Hour))
	repl := e.accept("offer-ami-cheaper", buyer)
	old = e.agreement(old.ID)
	if old.Status != mercato.AgreementReplaced || old.ReplacedBy() != repl.ID || !old.EndTime.Equal(repl.StartTime) {
		t.Errorf("old agreement: %s, replaced by %q, ends %s; want REPLACED by %s at %s", old.Status, old.ReplacedBy(),
			old.EndTime, repl.ID, repl.StartTime)
	}
	if repl.Status != mercato.AgreementActive || repl.SourceAgreementID != old.ID {
		t.Errorf("new agreement: %s, source %q", repl.Status, repl.SourceAgreementID)
	}

	// Usage of the hour before the switch, reported late, is still the old agreement's.
	e.advanceTo(day(2026, 1, 10).Add(13 * time.Hour))
	e.meterHours(day(2026, 1, 10).Add(11*time.Hour+30*time.Minute), 40)
	e.meterHours(day(2026, 1, 10).Add(12*time.Hour+30*time.Minute), 200)
	e.advanceTo(day(2026, 1, 11))
	e.meterHours(day(2026, 1, 10).Add(23*time.Hour), 60)

	e.advanceTo(day(2026, 2, 2))
	if got, want := e.invoiced(old.ID, "period:2026-01"), amt("14.00"); got != want {
		t.Errorf("old agreement's January usage = %s, want (100 + 40) h x 0.10 = %s", got, want)
	}
	if got, want := e.invoiced(repl.ID, "period:2026-01"), amt("13.00"); got != want {
		t.Errorf("new agreement's January usage = %s, want (200 + 60) h x 0.05 = %s", got, want)
	}
}

// An AMI annual buyer who accepts a new offer is replaced too, but the previous offer's payment
// schedule goes on: its July installment is still invoiced.
func TestAMIAnnualOverrideKeepsThePreviousSchedule(t *testing.T) {
	e := newEnv(t)
	e.productTypes(
		privateTo("offer-ami-annual", amiProduct, hourly("0.10"),
			mercato.Term{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
			mercato.Term{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
				{ChargeDate: day(2026, 1, 1), ChargeAmount: amt("1200.00")},
				{ChargeDate: day(2026, 7, 1), ChargeAmount: amt("1200.00")},
			}}}),
		privateTo("offer-ami-annual-2", amiProduct, hourly("0.05"), upfront("2000.00", 12)),
	)
	old := e.accept("offer-ami-annual", buyer)
	e.advanceTo(day(2026, 3, 1))
	repl := e.accept("offer-ami-annual-2", buyer)
	if old = e.agreement(old.ID); old.Status != mercato.AgreementReplaced || old.ReplacedBy() != repl.ID {
		t.Errorf("old agreement: %s, replaced by %q, want REPLACED by %s", old.Status, old.ReplacedBy(), repl.ID)
	}
	e.advanceTo(day(2026, 7, 2))
	var got []string
	for _, inv := range e.invoices(old.ID) {
		if inv.PreTax != 0 {
			got = append(got, inv.IssuedAt.Format("2006-01-02")+" "+inv.PreTax.Format(2))
		}
	}
	if want := "2026-01-01 1200.00,2026-07-01 1200.00"; strings.Join(got, ",") != want {
		t.Errorf("old agreement's invoices = %v, want %s: the pending installment continues", got, want)
	}
	if got := e.invoiced(repl.ID, "acceptance"); got != amt("2000.00") {
		t.Errorf("new agreement's acceptance invoice = %s, want 2000.00", got)
	}
}

// AMI contracts and professional services refuse a new acceptance while the buyer's agreement
// for the product is active, whatever the offer, and only one invoice is issued.
func TestAMIContractAndProfessionalServicesRefuseASecondAgreement(t *testing.T) {
	tests := []struct {
		name          string
		first, second string
		product       string
		want          mercato.Amount // invoiced at the first acceptance
	}{
		{"professional services, the same offer twice", "offer-services", "offer-services", servicesProduct, amt("5000.00")},
		{"professional services, another offer", "offer-services", "offer-services-2", servicesProduct, amt("5000.00")},
		{"AMI contract, another contract", "offer-ami-contract", "offer-ami-contract-2", amiProduct, amt("3000.00")},
		{"AMI contract, then an hourly offer", "offer-ami-contract", "offer-ami-public", amiProduct, amt("3000.00")},
		{"AMI hourly, the same offer twice", "offer-ami-public", "offer-ami-public", amiProduct, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.productTypes(
				privateTo("offer-services", servicesProduct, upfront("5000.00", 3)),
				privateTo("offer-services-2", servicesProduct, upfront("800.00", 1)),
				privateTo("offer-ami-contract", amiProduct, upfront("3000.00", 12)),
				privateTo("offer-ami-contract-2", amiProduct, upfront("5000.00", 24)),
			)
			first := e.accept(tt.first, buyer)
			_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: tt.second, BuyerID: buyer})
			isDuplicate(t, err, first.ID)

			all, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{AcceptorID: buyer, ProductID: tt.product})
			if err != nil || len(all) != 1 || all[0].Status != mercato.AgreementActive {
				t.Errorf("agreements for %s = %+v (%v), want the first one, active", tt.product, all, err)
			}
			if got := e.invoiced(first.ID, "acceptance"); got != tt.want {
				t.Errorf("invoiced on acceptance = %s, want %s once", got, tt.want)
			}
			// Another buyer is not affected, and once the agreement ends the buyer may accept again.
			if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: first.ID, Actor: seller}); err != nil {
				t.Fatal(err)
			}
			e.accept(tt.second, buyer)
		})
	}
}

// The buyer's offers page judges offers as acceptance does: an offer that acceptance would
// refuse is not available, and one that would replace the buyer's agreement says so.
func TestBuyerOffersFollowTheProductTypeRules(t *testing.T) {
	e := newEnv(t)
	e.productTypes(
		privateTo("offer-services", servicesProduct, upfront("5000.00", 3)),
		privateTo("offer-ami-cheaper", amiProduct, hourly("0.05")),
	)
	services := e.accept("offer-services", buyer)
	ami := e.accept("offer-ami-public", buyer)
	offers, err := e.svc.BuyerOffers(e.ctx, buyer)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]service.BuyerOffer{}
	for _, o := range offers {
		seen[o.ID] = o
	}
	if o := seen["offer-services"]; o.Available || o.Reason != "DUPLICATE_AGREEMENT" || o.Active == nil || o.Active.ID != services.ID {
		t.Errorf("the accepted services offer: %+v, want not available because of %s", o, services.ID)
	}
	if o := seen["offer-ami-public"]; o.Available || o.Reason != "DUPLICATE_AGREEMENT" {
		t.Errorf("the AMI offer accepted: %+v, want not available", o)
	}
	if o := seen["offer-ami-cheaper"]; !o.Available || o.Replaces == nil || o.Replaces.ID != ami.ID {
		t.Errorf("a new AMI offer: %+v, want available, replacing %s", o, ami.ID)
	}
}

// Concurrent acceptances of one offer by one buyer make one agreement and one invoice, on
// SQLite and, with MERCATO_TEST_POSTGRES, on PostgreSQL (SERIALIZABLE, retried).
func TestConcurrentAcceptancesMakeOneAgreement(t *testing.T) {
	stores := map[string]func(t *testing.T) mercato.Store{
		"sqlite": func(t *testing.T) mercato.Store {
			s, err := sqlite.Open(filepath.Join(t.TempDir(), "test.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": func(t *testing.T) mercato.Store {
			base := os.Getenv("MERCATO_TEST_POSTGRES")
			if base == "" {
				t.Skip("MERCATO_TEST_POSTGRES is not set")
			}
			s, err := postgres.Open(context.Background(), storetest.PostgresSchema(t, base))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range stores {
		for _, offer := range []string{"offer-services", "offer-ami-public"} {
			t.Run(name+"/"+offer, func(t *testing.T) {
				store := open(t)
				t.Cleanup(func() { store.Close() })
				e := &env{t: t, ctx: context.Background(), store: store,
					svc: service.New(store, mercato.NewSimClock(day(2026, 1, 1)))}
				e.productTypes(privateTo("offer-services", servicesProduct, upfront("5000.00", 3)))
				accepted := acceptAtOnce(e, offer, 8)
				if len(accepted) != 1 {
					t.Fatalf("%d acceptances succeeded (%v), want 1", len(accepted), accepted)
				}
				all, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{AcceptorID: buyer})
				if err != nil || len(all) != 1 {
					t.Errorf("agreements = %d (%v), want 1", len(all), err)
				}
				if err := e.svc.CheckLedger(e.ctx); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// acceptAtOnce has the buyer accept the offer n times at once and returns the agreements made;
// every refusal must be the duplicate one.
func acceptAtOnce(e *env, offer string, n int) []string {
	var mu sync.Mutex
	var accepted []string
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: offer, BuyerID: buyer})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted = append(accepted, a.ID)
			case mercato.ErrorCodeOf(err) != mercato.EConflict:
				e.t.Errorf("accept: %v, want a duplicate refusal", err)
			}
		}()
	}
	wg.Wait()
	return accepted
}

// quote asks for an agreement request (intent NEW) for every term of the offer.
func (e *env) quote(offerID string) (service.Quote, error) {
	e.t.Helper()
	for _, o := range e.offers() {
		if o.ID != offerID {
			continue
		}
		var terms []service.RequestedTerm
		for _, t := range o.Terms {
			h, _ := t.Header()
			terms = append(terms, service.RequestedTerm{ID: h.ID})
		}
		return e.svc.CreateAgreementRequest(e.ctx, buyer, service.CreateAgreementRequestInput{Intent: "NEW",
			ProposalID: o.ProposalID, Terms: terms})
	}
	e.t.Fatalf("no offer %s", offerID)
	return service.Quote{}, nil
}

// The Agreement API's quotes follow the same rules: a professional-services quote is refused
// while the buyer's agreement is active, and accepting an AMI quote replaces the agreement.
func TestAgreementRequestsFollowTheProductTypeRules(t *testing.T) {
	e := newEnv(t)
	e.productTypes(
		privateTo("offer-services", servicesProduct, upfront("5000.00", 3)),
		privateTo("offer-ami-cheaper", amiProduct, hourly("0.05")),
	)
	services := e.accept("offer-services", buyer)
	_, err := e.quote("offer-services")
	isDuplicate(t, err, services.ID)

	old := e.accept("offer-ami-public", buyer)
	q, err := e.quote("offer-ami-cheaper")
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.svc.AcceptAgreementRequest(e.ctx, buyer, q.Request.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if old = e.agreement(old.ID); old.Status != mercato.AgreementReplaced || old.ReplacedBy() != id {
		t.Errorf("old AMI agreement: %s, replaced by %q; want REPLACED by %s", old.Status, old.ReplacedBy(), id)
	}
	if _, err := e.quote("offer-ami-cheaper"); mercato.ErrorCodeOf(err) != mercato.EConflict {
		t.Errorf("quoting the accepted offer again: %v, want a duplicate refusal", err)
	}
}
