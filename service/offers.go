package service

import (
	"context"

	"mercato"
)

// CreateOffer publishes an offer of one of the seller's products: public (one per product) or
// private to 1-26 buyers until it expires. Term IDs default to "<offer>-term-<n>". Errors:
// EInvalid (the offer's own rules, a paid offer of a product without a refund policy), ENotFound
// (not the caller's product), EConflict (the ID is taken, or the product has a public offer).
func (s *Service) CreateOffer(ctx context.Context, caller string, o mercato.Offer) (mercato.Offer, error) {
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		p, err := tx.GetProduct(o.ProductID)
		if err != nil || p.SellerID != caller {
			return mercato.NotFound("Product", o.ProductID)
		}
		o.SellerID = caller
		if _, err := tx.GetOffer(o.ID); err == nil {
			return conflict("Offer", o.ID, "offer %s already exists", o.ID)
		}
		o.Terms.FillIDs(o.ID)
		if o.ProposalID == "" {
			o.ProposalID = proposalID(o.ID)
		}
		if err := putOffer(tx, o); err != nil {
			return err
		}
		return audit(tx, s.Now(), caller, "CreateOffer", "Offer", o.ID, "",
			map[string]any{"product": o.ProductID, "visibility": o.Visibility, "buyers": o.Buyers})
	})
	return o, err
}
