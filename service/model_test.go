package service_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/sqlite"
	"mercato/storetest"
)

// The model-based test drives random sequences of real operations through the service and
// compares what it did with a small reference model of what each buyer should have been
// invoiced, credited, charged and refunded. After every step the store's invariants hold
// (Service.Check) and the totals equal the model's. A failure prints the seed that replays it
// (-rapid.seed=N); the run's length is -rapid.checks (see modelChecks) and -rapid.steps.
//
// The long run, ten minutes or more:
//
//	go test ./service -run 'TestModel' -rapid.checks=2000 -timeout 60m
//	MERCATO_TEST_POSTGRES=postgres://... go test ./service -run 'TestModelPostgres' -rapid.checks=500 -timeout 60m

// TestModelSQLite runs the model on SQLite.
func TestModelSQLite(t *testing.T) {
	dir := t.TempDir()
	n := 0
	runModel(t, modelChecks(30, 8), func(t *rapid.T) mercato.Store {
		n++
		s, err := sqlite.Open(filepath.Join(dir, "model"+strconv.Itoa(n)+".db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestModelPostgres runs the model on PostgreSQL, each run in a schema of its own.
func TestModelPostgres(t *testing.T) {
	base := os.Getenv("MERCATO_TEST_POSTGRES")
	if base == "" {
		t.Skip("MERCATO_TEST_POSTGRES is not set")
	}
	runModel(t, modelChecks(10, 4), func(rt *rapid.T) mercato.Store {
		dsn, drop, err := storetest.NewPostgresSchema(base)
		if err != nil {
			rt.Fatal(err)
		}
		s, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			drop()
			rt.Fatal(err)
		}
		return droppingStore{s, drop}
	})
}

// droppingStore drops its schema when it is closed, so that a long run holds one at a time.
type droppingStore struct {
	mercato.Store
	drop func() error
}

func (s droppingStore) Close() error {
	err := s.Store.Close()
	if derr := s.drop(); err == nil {
		err = derr
	}
	return err
}

// modelChecks is how many runs to make: -rapid.checks when given, else full (short under
// -short).
func modelChecks(full, short int) int {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "rapid.checks" })
	switch {
	case given:
		return 0
	case testing.Short():
		return short
	}
	return full
}

func runModel(t *testing.T, checks int, open func(*rapid.T) mercato.Store) {
	if checks > 0 {
		old := flag.Lookup("rapid.checks").Value.String()
		flag.Set("rapid.checks", strconv.Itoa(checks))
		defer flag.Set("rapid.checks", old)
	}
	runs := 0
	rapid.Check(t, func(rt *rapid.T) {
		runs++
		store := open(rt)
		defer store.Close()
		m := newModel(rt, store)
		m.marketplace()
		steps := rapid.IntRange(5, 40).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			m.step()
			m.verify()
		}
		m.advance(m.svc.Now().Add(72 * time.Hour)) // settle what is pending, then verify once more
		m.verify()
	})
	logRenewalCounts(t)
	if runs == 0 {
		t.Fatal("no model runs")
	}
}

// model is the reference: what the marketplace should have done, kept by the test alone.
type model struct {
	t     *rapid.T
	ctx   context.Context
	svc   *service.Service
	store mercato.Store

	agreements []*modelAgreement
	// reserved is the pre-tax amount the model accepted for refund on each invoice it knows.
	reserved map[string]mercato.Amount
	// waiting are refund requests awaiting the seller: the invoice and the amount each asks.
	waiting []modelRequest
	tokens  int
	// failing are the settlements (by job key) that the bank makes fail.
	failing map[string]bool
	// renewals are the agreements that renew (see model_renewal_test.go).
	renewals []*modelRenewal
}

type modelAgreement struct {
	id, buyer string
	offer     modelOffer
	accepted  time.Time
	ended     bool
	// replacedBy is the offer whose acceptance replaced the agreement, if one did.
	replacedBy modelOffer
	// stopped is when the seller stopped a replaced agreement's pending payments; cancelled is
	// when it was cancelled otherwise: no installment is invoiced after either.
	stopped, cancelled time.Time
	// cancelledInFull is when the buyer cancelled within 48 hours: everything invoiced for it is
	// refunded, and nothing is invoiced after.
	cancelledInFull time.Time
}

type modelRequest struct {
	id, invoice string
	amount      mercato.Amount
	kind        mercato.RefundKind
	agreement   *modelAgreement
}

// modelOffer is what the model knows of an offer: enough to say who may accept it, what it
// invoices at once, and whether a second acceptance is refused, replaces or adds.
type modelOffer struct {
	id, product string
	kind        mercato.ProductType
	private     bool
	buyers      []string // a private offer's
	expires     time.Time
	upfront     mercato.Amount // invoiced at acceptance
	contract    bool           // paid upfront or by schedule
	annual      bool
	usage       string         // the metered dimension
	rate        mercato.Amount // its price
	schedule    []time.Time    // dates of installments of 100.00
	partner     string         // the channel partner reselling the product, if one does
}

// by returns who sells the offer: the channel partner of a resale, else the product's seller.
func (o modelOffer) by() string {
	if o.partner != "" {
		return o.partner
	}
	return seller
}

// modelPartner resells prod-resold, made by seller, at 1,000.00 a year of which the maker's
// wholesale price is 777.77: an awkward ratio, so that every split rounds.
const modelPartner = "222233334444"

// modelLinked is a linked account of buyer's organisation: what it buys is invoiced to buyer
// (its payer), taxed where it is (DE), and its agreements name it.
const modelLinked = "565656565656"

// modelBuyers are the accounts that accept offers.
var modelBuyers = []string{buyer, buyer2, modelLinked}

// modelPayer is the account billed for what each buyer buys.
var modelPayer = map[string]string{buyer: buyer, buyer2: buyer2, modelLinked: buyer}

var modelWholesale, modelResalePrice = amt("777.77"), amt("1000.00")

// modelMakerRate is the maker's rate per call of prod-resold-use, which the partner resells at
// 0.01: a third, so that the maker's part of every usage line rounds.
var modelMakerRate = amt("0.00333333")

var modelOffers = []modelOffer{
	{id: "offer-public", product: product, kind: mercato.ProductSaaS, usage: "api_calls", rate: amt("0.001")},
	{id: "offer-private", product: product, kind: mercato.ProductSaaS, private: true, buyers: []string{buyer}, expires: day(2026, 3, 1), contract: true, annual: true},
	{id: "offer-upfront", product: "prod-ps", kind: mercato.ProductProfessionalServices, upfront: amt("1000.00"), contract: true, annual: true},
	{id: "offer-ami-a", product: "prod-ami", kind: mercato.ProductAMI, usage: "hours", rate: amt("0.05"), contract: true,
		schedule: []time.Time{day(2026, 3, 1), day(2026, 6, 1), day(2026, 9, 1)}},
	{id: "offer-ami-b", product: "prod-ami", kind: mercato.ProductAMI, private: true, buyers: []string{buyer, buyer2}, expires: day(2027, 1, 1), usage: "hours", rate: amt("0.10"),
		contract: true, schedule: []time.Time{day(2026, 3, 1), day(2026, 6, 1), day(2026, 9, 1), day(2026, 12, 1)}},
	{id: "offer-ctr", product: "prod-ctr", kind: mercato.ProductContainer, upfront: amt("300.00"), contract: true, annual: true},
	{id: "offer-data", product: "prod-data", kind: mercato.ProductData, upfront: amt("49.99"), contract: true, annual: true},
	{id: "offer-cppo", product: "prod-resold", kind: mercato.ProductSaaS, private: true, buyers: []string{buyer, buyer2, modelLinked},
		expires: day(2027, 1, 1), upfront: amt("1000.00"), contract: true, annual: true, partner: modelPartner},
	{id: "offer-cppo-use", product: "prod-resold-use", kind: mercato.ProductSaaS, private: true, buyers: []string{buyer, buyer2, modelLinked},
		expires: day(2027, 1, 1), usage: "calls", rate: amt("0.01"), partner: modelPartner},
}

// yearly is the offer's fixed price per year: its upfront price, or its installments (a
// schedule without a validity term counts as one year's).
func (o modelOffer) yearly() mercato.Amount {
	return o.upfront + mercato.Amount(len(o.schedule))*amt("100.00")
}

func newModel(t *rapid.T, store mercato.Store) *model {
	m := &model{t: t, ctx: context.Background(), store: store, reserved: map[string]mercato.Amount{},
		failing: map[string]bool{}, svc: service.New(store, mercato.NewSimClock(day(2026, 1, 1)), service.WithBatchSize(3))}
	service.FailJobs(m.svc, "settle", func(j mercato.Job, _ time.Time) error {
		if m.failing[j.Key] {
			return errors.New("the bank does not answer")
		}
		return nil
	})
	return m
}

// bankDown makes the settlements of the next one or two days fail for good: the first one that
// runs after them settles what they left.
func (m *model) bankDown() {
	next := m.svc.Now().Truncate(24 * time.Hour).Add(24 * time.Hour)
	for i := range rapid.IntRange(1, 2).Draw(m.t, "days the bank is down") {
		m.failing["settle:"+next.AddDate(0, 0, i).Format(time.DateOnly)] = true
	}
}

// settledBy returns the midnight of the last settlement that ran by now.
func (m *model) settledBy() time.Time {
	t := m.svc.Now().Truncate(24 * time.Hour)
	for m.failing["settle:"+t.Format(time.DateOnly)] {
		t = t.Add(-24 * time.Hour)
	}
	return t
}

// marketplace applies the model's products and offers.
func (m *model) marketplace() {
	if err := m.svc.ApplyScenario(m.ctx, withRenewals(modelScenario())); err != nil {
		m.t.Fatal(err)
	}
}

func modelScenario() mercato.Scenario {
	year := &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}
	usage := func(dim, price string) mercato.Term {
		return mercato.Term{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
			{RateCard: []mercato.RateCardItem{{DimensionKey: dim, Price: amt(price)}}}}}}
	}
	upfront := func(price string) mercato.Term {
		return mercato.Term{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt(price)}}
	}
	listing := func(id string, kind mercato.ProductType, dims ...string) mercato.Product {
		p := mercato.Product{ID: id, SellerID: seller, Type: kind, Title: id, RefundPolicy: "Refunds on request."}
		for _, d := range dims {
			p.Dimensions = append(p.Dimensions, mercato.Dimension{Key: d, Metered: true})
		}
		return p
	}
	return mercato.Scenario{
		Accounts: []mercato.Account{
			{ID: seller, Name: "Acme", Roles: []mercato.Role{mercato.RoleSeller}},
			{ID: buyer, Name: "Buyer Corp", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "US-WA"},
			{ID: buyer2, Name: "Other Buyer", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "DE"},
			{ID: modelPartner, Name: "Channel Co", Roles: []mercato.Role{mercato.RoleSeller}},
			{ID: modelLinked, Name: "Buyer Corp Data", Roles: []mercato.Role{mercato.RoleBuyer}, TaxJurisdiction: "DE", Payer: buyer},
		},
		Products: []mercato.Product{listing(product, mercato.ProductSaaS, "api_calls"), listing("prod-resold", mercato.ProductSaaS), listing("prod-resold-use", mercato.ProductSaaS, "calls"),
			listing("prod-ps", mercato.ProductProfessionalServices), listing("prod-ami", mercato.ProductAMI, "hours"),
			listing("prod-ctr", mercato.ProductContainer), listing("prod-data", mercato.ProductData)},
		Offers: []mercato.Offer{
			{ID: "offer-public", ProductID: product, Visibility: "public", Terms: mercato.Terms{
				{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}},
				usage("api_calls", "0.001")}},
			{ID: "offer-private", ProductID: product, Visibility: "private", Buyers: []string{buyer},
				ExpiresAt: day(2026, 3, 1), Terms: mercato.Terms{{Validity: year},
					{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
						{ChargeDate: day(2026, 1, 15), ChargeAmount: amt("1200.00")},
						{ChargeDate: day(2026, 4, 15), ChargeAmount: amt("1200.00")},
						{ChargeDate: day(2026, 7, 15), ChargeAmount: amt("1200.00")},
					}}}}},
			{ID: "offer-upfront", ProductID: "prod-ps", Visibility: "public", Terms: mercato.Terms{{Validity: year}, upfront("1000.00")}},
			{ID: "offer-ami-a", ProductID: "prod-ami", Visibility: "public", Terms: mercato.Terms{usage("hours", "0.05"),
				{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
					{ChargeDate: day(2026, 3, 1), ChargeAmount: amt("100.00")},
					{ChargeDate: day(2026, 6, 1), ChargeAmount: amt("100.00")},
					{ChargeDate: day(2026, 9, 1), ChargeAmount: amt("100.00")},
				}}}}},
			{ID: "offer-ami-b", ProductID: "prod-ami", Visibility: "private", Buyers: []string{buyer, buyer2},
				ExpiresAt: day(2027, 1, 1), Terms: mercato.Terms{usage("hours", "0.10"),
					{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
						{ChargeDate: day(2026, 3, 1), ChargeAmount: amt("100.00")},
						{ChargeDate: day(2026, 6, 1), ChargeAmount: amt("100.00")},
						{ChargeDate: day(2026, 9, 1), ChargeAmount: amt("100.00")},
						{ChargeDate: day(2026, 12, 1), ChargeAmount: amt("100.00")},
					}}}}},
			{ID: "offer-ctr", ProductID: "prod-ctr", Visibility: "public", Terms: mercato.Terms{{Validity: year}, upfront("300.00")}},
			{ID: "offer-data", ProductID: "prod-data", Visibility: "public", Terms: mercato.Terms{{Validity: year}, upfront("49.99")}},
			{ID: "offer-cppo", ProductID: "prod-resold", SellerID: modelPartner, Visibility: "private", Buyers: []string{buyer, buyer2, modelLinked},
				ExpiresAt: day(2027, 1, 1), Resale: &mercato.Resale{Wholesale: modelWholesale, Price: modelResalePrice},
				Terms: mercato.Terms{{Validity: year}, upfront("1000.00")}},
			{ID: "offer-cppo-use", ProductID: "prod-resold-use", SellerID: modelPartner, Visibility: "private", Buyers: []string{buyer, buyer2, modelLinked},
				ExpiresAt: day(2027, 1, 1), Resale: &mercato.Resale{Rates: &mercato.ResaleRates{
					Usage: []mercato.RateCardItem{{DimensionKey: "calls", Price: modelMakerRate}}}},
				Terms: mercato.Terms{usage("calls", "0.01")}},
		},
	}
}

