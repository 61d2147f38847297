package service

import (
	"slices"
	"strings"

	"mercato"
	"mercato/datafeed"
)

// madeFeedSource adds to src what a product's maker sees of its products' resales: the
// agreements (without the buyer's price, as AsManufacturer shows them) and, with the seller's
// own documents, the documents whose maker's share it is, in issue order.
func madeFeedSource(tx mercato.Tx, src *datafeed.Source) error {
	made, err := manufacturedAgreements(tx, src.SellerID)
	if err != nil {
		return err
	}
	src.Agreements = append(src.Agreements, made...)
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
