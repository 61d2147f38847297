package service

import (
	"fmt"
	"time"

	"mercato"
)

// Amendments (intent AMEND) change an active agreement's terms in place, where the Agreement
// API allows it without a new offer: the buyer's renewal configuration, which turns
// auto-renewal on or off. Changes of price or quantity need an agreement-based offer (REPLACE).

// quoteAmendment quotes an amendment of the caller's active agreement: its terms with the
// requested renewal configuration, at no charge. Errors: ENotFound (not the caller's agreement),
// EForbidden (the caller is the seller), EInvalid (UNSUPPORTED_ACTION for any other change; the
// agreement is not active; a term it does not have; no renewal term).
func (s *Service) quoteAmendment(tx mercato.Tx, caller string, in CreateAgreementRequestInput, now time.Time) (Quote, error) {
	a, err := agreementAs(tx, caller, in.SourceAgreementID, Acceptor, "amend it")
	if err != nil {
		return Quote{}, err
	}
	for i, r := range in.Terms {
		if r.ConfigurableUpfront != nil || r.VariablePayment != nil {
			return Quote{}, invalid("UNSUPPORTED_ACTION", fmt.Sprintf("requestedTerms[%d]", i),
				"an amendment changes the renewal configuration only; for other changes ask the seller for an agreement-based offer (intent REPLACE)")
		}
	}
	if a.Status != mercato.AgreementActive {
		return Quote{}, invalid("INVALID_SOURCE_AGREEMENT_STATUS", "sourceAgreementIdentifier", "agreement %s is %s: only an active agreement is amended", a.ID, a.Status)
	}
	terms, err := amendedTerms(a.Terms, in.Terms)
	if err != nil {
		return Quote{}, err
	}
	if err := checkLockout(a.Terms, terms, a.EndTime, now); err != nil {
		return Quote{}, err
	}
	req := mercato.AgreementRequest{ID: newID("ar-"), BuyerID: caller, Intent: "AMEND", OfferID: a.OfferID,
		SourceAgreementID: a.ID, Terms: terms, ClientToken: in.ClientToken, CreatedAt: now, ExpiresAt: now.Add(agreementRequestLife)}
	if err := tx.InsertAgreementRequest(req); err != nil {
		return Quote{}, err
	}
	if err := audit(tx, now, caller, "CreateAgreementRequest", "AgreementRequest", req.ID, in.ClientToken,
		map[string]any{"agreementId": a.ID, "intent": "AMEND"}); err != nil {
		return Quote{}, err
	}
	return Quote{Request: req, Summary: ChargeSummary{Currency: a.Currency}}, nil
}

// amendedTerms returns the agreement's terms with the requested renewal configurations; every
// requested term must be the agreement's renewal term.
func amendedTerms(terms mercato.Terms, requested []RequestedTerm) (mercato.Terms, error) {
	out := terms.Clone()
	for i, r := range requested {
		f := fmt.Sprintf("requestedTerms[%d]", i)
		j := termIndex(out, r.ID)
		switch {
		case j < 0:
			return nil, invalid("INVALID_REQUESTED_TERM_ID", f+".id", "the agreement has no term %s", r.ID)
		case out[j].Renewal == nil || r.Renewal == nil:
			return nil, invalid("UNSUPPORTED_ACTION", f, "an amendment changes the renewal configuration of the renewal term only")
		}
		t := *out[j].Renewal
		t.Configuration = r.Renewal
		out[j].Renewal = &t
	}
	return out, nil
}

func termIndex(ts mercato.Terms, id string) int {
	for i := range ts {
		if h, _ := ts[i].Header(); h != nil && h.ID == id {
			return i
		}
	}
	return -1
}

// amend applies an accepted amendment to its agreement, with the events of an amended
// agreement. Errors: EInvalid (the agreement is no longer active).
func (s *Service) amend(tx mercato.Tx, caller string, req *mercato.AgreementRequest, now time.Time) error {
	a, err := agreementAs(tx, caller, req.SourceAgreementID, Acceptor, "amend it")
	if err != nil {
		return err
	}
	if a.Status != mercato.AgreementActive {
		return invalid("INVALID_SOURCE_AGREEMENT_STATUS", "agreementRequestId", "agreement %s is %s: only an active agreement is amended", a.ID, a.Status)
	}
	if err := checkLockout(a.Terms, req.Terms, a.EndTime, now); err != nil {
		return err
	}
	keepAdjustment(a.Terms, req.Terms) // the seller may have adjusted the renewal since the quote
	a.Terms = req.Terms
	if err := tx.UpdateAgreement(a); err != nil {
		return err
	}
	req.AgreementID = a.ID
	if err := tx.UpdateAgreementRequest(*req); err != nil {
		return err
	}
	if err := audit(tx, now, caller, "AmendAgreement", "Agreement", a.ID, "", map[string]any{"agreementRequestId": req.ID}); err != nil {
		return err
	}
	p, err := tx.GetProduct(a.ProductID)
	if err != nil {
		return err
	}
	product := mercato.ProductRef{ID: p.ID, Title: p.Title}
	if err := emit(tx, mercato.AgreementAmended(&a, mercato.AgreementParties(&a, p.SellerID), product, now)); err != nil {
		return err
	}
	return s.finalizeLate(tx, &a, now)
}
