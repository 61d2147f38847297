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

// resaleOf returns the resale terms of agreement a accepted from offer o: the offer's, with the
// buyer's price the contract's actual value, so that the maker's share of each invoice is its
// wholesale price over what the buyer agreed to pay. When the maker rates a configurable
// contract, the buyer's configured lines are left out of that price, as they are when the offer
// is released: billing.ResaleInvoiceSplit gives the maker its rate card for them, and splits
// only the other lines by wholesale over price. An offer with no such value (usage alone, or a
// configured contract alone) keeps the price the partner gave. Nil for a direct offer.
func resaleOf(o *mercato.Offer, a *mercato.Agreement) (*mercato.Resale, error) {
	if o.Resale == nil {
		return nil, nil
	}
	r := *o.Resale
	value := a.Value
	if len(r.ContractRates()) > 0 {
		var err error
		if value, err = resaleContractValue(a.Terms, a.StartTime); err != nil {
			return nil, err
		}
	}
	if value > 0 {
		r.Price = max(value, r.Wholesale)
	}
	return &r, nil
}
