package mercato

import "time"

// RenewalAdjustment is the state of an agreement's coming renewal price: the seller's choice of
// increase within the renewal term's PercentageRange, and, once the adjustment deadline passed,
// the increase the renewal is finalized at. No AWS API exposes it; mercato keeps it
// with the agreement's renewal term, and each renewal starts without one.
type RenewalAdjustment struct {
	// Increase is the seller's choice, in percent; nil leaves the range's default.
	Increase *Amount `json:"increase,omitempty"`
	// FinalIncrease is the increase the renewal applies, fixed at FinalizedAt.
	FinalIncrease Amount     `json:"finalIncrease,omitempty"`
	FinalizedAt   *time.Time `json:"finalizedAt,omitempty"`
}

// Finalized reports whether the renewal's terms are fixed.
func (a *RenewalAdjustment) Finalized() bool { return a != nil && a.FinalizedAt != nil }

// before returns end moved back by p, or the zero time without p.
func before(end time.Time, p *Period) time.Time {
	if p == nil || p.IsZero() || end.IsZero() {
		return time.Time{}
	}
	return end.AddDate(-p.Years, -p.Months, -(7*p.Weeks + p.Days))
}

// LockoutStart returns when the lockout before an agreement's end begins, for an agreement
// ending at end: from then on the buyer can no longer turn auto-renewal off, nor the seller
// adjust the renewal price. Zero without a lockout period.
func (r *RenewalTerm) LockoutStart(end time.Time) time.Time { return before(end, r.LockoutPeriod) }

// FinalizeTime returns when the renewal's terms are finalized, for an agreement ending at end:
// at the adjustment deadline, or at the start of the lockout without one. Zero with neither:
// the terms are then fixed at the renewal itself.
func (r *RenewalTerm) FinalizeTime(end time.Time) time.Time {
	if t := before(end, r.AdjustmentDeadline); !t.IsZero() {
		return t
	}
	return r.LockoutStart(end)
}

// AdjustableUntil returns when the seller's window to adjust the renewal price closes, for an
// agreement ending at end: at the finalization or at the lockout, whichever comes first, or at
// the end with neither.
func (r *RenewalTerm) AdjustableUntil(end time.Time) time.Time {
	t := end
	for _, c := range []time.Time{r.FinalizeTime(end), r.LockoutStart(end)} {
		if !c.IsZero() && c.Before(t) {
			t = c
		}
	}
	return t
}

// IncreaseRange returns the range the seller picks the renewal's increase from, if the term has
// one.
func (r *RenewalTerm) IncreaseRange() (min, max, def Amount, ok bool) {
	if r.PriceIncrease == nil || r.PriceIncrease.PercentageRange == nil {
		return 0, 0, 0, false
	}
	pr := r.PriceIncrease.PercentageRange
	return pr.MinValue, pr.MaxValue, pr.DefaultValue, true
}