// step draws one operation and does it.
func (m *model) step() {
	switch rapid.IntRange(0, 16).Draw(m.t, "op") {
	case 13, 14, 15, 16:
		m.renewalStep()
	case 0, 1:
		m.accept()
	case 2:
		m.usage()
	case 3, 4:
		m.adjust(rapid.IntRange(1, mercato.MaxAdjustmentsPerRequest).Draw(m.t, "entries"))
	case 5:
		if rapid.IntRange(0, 9).Draw(m.t, "burst?") == 0 {
			m.burst()
		}
	case 6:
		if rapid.Bool().Draw(m.t, "cancel, or stop a replaced plan's payments") {
			m.cancel()
		} else {
			m.stopReplaced()
		}
	case 7:
		m.buyerCancel()
	case 8:
		if rapid.Bool().Draw(m.t, "a refund, or another kind") {
			m.fileRefund()
		} else {
			m.fileOtherKind()
		}
	case 9:
		m.approveWaiting()
	case 10:
		switch rapid.IntRange(0, 4).Draw(m.t, "behavior, payment or bank") {
		case 0, 1:
			m.behave()
		case 2, 3:
			m.pay()
		default:
			m.bankDown()
		}
	default:
		hours := rapid.IntRange(0, 24*40).Draw(m.t, "advance hours")
		m.advance(m.svc.Now().Add(time.Duration(hours) * time.Hour))
	}
}

