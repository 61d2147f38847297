package billing

import (
	"fmt"
	"time"

	"mercato"
)

// AcceptanceCharges returns the charges an agreement incurs when accepted: upfront prices,
// invoiced at acceptance, and every installment of a payment schedule, invoiced on its charge
// date (or at acceptance for a date already past). Zero amounts are left out. It returns
// EInvalid when a configurable upfront term lacks the buyer's configuration.
func AcceptanceCharges(a *mercato.Agreement) ([]mercato.Charge, error) {
	var out []mercato.Charge
	for i := range a.Terms {
		t := &a.Terms[i]
		switch {
		case t.FixedUpfront != nil:
			out = appendCharge(out, a, t.FixedUpfront.ID, mercato.ChargeUpfront, t.FixedUpfront.Price,
				a.AcceptanceTime, "upfront:"+t.FixedUpfront.ID, "Fixed upfront price")
		case t.ConfigurableUpfront != nil:
			amt, desc, err := configuredPrice(t.ConfigurableUpfront)
			if err != nil {
				return nil, err
			}
			out = appendCharge(out, a, t.ConfigurableUpfront.ID, mercato.ChargeUpfront, amt,
				a.AcceptanceTime, "upfront:"+t.ConfigurableUpfront.ID, desc)
		case t.PaymentSchedule != nil:
			for n, it := range t.PaymentSchedule.Schedule {
				when := it.ChargeDate.UTC()
				if when.Before(a.AcceptanceTime) {
					when = a.AcceptanceTime
				}
				out = appendCharge(out, a, t.PaymentSchedule.ID, mercato.ChargeScheduled, it.ChargeAmount, when,
					fmt.Sprintf("installment:%s:%d", t.PaymentSchedule.ID, n+1),
					fmt.Sprintf("Installment %d of %d", n+1, len(t.PaymentSchedule.Schedule)))
			}
		}
	}
	return out, nil
}

func appendCharge(out []mercato.Charge, a *mercato.Agreement, termID string, kind mercato.ChargeKind,
	amt mercato.Amount, when time.Time, key, desc string) []mercato.Charge {
	amt = amt.Round(a.Currency) // prices may have 8 decimals; what is charged is whole minor units
	if amt == 0 {
		return out
	}
	return append(out, mercato.Charge{
		AgreementID: a.ID, Key: key, Kind: kind, TermID: termID, Revision: 1,
		Currency: a.Currency, Amount: amt, Time: when, Description: desc, Status: mercato.ChargePending,
	})
}

// configuredPrice prices the buyer's configuration of a configurable upfront term: the sum of
// each chosen dimension's quantity times its price on the selected rate card.
func configuredPrice(t *mercato.ConfigurableUpfrontPricingTerm) (mercato.Amount, string, error) {
	cfg := t.Configuration
	if cfg == nil {
		return 0, "", mercato.Errorf(mercato.EInvalid, "term %s needs the buyer's configuration (selector value and quantities)", t.ID)
	}
	for _, rc := range t.RateCards {
		if rc.Selector.Value != cfg.SelectorValue {
			continue
		}
		var total mercato.Amount
		for _, d := range cfg.Dimensions {
			price, ok := priceOf(rc.RateCard, d.DimensionKey)
			if !ok {
				return 0, "", mercato.Errorf(mercato.EInvalid, "term %s has no price for dimension %q", t.ID, d.DimensionKey)
			}
			if d.DimensionValue < 0 {
				return 0, "", mercato.Errorf(mercato.EInvalid, "term %s: quantity of %q must not be negative", t.ID, d.DimensionKey)
			}
			total += price.MulFrac(int64(d.DimensionValue), 1, t.CurrencyCode)
		}
		return total, "Contract " + cfg.SelectorValue, nil
	}
	return 0, "", mercato.Errorf(mercato.EInvalid, "term %s has no rate card for %q", t.ID, cfg.SelectorValue)
}

func priceOf(card []mercato.RateCardItem, key string) (mercato.Amount, bool) {
	for _, it := range card {
		if it.DimensionKey == key {
			return it.Price, true
		}
	}
	return 0, false
}

// ContractValue returns the agreement's total contract value, pre-tax: upfront prices, the sum of
// a payment schedule and, for a recurring price with a validity of whole months, the price of
// those months. Pure usage is worth 0 in advance.
func ContractValue(a *mercato.Agreement) (mercato.Amount, error) {
	charges, err := AcceptanceCharges(a)
	if err != nil {
		return 0, err
	}
	var v mercato.Amount
	for _, c := range charges {
		v += c.Amount
	}
	if r := a.Terms.Recurring(); r != nil {
		if d := a.Terms.Duration(); d != nil && d.Days == 0 && d.Weeks == 0 {
			v += r.Price.MulFrac(int64(12*d.Years+d.Months), 1, r.CurrencyCode)
		}
	}
	return v, nil
}

