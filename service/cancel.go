package service

import (
	"context"
	"time"

	"mercato"
)

// CancelInput ends an active agreement now.
type CancelInput struct {
	AgreementID string
	Actor       string // the account cancelling, or "system"
	Reason      string
}

// CancelAgreement cancels an active agreement at the current business time: its charges not yet
// invoiced are cancelled, its recurring fee is pro-rated to the day on the next consolidated
// invoice, and issued invoices stay as they are (refunds are separate adjustments). Errors:
// ENotFound, EConflict (the agreement is not active).
func (s *Service) CancelAgreement(ctx context.Context, in CancelInput) (mercato.Agreement, error) {
	var a mercato.Agreement
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		a, err = cancelAgreement(tx, in, s.Now())
		return err
	})
	return a, err
}

func cancelAgreement(tx mercato.Tx, in CancelInput, now time.Time) (mercato.Agreement, error) {
	a, err := tx.GetAgreement(in.AgreementID)
	if err != nil {
		return a, err
	}
	if err := a.Transition(mercato.AgreementCancelled, now); err != nil {
		return a, err
	}
	a.EndReason = in.Reason
	if err := tx.UpdateAgreement(a); err != nil {
		return a, err
	}
	cancelled, err := cancelPendingCharges(tx, a.ID)
	if err != nil {
		return a, err
	}
	if err := audit(tx, now, in.Actor, "CancelAgreement", "Agreement", a.ID, "",
		map[string]any{"reason": in.Reason, "cancelledCharges": cancelled}); err != nil {
		return a, err
	}
	return a, agreementEnded(tx, &a, now)
}