// accept has a buyer accept an offer, and checks the service's answer against the model's
// rules: private offers only for their buyers and until they expire; a second agreement for a
// product refused, except containers and data (several allowed) and AMI usage plans (the new
// offer replaces the old one, unless it is the same offer).
func (m *model) accept() {
	o := rapid.SampledFrom(modelOffers).Draw(m.t, "offer")
	b := rapid.SampledFrom(modelBuyers).Draw(m.t, "buyer")
	now := m.svc.Now()
	prev := m.activeFor(b, o.product)
	want, replaces := true, (*modelAgreement)(nil)
	switch {
	case o.private && (!slices.Contains(o.buyers, b) || !now.Before(o.expires)):
		want = false
	case prev == nil || o.kind == mercato.ProductContainer || o.kind == mercato.ProductData:
	case o.kind == mercato.ProductAMI && o.usage != "" && prev.offer.id != o.id:
		replaces = prev
	default:
		want = false
	}
	a, err := m.svc.AcceptOffer(m.ctx, service.AcceptInput{OfferID: o.id, BuyerID: b})
	switch {
	case mercato.ErrorCodeOf(err) == mercato.EInternal:
		m.t.Fatal(err)
	case err != nil && want:
		m.t.Fatalf("%s's acceptance of %s refused: %v; the model accepts it", b, o.id, err)
	case err == nil && !want:
		m.t.Fatalf("%s accepted %s (%s); the model refuses it (active: %v)", b, o.id, a.ID, prev)
	case err != nil:
		return
	case a.AcceptorID != b:
		m.t.Fatalf("%s accepted %s, but agreement %s names %s", b, o.id, a.ID, a.AcceptorID)
	}
	if replaces != nil {
		replaces.ended, replaces.replacedBy = true, o
		if got, _ := m.svc.Agreement(m.ctx, replaces.id); got.Status != mercato.AgreementReplaced || got.ReplacedBy() != a.ID {
			m.t.Fatalf("agreement %s: %s, replaced by %q; want REPLACED by %s", replaces.id, got.Status, got.ReplacedBy(), a.ID)
		}
	}
	m.agreements = append(m.agreements, &modelAgreement{id: a.ID, buyer: b, offer: o, accepted: now})
}

