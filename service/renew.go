package service

import (
	"time"

	"mercato"
	"mercato/billing"
)

// Renewals: an agreement whose buyer left auto-renewal on renews at its end into a new agreement
// of the same offer and terms, each price raised as the renewal term says, at the listing fee of
// renewals; the previous agreement becomes RENEWED and the new one names it as its source. An
// agreement renews at most MaxRenewals times, and only if its terms can repeat (see
// billing.Renewable); otherwise it expires.

// renewalOf returns the agreement's renewal term if the agreement renews at its end, or nil.
func renewalOf(tx mercato.Tx, a *mercato.Agreement) (*mercato.RenewalTerm, error) {
	if b, _ := EndTimeBehavior(a); b != "RENEW" || !billing.Renewable(a.Terms) {
		return nil, nil
	}
	r := a.Terms.Renewal()
	if r.MaxRenewals == nil {
		return r, nil
	}
	n, err := renewalsBefore(tx, a)
	if err != nil || n >= *r.MaxRenewals {
		return nil, err
	}
	return r, nil
}

// renewalsBefore counts the renewals that led to the agreement: its sources that were RENEWED.
func renewalsBefore(tx mercato.Tx, a *mercato.Agreement) (int, error) {
	n := 0
	for id := a.SourceAgreementID; id != ""; {
		src, err := tx.GetAgreement(id)
		if err != nil {
			return 0, err
		}
		if src.Status != mercato.AgreementRenewed {
			break
		}
		n++
		id = src.SourceAgreementID
	}
	return n, nil
}

// renew ends the agreement as RENEWED at time at and makes its renewal, invoiced and scheduled
// as an acceptance would be.
func (s *Service) renew(tx mercato.Tx, a *mercato.Agreement, r *mercato.RenewalTerm, at time.Time) error {
	var c acceptance
	var err error
	if c.offer, err = tx.GetOffer(a.OfferID); err != nil {
		return err
	}
	if c.product, err = tx.GetProduct(a.ProductID); err != nil {
		return err
	}
	if c.buyer, err = tx.GetAccount(a.AcceptorID); err != nil {
		return err
	}
	c.offer.Renewal, c.source = true, a // renewals have their own listing fee
	next, err := newAgreement(AcceptInput{Terms: billing.RenewedTerms(a.Terms, billing.RenewalIncrease(r))}, &c, at)
	if err != nil {
		return err
	}
	// A resale renews as a resale, the wholesale following the buyer's price, whatever its
	// authorization's state now: that governs new offers only (see billing.RenewedResale).
	next.Resale = billing.RenewedResale(a.Resale, next.Value, next.Currency)
	if err := a.Transition(mercato.AgreementRenewed, at); err != nil {
		return err
	}
	if err := tx.UpdateAgreement(*a); err != nil {
		return err
	}
	if err := tx.InsertAgreement(next); err != nil {
		return err
	}
	if err := s.scheduleAgreement(tx, &next, at, next.ID, nil); err != nil {
		return err
	}
	if err := audit(tx, at, "system", "RenewAgreement", "Agreement", a.ID, "",
		map[string]any{"renewedBy": next.ID, "priceIncrease": billing.RenewalIncrease(r), "agreementValue": next.Value}); err != nil {
		return err
	}
	if err := agreementEnded(tx, a, at); err != nil {
		return err
	}
	return agreementStarted(tx, &next, &c.product, mercato.IntentRenew)
}
