package mercato

import (
	"encoding/json"
	"fmt"
	"time"
)

// Terms is the list of terms of an offer or agreement.
type Terms []Term

// MaxInstallments is the most payments a flexible payment schedule may have.
const MaxInstallments = 60

// Validate reports every problem with the terms, with field names under path.
func (ts Terms) Validate(path string, p *Problems) {
	if len(ts) == 0 {
		p.Add(path, "at least one term is required")
	}
	seen := map[string]bool{}
	kinds := map[string]bool{}
	var currency Currency
	for i := range ts {
		f := fmt.Sprintf("%s[%d]", path, i)
		h, set := ts[i].Header()
		if set != 1 {
			p.Add(f, "exactly one term type must be set, found %d", set)
			continue
		}
		kind := ts[i].Kind()
		if kinds[kind] {
			p.Add(f, "%s appears twice", kind)
		}
		kinds[kind] = true
		if h.ID != "" && seen[h.ID] {
			p.Add(f+".id", "term id %q appears twice", h.ID)
		}
		seen[h.ID] = true
		if c, ok := ts[i].currency(); ok {
			if !c.Valid() {
				p.Add(f+".currencyCode", "%q is not a supported ISO 4217 currency", c)
			} else if currency != "" && c != currency {
				p.Add(f+".currencyCode", "all pricing terms must use one currency, found %s and %s", currency, c)
			}
			currency = c
		}
		ts[i].validate(f, p)
	}
	if kinds["PaymentScheduleTerm"] && kinds["RecurringPaymentTerm"] {
		p.Add(path, "a payment schedule cannot be combined with a recurring payment")
	}
}

func (t *Term) currency() (Currency, bool) {
	switch {
	case t.UsageBased != nil:
		return t.UsageBased.CurrencyCode, true
	case t.ConfigurableUpfront != nil:
		return t.ConfigurableUpfront.CurrencyCode, true
	case t.RecurringPayment != nil:
		return t.RecurringPayment.CurrencyCode, true
	case t.PaymentSchedule != nil:
		return t.PaymentSchedule.CurrencyCode, true
	case t.FixedUpfront != nil:
		return t.FixedUpfront.CurrencyCode, true
	case t.VariablePayment != nil:
		return t.VariablePayment.CurrencyCode, true
	}
	return "", false
}

func (t *Term) validate(f string, p *Problems) {
	nonNeg := func(name string, a Amount) {
		if a < 0 {
			p.Add(name, "must not be negative")
		}
	}
	switch {
	case t.RecurringPayment != nil:
		if t.RecurringPayment.BillingPeriod != "Monthly" {
			p.Add(f+".recurringPaymentTerm.billingPeriod", "must be Monthly")
		}
		nonNeg(f+".recurringPaymentTerm.price", t.RecurringPayment.Price)
	case t.UsageBased != nil:
		if len(t.UsageBased.RateCards) == 0 {
			p.Add(f+".usageBasedPricingTerm.rateCards", "at least one rate card is required")
		}
		for i, rc := range t.UsageBased.RateCards {
			for j, it := range rc.RateCard {
				nonNeg(fmt.Sprintf("%s.usageBasedPricingTerm.rateCards[%d].rateCard[%d].price", f, i, j), it.Price)
			}
		}
	case t.PaymentSchedule != nil:
		s := t.PaymentSchedule.Schedule
		name := f + ".paymentScheduleTerm.schedule"
		if len(s) == 0 || len(s) > MaxInstallments {
			p.Add(name, "must have 1 to %d installments, has %d", MaxInstallments, len(s))
		}
		for i, it := range s {
			if it.ChargeAmount < 0 {
				p.Add(fmt.Sprintf("%s[%d].chargeAmount", name, i), "must not be negative")
			}
			if i > 0 && !it.ChargeDate.After(s[i-1].ChargeDate) {
				p.Add(fmt.Sprintf("%s[%d].chargeDate", name, i), "charge dates must increase")
			}
		}
	case t.FixedUpfront != nil:
		nonNeg(f+".fixedUpfrontPricingTerm.price", t.FixedUpfront.Price)
	case t.FreeTrial != nil:
		d := t.FreeTrial.Duration
		days := d.Days + 7*d.Weeks
		if d.Years != 0 || d.Months != 0 || days < 5 || days > 31 {
			p.Add(f+".freeTrialPricingTerm.duration", "must be 5 to 31 days, e.g. P10D")
		}
	case t.VariablePayment != nil:
		if t.VariablePayment.MaxTotalChargeAmount <= 0 {
			p.Add(f+".variablePaymentTerm.maxTotalChargeAmount", "must be positive")
		}
	case t.Renewal != nil && t.Renewal.Adjustment != nil:
		p.Add(f+".renewalTerm.adjustment", "is the seller's choice on an agreement's renewal, never part of an offer")
	case t.NetPayment != nil:
		switch t.NetPayment.PaymentDuePeriod.String() {
		case "P15D", "P30D", "P45D", "P60D", "P90D", "P120D":
		default:
			p.Add(f+".netPaymentTerm.paymentDuePeriod", "must be one of P15D, P30D, P45D, P60D, P90D, P120D")
		}
	}
}