// activeFor returns the buyer's active agreement for the product, or nil. The model learns only
// when a 12-month term has expired from the service (the expiry itself is not money).
func (m *model) activeFor(b, product string) *modelAgreement {
	for _, a := range m.agreements {
		if a.buyer != b || a.offer.product != product || a.ended {
			continue
		}
		if a.offer.annual && !m.svc.Now().Before(a.accepted.AddDate(1, 0, 0).Add(-time.Hour)) {
			if got, _ := m.svc.Agreement(m.ctx, a.id); got.Status != mercato.AgreementActive {
				a.ended = true
				continue
			}
		}
		return a
	}
	return nil
}

func (m *model) usage() {
	if len(m.agreements) == 0 {
		return
	}
	a := rapid.SampledFrom(m.agreements).Draw(m.t, "usage agreement")
	if a.offer.usage == "" {
		return
	}
	at := m.svc.Now().Add(time.Duration(rapid.IntRange(-48, 0).Draw(m.t, "usage hour")) * time.Hour)
	q := int64(rapid.IntRange(0, 100000).Draw(m.t, "quantity"))
	if err := m.svc.RecordUsage(m.ctx, a.id, a.offer.usage, at, q); mercato.ErrorCodeOf(err) == mercato.EInternal {
		m.t.Fatal(err)
	}
}

// invoices returns every invoice (not credit memo) issued so far.
func (m *model) invoices() []mercato.Invoice {
	all, err := m.svc.Invoices(m.ctx, mercato.InvoiceFilter{Type: mercato.InvoiceTypeInvoice})
	if err != nil {
		m.t.Fatal(err)
	}
	return all
}

// refundAmount draws an amount to refund of an invoice with left refundable: mostly valid,
// sometimes finer than cents, above what is left, exactly what is left, or zero.
func (m *model) refundAmount(left mercato.Amount) mercato.Amount {
	switch rapid.IntRange(0, 9).Draw(m.t, "amount kind") {
	case 0:
		return left
	case 1:
		return left + amt("0.01")
	case 2:
		return mercato.Amount(rapid.Int64Range(1, 999_999).Draw(m.t, "sub-cent")) // 0.00000001 to 0.00999999
	case 3:
		return 0
	}
	cents := rapid.Int64Range(1, max(int64(left/amt("0.01")), 1)).Draw(m.t, "cents")
	return mercato.Amount(cents) * amt("0.01")
}

// adjust sends one batch of n entries against an invoice and checks each entry's fate against
// the model's: accepted exactly when positive, in cents and within what remains.
func (m *model) adjust(n int) {
	invs := m.invoices()
	if len(invs) == 0 {
		return
	}
	inv := rapid.SampledFrom(invs).Draw(m.t, "invoice")
	var entries []service.AdjustmentEntry
	want := map[string]bool{}
	left := inv.PreTax - m.reservedOn(inv)
	for i := 0; i < n; i++ {
		a := m.refundAmount(left)
		m.tokens++
		tok := "m" + strconv.Itoa(m.tokens)
		ok := a > 0 && a.IsMinorUnits(inv.Currency) && a <= left
		if ok {
			left -= a
		}
		want[tok] = ok
		entries = append(entries, service.AdjustmentEntry{AgreementID: inv.AgreementID, OriginalInvoiceID: inv.ID,
			Amount: a, Currency: inv.Currency, ReasonCode: "OTHER", ClientToken: tok})
	}
	res, err := m.svc.CreateAdjustments(m.ctx, m.sellerOf(inv.AgreementID), entries)
	if err != nil {
		m.t.Fatalf("adjust %s: %v", inv.ID, err)
	}
	for _, it := range res.Items {
		if !want[it.ClientToken] {
			m.t.Fatalf("entry %s accepted; the model refuses it (%s left on %s)", it.ClientToken, inv.PreTax-m.reservedOn(inv), inv.ID)
		}
		m.reserved[inv.ID] += entryAmount(entries, it.ClientToken)
	}
	for _, er := range res.Errors {
		if want[er.ClientToken] {
			m.t.Fatalf("entry %s refused (%s: %s); the model accepts it", er.ClientToken, er.Code, er.Message)
		}
	}
}

func entryAmount(entries []service.AdjustmentEntry, token string) mercato.Amount {
	for _, e := range entries {
		if e.ClientToken == token {
			return e.Amount
		}
	}
	return 0
}

// reservedOn is what the model has accepted for refund on the invoice.
func (m *model) reservedOn(inv mercato.Invoice) mercato.Amount { return m.reserved[inv.ID] }

// burst is a day with more than 500 credit memos on one invoice: 120 batches of five 0.01
// adjustments, completed together and settled at the next midnight.
func (m *model) burst() {
	for _, inv := range m.invoices() {
		if inv.PreTax-m.reservedOn(inv) < amt("6.00") {
			continue
		}
		for i := 0; i < 120; i++ {
			entries := make([]service.AdjustmentEntry, mercato.MaxAdjustmentsPerRequest)
			for j := range entries {
				m.tokens++
				entries[j] = service.AdjustmentEntry{AgreementID: inv.AgreementID, OriginalInvoiceID: inv.ID, Amount: amt("0.01"),
					Currency: inv.Currency, ReasonCode: "OTHER", ClientToken: "b" + strconv.Itoa(m.tokens)}
			}
			res, err := m.svc.CreateAdjustments(m.ctx, m.sellerOf(inv.AgreementID), entries)
			if err != nil || len(res.Errors) > 0 {
				m.t.Fatalf("burst on %s: %v %+v", inv.ID, err, res.Errors)
			}
			m.reserved[inv.ID] += amt("0.05")
		}
		return
	}
}

// cancel is the seller's (or an operator's) cancellation: it stops future invoices, refunds
// nothing.
func (m *model) cancel() {
	if len(m.agreements) == 0 {
		return
	}
	a := rapid.SampledFrom(m.agreements).Draw(m.t, "cancel agreement")
	_, err := m.svc.CancelAgreement(m.ctx, service.CancelInput{AgreementID: a.id, Actor: a.offer.by()})
	switch {
	case err == nil:
		if a.ended {
			m.t.Fatalf("agreement %s cancelled after it ended", a.id)
		}
		a.ended, a.cancelled = true, m.svc.Now()
	case mercato.ErrorCodeOf(err) == mercato.EInternal:
		m.t.Fatal(err)
	}
}

