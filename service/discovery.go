package service

import (
	"context"

	"mercato"
)

// DiscoveredOffer is an offer as the Discovery API shows it to one caller: the offer, its
// product, its seller, and how the caller stands with it.
type DiscoveredOffer struct {
	Offer   mercato.Offer
	Product mercato.Product
	Seller  mercato.Account
	// Status is the caller's view of a private offer: AVAILABLE, ACCEPTED or EXPIRED (public
	// offers are AVAILABLE).
	Status string
}

// Purchase statuses of a private offer as its buyer sees it.
const (
	OfferAvailable = "AVAILABLE"
	OfferAccepted  = "ACCEPTED"
	OfferExpired   = "EXPIRED"
)

// visibleOffer returns the offer if the caller may see it through the Discovery API (see
// offerVisibleTo): released, of a product the caller sees, and the caller's own, or public or
// targeting the caller and available in its country. Anything else is ENotFound, so that
// drafts, others' private offers, limited listings and offers targeted away from the caller's
// country do not leak.
func visibleOffer(tx mercato.Tx, caller, id string) (mercato.Offer, error) {
	o, err := tx.GetOffer(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return mercato.Offer{}, hiddenOffer("Offer", id, caller)
	}
	if err != nil {
		return o, err
	}
	p, err := tx.GetProduct(o.ProductID)
	if err != nil {
		return o, err
	}
	viewer, err := tx.GetAccount(caller)
	if err != nil {
		return o, err
	}
	if !offerVisibleTo(&o, &p, &viewer) {
		return mercato.Offer{}, hiddenOffer("Offer", id, caller)
	}
	return o, nil
}

// offerVisibleTo reports whether the viewer may see the offer of product p: its own, or
// released, of a product it sees, public or targeting it, and available in its country.
func offerVisibleTo(o *mercato.Offer, p *mercato.Product, viewer *mercato.Account) bool {
	if o.SellerID == viewer.ID {
		return o.Released() && productVisibleTo(p, viewer.ID)
	}
	return o.Released() && productVisibleTo(p, viewer.ID) && (!o.IsPrivate() || o.Targets(viewer.ID)) &&
		o.AvailableIn(viewer.Country())
}

// DiscoverOffer returns an offer the caller may see. Errors: ENotFound.
func (s *Service) DiscoverOffer(ctx context.Context, caller, id string) (DiscoveredOffer, error) {
	var d DiscoveredOffer
	err := s.view(ctx, func(tx mercato.Tx) error {
		o, err := visibleOffer(tx, caller, id)
		if err != nil {
			return err
		}
		d, err = s.discovered(tx, caller, o)
		return err
	})
	return d, err
}

// discovered completes an offer with its product, its seller and the caller's status.
func (s *Service) discovered(tx mercato.Tx, caller string, o mercato.Offer) (DiscoveredOffer, error) {
	d := DiscoveredOffer{Offer: o, Status: OfferAvailable}
	var err error
	if d.Product, err = tx.GetProduct(o.ProductID); err != nil {
		return d, err
	}
	if d.Seller, err = tx.GetAccount(o.SellerID); err != nil {
		return d, err
	}
	if !o.IsPrivate() {
		return d, nil
	}
	accepted, err := tx.ListAgreements(mercato.AgreementFilter{OfferID: o.ID, AcceptorID: caller, Limit: 1})
	switch {
	case err != nil:
		return d, err
	case len(accepted) > 0:
		d.Status = OfferAccepted
	case o.ExpiredAt(s.Now()):
		d.Status = OfferExpired
	}
	return d, nil
}

// DiscoverOffers returns the offers the caller may see (public ones of released offers, the
// private offers targeting it, expired and accepted ones included), by offer ID, optionally
// of one product.
func (s *Service) DiscoverOffers(ctx context.Context, caller, productID string) ([]DiscoveredOffer, error) {
	var out []DiscoveredOffer
	err := s.view(ctx, func(tx mercato.Tx) error {
		offers, err := tx.ListOffers(mercato.OfferFilter{ProductID: productID})
		if err != nil {
			return err
		}
		viewer, err := tx.GetAccount(caller)
		if err != nil {
			return err
		}
		products := productCache{tx: tx, byID: map[string]mercato.Product{}}
		for _, o := range offers {
			p, err := products.get(o.ProductID)
			if err != nil {
				return err
			}
			if !offerVisibleTo(&o, &p, &viewer) {
				continue
			}
			d, err := s.discovered(tx, caller, o)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// DiscoverProduct returns a product the caller may see (productVisibleTo). Errors: ENotFound.
func (s *Service) DiscoverProduct(ctx context.Context, caller, id string) (mercato.Product, mercato.Account, error) {
	var p mercato.Product
	var seller mercato.Account
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		p, err = tx.GetProduct(id)
		if mercato.ErrorCodeOf(err) == mercato.ENotFound {
			return mercato.NotFound("Product", id)
		}
		if err != nil {
			return err
		}
		if !productVisibleTo(&p, caller) {
			return mercato.NotFound("Product", id)
		}
		seller, err = tx.GetAccount(p.SellerID)
		return err
	})
	return p, seller, err
}

// productCache reads each product of a listing once.
type productCache struct {
	tx   mercato.Tx
	byID map[string]mercato.Product
}

func (c *productCache) get(id string) (mercato.Product, error) {
	if p, ok := c.byID[id]; ok {
		return p, nil
	}
	p, err := c.tx.GetProduct(id)
	if err == nil {
		c.byID[id] = p
	}
	return p, err
}

// DiscoverProducts returns the products of the marketplace the caller may see (public ones, and
// the limited listings that allow-list it or are its own), by ID.
func (s *Service) DiscoverProducts(ctx context.Context, caller string) ([]mercato.Product, map[string]mercato.Account, error) {
	var out []mercato.Product
	sellers := map[string]mercato.Account{}
	err := s.view(ctx, func(tx mercato.Tx) error {
		all, err := tx.ListProducts("")
		if err != nil {
			return err
		}
		for _, p := range all {
			if !productVisibleTo(&p, caller) {
				continue
			}
			if _, ok := sellers[p.SellerID]; !ok {
				if sellers[p.SellerID], err = tx.GetAccount(p.SellerID); err != nil {
					return err
				}
			}
			out = append(out, p)
		}
		return nil
	})
	return out, sellers, err
}
