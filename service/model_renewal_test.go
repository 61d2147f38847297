package service_test

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"mercato"
	"mercato/service"
)

// Renewals in the model-based test. Buyers accept offers that renew (a fixed increase, or a
// range the seller picks from until a deadline or the lockout), with auto-renewal on or off;
// the seller adjusts the increase, within its range or outside it, in its window or after; the
// buyer turns auto-renewal off and on (refused off inside the lockout); the clock moves across
// the renewal dates. The model works out each renewal's price on its own: the price times
// (100 + increase) / 100, rounded once, half away from zero, to the cent.

// modelRenewOffer is what the model knows of an offer that renews.
type modelRenewOffer struct {
	id             string
	price          mercato.Amount // of the first term
	months         int            // the term's length
	fixed          *mercato.Amount
	lo, hi, def    mercato.Amount // the range, when not fixed
	deadline, lock int            // days before the end; 0 without
	maxRenewals    int            // 0: no limit
}

func (o modelRenewOffer) ranged() bool { return o.fixed == nil }

var modelFixedIncrease = amt("3.33")

var modelRenewOffers = []modelRenewOffer{
	{id: "offer-renew-fixed", price: amt("99.99"), months: 1, fixed: &modelFixedIncrease, maxRenewals: 3},
	{id: "offer-renew-range", price: amt("123.45"), months: 2, lo: amt("1.5"), hi: amt("9.99"), def: amt("4.25"),
		deadline: 10, lock: 5},
	{id: "offer-renew-lockout", price: amt("10.01"), months: 1, lo: amt("0"), hi: amt("12.5"), def: amt("0.5"),
		lock: 7, maxRenewals: 2},
}

// modelRenewTerms are the offer's terms as the scenario lists them.
func modelRenewTerms(o modelRenewOffer) mercato.Terms {
	r := &mercato.RenewalTerm{PriceIncrease: &mercato.PriceIncrease{}}
	if o.fixed != nil {
		r.PriceIncrease.FixedPercentage = &struct {
			Value mercato.Amount `json:"value" yaml:"value"`
		}{Value: *o.fixed}
	} else {
		r.PriceIncrease.PercentageRange = &struct {
			MinValue     mercato.Amount `json:"minValue" yaml:"minValue"`
			MaxValue     mercato.Amount `json:"maxValue" yaml:"maxValue"`
			DefaultValue mercato.Amount `json:"defaultValue" yaml:"defaultValue"`
		}{MinValue: o.lo, MaxValue: o.hi, DefaultValue: o.def}
	}
	if o.deadline > 0 {
		r.AdjustmentDeadline = &mercato.Period{Days: o.deadline}
	}
	if o.lock > 0 {
		r.LockoutPeriod = &mercato.Period{Days: o.lock}
	}
	if o.maxRenewals > 0 {
		n := o.maxRenewals
		r.MaxRenewals = &n
	}
	return mercato.Terms{
		{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: o.months}}},
		{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: o.price}},
		{Renewal: r},
	}
}

// withRenewals adds the offers that renew, each of a product of its own, to the model's
// scenario. The products are containers: a buyer may hold several of their agreements.
func withRenewals(s mercato.Scenario) mercato.Scenario {
	for _, o := range modelRenewOffers {
		p := "prod" + strings.TrimPrefix(o.id, "offer")
		s.Products = append(s.Products, mercato.Product{ID: p, SellerID: seller, Type: mercato.ProductContainer,
			Title: p, RefundPolicy: "Refunds on request."})
		s.Offers = append(s.Offers, mercato.Offer{ID: o.id, ProductID: p, Visibility: "public", Terms: modelRenewTerms(o)})
	}
	return s
}

// modelRenewal follows one agreement that renews, and then its renewals: the one in force.
type modelRenewal struct {
	id, buyer string
	offer     modelRenewOffer
	price     mercato.Amount
	end       time.Time
	auto      bool
	choice    *mercato.Amount // the seller's, for the coming renewal
	renewals  int
	done      bool // expired
}

// renewalCounts counts the renewal operations the runs reached, by kind.
var renewalCounts = map[string]int{}

func logRenewalCounts(t *testing.T) {
	keys := make([]string, 0, len(renewalCounts))
	for k := range renewalCounts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(" " + k + "=" + strconv.Itoa(renewalCounts[k]))
	}
	t.Logf("renewal operations:%s", b.String())
	clear(renewalCounts)
}

// renewalStep draws one renewal operation and does it: an acceptance while none is in force.
func (m *model) renewalStep() {
	if len(m.live()) == 0 {
		m.acceptRenewing()
		return
	}
	switch rapid.IntRange(0, 5).Draw(m.t, "renewal op") {
	case 0:
		m.acceptRenewing()
	case 1, 2:
		m.adjustRenewal()
	case 3:
		m.toggleAutoRenew()
	default:
		m.advanceToRenewal()
	}
}

