// Package policy decides, with pure functions, which refunds the marketplace makes on its own
// and which need the seller's authorization, and how much an automatic refund returns:
//
//   - a buyer who cancels within 48 hours of a purchase that was not a private offer gets all of
//     it back;
//   - software charges accrued within 7 days after a free trial converts to paid are refunded,
//     by when they accrued, whenever the request is filed;
//   - a buyer who upgrades (replaces a non-private subscription by one of equal or greater value,
//     as PlanValue compares them) gets the lower tier refunded;
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
	case c.private:
		seller.Why = "refunds of private offers are authorized by the seller"
		return seller
	case c.kind == mercato.RefundKindMeteringError:
		if c.meteringConfirmed {
			return Decision{true, RuleMeteringError, "the seller confirmed the metering error"}
		}
		seller.Why = "a metering error is refunded once the seller confirms it"
		return seller
	case c.kind == mercato.RefundKindTax:
		seller.Why = "the tax of invoices alone is refunded with the seller's authorization"
		return seller
	case c.cancelledWithin48Hours():
		return Decision{true, RuleCancelWithin48Hours, "cancelled within 48 hours of purchase"}
	case c.kind.Replacing():
		return decideReplacement(&c)
	case c.trialRefundable():
		return Decision{true, RuleFreeTrialConversion, "charges accrued within 7 days after the free trial converted to paid"}
	case c.kind == mercato.RefundKindCancellation && c.prepaidMonthly:
		return Decision{true, RuleProratedCancellation, "a monthly subscription is refunded pro rata on cancellation"}
	}
	seller.Why = "this refund needs the seller's authorization"
	return seller
}

// decideReplacement compares the values of the two plans, whatever the request calls the
// change: a replacement worth at least as much is an upgrade, anything else a downgrade.
func decideReplacement(c *Case) Decision {
	if c.replaced && c.newValue.AtLeast(c.oldValue) {
		return Decision{true, RuleUpgrade, "replaced by a plan of equal or greater value"}
	}
	return Decision{Rule: RuleSellerAuthorization,
		Why: "the replacing plan is worth less than the replaced one, or cannot be compared with it: downgrades are refunded only with the seller's authorization"}
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
	// Quantity is the usage a metered line bills, and TrialQuantity the part of it used within
	// the 7 days after the free trial converted: the free-trial refund of usage is exact.
	Quantity, TrialQuantity int64
}

// Refund is an amount to refund from one invoice.
type Refund struct {
	InvoiceID string
	Amount    mercato.Amount
}

// Amounts returns what an automatic refund under rule returns from the lines, per invoice:
//   - 48-hour cancellation and upgrade: every software line in full;
//   - free-trial conversion: the part of each software line accrued in the 7 days after
//     conversion: of metered usage, the usage of those days (Line.TrialQuantity); of anything
//     else, its share by days (the day of the conversion counting as the first);
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
		return trialShare(l, converted)
	case RuleProratedCancellation:
		return overlap(l, at, l.PeriodEnd)
	case RuleMeteringError:
		if l.UsageDimension != "" && l.UsageDimension == dimension {
			return l.Amount
		}
	}
	return 0
}

// trialShare returns the part of a line that accrued in the 7 days after the trial converted:
// its usage of those days, or its share by whole days.
func trialShare(l Line, converted time.Time) mercato.Amount {
	if l.UsageDimension != "" && l.Quantity > 0 {
		return l.Amount.MulFrac(min(l.TrialQuantity, l.Quantity), l.Quantity, l.Currency)
	}
	from := dayStart(converted)
	to := from.Add(TrialRefundWindow)
	if !l.PeriodEnd.After(l.PeriodStart) {
		return overlap(l, converted, to)
	}
	start, end := dayStart(l.PeriodStart), dayEnd(l.PeriodEnd)
	days := int64(end.Sub(start) / (24 * time.Hour))
	in := int64(earlier(end, to).Sub(later(start, from)) / (24 * time.Hour))
	if in <= 0 {
		return 0
	}
	return l.Amount.MulFrac(in, days, l.Currency)
}

// dayEnd returns the end of the day t falls in, or t itself at a day's start.
func dayEnd(t time.Time) time.Time {
	if d := dayStart(t); !d.Equal(t) {
		return d.Add(24 * time.Hour)
	}
	return t
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
