package service

import (
	"context"
	"time"

	"mercato"
	"mercato/billing"
)

// Renewal price adjustments. A renewal term whose PriceIncrease is a PercentageRange lets the
// seller choose the increase of the coming renewal within [MinValue, MaxValue] until its
// AdjustmentDeadline before the agreement's end (and never inside the LockoutPeriod); without a
// choice the range's DefaultValue applies. At the deadline (or, without one, at the start of
// the lockout) the renewal's terms are finalized: the increase is fixed on the agreement and
// both parties hear "Purchase Agreement Renewal Terms Finalized" with the renewal's price. The
// Agreement API has no call for the choice (no AWS API models it), so mercato offers it
// through its own endpoint, console and CLI.

// jobRenewalTermsFinalized fixes a renewal's terms at its adjustment deadline.
const jobRenewalTermsFinalized mercato.JobKind = "renewal-terms-finalized"

// AdjustRenewalInput is a seller's choice of the price increase of an agreement's coming
// renewal, in percent (e.g. 3.5 for 3.5 %).
type AdjustRenewalInput struct {
	AgreementID string         `json:"agreementId"`
	Increase    mercato.Amount `json:"increase"`
	ClientToken string         `json:"-"`
}

// AdjustRenewal records the seller's choice of the price increase of an agreement's coming
// renewal and returns the agreement. A choice may be changed until the window closes.
// Errors: ENotFound (not the caller's agreement), EForbidden (the caller is the buyer), EInvalid
// (the agreement is not active; its renewal term has no PercentageRange; the increase is outside
// the range, naming the field "increase"; the adjustment deadline or the lockout has begun),
// EConflict (the client token was used for another request).
func (s *Service) AdjustRenewal(ctx context.Context, caller string, in AdjustRenewalInput) (mercato.Agreement, error) {
	if err := checkClientToken(in.ClientToken); err != nil {
		return mercato.Agreement{}, err
	}
	var out mercato.Agreement
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		var err error
		out, err = idempotent(tx, now, caller, "AdjustRenewalPrice", in.ClientToken, in, func() (mercato.Agreement, error) {
			return adjustRenewal(tx, caller, in, now)
		})
		return err
	})
	return out, err
}

func adjustRenewal(tx mercato.Tx, caller string, in AdjustRenewalInput, now time.Time) (mercato.Agreement, error) {
	a, err := agreementAs(tx, caller, in.AgreementID, Proposer, "adjust its renewal price")
	if err != nil {
		return mercato.Agreement{}, err
	}
	r, err := adjustableRenewal(&a, in.Increase, now)
	if err != nil {
		return mercato.Agreement{}, err
	}

	pct := in.Increase
	r.Adjustment = &mercato.RenewalAdjustment{Increase: &pct} // not finalized: adjustableRenewal refuses that
	if err := tx.UpdateAgreement(a); err != nil {
		return mercato.Agreement{}, err
	}
	return a, audit(tx, now, caller, "AdjustRenewalPrice", "Agreement", a.ID, in.ClientToken,
		map[string]any{"priceIncrease": pct, "adjustableUntil": r.AdjustableUntil(a.EndTime)})
}

// adjustableRenewal returns agreement a's renewal term if its seller may set its increase to pct
// at now, or the error that says why not.
func adjustableRenewal(a *mercato.Agreement, pct mercato.Amount, now time.Time) (*mercato.RenewalTerm, error) {
	if a.Status != mercato.AgreementActive {
		return nil, invalid("INACTIVE_AGREEMENT", "agreementId", "agreement %s is %s: only an active agreement's renewal is adjusted", a.ID, a.Status)
	}
	r := a.Terms.Renewal()
	if r == nil {
		return nil, invalid("UNSUPPORTED_ACTION", "agreementId", "agreement %s has no renewal term", a.ID)
	}
	lo, hi, _, ok := r.IncreaseRange()
	if !ok {
		return nil, invalid("UNSUPPORTED_ACTION", "agreementId",
			"the renewal term of agreement %s has no PercentageRange: its price increase is fixed", a.ID)
	}
	if until := r.AdjustableUntil(a.EndTime); !now.Before(until) || r.Adjustment.Finalized() {
		return nil, invalid("UNSUPPORTED_ACTION", "increase",
			"increase can no longer be chosen: the renewal price of agreement %s could be adjusted until %s (%s)", a.ID, mercato.EventTime(until), closedBy(r, a.EndTime))
	}
	if pct < lo || pct > hi {
		return nil, invalid("INVALID_REQUESTED_TERM_CONFIGURATION", "increase",
			"increase must be within the renewal term's range, %s to %s percent; got %s", lo.Format(0), hi.Format(0), pct.Format(0))
	}
	return r, nil
}

