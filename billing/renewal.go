package billing

import (
	"time"

	"mercato"
)

// RenewalIncrease returns the price increase, in percent, a renewal term applies: the one its
// renewal was finalized at; else its fixed percentage, or within its range the seller's choice
// or the range's default; zero without one.
func RenewalIncrease(r *mercato.RenewalTerm) mercato.Amount {
	adj := r.Adjustment
	switch pi := r.PriceIncrease; {
	case adj.Finalized():
		return adj.FinalIncrease
	case pi == nil:
		return 0
	case pi.PercentageRange != nil && adj != nil && adj.Increase != nil:
		return *adj.Increase
	case pi.FixedPercentage != nil:
		return pi.FixedPercentage.Value
	case pi.PercentageRange != nil:
		return pi.PercentageRange.DefaultValue
	}
	return 0
}

// Renewable reports whether an agreement on these terms can renew into another of the same
// terms: not with a payment schedule or fixed dates (they cannot repeat) nor with variable
// payments (their total is agreed once).
func Renewable(ts mercato.Terms) bool {
	for _, t := range ts {
		switch {
		case t.PaymentSchedule != nil, t.VariablePayment != nil:
			return false
		case t.Validity != nil && (t.Validity.AgreementStartDate != nil || t.Validity.AgreementEndDate != nil):
			return false
		}
	}
	return !ts.EndTime(time.Unix(0, 0).UTC()).IsZero() // an agreement without an end never renews
}

// RenewedTerms returns the terms of a renewal: the same terms without the free trial (the
// buyer had it), each price raised by pct percent. Prices of contracts and subscriptions are
// rounded to the currency's minor unit, usage rates to the 8 decimals rates have; half away from
// zero.
func RenewedTerms(ts mercato.Terms, pct mercato.Amount) mercato.Terms {
	out := mercato.Terms{}
	for _, t := range ts.Clone() {
		switch {
		case t.FreeTrial != nil:
			continue
		case t.Renewal != nil:
			t.Renewal.Adjustment = nil // each renewal's price is chosen anew
		case t.FixedUpfront != nil:
			t.FixedUpfront.Price = RaisePrice(t.FixedUpfront.Price, pct, t.FixedUpfront.CurrencyCode)
		case t.RecurringPayment != nil:
			t.RecurringPayment.Price = RaisePrice(t.RecurringPayment.Price, pct, t.RecurringPayment.CurrencyCode)
		case t.ConfigurableUpfront != nil:
			for i := range t.ConfigurableUpfront.RateCards {
				raiseCard(t.ConfigurableUpfront.RateCards[i].RateCard, pct, t.ConfigurableUpfront.CurrencyCode, true)
			}
		case t.UsageBased != nil:
			for i := range t.UsageBased.RateCards {
				raiseCard(t.UsageBased.RateCards[i].RateCard, pct, t.UsageBased.CurrencyCode, false)
			}
		}
		out = append(out, t)
	}
	return out
}

func raiseCard(items []mercato.RateCardItem, pct mercato.Amount, c mercato.Currency, round bool) {
	for i := range items {
		if round {
			items[i].Price = RaisePrice(items[i].Price, pct, c)
		} else {
			items[i].Price = raise(items[i].Price, pct)
		}
	}
}

// RaisePrice returns price × (100 + pct) / 100 rounded once, half away from zero, to the
// currency's minor unit: a renewal's price of a contract or subscription.
func RaisePrice(price, pct mercato.Amount, c mercato.Currency) mercato.Amount {
	return price.MulFrac(100*mercato.AmountScale+int64(pct), 100*mercato.AmountScale, c)
}

// raise returns a × (100 + pct) / 100 to 8 decimals, rounded half away from zero: a renewal's
// usage rate.
func raise(a, pct mercato.Amount) mercato.Amount {
	return a.MulFracExact(100*mercato.AmountScale+int64(pct), 100*mercato.AmountScale)
}