// TrialEnd returns when the agreement's free trial converts to paid, or its start if it has no
// trial: no recurring or usage charge accrues before it.
func TrialEnd(a *mercato.Agreement) time.Time {
	if ft := a.Terms.FreeTrial(); ft != nil {
		return ft.Duration.AddTo(a.StartTime)
	}
	return a.StartTime
}

// MonthlyCharges returns the charges of the monthly consolidated invoice for one billing period:
// the recurring fee pro-rated by the days the agreement was active (and out of trial) in the
// period, and metered usage priced by the usage-based term. usage holds the agreement's totals
// for its UsageSpan of the period (other agreements' totals are ignored). Zero amounts are left out, and an
// agreement that ended as of its start (cancelled within 48 hours) is charged nothing.
func MonthlyCharges(a *mercato.Agreement, p mercato.BillingPeriod, usage []mercato.UsageTotal) []mercato.Charge {
	if a.EndedAtStart() {
		return nil
	}
	var out []mercato.Charge
	from, to := activeSpan(a, p)
	at := p.End()
	if r := a.Terms.Recurring(); r != nil && to.After(from) {
		days := daysIn(from, to)
		amt := r.Price
		desc := fmt.Sprintf("Monthly fee %s", p)
		if days < p.Days() {
			amt = r.Price.MulFrac(int64(days), int64(p.Days()), a.Currency)
			desc = fmt.Sprintf("Monthly fee %s, %d of %d days", p, days, p.Days())
		}
		out = appendPeriodCharge(out, a, r.ID, mercato.ChargeRecurring, amt, at, from, to,
			fmt.Sprintf("recurring:%s:%s", r.ID, p), desc)
	}
	if u := a.Terms.Usage(); u != nil {
		from, to := UsageSpan(a, p)
		for _, tot := range usage {
			if tot.AgreementID != a.ID || tot.Quantity <= 0 {
				continue
			}
			price, ok := usagePrice(u, tot.Dimension)
			if !ok {
				continue
			}
			amt := price.MulFrac(tot.Quantity, 1, a.Currency)
			n := len(out)
			out = appendPeriodCharge(out, a, u.ID, mercato.ChargeUsage, amt, at, from, to,
				fmt.Sprintf("usage:%s:%s:%s", u.ID, tot.Dimension, p),
				fmt.Sprintf("%d %s at %s", tot.Quantity, tot.Dimension, price))
			if len(out) > n {
				out[n].Dimension, out[n].Quantity = tot.Dimension, tot.Quantity
			}
		}
	}
	return out
}

// UsageSpan returns the hours of period p whose usage the agreement is charged for: from its
// first whole hour out of a free trial (a trial charges nothing, usage included) to the end of
// the period. The span is empty when the trial lasts the whole period.
func UsageSpan(a *mercato.Agreement, p mercato.BillingPeriod) (from, to time.Time) {
	from, to = p.Start(), p.End()
	if paid := TrialEnd(a); a.Terms.FreeTrial() != nil && paid.After(from) {
		from = paid.Truncate(time.Hour)
		if from.Before(paid) {
			from = from.Add(time.Hour) // the hour the trial ends in is still free
		}
	}
	if from.After(to) {
		from = to
	}
	return from, to
}

func appendPeriodCharge(out []mercato.Charge, a *mercato.Agreement, termID string, kind mercato.ChargeKind,
	amt mercato.Amount, at, from, to time.Time, key, desc string) []mercato.Charge {
	n := len(out)
	out = appendCharge(out, a, termID, kind, amt, at, key, desc)
	if len(out) > n {
		out[n].PeriodStart, out[n].PeriodEnd = from, to
	}
	return out
}

func usagePrice(u *mercato.UsageBasedPricingTerm, dim string) (mercato.Amount, bool) {
	for _, rc := range u.RateCards {
		if p, ok := priceOf(rc.RateCard, dim); ok {
			return p, true
		}
	}
	return 0, false
}

// activeSpan returns the part of the period in which the agreement accrued charges: after its
// start and free trial, before its end.
func activeSpan(a *mercato.Agreement, p mercato.BillingPeriod) (from, to time.Time) {
	from, to = p.Start(), p.End()
	if s := TrialEnd(a); s.After(from) {
		from = s
	}
	if !a.EndTime.IsZero() && a.EndTime.Before(to) {
		to = a.EndTime
	}
	return from, to
}

// daysIn counts the days from from to to, a started day counting as a whole one.
func daysIn(from, to time.Time) int {
	d := to.Sub(from)
	days := int(d / (24 * time.Hour))
	if d%(24*time.Hour) != 0 {
		days++
	}
	return days
}