// closedBy says what closed a renewal term's adjustment window.
func closedBy(r *mercato.RenewalTerm, end time.Time) string {
	switch until := r.AdjustableUntil(end); {
	case !r.LockoutStart(end).IsZero() && until.Equal(r.LockoutStart(end)):
		return "the lockout period " + r.LockoutPeriod.String() + " before the end"
	case !r.FinalizeTime(end).IsZero() && until.Equal(r.FinalizeTime(end)):
		return "the adjustment deadline " + r.AdjustmentDeadline.String() + " before the end"
	}
	return "the agreement's end"
}

// scheduleRenewalFinalized schedules the finalization of agreement a's renewal terms, if its
// renewal term has a time for it after now. Whether the agreement renews is decided then: the
// buyer may switch auto-renewal until the lockout.
func scheduleRenewalFinalized(tx mercato.Tx, a *mercato.Agreement, now time.Time) error {
	r := a.Terms.Renewal()
	if r == nil || a.EndTime.IsZero() {
		return nil
	}
	due := r.FinalizeTime(a.EndTime)
	if due.IsZero() || !due.After(now) {
		return nil
	}
	return putJob(tx, jobRenewalTermsFinalized, "renewal-finalized:"+a.ID, due, agreementJob{a.ID})
}

// finalizeRenewal fixes the increase of an agreement's coming renewal at its adjustment
// deadline, and tells both parties the renewal's terms. An agreement that no longer renews, or
// whose end moved, is left alone.
func (s *Service) finalizeRenewal(ctx context.Context, j mercato.Job) error {
	return s.onAgreement(ctx, j, func(tx mercato.Tx, a mercato.Agreement) error {
		r := a.Terms.Renewal()
		if a.Status != mercato.AgreementActive || r == nil || r.Adjustment.Finalized() || !r.FinalizeTime(a.EndTime).Equal(j.DueAt) {
			return nil
		}
		if renews, err := renewalOf(tx, &a); err != nil || renews == nil {
			return err
		}
		return s.fixRenewal(tx, &a, r, j.DueAt)
	})
}

// finalizeLate finalizes at now the renewal of agreement a if its terms were due to be finalized
// already but it did not renew then: its buyer turned auto-renewal back on after the deadline.
func (s *Service) finalizeLate(tx mercato.Tx, a *mercato.Agreement, now time.Time) error {
	r := a.Terms.Renewal()
	if r == nil || r.Adjustment.Finalized() {
		return nil
	}
	if due := r.FinalizeTime(a.EndTime); due.IsZero() || now.Before(due) {
		return nil
	}
	if renews, err := renewalOf(tx, a); err != nil || renews == nil {
		return err
	}
	return s.fixRenewal(tx, a, r, now)
}

// fixRenewal finalizes renewal term r of agreement a at time at, with its audit record and
// events.
func (s *Service) fixRenewal(tx mercato.Tx, a *mercato.Agreement, r *mercato.RenewalTerm, at time.Time) error {
	adj := mercato.RenewalAdjustment{}
	if r.Adjustment != nil {
		adj = *r.Adjustment
	}
	adj.FinalIncrease, adj.FinalizedAt = billing.RenewalIncrease(r), &at
	r.Adjustment = &adj
	if err := tx.UpdateAgreement(*a); err != nil {
		return err
	}

	summary, err := renewalSummary(a, r, at)
	if err != nil {
		return err
	}
	if err := audit(tx, at, "system", "FinalizeRenewalTerms", "Agreement", a.ID, "",
		map[string]any{"priceIncrease": adj.FinalIncrease, "tcv": summary.TCV, "currency": summary.Currency}); err != nil {
		return err
	}
	return renewalNotice(tx, mercato.EventAgreementRenewalTermsFinalized, a, summary, at)
}

// renewalSummary is the renewal block of agreement a's renewal events at time at: the renewal's
// contract value at the increase that applies, when its terms were finalized, and the lockout.
func renewalSummary(a *mercato.Agreement, r *mercato.RenewalTerm, at time.Time) (mercato.RenewalTermsSummary, error) {
	tcv, err := renewalValue(a, r)
	if err != nil {
		return mercato.RenewalTermsSummary{}, err
	}
	s := mercato.RenewalTermsSummary{TCV: tcv.FormatIn(a.Currency), Currency: string(a.Currency)}
	if r.Adjustment.Finalized() {
		s.TermsFinalizedTime = mercato.EventTime(*r.Adjustment.FinalizedAt)
	}
	lockout := r.LockoutStart(a.EndTime)
	reached := !lockout.IsZero() && !at.Before(lockout)
	s.LockoutReached = &reached
	if !lockout.IsZero() {
		t := mercato.EventTime(lockout)
		s.LockoutStartTime = &t
	}
	return s, nil
}