// stopReplaced has the seller stop the pending payments of an agreement: allowed once it was
// replaced (and harmless again), refused while it is active.
func (m *model) stopReplaced() {
	if len(m.agreements) == 0 {
		return
	}
	a := rapid.SampledFrom(m.agreements).Draw(m.t, "stop payments of")
	_, err := m.svc.CancelReplacedCharges(m.ctx, a.offer.by(), a.id)
	switch {
	case a.replacedBy.id != "" && err != nil:
		m.t.Fatalf("stopping the payments of replaced agreement %s: %v", a.id, err)
	case a.replacedBy.id == "" && err == nil:
		m.t.Fatalf("stopped the payments of agreement %s, which was not replaced", a.id)
	case err == nil && a.stopped.IsZero():
		a.stopped = m.svc.Now()
	}
}

// buyerCancel is the buyer's CancelAgreement: within 48 hours of a purchase that was not a
// private offer, everything invoiced is refunded and nothing more charged; after that a
// contract is refused (the seller cancels it) and a pay-as-you-go plan ends.
func (m *model) buyerCancel() {
	if len(m.agreements) == 0 {
		return
	}
	a := rapid.SampledFrom(m.agreements).Draw(m.t, "buyer cancels")
	now := m.svc.Now()
	inFull := !a.offer.private && now.Sub(a.accepted) < 48*time.Hour
	_, err := m.svc.BuyerCancelAgreement(m.ctx, a.buyer, a.id)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.EInternal:
		m.t.Fatal(err)
	case a.ended:
		if err == nil {
			m.t.Fatalf("agreement %s cancelled by its buyer after it ended", a.id)
		}
		return
	case err != nil && (inFull || !a.offer.contract):
		m.t.Fatalf("buyer's cancellation of %s refused: %v", a.id, err)
	case err == nil && !inFull && a.offer.contract:
		m.t.Fatalf("buyer cancelled contract %s %s after purchase", a.id, now.Sub(a.accepted))
	case err != nil:
		return
	}
	a.ended, a.cancelled = true, now
	if inFull {
		a.cancelledInFull = now
		for _, inv := range m.invoicesOf(a.id) {
			m.reserved[inv.ID] = inv.PreTax
		}
	}
}

// fileRefund files a refund request the model can decide: a seller's for an amount of one
// invoice (granted at once when it fits what is left, refused above it, action required without
// an amount), or a buyer's on a private offer (which waits for the seller).
func (m *model) fileRefund() {
	invs := m.invoices()
	if len(invs) == 0 {
		return
	}
	inv := rapid.SampledFrom(invs).Draw(m.t, "refund invoice")
	a := m.agreementOf(inv.AgreementID)
	left := inv.PreTax - m.reserved[inv.ID]
	amount := m.refundAmount(left)
	byBuyer := a != nil && a.offer.private && rapid.Bool().Draw(m.t, "filed by the buyer")
	filer := m.sellerOf(inv.AgreementID)
	if byBuyer {
		filer = m.buyerOf(&inv)
	}
	in := service.RefundRequestInput{BuyerID: m.buyerOf(&inv), SellerID: m.sellerOf(inv.AgreementID), AgreementID: inv.AgreementID,
		Kind: mercato.RefundKindRefund, InvoiceIDs: []string{inv.ID}, Amount: amount, CancellationDate: m.svc.Now().AddDate(0, 1, 0)}
	c, err := m.svc.FileRefundRequest(m.ctx, filer, in)
	switch {
	case !amount.IsMinorUnits(inv.Currency) || amount > left:
		if mercato.ErrorCodeOf(err) != mercato.EInvalid {
			m.t.Fatalf("refund request of %s with %s left: %+v, %v; want EInvalid", amount, left, c, err)
		}
	case err != nil:
		m.t.Fatalf("refund request of %s on %s: %v", amount, inv.ID, err)
	case amount == 0:
		if c.Status != mercato.RefundActionRequired {
			m.t.Fatalf("refund request of %s with %s left: %s (%s); want ACTION_REQUIRED", amount, left, c.Status, c.StatusReason)
		}
	case byBuyer:
		if c.Status != mercato.RefundAwaitingSeller {
			m.t.Fatalf("buyer's refund request on a private offer: %s (%s)", c.Status, c.StatusReason)
		}
		m.waiting = append(m.waiting, modelRequest{id: c.ID, invoice: inv.ID, amount: amount, kind: mercato.RefundKindRefund, agreement: a})
	default:
		if c.Status != mercato.RefundCompleted || c.Amount != amount {
			m.t.Fatalf("seller's refund request of %s: %s, %s (%s)", amount, c.Status, c.Amount, c.StatusReason)
		}
		m.reserved[inv.ID] += amount
	}
}

// approveWaiting has the seller approve the oldest request awaiting it: a refund is granted
// when its amount still fits what is left on the invoice, and refused otherwise; a cancellation
// ends the agreement; a tax refund or a change of plan refunds no pre-tax amount.
func (m *model) approveWaiting() {
	if len(m.waiting) == 0 {
		return
	}
	r := m.waiting[0]
	m.waiting = m.waiting[1:]
	fits := r.kind != mercato.RefundKindRefund || r.amount <= m.invoice(r.invoice).PreTax-m.reserved[r.invoice]
	approver := seller
	if r.agreement != nil {
		approver = r.agreement.offer.by()
	} else if r.invoice != "" {
		approver = m.sellerOf(m.invoice(r.invoice).AgreementID)
	}
	c, err := m.svc.ApproveRefundRequest(m.ctx, approver, r.id)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.EInternal:
		m.t.Fatal(err)
	case fits && (err != nil || c.Status != mercato.RefundCompleted):
		m.t.Fatalf("approval of %s %s (%s): %+v, %v", r.kind, r.id, r.amount, c, err)
	case !fits && err == nil:
		m.t.Fatalf("approval of %s (%s) granted beyond what is left", r.id, r.amount)
	case !fits:
	case r.kind == mercato.RefundKindRefund:
		if c.Amount != r.amount {
			m.t.Fatalf("approval of %s refunded %s, want %s", r.id, c.Amount, r.amount)
		}
		m.reserved[r.invoice] += r.amount
	case r.kind == mercato.RefundKindCancellation:
		if r.agreement != nil && !r.agreement.ended {
			if got, _ := m.svc.Agreement(m.ctx, r.agreement.id); got.Status != mercato.AgreementCancelled {
				m.t.Fatalf("approved cancellation %s left agreement %s %s", r.id, got.ID, got.Status)
			}
			r.agreement.ended, r.agreement.cancelled = true, m.svc.Now()
		}
	}
}

