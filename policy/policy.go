// Package policy decides, with pure functions, which refunds the marketplace makes on its own
// and which need the seller's authorization, and how much an automatic refund returns:
//
//   - a buyer who cancels within 48 hours of a purchase that was not a private offer gets all of
//     it back;
//   - software charges accrued within 7 days after a free trial converts to paid are refunded;
//   - a buyer who upgrades (replaces a non-private subscription by one of equal or greater value)
//     gets the lower tier refunded;
//   - a monthly subscription paid in advance and cancelled is refunded pro rata for the days left;
//   - charges caused by metering errors are refunded once the seller confirms the error;
//   - everything else, private offers and downgrades included, needs the seller's authorization.
//
// Infrastructure charges are never part of a software refund. Every refund records the rule
// that applied.
package policy

import (
	"time"

	"mercato"
)

// Rule names the policy rule a refund was made under.
type Rule string

// Rules.
const (
	RuleCancelWithin48Hours  Rule = "CANCELLATION_WITHIN_48_HOURS"
	RuleFreeTrialConversion  Rule = "FREE_TRIAL_CONVERSION_7_DAYS"
	RuleUpgrade              Rule = "UPGRADE_LOWER_TIER"
	RuleProratedCancellation Rule = "PRORATED_MONTHLY_CANCELLATION"
	RuleMeteringError        Rule = "METERING_ERROR"
	RuleSellerAuthorization  Rule = "SELLER_AUTHORIZATION"
)

// Windows of the automatic rules.
const (
	CancellationWindow = 48 * time.Hour
	TrialRefundWindow  = 7 * 24 * time.Hour
)

// Kind is what the buyer (or seller) asks for.
type Kind string

// Kinds of refund request.
const (
	KindRefund        Kind = "REFUND"
	KindUpgrade       Kind = "UPGRADE"
	KindDowngrade     Kind = "DOWNGRADE"
	KindCancellation  Kind = "CANCELLATION"
	KindMeteringError Kind = "METERING_ERROR"
)

// Case is what the policy needs to know about a refund request.
type Case struct {
	Kind      Kind
	Private   bool      // the agreement came from a private offer
	Purchased time.Time // when the agreement was accepted
	At        time.Time // when the refund is asked for (business time)
	// TrialConverted is when a free trial converted to paid; zero without a trial.
	TrialConverted time.Time
	// NewValue and OldValue compare the tiers of an upgrade or downgrade (monthly prices or
	// contract values, in one currency).
	NewValue, OldValue mercato.Amount
	// MeteringConfirmed says the seller confirmed the metering error.
	MeteringConfirmed bool
	// PrepaidMonthly says the agreement is a monthly subscription paid in advance.
	PrepaidMonthly bool
}

// Decision is the policy's answer: whether the refund is automatic, and under which rule.
type Decision struct {
	Automatic bool
	Rule      Rule
	Why       string
}

// Decide applies the refund policy to a case.
func Decide(c Case) Decision {
	seller := Decision{Rule: RuleSellerAuthorization}
	switch {
	case c.Private:
		seller.Why = "refunds of private offers are authorized by the seller"
		return seller
	case c.Kind == KindMeteringError:
		if c.MeteringConfirmed {
			return Decision{true, RuleMeteringError, "the seller confirmed the metering error"}
		}
		seller.Why = "a metering error is refunded once the seller confirms it"
		return seller
	case c.Kind == KindCancellation && c.At.Sub(c.Purchased) < CancellationWindow && !c.At.Before(c.Purchased):
		return Decision{true, RuleCancelWithin48Hours, "cancelled within 48 hours of purchase"}
	case c.Kind == KindUpgrade && c.NewValue >= c.OldValue:
		return Decision{true, RuleUpgrade, "upgraded to a tier of equal or greater value"}
	case c.Kind == KindDowngrade || c.Kind == KindUpgrade:
		seller.Why = "downgrades are refunded only with the seller's authorization"
		return seller
	case !c.TrialConverted.IsZero() && InTrialWindow(c.TrialConverted, c.At):
		return Decision{true, RuleFreeTrialConversion, "within 7 days after the free trial converted to paid"}
	case c.Kind == KindCancellation && c.PrepaidMonthly:
		return Decision{true, RuleProratedCancellation, "a monthly subscription is refunded pro rata on cancellation"}
	}
	seller.Why = "this refund needs the seller's authorization"
	return seller
}

// InTrialWindow reports whether t falls within 7 days after a trial converted at converted.
func InTrialWindow(converted, t time.Time) bool {
	return !t.Before(converted) && t.Sub(converted) < TrialRefundWindow
}

// Line is an invoiced charge the policy may refund.
type Line struct {
	InvoiceID      string
	Amount         mercato.Amount // pre-tax, still refundable
	Software       bool           // false for infrastructure charges, which are never refunded here
	PeriodStart    time.Time      // the span the charge covers; for a one-time charge both equal its time
	PeriodEnd      time.Time
	Currency       mercato.Currency
	UsageDimension string // set for metered usage
}

// Refund is an amount to refund from one invoice.
type Refund struct {
	InvoiceID string
	Amount    mercato.Amount
}

// Amounts returns what an automatic refund under rule returns from the lines, per invoice:
//   - 48-hour cancellation and upgrade: every software line in full;
//   - free-trial conversion: the part of each software line accrued in the 7 days after
//     conversion (pro rata by time);
//   - pro-rated cancellation: the part of each prepaid line after the cancellation time at;
//   - metering error: the lines of the dimension named in the case (dimension).
//
// Infrastructure lines are never refunded.
func Amounts(rule Rule, lines []Line, converted, at time.Time, dimension string) []Refund {
	var out []Refund
	for _, l := range lines {
		if !l.Software || l.Amount <= 0 {
			continue
		}
		amt := lineRefund(rule, l, converted, at, dimension)
		if amt > 0 {
			out = appendRefund(out, l.InvoiceID, min(amt, l.Amount))
		}
	}
	return out
}

func lineRefund(rule Rule, l Line, converted, at time.Time, dimension string) mercato.Amount {
	switch rule {
	case RuleCancelWithin48Hours, RuleUpgrade:
		return l.Amount
	case RuleFreeTrialConversion:
		return overlap(l, converted, converted.Add(TrialRefundWindow))
	case RuleProratedCancellation:
		return overlap(l, at, l.PeriodEnd)
	case RuleMeteringError:
		if l.UsageDimension != "" && l.UsageDimension == dimension {
			return l.Amount
		}
	}
	return 0
}

// overlap returns the share of the line's amount that falls in [from, to), pro rata by time.
func overlap(l Line, from, to time.Time) mercato.Amount {
	span := l.PeriodEnd.Sub(l.PeriodStart)
	if span <= 0 {
		if !l.PeriodStart.Before(from) && l.PeriodStart.Before(to) {
			return l.Amount
		}
		return 0
	}
	start, end := later(l.PeriodStart, from), earlier(l.PeriodEnd, to)
	if !end.After(start) {
		return 0
	}
	return l.Amount.MulFrac(int64(end.Sub(start)/time.Second), int64(span/time.Second), l.Currency)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func appendRefund(out []Refund, invoice string, amt mercato.Amount) []Refund {
	for i := range out {
		if out[i].InvoiceID == invoice {
			out[i].Amount += amt
			return out
		}
	}
	return append(out, Refund{InvoiceID: invoice, Amount: amt})
}
