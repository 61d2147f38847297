package service

import (
	"context"
	"slices"
	"strconv"
	"time"

	"mercato"
)

// ResaleAuthorizationUse is a resale authorization with what its reseller made of it, as the
// console and the CLI list them.
type ResaleAuthorizationUse struct {
	mercato.ResaleAuthorization
	// Offers are the IDs of the reseller's offers made with it, drafts included; Released counts
	// those released, which its offer limit counts.
	Offers   []string `json:"offers,omitempty"`
	Released int      `json:"released"`
	// Unusable says why the reseller may not make a new offer with it now, or "".
	Unusable string `json:"unusable,omitempty"`
}

// ResaleAuthorizations returns the resale authorizations the caller grants as a product's maker
// (drafts included) and those it holds as a channel partner (released or restricted ones: a
// draft is its maker's alone), each ordered by ID, with the offers made with them.
func (s *Service) ResaleAuthorizations(ctx context.Context, caller string) (granted, held []ResaleAuthorizationUse, err error) {
	now := s.Now()
	err = s.view(ctx, func(tx mercato.Tx) error {
		all, err := tx.ListResaleAuthorizations(caller)
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.ManufacturerID != caller && (r.ResellerID != caller || r.State == mercato.ResaleAuthorizationDraft) {
				continue
			}
			use, err := resaleUse(tx, r, now)
			if err != nil {
				return err
			}
			if r.ManufacturerID == caller {
				granted = append(granted, use)
			} else {
				held = append(held, use)
			}
		}
		return nil
	})
	return granted, held, err
}

// resaleUse reads the offers made with r and says whether its reseller may make another.
func resaleUse(tx mercato.Tx, r mercato.ResaleAuthorization, now time.Time) (ResaleAuthorizationUse, error) {
	use := ResaleAuthorizationUse{ResaleAuthorization: r, Unusable: r.Usable(now)}
	offers, err := offersWith(tx, &r)
	if err != nil {
		return use, err
	}
	for _, o := range offers {
		use.Offers = append(use.Offers, o.ID)
		if o.Released() {
			use.Released++
		}
	}
	switch {
	case use.Unusable != "":
	case len(r.Terms) == 0:
		use.Unusable = "has no pricing terms"
	case r.MaxOffers > 0 && use.Released >= r.MaxOffers:
		use.Unusable = "allows " + strconv.Itoa(r.MaxOffers) + " offers, all made"
	}
	return use, nil
}

// offersWith returns the offers r's reseller made with r, drafts included, ordered as the store
// lists them.
func offersWith(tx mercato.Tx, r *mercato.ResaleAuthorization) ([]mercato.Offer, error) {
	offers, err := tx.ListOffers(mercato.OfferFilter{SellerID: r.ResellerID, ProductID: r.ProductID})
	return slices.DeleteFunc(offers, func(o mercato.Offer) bool { return o.Resale == nil || o.Resale.AuthorizationID != r.ID }), err
}

// ResaleAvailabilityEndDate is the last day (YYYY-MM-DD) on which the partner may make offers
// with r, "" when r sets none.
func ResaleAvailabilityEndDate(r *mercato.ResaleAuthorization) string {
	if r.ExpiresAt.IsZero() {
		return ""
	}
	return r.ExpiresAt.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
}

// SellerProducts returns the products the caller makes, ordered by ID: those it may authorize
// channel partners to resell.
func (s *Service) SellerProducts(ctx context.Context, caller string) ([]mercato.Product, error) {
	var out []mercato.Product
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListProducts(caller)
		return err
	})
	return out, err
}
