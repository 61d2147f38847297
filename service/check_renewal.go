package service

import (
	"fmt"

	"mercato"
	"mercato/billing"
)

// renewedIncrease returns the increase, in percent, that the renewal of an agreement under
// renewal term r applies, and where it comes from: the increase fixed when the renewal's terms
// were finalized; else the fixed percentage; else, within a range, the seller's choice or the
// range's default; zero without a price increase. It reads the term as stored, not through the
// code that renews: the check restates the rule.
func renewedIncrease(r *mercato.RenewalTerm) (mercato.Amount, string) {
	adj, pi := r.Adjustment, r.PriceIncrease
	switch {
	case adj != nil && adj.FinalizedAt != nil:
		return adj.FinalIncrease, "finalized"
	case pi == nil:
		return 0, "no increase"
	case pi.PercentageRange != nil && adj != nil && adj.Increase != nil:
		return *adj.Increase, "the seller's choice"
	case pi.FixedPercentage != nil:
		return pi.FixedPercentage.Value, "fixed"
	case pi.PercentageRange != nil:
		return pi.PercentageRange.DefaultValue, "the range's default"
	}
	return 0, "no increase"
}

// checkRenewals proves the price of every agreement a renewal made: one whose source ended
// RENEWED. Each price of the renewal is its source's price × (100 + increase) / 100, rounded once
// half away from zero to the currency's minor unit (to 8 decimals for usage rates); an increase
// within a range lies within it; and a resale's wholesale is billing.RenewedResale of its
// source's at the renewal's value.
func (b *books) checkRenewals(add addFunc) {
	for i := range b.agreements {
		a := &b.agreements[i]
		src := b.agreementOf(a.SourceAgreementID)
		if src == nil || src.Status != mercato.AgreementRenewed {
			continue
		}
		subject := "agreement " + a.ID
		r := src.Terms.Renewal()
		if r == nil {
			add(RuleRenewalPrice, subject, "renews agreement %s, which has no renewal term", src.ID)
			continue
		}
		pct, why := renewedIncrease(r)
		if lo, hi, _, ok := r.IncreaseRange(); ok && (pct < lo || pct > hi) {
			add(RuleRenewalPrice, subject, "renews agreement %s at an increase of %s%% (%s), outside its range of %s to %s%%",
				src.ID, pct.Format(0), why, lo.Format(0), hi.Format(0))
		}
		b.checkRenewedTerms(a, src, pct, why, add)
		b.checkRenewedResale(a, src, add)
	}
}

// checkRenewedTerms compares the renewal's prices, term by term, with its source's raised by pct.
// The renewal has the source's terms in their order, without the free trial.
func (b *books) checkRenewedTerms(a, src *mercato.Agreement, pct mercato.Amount, why string, add addFunc) {
	subject := "agreement " + a.ID
	var want mercato.Terms
	for _, t := range src.Terms {
		if t.FreeTrial == nil {
			want = append(want, t)
		}
	}
	if len(want) != len(a.Terms) {
		add(RuleRenewalPrice, subject, "has %d terms; agreement %s, which it renews, has %d besides a free trial",
			len(a.Terms), src.ID, len(want))
		return
	}
	mismatch := func(what string, got, exp mercato.Amount, c mercato.Currency) {
		if got != exp {
			add(RuleRenewalPrice, subject, "renews agreement %s at an increase of %s%% (%s): %s is %s %s, want %s %s",
				src.ID, pct.Format(0), why, what, got.FormatIn(c), c, exp.FormatIn(c), c)
		}
	}
	raised := func(p mercato.Amount, c mercato.Currency) mercato.Amount { return billing.RaisePrice(p, pct, c) }
	rate := func(p mercato.Amount) mercato.Amount {
		return p.MulFracExact(100*mercato.AmountScale+int64(pct), 100*mercato.AmountScale)
	}
	for i, s := range want {
		t := a.Terms[i]
		switch {
		case s.FixedUpfront != nil && t.FixedUpfront != nil:
			mismatch("the upfront price", t.FixedUpfront.Price, raised(s.FixedUpfront.Price, s.FixedUpfront.CurrencyCode), t.FixedUpfront.CurrencyCode)
		case s.RecurringPayment != nil && t.RecurringPayment != nil:
			mismatch("the recurring price", t.RecurringPayment.Price, raised(s.RecurringPayment.Price, s.RecurringPayment.CurrencyCode), t.RecurringPayment.CurrencyCode)
		case s.ConfigurableUpfront != nil && t.ConfigurableUpfront != nil:
			sc, tc := s.ConfigurableUpfront.RateCards, t.ConfigurableUpfront.RateCards
			for j := range min(len(sc), len(tc)) {
				for k := range min(len(sc[j].RateCard), len(tc[j].RateCard)) {
					it := tc[j].RateCard[k]
					mismatch(fmt.Sprintf("the contract price of %s", it.DimensionKey), it.Price,
						raised(sc[j].RateCard[k].Price, s.ConfigurableUpfront.CurrencyCode), t.ConfigurableUpfront.CurrencyCode)
				}
			}
		case s.UsageBased != nil && t.UsageBased != nil:
			sc, tc := s.UsageBased.RateCards, t.UsageBased.RateCards
			for j := range min(len(sc), len(tc)) {
				for k := range min(len(sc[j].RateCard), len(tc[j].RateCard)) {
					it := tc[j].RateCard[k]
					mismatch(fmt.Sprintf("the usage rate of %s", it.DimensionKey), it.Price, rate(sc[j].RateCard[k].Price), t.UsageBased.CurrencyCode)
				}
			}
		case (s.FixedUpfront == nil) != (t.FixedUpfront == nil), (s.RecurringPayment == nil) != (t.RecurringPayment == nil),
			(s.ConfigurableUpfront == nil) != (t.ConfigurableUpfront == nil), (s.UsageBased == nil) != (t.UsageBased == nil):
			add(RuleRenewalPrice, subject, "term %d is not the kind of agreement %s's term it renews", i+1, src.ID)
		}
	}
}

// checkRenewedResale proves that a renewal is resold exactly when its source was, at the
// wholesale billing.RenewedResale gives for the renewal's value.
func (b *books) checkRenewedResale(a, src *mercato.Agreement, add addFunc) {
	subject := "agreement " + a.ID
	switch {
	case src.Resale == nil && a.Resale == nil:
	case src.Resale == nil || a.Resale == nil:
		add(RuleRenewalPrice, subject, "renews agreement %s, but only one of them is a resale", src.ID)
	default:
		exp := billing.RenewedResale(src.Resale, a.Value, a.Currency)
		if a.Resale.Wholesale != exp.Wholesale || a.Resale.ManufacturerID != exp.ManufacturerID {
			add(RuleRenewalPrice, subject, "renews agreement %s resold at wholesale %s %s of %s; maker %q's wholesale is %s %s, want %s %s",
				src.ID, src.Resale.Wholesale, a.Currency, src.Resale.Price, a.Resale.ManufacturerID, a.Resale.Wholesale, a.Currency, exp.Wholesale, a.Currency)
		}
	}
}
