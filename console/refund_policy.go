package console

import (
	"context"

	"mercato"
)

// sellerContact is what a buyer sees of how to get a refund: the refund policy that applies and
// who the seller is (seed 001: every paid product states a refund policy, with how to reach the
// seller).
type sellerContact struct {
	RefundPolicy string
	Seller       string
	SellerID     string
}

// contactOf returns the refund policy of the terms' support term, else the product's, with the
// seller's name.
func (c *Console) contactOf(ctx context.Context, productID, sellerID string, ts mercato.Terms) sellerContact {
	v := sellerContact{Seller: c.names(ctx).Account(sellerID), SellerID: sellerID}
	for _, t := range ts {
		if t.Support != nil && t.Support.RefundPolicy != "" {
			v.RefundPolicy = t.Support.RefundPolicy
			return v
		}
	}
	if p, err := c.svc.Product(ctx, productID); err == nil {
		v.RefundPolicy = p.RefundPolicy
	}
	return v
}
