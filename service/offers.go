package service

import (
	"context"
	"errors"
	"time"

	"mercato"
)

// CreateOffer publishes an offer of one of the seller's products: public (one per product) or
// private to 1-26 buyers until it expires. Term IDs default to "<offer>-term-<n>". Errors:
// EInvalid (the offer's own rules, a paid offer of a product without a refund policy, a private
// offer that expires at or before the business time, a private offer of a seller without a
// public product that has a paid public offer, reason PRIVATE_OFFER_PREREQUISITE), ENotFound
// (not the caller's product), EConflict (the ID is taken, or the product has a public offer).
func (s *Service) CreateOffer(ctx context.Context, caller string, o mercato.Offer) (mercato.Offer, error) {
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		p, err := tx.GetProduct(o.ProductID)
		if err != nil || p.SellerID != caller {
			return mercato.NotFound("Product", o.ProductID)
		}
		o.SellerID = caller
		if err := checkExpiry(&o, s.Now()); err != nil {
			return err
		}
		if _, err := tx.GetOffer(o.ID); err == nil {
			return conflict("Offer", o.ID, "offer %s already exists", o.ID)
		}
		if o.IsPrivate() {
			if ok, err := hasPaidPublicProduct(tx, caller); err != nil || !ok {
				return cmpErr(err, invalid("PRIVATE_OFFER_PREREQUISITE", "visibility",
					"a seller makes private offers only once it has a public product with a released, paid public offer"))
			}
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

// cmpErr returns err if it is not nil, else alt.
func cmpErr(err error, alt *mercato.Error) error {
	if err != nil {
		return err
	}
	return alt
}

// checkExpiry refuses a private offer that no buyer could ever accept, because it expires at or
// before now. Scenarios may still describe such offers (putOffer): they record a marketplace's
// past, while a seller creating one now has only mistyped the date.
func checkExpiry(o *mercato.Offer, now time.Time) error {
	if !o.IsPrivate() || o.ExpiresAt.IsZero() || o.ExpiresAt.After(now) {
		return nil
	}
	return invalid("", "expires", "private offer %s expires at %s, which is already past (business time %s): choose a later expiry",
		o.ID, o.ExpiresAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
}

// BuyerOffer is an offer as one buyer sees it: whether the buyer may accept it now, why not,
// and the buyer's active agreement for the same product that an acceptance would duplicate
// (then it is not available) or replace.
type BuyerOffer struct {
	mercato.Offer
	Available bool
	Why       string // the refusal's message
	Reason    string // the refusal's reason, e.g. EXPIRED_AGREEMENT_PROPOSAL, DUPLICATE_AGREEMENT
	Active    *mercato.Agreement
	// Replaces is the buyer's active agreement that an acceptance would replace, its terms
	// overridden by the offer's (AMI hourly and annual).
	Replaces *mercato.Agreement
}

// BuyerOffers returns the offers a buyer may see, judged by the rules of acceptance now: every
// public offer of another account, and the private offers that target the buyer (expired ones
// too, marked so). Errors: ENotFound (unknown account).
func (s *Service) BuyerOffers(ctx context.Context, caller string) ([]BuyerOffer, error) {
	var out []BuyerOffer
	err := s.view(ctx, func(tx mercato.Tx) error {
		buyer, err := tx.GetAccount(caller)
		if err != nil {
			return err
		}
		offers, err := tx.ListOffers(mercato.OfferFilter{})
		if err != nil {
			return err
		}
		active, err := tx.ListAgreements(mercato.AgreementFilter{AcceptorID: caller, Status: mercato.AgreementActive})
		if err != nil {
			return err
		}
		now := s.Now()
		products := productCache{tx: tx, byID: map[string]mercato.Product{}}
		for _, o := range offers {
			p, err := products.get(o.ProductID)
			if err != nil {
				return err
			}
			if o.SellerID == caller || !offerVisibleTo(&o, &p, &buyer) {
				continue
			}
			v, err := judgeOffer(tx, &buyer, o, active, now)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// judgeOffer applies the rules of acceptance to one offer for the buyer, whose active
// agreements are given. Errors: those of the store, not the refusals.
func judgeOffer(tx mercato.Tx, buyer *mercato.Account, o mercato.Offer, active []mercato.Agreement, now time.Time) (BuyerOffer, error) {
	v := BuyerOffer{Offer: o, Available: true}
	c := acceptance{buyer: *buyer, offer: o}
	err := judge(tx, &c, "", now, active)
	var refusal *mercato.Error
	switch {
	case err == nil:
		if c.overrides {
			v.Replaces = c.source
		}
	case errors.As(err, &refusal) && refuses(refusal.Code):
		v.Available, v.Why, v.Reason = false, refusal.Message, refusal.Reason
		if refusal.Reason == "DUPLICATE_AGREEMENT" {
			v.Active = agreementIn(active, refusal.ResourceID)
		}
	default:
		return v, err
	}
	return v, nil
}

// refuses reports whether an error of the code refuses an acceptance, rather than failing to
// judge it.
func refuses(code mercato.ErrorCode) bool {
	switch code {
	case mercato.EInvalid, mercato.ENotFound, mercato.EForbidden, mercato.EConflict:
		return true
	}
	return false
}

// agreementIn returns the agreement with the ID, or nil.
func agreementIn(as []mercato.Agreement, id string) *mercato.Agreement {
	for i := range as {
		if as[i].ID == id {
			return &as[i]
		}
	}
	return nil
}
