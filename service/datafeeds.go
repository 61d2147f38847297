package service

import (
	"context"
	"slices"

	"mercato"
	"mercato/datafeed"
)

// WriteSellerFeeds writes a seller's records to sink as AWS Marketplace's seller data feeds
// (package datafeed), read in one snapshot at the current business time. The records the size
// of the seller's catalog (accounts, products, offers, agreements) are read first; documents
// and payouts are read a page at a time as their rows are written, so that the memory an
// export takes does not grow with them. It is a read for the seller and for operators:
// transports check who asks, as for the revenue reports. Errors: ENotFound (no such account),
// EInvalid (not a seller), and sink's.
func (s *Service) WriteSellerFeeds(ctx context.Context, sellerID string, sink datafeed.Sink) error {
	src := datafeed.Stream{Source: datafeed.Source{SellerID: sellerID, AsOf: s.Now()}}
	out := &begunSink{Sink: sink}
	return s.view(ctx, func(tx mercato.Tx) error {
		// A store retries a transaction the database interrupted; the rows written in the
		// first attempt cannot be taken back, so the export fails instead of writing twice.
		if out.begun {
			return mercato.Errorf(mercato.EThrottled, "the export of %s was interrupted by the database; retry it", sellerID)
		}
		if err := feedSource(tx, &src.Source); err != nil {
			return err
		}
		pages := feedPages{tx: tx, seller: sellerID}
		src.EachDocument, src.EachPayout, src.EachPaidDocument = pages.documents, pages.payouts, pages.paidDocuments
		return datafeed.Write(src, out)
	})
}

// begunSink is a Sink that notes whether a feed was begun.
type begunSink struct {
	datafeed.Sink
	begun bool
}

// Begin notes that a feed was begun and begins it.
func (b *begunSink) Begin(name string, header []string) error {
	b.begun = true
	return b.Sink.Begin(name, header)
}

// SellerFeeds returns a seller's feeds as WriteSellerFeeds writes them, every row in memory:
// for small exports and tests. Errors: as WriteSellerFeeds's.
func (s *Service) SellerFeeds(ctx context.Context, sellerID string) ([]datafeed.Feed, error) {
	var c datafeed.Collector
	if err := s.WriteSellerFeeds(ctx, sellerID, &c); err != nil {
		return nil, err
	}
	return c.Feeds, nil
}

// feedSource reads into src the records of the seller's feeds the size of its catalog: its
// account, offers and agreements, and the products and accounts they name.
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
	return feedParties(tx, src, seller)
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