// renewalValue returns the contract value of agreement a's renewal at the increase that applies.
func renewalValue(a *mercato.Agreement, r *mercato.RenewalTerm) (mercato.Amount, error) {
	next := *a
	next.Terms = billing.RenewedTerms(a.Terms, billing.RenewalIncrease(r))
	return billing.ContractValue(&next)
}

// renewalNotice emits a renewal event of kind k about agreement a at time at.
func renewalNotice(tx mercato.Tx, k mercato.EventKind, a *mercato.Agreement, summary mercato.RenewalTermsSummary, at time.Time) error {
	sub, err := subjectOf(tx, a)
	if err != nil {
		return err
	}
	return emit(tx, mercato.AgreementRenewal(k, a, sub.parties, summary, sub.product, sub.sellerName, at))
}

// checkLockout refuses, at now, an amendment that turns off the auto-renewal of an agreement
// ending at end inside its renewal term's lockout: requested are the amended terms, current the
// agreement's.
func checkLockout(current, requested mercato.Terms, end, now time.Time) error {
	was := current.Renewal()
	if was == nil || was.Configuration == nil || !was.Configuration.EnableAutoRenew {
		return nil
	}
	lockout := was.LockoutStart(end)
	if lockout.IsZero() || now.Before(lockout) {
		return nil
	}
	if r := requested.Renewal(); r != nil && (r.Configuration == nil || !r.Configuration.EnableAutoRenew) {
		return invalid("UNSUPPORTED_ACTION", "requestedTerms",
			"requestedTerms: auto-renewal can no longer be turned off: the renewal's lockout began at %s (%s before the end)",
			mercato.EventTime(lockout), was.LockoutPeriod)
	}
	return nil
}

// keepAdjustment carries the seller's adjustment of the current renewal term onto amended
// terms, which were quoted before it may have been made.
func keepAdjustment(current, amended mercato.Terms) {
	if was, r := current.Renewal(), amended.Renewal(); was != nil && r != nil {
		r.Adjustment = was.Adjustment
	}
}

// RenewalPlan is what an agreement's parties know of its coming renewal: whether it renews, the
// increase that applies and where it comes from, the seller's window to adjust it, and the
// renewal's price.
type RenewalPlan struct {
	AgreementID string
	Renews      bool
	// Min, Max and Default are the range the seller picks from; Ranged false for a fixed increase.
	Ranged            bool
	Min, Max, Default mercato.Amount
	Chosen            *mercato.Amount // the seller's choice, if any
	Increase          mercato.Amount  // the increase that applies (finalized, chosen, default or fixed)
	AdjustableUntil   time.Time       // when the seller's window closes (ranged only)
	Adjustable        bool            // whether the seller may adjust now
	FinalizeTime      time.Time       // zero: finalized at the renewal itself
	FinalizedAt       *time.Time
	LockoutStart      time.Time // zero without a lockout
	Value             mercato.Amount
	Currency          mercato.Currency
}

// RenewalPlan returns the plan of agreement id's coming renewal to either party. Errors:
// ENotFound (not the caller's agreement), EInvalid (the agreement has no renewal term).
func (s *Service) RenewalPlan(ctx context.Context, caller, id string) (RenewalPlan, error) {
	var out RenewalPlan
	err := s.view(ctx, func(tx mercato.Tx) error {
		a, err := visibleAgreement(tx, caller, id)
		if err != nil {
			return err
		}
		out, err = renewalPlan(tx, &a, s.Now())
		return err
	})
	return out, err
}

func renewalPlan(tx mercato.Tx, a *mercato.Agreement, now time.Time) (RenewalPlan, error) {
	r := a.Terms.Renewal()
	if r == nil {
		return RenewalPlan{}, invalid("UNSUPPORTED_ACTION", "agreementId", "agreement %s has no renewal term", a.ID)
	}
	renews, err := renewalOf(tx, a)
	if err != nil {
		return RenewalPlan{}, err
	}
	p := RenewalPlan{AgreementID: a.ID, Renews: a.Status == mercato.AgreementActive && renews != nil,
		Increase: billing.RenewalIncrease(r), FinalizeTime: r.FinalizeTime(a.EndTime),
		LockoutStart: r.LockoutStart(a.EndTime), Currency: a.Currency}
	p.Min, p.Max, p.Default, p.Ranged = r.IncreaseRange()
	if p.Ranged {
		p.AdjustableUntil = r.AdjustableUntil(a.EndTime)
		_, err := adjustableRenewal(a, p.Min, now)
		p.Adjustable = err == nil
	}
	if adj := r.Adjustment; adj != nil {
		p.Chosen, p.FinalizedAt = adj.Increase, adj.FinalizedAt
	}
	p.Value, err = renewalValue(a, r)
	return p, err
}
