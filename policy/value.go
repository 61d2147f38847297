package policy

import (
	"time"

	"mercato"
	"mercato/billing"
)

// Value is what a plan is worth, to compare a replacement with the plan it replaces: its fixed
// prices per year, and the price of a unit of each metered dimension.
type Value struct {
	Currency mercato.Currency
	PerYear  mercato.Amount            // fixed prices normalised to a year
	Rates    map[string]mercato.Amount // usage price per unit, by dimension
}

// PlanValue returns the value of an agreement's plan:
//   - a monthly fee counts 12 times;
//   - an upfront price (fixed or configured) counts per year of the time it pays for: its own
//     duration, else the agreement's term; without either it counts as a year's;
//   - a payment schedule counts its total per year of the agreement's term (a year's without one);
//   - usage counts by its rates, compared dimension by dimension, since how much a buyer will
//     use is not known.
//
// Variable payments (payment requests) are not counted: they are not a price.
func PlanValue(a *mercato.Agreement) Value {
	v := Value{Currency: a.Terms.Currency(), Rates: map[string]mercato.Amount{}}
	charges, _ := billing.AcceptanceCharges(a) // an unpriced configuration is worth nothing here
	byTerm := map[string]mercato.Amount{}
	for _, ch := range charges {
		byTerm[ch.TermID] += ch.Amount
	}
	for i := range a.Terms {
		v.PerYear += termPerYear(a, &a.Terms[i], byTerm)
		if u := a.Terms[i].UsageBased; u != nil {
			for _, rc := range u.RateCards {
				for _, it := range rc.RateCard {
					v.Rates[it.DimensionKey] = max(v.Rates[it.DimensionKey], it.Price)
				}
			}
		}
	}
	return v
}

// termPerYear returns what one pricing term costs per year; byTerm holds the acceptance
// charges (upfront prices, installments) by term.
func termPerYear(a *mercato.Agreement, t *mercato.Term, byTerm map[string]mercato.Amount) mercato.Amount {
	cur := a.Terms.Currency()
	switch {
	case t.RecurringPayment != nil:
		return t.RecurringPayment.Price.MulFrac(12, 1, cur)
	case t.FixedUpfront != nil:
		return perYear(byTerm[t.FixedUpfront.ID], a.StartTime, t.FixedUpfront.Duration, a.Terms, cur)
	case t.ConfigurableUpfront != nil:
		var d *mercato.Period
		if cfg := t.ConfigurableUpfront.Configuration; cfg != nil {
			if p, err := mercato.ParsePeriod(cfg.SelectorValue); err == nil {
				d = &p
			}
		}
		return perYear(byTerm[t.ConfigurableUpfront.ID], a.StartTime, d, a.Terms, cur)
	case t.PaymentSchedule != nil:
		return perYear(byTerm[t.PaymentSchedule.ID], a.StartTime, nil, a.Terms, cur)
	}
	return 0
}

// perYear normalises total, paid for the period d (or, without it, the agreement's term from
// start), to a year: by months when the period is whole months, by days otherwise, so that
// 1200.00 for P12M is 1200.00 a year whatever the year's length.
func perYear(total mercato.Amount, start time.Time, d *mercato.Period, ts mercato.Terms, cur mercato.Currency) mercato.Amount {
	if d == nil {
		d = ts.Duration()
	}
	if d != nil && d.Weeks == 0 && d.Days == 0 && 12*d.Years+d.Months > 0 {
		return total.MulFrac(12, int64(12*d.Years+d.Months), cur)
	}
	end := ts.EndTime(start)
	if d != nil {
		end = d.AddTo(start)
	}
	if days := int64(end.Sub(start) / (24 * time.Hour)); days > 0 {
		return total.MulFrac(365, days, cur)
	}
	return total
}

// AtLeast reports whether v costs at least as much as w for any usage: in the same currency,
// fixed prices per year no lower, and no lower rate for any dimension either plan meters (a
// dimension a plan lacks costs it nothing). Plans where one is dearer in one way and cheaper in
// another are not comparable: AtLeast is false both ways.
func (v Value) AtLeast(w Value) bool {
	if v.Currency != w.Currency && v.Currency != "" && w.Currency != "" {
		return false
	}
	if v.PerYear < w.PerYear {
		return false
	}
	for dim, rate := range w.Rates {
		if v.Rates[dim] < rate {
			return false
		}
	}
	return true
}

// Annual reports whether the agreement is an annual subscription: a term of 12 months or more,
// however the terms express it (a validity term's duration or end date, the duration of an
// upfront price, or a configured contract length such as P1Y).
func Annual(a *mercato.Agreement) bool {
	end := a.Terms.EndTime(a.StartTime)
	return !end.IsZero() && !end.Before(a.StartTime.AddDate(1, 0, 0))
}
