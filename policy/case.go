package policy

import (
	"time"

	"mercato"
	"mercato/billing"
)

// Request is what a refund request says, as filed.
type Request struct {
	Kind  mercato.RefundKind
	Filed time.Time // business time of the filing
	// Periods are the billing periods the request names, directly or by its invoices; none
	// means the whole agreement.
	Periods          []mercato.BillingPeriod
	CancellationDate time.Time // the Subscription Cancellation Date, if given
	// TrialRefunded says an earlier case already refunded the 7 days after the trial converted:
	// they are refunded once.
	TrialRefunded bool
	// MeteringConfirmed says the seller confirmed the metering error.
	MeteringConfirmed bool
}

// Case is what the policy needs to know about a refund request. Its values and dates come from
// the agreements, never from the request's claims, which is why only NewCase makes one.
type Case struct {
	kind              mercato.RefundKind
	private           bool      // the agreement came from a private offer
	purchased         time.Time // when the agreement was accepted
	filed             time.Time
	trialConverted    time.Time // zero without a free trial
	trialRefunded     bool
	scope             []mercato.BillingPeriod
	annual            bool
	cancellationDate  time.Time
	replaced          bool // the agreement was replaced, and oldValue and newValue compare the plans
	oldValue          Value
	newValue          Value
	meteringConfirmed bool
	prepaidMonthly    bool // a monthly subscription paid in advance
}

// NewCase returns the case of request r about agreement a. replacement is the agreement that
// replaced a, or nil; the values an upgrade or downgrade compares are those of the two plans.
func NewCase(r Request, a, replacement *mercato.Agreement) Case {
	c := Case{kind: r.Kind, private: a.Private, purchased: a.AcceptanceTime, filed: r.Filed,
		trialRefunded: r.TrialRefunded, scope: r.Periods, annual: Annual(a), cancellationDate: r.CancellationDate,
		meteringConfirmed: r.MeteringConfirmed, prepaidMonthly: prepaidMonthly(a)}
	if a.Terms.FreeTrial() != nil {
		c.trialConverted = billing.TrialEnd(a)
	}
	if replacement != nil {
		c.replaced, c.oldValue, c.newValue = true, PlanValue(a), PlanValue(replacement)
	}
	return c
}

// CancellableInFull reports whether a buyer who cancels agreement a at time at gets all of it
// back: a purchase that was not a private offer, cancelled within 48 hours.
func CancellableInFull(a *mercato.Agreement, at time.Time) bool {
	return !a.Private && within48Hours(a.AcceptanceTime, at)
}

func within48Hours(purchased, at time.Time) bool {
	return !at.Before(purchased) && at.Sub(purchased) < CancellationWindow
}

func (c *Case) cancelledWithin48Hours() bool {
	return c.kind == mercato.RefundKindCancellation && within48Hours(c.purchased, c.filed)
}

// NeedsCancellationDate reports whether the case lacks the Subscription Cancellation Date that
// a refund, upgrade, downgrade or cancellation of an annual subscription needs. A cancellation
// within 48 hours needs none: it ends the agreement as of its start.
func (c Case) NeedsCancellationDate() bool {
	switch c.kind {
	case mercato.RefundKindRefund, mercato.RefundKindUpgrade, mercato.RefundKindDowngrade, mercato.RefundKindCancellation:
	default:
		return false
	}
	return c.annual && c.cancellationDate.IsZero() && (c.private || !c.cancelledWithin48Hours())
}

// TrialWindow returns the 7 days after the case's free trial converted, [from, to), and false
// without a trial. Charges accrue in them until to; their refund waits for the invoice of that
// time.
func (c Case) TrialWindow() (from, to time.Time, ok bool) {
	if c.trialConverted.IsZero() {
		return time.Time{}, time.Time{}, false
	}
	return trialWindow(c.trialConverted)
}

// TrialWindow returns the 7 days after agreement a's free trial converted, [from, to), and
// false without a trial.
func TrialWindow(a *mercato.Agreement) (from, to time.Time, ok bool) {
	if a.Terms.FreeTrial() == nil {
		return time.Time{}, time.Time{}, false
	}
	return trialWindow(billing.TrialEnd(a))
}

func trialWindow(converted time.Time) (from, to time.Time, ok bool) {
	from = dayStart(converted)
	return from, from.Add(TrialRefundWindow), true
}

// trialRefundable reports whether the free-trial rule covers the case: a refund filed after the
// trial converted (or a cancellation filed within the 7 days), about charges that accrued in
// the 7 days after the conversion and were not refunded under this rule before. When a refund
// is filed does not matter: the charges are refunded by when they accrued. A later
// cancellation is not about those days: it follows the other rules.
func (c *Case) trialRefundable() bool {
	from, to, ok := c.TrialWindow()
	if !ok || c.trialRefunded || c.filed.Before(c.trialConverted) {
		return false
	}
	switch {
	case c.kind == mercato.RefundKindRefund:
	case c.kind == mercato.RefundKindCancellation && c.filed.Before(to):
	default:
		return false
	}
	if len(c.scope) == 0 {
		return true
	}
	for _, p := range c.scope {
		if p.Start().Before(to) && p.End().After(from) {
			return true
		}
	}
	return false
}

// prepaidMonthly reports whether the agreement is a monthly subscription paid in advance.
func prepaidMonthly(a *mercato.Agreement) bool {
	for _, t := range a.Terms {
		if f := t.FixedUpfront; f != nil && f.Duration != nil && *f.Duration == (mercato.Period{Months: 1}) {
			return true
		}
	}
	return false
}

// dayStart returns the start of t's day (UTC): charges accrue by whole days, the day a trial
// converts counting as a paid day, as the monthly fee's pro-ration counts it.
func dayStart(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