// fileOtherKind files a request of another kind, as its buyer or seller:
//   - CANCELLATION of an active agreement: within 48 hours of a purchase that was not a private
//     offer, everything invoiced is refunded and the agreement ends; otherwise a buyer's waits for
//     the seller and a seller's cancels it now;
//   - TAX of an invoice: a seller's refunds the tax left, a buyer's waits for the seller;
//   - UPGRADE or DOWNGRADE, by the buyer: action required unless the agreement was replaced;
//     then, whatever the request says, a replacement worth at least as much (a usage rate and a
//     yearly fixed price no lower) refunds everything invoiced on the old plan, and anything
//     else, or a private plan, waits for the seller.
func (m *model) fileOtherKind() {
	if len(m.agreements) == 0 {
		return
	}
	a := rapid.SampledFrom(m.agreements).Draw(m.t, "request agreement")
	kind := rapid.SampledFrom([]mercato.RefundKind{mercato.RefundKindCancellation, mercato.RefundKindTax,
		mercato.RefundKindUpgrade, mercato.RefundKindDowngrade}).Draw(m.t, "kind")
	now := m.svc.Now()
	var taxLeft mercato.Amount
	settledTax := false // no adjustment of the invoice is pending: its tax left is final
	in := service.RefundRequestInput{BuyerID: a.buyer, SellerID: a.offer.by(), AgreementID: a.id, Kind: kind}
	filer := a.buyer
	if rapid.Bool().Draw(m.t, "filed by the seller") && !kind.Replacing() {
		filer = a.offer.by()
	}
	if a.offer.annual {
		in.CancellationDate = now
	}
	invs := m.invoicesOf(a.id)
	switch kind {
	case mercato.RefundKindCancellation:
		if a.ended || m.activeFor(a.buyer, a.offer.product) != a {
			return
		}
	case mercato.RefundKindTax:
		if len(invs) == 0 {
			return
		}
		inv := rapid.SampledFrom(invs).Draw(m.t, "tax invoice")
		in.InvoiceIDs = []string{inv.ID}
		if inv.PreTax-m.reserved[inv.ID] >= amt("10.00") && rapid.Bool().Draw(m.t, "a tax request with an amount") {
			in.Amount = amt("10.00") // the amount of a TAX request is the tax left, whatever is typed
		}
		taxLeft = inv.Tax - inv.CreditedTax
		settledTax = m.pendingAdjustments()[inv.ID] == 0
	}
	c, err := m.svc.FileRefundRequest(m.ctx, filer, in)
	if err != nil {
		m.t.Fatalf("%s request by %s on %s: %v", kind, filer, a.id, err)
	}
	want, inFull := m.otherKindOutcome(a, kind, filer, now)
	if c.Status != want {
		m.t.Fatalf("%s request by %s on %s: %s (%s), want %s", kind, filer, a.id, c.Status, c.StatusReason, want)
	}
	if kind == mercato.RefundKindTax && want == mercato.RefundCompleted && settledTax && c.Amount != taxLeft {
		m.t.Fatalf("TAX request on %s refunded %s, want the %s of tax left", in.InvoiceIDs[0], c.Amount, taxLeft)
	}
	switch {
	case want == mercato.RefundAwaitingSeller:
		m.waiting = append(m.waiting, modelRequest{id: c.ID, kind: kind, agreement: a})
	case want == mercato.RefundCompleted && kind == mercato.RefundKindCancellation:
		a.ended, a.cancelled = true, now
	}
	if inFull {
		if kind == mercato.RefundKindCancellation {
			a.cancelledInFull = now
		}
		for _, inv := range invs {
			m.reserved[inv.ID] = inv.PreTax
		}
	}
}

// otherKindOutcome is what the model expects of a request of kind about a, filed by filer at
// now: its status, and whether everything invoiced for a is refunded.
func (m *model) otherKindOutcome(a *modelAgreement, kind mercato.RefundKind, filer string, now time.Time) (mercato.RefundCaseStatus, bool) {
	bySeller := filer != a.buyer
	switch kind {
	case mercato.RefundKindCancellation:
		if !a.offer.private && now.Sub(a.accepted) < 48*time.Hour {
			return mercato.RefundCompleted, true
		}
	case mercato.RefundKindTax:
	default:
		if a.replacedBy.id == "" {
			return mercato.RefundActionRequired, false
		}
		if !a.offer.private && a.replacedBy.rate >= a.offer.rate && a.replacedBy.yearly() >= a.offer.yearly() {
			return mercato.RefundCompleted, true
		}
	}
	if bySeller {
		return mercato.RefundCompleted, false
	}
	return mercato.RefundAwaitingSeller, false
}

func (m *model) agreementOf(id string) *modelAgreement {
	for _, a := range m.agreements {
		if a.id == id {
			return a
		}
	}
	return nil
}

func (m *model) invoice(id string) mercato.Invoice {
	for _, inv := range m.invoices() {
		if inv.ID == id {
			return inv
		}
	}
	m.t.Fatalf("no invoice %s", id)
	return mercato.Invoice{}
}

func (m *model) invoicesOf(agreementID string) []mercato.Invoice {
	return slices.DeleteFunc(m.invoices(), func(inv mercato.Invoice) bool { return inv.AgreementID != agreementID })
}

// pay records a payment of part of an open invoice: accepted when it is in cents, positive and
// within what is outstanding.
func (m *model) pay() {
	invs := m.invoices()
	if len(invs) == 0 {
		return
	}
	inv := rapid.SampledFrom(invs).Draw(m.t, "paid invoice")
	r := receivableOf(m, inv.ID)
	out := inv.Total() - m.creditedTotal(inv.ID) - r.Collected
	amount := m.refundAmount(max(out, 0))
	ok := r.Status != mercato.ReceivableCollected && out > 0 && amount > 0 && amount <= out && amount.IsMinorUnits(inv.Currency)
	p, err := m.svc.RecordPayment(m.ctx, inv.ID, amount)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.EInternal:
		m.t.Fatal(err)
	case ok && (err != nil || p.Amount != amount):
		m.t.Fatalf("payment of %s of %s (%s outstanding): %+v, %v", amount, inv.ID, out, p, err)
	case !ok && amount != 0 && err == nil:
		m.t.Fatalf("payment of %s of %s (%s outstanding, %s) accepted", amount, inv.ID, out, r.Status)
	}
}

