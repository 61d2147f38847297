package service

import (
	"mercato"
)

// checkResaleOffer checks a channel partner's offer of another seller's product: the partner
// (the offer's seller) is a seller account other than the maker, the resale names the product's
// maker (filled in when left out), its terms are valid, and the offer is private, as every
// channel-partner offer is. Errors: EInvalid, ENotFound (the partner).
func checkResaleOffer(tx mercato.Tx, o *mercato.Offer, p *mercato.Product) error {
	if o.Resale.AuthorizationID != "" && o.Resale.Price == 0 { // named, not priced: the authorization decides
		if err := resaleFromAuthorization(tx, o); err != nil {
			return err
		}
	}
	if o.Resale.ManufacturerID == "" {
		o.Resale.ManufacturerID = p.SellerID
	}
	if o.Resale.ManufacturerID != p.SellerID {
		return mercato.Errorf(mercato.EInvalid, "resale of product %s names maker %s; the product's seller is %s",
			p.ID, o.Resale.ManufacturerID, p.SellerID)
	}
	if err := o.Resale.Validate(o.SellerID); err != nil {
		return err
	}
	if !o.IsPrivate() {
		return mercato.Errorf(mercato.EInvalid, "channel-partner offer %s must be private", o.ID)
	}
	partner, err := tx.GetAccount(o.SellerID)
	if err != nil {
		return err
	}
	if !partner.HasRole(mercato.RoleSeller) {
		return mercato.Errorf(mercato.EInvalid, "account %s resells product %s but is not a seller", o.SellerID, p.ID)
	}
	return nil
}

// resaleOf returns the resale terms of an agreement accepted from offer o for a contract of
// value: the offer's, with the buyer's price the contract's actual value, so that the maker's
// share of each invoice is its wholesale price over what the buyer agreed to pay. An offer with
// no contract value (usage alone) keeps the price the partner gave. Nil for a direct offer.
func resaleOf(o *mercato.Offer, value mercato.Amount) *mercato.Resale {
	if o.Resale == nil {
		return nil
	}
	r := *o.Resale
	if value > 0 {
		r.Price = max(value, r.Wholesale)
	}
	return &r
}
