package service

import (
	"context"
	"slices"

	"mercato"
	"mercato/datafeed"
)

// SellerFeeds returns a seller's records as AWS Marketplace's seller data feeds (package
// datafeed), read in one snapshot at the current business time. It is a read for the seller
// and for operators: transports check who asks, as for the revenue reports. It holds all the
// seller's documents in memory at once. Errors: ENotFound (no such account), EInvalid (not a
// seller).
func (s *Service) SellerFeeds(ctx context.Context, sellerID string) ([]datafeed.Feed, error) {
	src := datafeed.Source{SellerID: sellerID, AsOf: s.Now()}
	err := s.view(ctx, func(tx mercato.Tx) error { return feedSource(tx, &src) })
	if err != nil {
		return nil, err
	}
	return datafeed.Build(src), nil
}

// feedSource reads what the seller's feeds are built from into src.
func feedSource(tx mercato.Tx, src *datafeed.Source) error {
	seller, err := tx.GetAccount(src.SellerID)
	if err != nil {
		return err
	}
	if !seller.HasRole(mercato.RoleSeller) {
		return mercato.Errorf(mercato.EInvalid, "account %s is not a seller", src.SellerID)
	}
	if src.Offers, err = tx.ListOffers(mercato.OfferFilter{SellerID: src.SellerID}); err != nil {
		return err
	}
	if src.Agreements, err = tx.ListAgreements(mercato.AgreementFilter{ProposerID: src.SellerID}); err != nil {
		return err
	}
	if err := madeFeedSource(tx, src); err != nil {
		return err
	}
	if err := feedParties(tx, src, seller); err != nil {
		return err
	}
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
}

// feedParties reads the products of the seller's offers and agreements and the accounts of its
// buyers and of the partners that resold its products, each once, without their access keys.
func feedParties(tx mercato.Tx, src *datafeed.Source, seller mercato.Account) error {
	var products, buyers []string
	for _, o := range src.Offers {
		products = append(products, o.ProductID)
	}
	for _, a := range src.Agreements {
		products = append(products, a.ProductID)
		buyers = append(buyers, a.AcceptorID)
		if a.ProposerID != seller.ID { // a partner that resold the seller's product
			buyers = append(buyers, a.ProposerID)
		}
	}
	slices.Sort(products)
	for _, id := range slices.Compact(products) {
		p, err := tx.GetProduct(id)
		if err != nil {
			return err
		}
		src.Products = append(src.Products, p)
	}
	seller.AccessKeys = nil
	src.Accounts = append(src.Accounts, seller)
	slices.Sort(buyers)
	for _, id := range slices.Compact(buyers) {
		a, err := tx.GetAccount(id)
		if err != nil {
			return err
		}
		a.AccessKeys = nil
		src.Accounts = append(src.Accounts, a)
	}
	return nil
}

// Sellers returns the IDs of every seller, for exports that cover them all (an operator's
// read: transports check who asks).
func (s *Service) Sellers(ctx context.Context) ([]string, error) {
	var out []string
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = reportSellers(tx, "")
		return err
	})
	return out, err
}