// Currency returns the currency of the pricing terms, or "" if there are none.
func (ts Terms) Currency() Currency {
	for i := range ts {
		if c, ok := ts[i].currency(); ok {
			return c
		}
	}
	return ""
}

// IsPaid reports whether any term charges money.
func (ts Terms) IsPaid() bool {
	for i := range ts {
		t := &ts[i]
		if t.UsageBased != nil || t.RecurringPayment != nil || t.PaymentSchedule != nil ||
			t.FixedUpfront != nil || t.ConfigurableUpfront != nil || t.VariablePayment != nil {
			return true
		}
	}
	return false
}

// IsContract reports whether the terms make a contract (paid upfront or by schedule) rather
// than a pay-as-you-go subscription.
func (ts Terms) IsContract() bool {
	for i := range ts {
		if ts[i].FixedUpfront != nil || ts[i].ConfigurableUpfront != nil || ts[i].PaymentSchedule != nil {
			return true
		}
	}
	return false
}

// EndTime returns when an agreement accepted at start ends under these terms, or the zero
// time for an agreement without end (pay-as-you-go).
func (ts Terms) EndTime(start time.Time) time.Time {
	for i := range ts {
		if v := ts[i].Validity; v != nil {
			if v.AgreementEndDate != nil {
				return v.AgreementEndDate.UTC()
			}
			if v.AgreementDuration != nil {
				return v.AgreementDuration.AddTo(start)
			}
		}
	}
	for i := range ts {
		if f := ts[i].FixedUpfront; f != nil && f.Duration != nil {
			return f.Duration.AddTo(start)
		}
		if c := ts[i].ConfigurableUpfront; c != nil && c.Configuration != nil {
			if d, err := ParsePeriod(c.Configuration.SelectorValue); err == nil {
				return d.AddTo(start)
			}
		}
	}
	return time.Time{}
}

// FillIDs gives every term without an ID one derived from prefix and the term's position, so it
// is stable across applies, and sets every missing type name. It changes ts in place.
func (ts Terms) FillIDs(prefix string) {
	for i := range ts {
		h, set := ts[i].Header()
		if set != 1 {
			continue
		}
		if h.ID == "" {
			h.ID = fmt.Sprintf("%s-term-%d", prefix, i+1)
		}
		if h.Type == "" {
			h.Type = ts[i].Kind()
		}
	}
}

// Recurring returns the recurring payment term, if any.
func (ts Terms) Recurring() *RecurringPaymentTerm {
	for i := range ts {
		if ts[i].RecurringPayment != nil {
			return ts[i].RecurringPayment
		}
	}
	return nil
}

// Usage returns the usage-based pricing term, if any.
func (ts Terms) Usage() *UsageBasedPricingTerm {
	for i := range ts {
		if ts[i].UsageBased != nil {
			return ts[i].UsageBased
		}
	}
	return nil
}

// FreeTrial returns the free-trial term, if any.
func (ts Terms) FreeTrial() *FreeTrialPricingTerm {
	for i := range ts {
		if ts[i].FreeTrial != nil {
			return ts[i].FreeTrial
		}
	}
	return nil
}

// NetPayment returns the net payment term, if any.
func (ts Terms) NetPayment() *NetPaymentTerm {
	for i := range ts {
		if ts[i].NetPayment != nil {
			return ts[i].NetPayment
		}
	}
	return nil
}

// Renewal returns the renewal term, if any: the agreement's own, so that a change to it changes
// the terms.
func (ts Terms) Renewal() *RenewalTerm {
	for i := range ts {
		if ts[i].Renewal != nil {
			return ts[i].Renewal
		}
	}
	return nil
}

// Duration returns the validity term's agreement duration, if any.
func (ts Terms) Duration() *Period {
	for i := range ts {
		if v := ts[i].Validity; v != nil && v.AgreementDuration != nil {
			return v.AgreementDuration
		}
	}
	return nil
}

// BillsMonthly reports whether the terms accrue charges billed on the monthly consolidated
// invoice (a recurring fee or metered usage).
func (ts Terms) BillsMonthly() bool { return ts.Recurring() != nil || ts.Usage() != nil }

// Clone returns a deep copy of the terms, so that configuring an agreement's terms never changes
// the offer's.
func (ts Terms) Clone() Terms {
	if ts == nil {
		return nil
	}
	b, err := json.Marshal(ts)
	if err != nil {
		panic(err) // terms are plain data
	}
	var out Terms
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