// live returns the renewals still in force whose end has not come.
func (m *model) live() []*modelRenewal {
	now := m.svc.Now()
	var out []*modelRenewal
	for _, r := range m.renewals {
		if !r.done && now.Before(r.end) {
			out = append(out, r)
		}
	}
	return out
}

func (m *model) acceptRenewing() {
	o := rapid.SampledFrom(modelRenewOffers).Draw(m.t, "renewing offer")
	b := rapid.SampledFrom([]string{buyer, buyer2}).Draw(m.t, "renewing buyer")
	auto := rapid.Bool().Draw(m.t, "auto-renew")
	var offer mercato.Offer
	if err := m.store.View(m.ctx, func(tx mercato.Tx) (err error) { offer, err = tx.GetOffer(o.id); return err }); err != nil {
		m.t.Fatal(err)
	}
	terms := offer.Terms.Clone() // with their IDs, which the agreement keeps
	for _, t := range terms {
		if t.Renewal != nil {
			t.Renewal.Configuration = &mercato.RenewalConfiguration{EnableAutoRenew: auto}
		}
	}
	now := m.svc.Now()
	a, err := m.svc.AcceptOffer(m.ctx, service.AcceptInput{OfferID: o.id, BuyerID: b, Terms: terms})
	if err != nil {
		m.t.Fatalf("%s's acceptance of %s: %v", b, o.id, err)
	}
	if want := now.AddDate(0, o.months, 0); !a.EndTime.Equal(want) || upfrontPrice(a) != o.price {
		m.t.Fatalf("agreement %s: ends %s at %s, want %s at %s", a.ID, a.EndTime, upfrontPrice(a), want, o.price)
	}
	m.renewals = append(m.renewals, &modelRenewal{id: a.ID, buyer: b, offer: o, price: o.price, end: a.EndTime, auto: auto})
	renewalCounts["accept"]++
}

// adjustRenewal has the seller choose an increase: accepted exactly when the offer has a range,
// the increase lies within it and the window (until the deadline or the lockout) is open.
func (m *model) adjustRenewal() {
	live := m.live()
	if len(live) == 0 {
		return
	}
	r := rapid.SampledFrom(live).Draw(m.t, "adjusted renewal")
	o := r.offer
	step := mercato.Amount(10_000) // 0.0001 percent
	pct := rapid.SampledFrom([]mercato.Amount{o.lo, o.hi, o.def, o.lo - step, o.hi + step,
		o.lo + step*mercato.Amount(rapid.Int64Range(0, int64((o.hi-o.lo)/step)).Draw(m.t, "steps into the range"))}).Draw(m.t, "increase")
	now := m.svc.Now()
	until := r.end
	for _, days := range []int{o.deadline, o.lock} {
		if t := r.end.AddDate(0, 0, -days); days > 0 && t.Before(until) {
			until = t
		}
	}
	ok := o.ranged() && now.Before(until) && pct >= o.lo && pct <= o.hi
	_, err := m.svc.AdjustRenewal(m.ctx, seller, service.AdjustRenewalInput{AgreementID: r.id, Increase: pct})
	switch {
	case ok && err != nil:
		m.t.Fatalf("adjustment of %s to %s%% (window until %s, now %s): %v", r.id, pct.Format(0), until, now, err)
	case !ok && mercato.ErrorCodeOf(err) != mercato.EInvalid:
		m.t.Fatalf("adjustment of %s to %s%% (ranged %v, window until %s, now %s): %v; want EInvalid", r.id, pct.Format(0), o.ranged(), until, now, err)
	case ok:
		r.choice = &pct
		renewalCounts["adjust-accepted"]++
	default:
		renewalCounts["adjust-refused"]++
	}
}

// toggleAutoRenew has the buyer turn auto-renewal the other way: refused off inside the lockout.
func (m *model) toggleAutoRenew() {
	live := m.live()
	if len(live) == 0 {
		return
	}
	r := rapid.SampledFrom(live).Draw(m.t, "toggled renewal")
	on := !r.auto
	now := m.svc.Now()
	ok := on || r.offer.lock == 0 || now.Before(r.end.AddDate(0, 0, -r.offer.lock))
	a, err := m.svc.Agreement(m.ctx, r.id)
	if err != nil {
		m.t.Fatal(err)
	}
	q, err := m.svc.CreateAgreementRequest(m.ctx, r.buyer, service.CreateAgreementRequestInput{Intent: "AMEND", SourceAgreementID: r.id,
		Terms: []service.RequestedTerm{{ID: renewalTermID(a), Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: on}}}})
	if err == nil {
		_, err = m.svc.AcceptAgreementRequest(m.ctx, r.buyer, q.Request.ID, nil)
	}
	switch {
	case ok && err != nil:
		m.t.Fatalf("auto-renewal of %s turned %v at %s (ends %s): %v", r.id, on, now, r.end, err)
	case !ok && mercato.ErrorCodeOf(err) != mercato.EInvalid:
		m.t.Fatalf("auto-renewal of %s turned off inside the lockout at %s (ends %s): %v; want EInvalid", r.id, now, r.end, err)
	case ok:
		r.auto = on
		renewalCounts["toggle-"+map[bool]string{true: "on", false: "off"}[on]]++
	default:
		renewalCounts["toggle-refused"]++
	}
}

