package service

import (
	"mercato"
	"mercato/datafeed"
)

// madeFeedSource adds to src what a product's maker sees of its products' resales: the
// agreements, without the buyer's price, as AsManufacturer shows them. The documents whose
// maker's share is the seller's come with its own (feedPages.documents).
func madeFeedSource(tx mercato.Tx, src *datafeed.Source) error {
	made, err := manufacturedAgreements(tx, src.SellerID)
	if err != nil {
		return err
	}
	src.Agreements = append(src.Agreements, made...)
	return nil
}
