package service

import (
	"context"
	"slices"
	"strings"

	"mercato"
	"mercato/datafeed"
)

// MemorySellerFeeds returns a seller's feeds as exports built them before they were streamed:
// every document, payout and payout line read at once into a datafeed.Source, then built in
// memory. It is the reference the streamed exports are compared with.
func MemorySellerFeeds(ctx context.Context, s *Service, sellerID string) ([]datafeed.Feed, error) {
	src := datafeed.Source{SellerID: sellerID, AsOf: s.Now()}
	err := s.view(ctx, func(tx mercato.Tx) error {
		if err := feedSource(tx, &src); err != nil {
			return err
		}
		if err := memoryDocuments(tx, &src); err != nil {
			return err
		}
		var err error
		if src.Payouts, err = tx.ListPayouts(mercato.PayoutFilter{SellerID: src.SellerID}); err != nil {
			return err
		}
		for i := range src.Payouts {
			p := &src.Payouts[i]
			if p.LineItems, err = tx.ListPayoutLines(mercato.PayoutLineFilter{PayoutID: p.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return datafeed.Build(src), nil
}

// memoryDocuments reads the seller's documents and those whose maker's share is its, in issue
// order, then ID.
func memoryDocuments(tx mercato.Tx, src *datafeed.Source) error {
	own, err := tx.InvoicesIssued(mercato.IssuedFilter{SellerID: src.SellerID})
	if err != nil {
		return err
	}
	resold, err := tx.InvoicesIssued(mercato.IssuedFilter{MakerID: src.SellerID})
	if err != nil {
		return err
	}
	src.Documents = append(own, resold...)
	slices.SortStableFunc(src.Documents, func(a, b mercato.Invoice) int {
		if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return nil
}
