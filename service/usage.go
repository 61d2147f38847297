package service

import (
	"context"
	"time"

	"mercato"
)

// RecordUsage stores metered usage of an agreement's dimension for the hour containing at. The
// same record again is an idempotent success; the same hour with another quantity is EConflict.
// Errors: ENotFound (agreement), EInvalid (quantity, dimension not priced), EConflict.
func (s *Service) RecordUsage(ctx context.Context, agreementID, dimension string, at time.Time, quantity int64) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAgreement(agreementID)
		if err != nil {
			return err
		}
		if quantity < 0 {
			return mercato.Errorf(mercato.EInvalid, "usage quantity must not be negative")
		}
		if u := a.Terms.Usage(); u == nil || !pricesDimension(u, dimension) {
			return mercato.Errorf(mercato.EInvalid, "agreement %s has no usage price for dimension %q", a.ID, dimension)
		}
		if !a.ActiveAt(at) {
			return mercato.Errorf(mercato.EInvalid, "agreement %s was not active at %s", a.ID, at.Format(time.RFC3339))
		}
		r := mercato.UsageRecord{AgreementID: a.ID, Dimension: dimension, Hour: at.UTC().Truncate(time.Hour),
			Quantity: quantity, RecordedAt: s.Now()}
		existing, err := tx.InsertUsage(r)
		if err != nil {
			return err
		}
		if existing != nil && existing.Quantity != quantity {
			return mercato.Errorf(mercato.EConflict, "usage of %s for %s in hour %s was already recorded with quantity %d",
				dimension, a.ID, r.Hour.Format(time.RFC3339), existing.Quantity)
		}
		return nil
	})
}

func pricesDimension(u *mercato.UsageBasedPricingTerm, dim string) bool {
	for _, rc := range u.RateCards {
		for _, it := range rc.RateCard {
			if it.DimensionKey == dim {
				return true
			}
		}
	}
	return false
}
