package billing

import (
	"math/big"
	"time"

	"mercato"
)

// RenewalIncrease returns the price increase, in percent, a renewal term applies: its fixed
// percentage, or the default of its range; zero without one.
func RenewalIncrease(r *mercato.RenewalTerm) mercato.Amount {
	switch pi := r.PriceIncrease; {
	case pi == nil:
		return 0
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
		case t.FixedUpfront != nil:
			t.FixedUpfront.Price = raise(t.FixedUpfront.Price, pct).Round(t.FixedUpfront.CurrencyCode)
		case t.RecurringPayment != nil:
			t.RecurringPayment.Price = raise(t.RecurringPayment.Price, pct).Round(t.RecurringPayment.CurrencyCode)
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
		items[i].Price = raise(items[i].Price, pct)
		if round {
			items[i].Price = items[i].Price.Round(c)
		}
	}
}

// raise returns a × (100 + pct) / 100 to 8 decimals, rounded half away from zero.
func raise(a, pct mercato.Amount) mercato.Amount {
	num := new(big.Int).Mul(big.NewInt(int64(a)), new(big.Int).Add(big.NewInt(100*mercato.AmountScale), big.NewInt(int64(pct))))
	den := big.NewInt(100 * mercato.AmountScale)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return mercato.Amount(q.Int64())
}
