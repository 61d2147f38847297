package service

import (
	"slices"

	"mercato"
)

// createReplacementOfferUsingResaleAuthorization makes a channel partner's draft agreement-based
// offer (a CPPO) that replaces a buyer's active agreement under an authorization the partner
// holds: private to that buyer, for the authorization's product, starting with the
// authorization's legal and support terms. The replaced agreement must be one the partner is
// the seller of record of, for that product. The partner prices it afresh (UpdateMarkup or
// UpdatePricingTerms), and its release is checked against the authorization as a new CPPO's is.
func (p *catalogPlan) createReplacementOfferUsingResaleAuthorization(ch *mercato.Change) error {
	var d struct{ AgreementId, ResaleAuthorizationId, Name, Description string }
	if err := p.creating(ch, &d); err != nil {
		return err
	}
	if d.AgreementId == "" {
		return fieldError("Details.AgreementId", "is required")
	}
	if err := checkOfferName(d.Name); err != nil {
		return err
	}
	if len([]rune(d.Description)) > maxOfferDescription {
		return fieldError("Details.Description", "must be at most %d characters", maxOfferDescription)
	}
	r, err := p.heldAuthorization(d.ResaleAuthorizationId, "Details.ResaleAuthorizationId")
	if err != nil {
		return err
	}
	a, err := p.replacedByPartner(d.AgreementId, r)
	if err != nil {
		return err
	}
	o := p.newOffer(r.ProductID, d.Name)
	o.Listing.Description = d.Description
	o.Visibility, o.Buyers, o.ReplacesAgreementID = "private", []string{a.AcceptorID}, a.ID
	o.Resale = &mercato.Resale{AuthorizationID: r.ID, ManufacturerID: r.ManufacturerID, Wholesale: r.Wholesale,
		Rates: resaleRates(r), Reauthorized: true}
	o.Terms = authorizedTerms(r)
	o.Terms.FillIDs(o.ID)
	ch.EntityID = o.ID
	return nil
}

// replacedByPartner reads the agreement a partner's replacement offer under authorization r
// replaces: active, with the partner as seller of record, for r's product, with a buyer r allows.
func (p *catalogPlan) replacedByPartner(id string, r *mercato.ResaleAuthorization) (*mercato.Agreement, error) {
	a, err := p.tx.GetAgreement(id)
	if err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return nil, err
	}
	if err != nil || a.ProposerID != p.seller {
		return nil, invalid("INVALID_AGREEMENT_ID", "Details.AgreementId",
			"Details.AgreementId names no agreement of which you are the seller of record (%s)", id)
	}
	field := "Details.AgreementId"
	switch {
	case a.ProductID != r.ProductID:
		return nil, invalid("INVALID_AGREEMENT_ID", field, "%s %s is for product %s; resale authorization %s is for product %s",
			field, a.ID, a.ProductID, r.ID, r.ProductID)
	case a.Status != mercato.AgreementActive:
		return nil, invalid("INVALID_AGREEMENT_ID", field, "%s %s is %s: only an active agreement can be replaced", field, a.ID, a.Status)
	case len(r.Buyers) > 0 && !slices.Contains(r.Buyers, a.AcceptorID):
		return nil, invalid("INVALID_BUYER_ACCOUNTS", field, "%s %s: its buyer %s is not one resale authorization %s allows",
			field, a.ID, a.AcceptorID, r.ID)
	}
	return &a, nil
}