// advanceToRenewal moves the clock an hour past the end of an agreement in force.
func (m *model) advanceToRenewal() {
	live := m.live()
	if len(live) == 0 {
		return
	}
	r := rapid.SampledFrom(live).Draw(m.t, "renewal date")
	m.advance(r.end.Add(time.Hour))
	renewalCounts["advance"]++
}

// modelRaise is price × (100 + pct) / 100 rounded once, half away from zero, to the cent (the
// model's prices are positive).
func modelRaise(price, pct mercato.Amount) mercato.Amount {
	const cent = mercato.AmountScale / 100
	num := new(big.Int).Mul(big.NewInt(int64(price)), big.NewInt(100*mercato.AmountScale+int64(pct)))
	den := new(big.Int).Mul(big.NewInt(100*mercato.AmountScale), big.NewInt(cent))
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return mercato.Amount(q.Int64() * cent)
}

// verifyRenewals follows every agreement whose end has passed: it renewed exactly when its
// buyer left auto-renewal on and it had renewals left, at the model's price, invoiced at once;
// otherwise it expired.
func (m *model) verifyRenewals() {
	now := m.svc.Now()
	for _, r := range m.renewals {
		for !r.done && now.After(r.end) {
			a, err := m.svc.Agreement(m.ctx, r.id)
			if err != nil {
				m.t.Fatal(err)
			}
			renews := r.auto && (r.offer.maxRenewals == 0 || r.renewals < r.offer.maxRenewals)
			if !renews {
				if a.Status != mercato.AgreementExpired {
					m.t.Fatalf("agreement %s (auto-renew %v, %d renewals) is %s after its end %s, want EXPIRED", r.id, r.auto, r.renewals, a.Status, r.end)
				}
				r.done = true
				renewalCounts["expired"]++
				continue
			}
			if a.Status != mercato.AgreementRenewed {
				m.t.Fatalf("agreement %s is %s after its end %s, want RENEWED", r.id, a.Status, r.end)
			}
			pct := r.offer.def
			switch {
			case r.offer.fixed != nil:
				pct = *r.offer.fixed
			case r.choice != nil:
				pct = *r.choice
			}
			want := modelRaise(r.price, pct)
			next := m.renewalOf(r)
			if got := upfrontPrice(next); got != want || !next.StartTime.Equal(r.end) || !next.EndTime.Equal(r.end.AddDate(0, r.offer.months, 0)) {
				m.t.Fatalf("renewal %s of %s: %s from %s to %s; want %s (%s raised %s%%) from %s", next.ID, r.id, got, next.StartTime, next.EndTime,
					want, r.price, pct.Format(0), r.end)
			}
			var invoiced mercato.Amount
			for _, inv := range m.invoicesOf(next.ID) {
				invoiced += inv.PreTax
			}
			if invoiced != want {
				m.t.Fatalf("renewal %s invoiced %s, want %s", next.ID, invoiced, want)
			}
			renewalCounts["renewed"]++
			if r.choice != nil {
				renewalCounts["renewed-at-choice"]++
			}
			r.id, r.price, r.end, r.choice, r.renewals = next.ID, want, next.EndTime, nil, r.renewals+1
		}
	}
}

// renewalOf returns the agreement that renewed r's agreement in force.
func (m *model) renewalOf(r *modelRenewal) mercato.Agreement {
	all, err := m.svc.Agreements(m.ctx, mercato.AgreementFilter{AcceptorID: r.buyer, OfferID: r.offer.id})
	if err != nil {
		m.t.Fatal(err)
	}
	for _, a := range all {
		if a.SourceAgreementID == r.id {
			return a
		}
	}
	m.t.Fatalf("agreement %s renewed, but no agreement names it as its source", r.id)
	return mercato.Agreement{}
}

// renewalTermID returns the ID of the agreement's renewal term.
func renewalTermID(a mercato.Agreement) string {
	if r := a.Terms.Renewal(); r != nil {
		return r.ID
	}
	return ""
}

// upfrontPrice returns the agreement's upfront price.
func upfrontPrice(a mercato.Agreement) mercato.Amount {
	for _, t := range a.Terms {
		if t.FixedUpfront != nil {
			return t.FixedUpfront.Price
		}
	}
	return 0
}