// creditedTotal sums the credit memos of an invoice, tax included.
func (m *model) creditedTotal(invoiceID string) mercato.Amount {
	all, err := m.svc.Invoices(m.ctx, mercato.InvoiceFilter{OriginalInvoiceID: invoiceID, Type: mercato.InvoiceTypeCreditMemo})
	if err != nil {
		m.t.Fatal(err)
	}
	var sum mercato.Amount
	for _, cm := range all {
		sum += cm.Total()
	}
	return sum
}

// behave sets a buyer's payment behavior.
func (m *model) behave() {
	b := rapid.SampledFrom([]string{buyer, buyer2}).Draw(m.t, "behaving buyer")
	mode := rapid.SampledFrom([]mercato.PaymentMode{mercato.PayOnTime, mercato.PayNever}).Draw(m.t, "behavior")
	if err := m.svc.SetPaymentBehavior(m.ctx, b, mercato.PaymentBehavior{Mode: mode}); err != nil {
		m.t.Fatal(err)
	}
}

func (m *model) advance(to time.Time) {
	if _, err := m.svc.Advance(m.ctx, to); err != nil {
		m.t.Fatal(err)
	}
}

// verify checks the store's invariants and the model's totals: each invoice's credit memos are
// what the model accepted (once processed), an upfront agreement is invoiced its price at
// acceptance, and what each buyer paid and was refunded follows its payment behavior.
func (m *model) verify() {
	if vs, err := m.svc.Check(m.ctx); err != nil || len(vs) > 0 {
		m.t.Fatalf("invariants: %v %v", vs, err)
	}
	all, err := m.svc.Invoices(m.ctx, mercato.InvoiceFilter{})
	if err != nil {
		m.t.Fatal(err)
	}
	memos := map[string]mercato.Amount{}
	for _, inv := range all {
		if inv.Type == mercato.InvoiceTypeCreditMemo {
			memos[inv.OriginalInvoiceID] += inv.PreTax
		}
	}
	pending := m.pendingAdjustments()
	for _, inv := range all {
		if inv.Type != mercato.InvoiceTypeInvoice {
			continue
		}
		m.verifyResale(&inv)
		if inv.Refunded != m.reserved[inv.ID] {
			m.t.Fatalf("invoice %s: %s reserved for refunds, the model accepted %s", inv.ID, inv.Refunded, m.reserved[inv.ID])
		}
		if got, want := memos[inv.ID]+pending[inv.ID], m.reserved[inv.ID]; got != want {
			m.t.Fatalf("invoice %s: credit memos %s and pending %s, the model accepted %s", inv.ID, memos[inv.ID], pending[inv.ID], want)
		}
		m.verifyPayer(&inv, all)
		if tax := inv.PreTax.MulRate(taxRate[m.buyerOf(&inv)], inv.Currency); inv.Tax != tax {
			m.t.Fatalf("invoice %s: tax %s on %s, want %s", inv.ID, inv.Tax, inv.PreTax, tax)
		}
	}
	m.verifyUpfront(all)
	m.verifyPayments(all)
	m.verifyRenewals()
}

// taxRate is each buyer's tax rate: Washington's sales tax, Germany's VAT. A linked account
// is taxed where it is, not where its payer is.
var taxRate = map[string]mercato.Rate{buyer: mercato.Percent(650), buyer2: mercato.Percent(1900), modelLinked: mercato.Percent(1900)}

// buyerOf returns the buyer of the invoice's agreement, which for a linked account is not the
// account billed.
func (m *model) buyerOf(inv *mercato.Invoice) string {
	if a := m.agreementOf(inv.AgreementID); a != nil {
		return a.buyer
	}
	return inv.BuyerID
}

// verifyPayer checks that the invoice is billed to its buyer's payer and its credit memos too.
func (m *model) verifyPayer(inv *mercato.Invoice, all []mercato.Invoice) {
	b := m.buyerOf(inv)
	if want := modelPayer[b]; inv.BuyerID != want {
		m.t.Fatalf("invoice %s of %s's agreement %s is billed to %s, want its payer %s", inv.ID, b, inv.AgreementID, inv.BuyerID, want)
	}
	for _, cm := range all {
		if cm.OriginalInvoiceID == inv.ID && cm.BuyerID != inv.BuyerID {
			m.t.Fatalf("credit memo %s of invoice %s credits %s, want %s", cm.ID, inv.ID, cm.BuyerID, inv.BuyerID)
		}
	}
}

// pendingAdjustments sums, per invoice, the accepted adjustments not yet completed.
func (m *model) pendingAdjustments() map[string]mercato.Amount {
	out := map[string]mercato.Amount{}
	for _, s := range []string{seller, modelPartner} {
		q := service.AdjustmentQuery{Status: mercato.AdjustmentPending, Page: service.Page{Limit: service.MaxPageSize}}
		for {
			page, next, err := m.svc.Adjustments(m.ctx, s, q)
			if err != nil {
				m.t.Fatal(err)
			}
			for _, ba := range page {
				out[ba.OriginalInvoiceID] += ba.Amount
			}
			if next == "" {
				break
			}
			q.Cursor = next
		}
	}
	return out
}

// sellerOf returns the seller of record of the agreement: the channel partner of a resale.
func (m *model) sellerOf(agreementID string) string {
	if a := m.agreementOf(agreementID); a != nil {
		return a.offer.by()
	}
	return seller
}

