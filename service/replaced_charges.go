package service

import (
	"context"
	"time"

	"mercato"
)

// CancelReplacedCharges stops the payments still to come of an agreement that a new offer
// replaced: an AMI hourly or annual agreement keeps its payment schedule when the buyer accepts
// another offer of the product, "unless the seller cancels" it (seed 003). It cancels the
// agreement's charges not yet invoiced and returns their IDs; invoices already issued stay, and
// are refunded, if at all, by billing adjustments. Calling it again cancels nothing more and
// returns an empty list. Errors: EInvalid (malformed agreement ID), ENotFound (no such agreement
// of the caller's), EForbidden (the caller is the buyer), EConflict (the agreement is not
// REPLACED: an active agreement's future payments are stopped by a cancellation request).
func (s *Service) CancelReplacedCharges(ctx context.Context, caller, agreementID string) ([]string, error) {
	if !mercato.ValidResourceID(agreementID) {
		return nil, invalid("INVALID_AGREEMENT_ID", "agreementId", "agreementId must be 1-64 letters, digits, _ / -")
	}
	var ids []string
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		ids, err = cancelReplacedCharges(tx, caller, agreementID, s.Now())
		return err
	})
	return ids, err
}

// cancelReplacedCharges cancels the pending charges of the caller's replaced agreement at time
// now, with its audit record and events; when none is pending it changes nothing.
func cancelReplacedCharges(tx mercato.Tx, caller, id string, now time.Time) ([]string, error) {
	a, err := agreementAs(tx, caller, id, Proposer, "stop its pending payments")
	if err != nil {
		return nil, err
	}
	if err := checkReplaced(&a); err != nil {
		return nil, err
	}
	ids, err := cancelPendingCharges(tx, a.ID)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	if err := audit(tx, now, caller, "CancelReplacedCharges", "Agreement", a.ID, "",
		map[string]any{"cancelledCharges": ids, "replacedBy": a.ReplacedBy()}); err != nil {
		return nil, err
	}
	return ids, paymentsCancelledEvents(tx, &a, ids, now)
}

// checkReplaced refuses an agreement that is not REPLACED. Cancelling and expiring already
// cancel what is pending; an active agreement keeps its payments until a cancellation request,
// which the buyer approves, ends it.
func checkReplaced(a *mercato.Agreement) error {
	switch a.Status {
	case mercato.AgreementReplaced:
		return nil
	case mercato.AgreementActive:
		return conflict("Agreement", a.ID, "agreement %s is ACTIVE: only a replaced agreement's pending payments are "+
			"stopped this way; an active agreement's future payments are stopped by a cancellation request", a.ID)
	}
	return conflict("Agreement", a.ID, "agreement %s is %s: only a replaced agreement's pending payments are stopped this way",
		a.ID, a.Status)
}

// paymentsCancelledEvents tells both parties which of the agreement's charges will not be
// invoiced. AWS has no event for it (its agreement events carry no charges): it is mercato's own.
func paymentsCancelledEvents(tx mercato.Tx, a *mercato.Agreement, ids []string, now time.Time) error {
	return emit(tx, mercato.PendingChargesCancelled(a, mercato.Parties{Proposer: a.ProposerID, Acceptor: a.AcceptorID}, ids, now))
}

// PendingCharges returns the charges of one of the seller's agreements that are scheduled and
// not invoiced yet, in time order. Errors: ENotFound (no such agreement of the caller's),
// EForbidden (the caller is the buyer).
func (s *Service) PendingCharges(ctx context.Context, caller, agreementID string) ([]mercato.Charge, error) {
	var out []mercato.Charge
	err := s.view(ctx, func(tx mercato.Tx) error {
		if _, err := agreementAs(tx, caller, agreementID, Proposer, "list its pending charges"); err != nil {
			return err
		}
		var err error
		out, err = tx.ListCharges(mercato.ChargeFilter{AgreementID: agreementID, Status: mercato.ChargePending})
		return err
	})
	return out, err
}