// verifyResale checks an invoice's split against the model's own: a resale's gives the maker
// the wholesale share of its pre-tax amount (777.77 of each 1,000.00), or for a usage resale its
// rate for the calls billed (each 0.01 of the invoice is a call), a direct deal's nothing.
func (m *model) verifyResale(inv *mercato.Invoice) {
	a := m.agreementOf(inv.AgreementID)
	want := mercato.Amount(0)
	maker := ""
	if a != nil && a.offer.partner != "" {
		want, maker = inv.PreTax.MulFrac(int64(modelWholesale), int64(modelResalePrice), inv.Currency), seller
		if a.offer.usage != "" {
			want = modelMakerRate.MulFrac(int64(inv.PreTax/amt("0.01")), 1, inv.Currency)
		}
	}
	if inv.MakerID != maker || inv.MakerAmount != want || inv.SellerID != m.sellerOf(inv.AgreementID) {
		m.t.Fatalf("invoice %s: seller %s, maker %q gets %s; want seller %s, maker %q %s", inv.ID, inv.SellerID,
			inv.MakerID, inv.MakerAmount, m.sellerOf(inv.AgreementID), maker, want)
	}
}

// verifyUpfront checks that each upfront agreement was invoiced its price once, at acceptance,
// and that nothing was invoiced for an agreement after the buyer cancelled it within 48 hours.
func (m *model) verifyUpfront(all []mercato.Invoice) {
	for _, a := range m.agreements {
		var got []string
		for _, inv := range all {
			if inv.AgreementID != a.id || inv.Type != mercato.InvoiceTypeInvoice {
				continue
			}
			if !a.cancelledInFull.IsZero() && inv.IssuedAt.After(a.cancelledInFull) {
				m.t.Fatalf("agreement %s cancelled within 48 hours on %s, yet invoiced %s on %s", a.id,
					a.cancelledInFull.Format(time.RFC3339), inv.PreTax, inv.IssuedAt.Format(time.RFC3339))
			}
			got = append(got, fmt.Sprintf("%s@%s", inv.PreTax, inv.IssuedAt.Format(time.RFC3339)))
		}
		m.verifySchedule(a, all)
		if a.offer.upfront == 0 {
			continue
		}
		want := []string{fmt.Sprintf("%s@%s", a.offer.upfront, a.accepted.Format(time.RFC3339))}
		if !slices.Equal(got, want) {
			m.t.Fatalf("agreement %s invoiced %v, want %v", a.id, got, want)
		}
	}
}

// verifySchedule checks an agreement's installments of 100.00: each is invoiced once, on its
// date (with the acceptance for a date before it), unless the agreement was cancelled or its
// payments stopped before then; a replacement does not stop them.
func (m *model) verifySchedule(a *modelAgreement, all []mercato.Invoice) {
	if len(a.offer.schedule) == 0 {
		return
	}
	ends := a.cancelled
	if !a.stopped.IsZero() && (ends.IsZero() || a.stopped.Before(ends)) {
		ends = a.stopped
	}
	now := m.svc.Now()
	var want, got, either mercato.Amount // either: due the instant it ended, invoiced or not
	for _, d := range a.offer.schedule {
		switch at := later(d, a.accepted); {
		case !at.Before(now):
		case ends.IsZero() || at.Before(ends):
			want += amt("100.00")
		case at.Equal(ends):
			either += amt("100.00")
		}
	}
	for _, inv := range all {
		installment := inv.Key == "acceptance" || strings.HasPrefix(inv.Key, "charge:installment:")
		if inv.AgreementID == a.id && inv.Type == mercato.InvoiceTypeInvoice && installment && inv.IssuedAt.Before(now) {
			got += inv.PreTax
		}
	}
	if got < want || got > want+either {
		m.t.Fatalf("agreement %s's installments: %s invoiced, want %s (accepted %s, cancelled %s, payments stopped %s)", a.id, got, want,
			a.accepted.Format(time.RFC3339), a.cancelled.Format(time.RFC3339), a.stopped.Format(time.RFC3339))
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// verifyPayments checks, for every invoice due before the last settlement, what its buyer paid
// and was refunded: a buyer who never pays paid nothing; one who pays on time paid the invoice
// in full, and was refunded exactly the credit memos settled by then.
func (m *model) verifyPayments(all []mercato.Invoice) {
	horizon := m.settledBy()
	changed := map[string]bool{} // invoices whose behavior changed while they were open: not predicted
	for _, inv := range all {
		if inv.Type != mercato.InvoiceTypeInvoice || inv.DueAt.After(horizon) || changed[inv.ID] {
			continue
		}
		var settledMemos mercato.Amount
		for _, cm := range all {
			if cm.OriginalInvoiceID == inv.ID && cm.IssuedAt.Before(horizon) {
				settledMemos += cm.PreTax + cm.Tax
			}
		}
		r := receivableOf(m, inv.ID)
		var received, refunded mercato.Amount
		for _, p := range m.payments(inv.ID) {
			if p.Amount > 0 {
				received += p.Amount
			} else {
				refunded -= p.Amount
			}
		}
		if received == 0 && refunded == 0 {
			continue // unpaid: the buyer never paid, or changed behavior before the due date
		}
		owedAtPayment := received // paid on time: the invoice less what was credited by its due date
		if refunded != max(owedAtPayment-(inv.Total()-settledMemos), 0) {
			m.t.Fatalf("invoice %s: paid %s, refunded %s, but the memos settled by %s leave %s owed",
				inv.ID, received, refunded, horizon.Format(time.DateOnly), inv.Total()-settledMemos)
		}
		if r.Collected != received-refunded {
			m.t.Fatalf("invoice %s: collected %s, paid %s less refunded %s", inv.ID, r.Collected, received, refunded)
		}
	}
}

func (m *model) payments(invoiceID string) []mercato.Payment {
	var ps []mercato.Payment
	err := m.store.View(m.ctx, func(tx mercato.Tx) error {
		var err error
		ps, err = tx.ListPayments(mercato.PaymentFilter{InvoiceID: invoiceID})
		return err
	})
	if err != nil {
		m.t.Fatal(err)
	}
	return ps
}

func receivableOf(m *model, invoiceID string) mercato.Receivable {
	rs, err := m.svc.Receivables(m.ctx, mercato.ReceivableFilter{InvoiceIDs: []string{invoiceID}})
	if err != nil || len(rs) > 1 {
		m.t.Fatalf("receivable of %s: %v %v", invoiceID, rs, err)
	}
	if len(rs) == 0 {
		return mercato.Receivable{}
	}
	return rs[0]
}
