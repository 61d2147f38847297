package sqlstore

import (
	"mercato"
)

var (
	productCols = []string{"id", "seller_id", "type", "title", "product_code", "refund_policy",
		"visibility", "dimensions", "fulfillment_url", "customer_identifier", "allowed_buyers"}
	offerCols = []string{"id", "proposal_id", "product_id", "seller_id", "visibility", "buyers",
		"expires_at", "terms", "replaces_agreement_id", "renewal", "channel_partner", "state", "listing", "resale"}
)

var (
	upsertProduct  = upsertSQL("products", productCols)
	selectProducts = selectSQL("products", productCols)
	upsertOffer    = upsertSQL("offers", offerCols)
	selectOffers   = selectSQL("offers", offerCols)
)

// PutProduct creates or replaces the product.
func (t *tx) PutProduct(p mercato.Product) error {
	_, err := t.exec(upsertProduct, p.ID, p.SellerID, string(p.Type), p.Title, p.ProductCode,
		p.RefundPolicy, p.Visibility, jsonArg{p.Dimensions}, p.FulfillmentURL, p.CustomerIdentifier, jsonArg{p.AllowedBuyers})
	return t.fail(err, "put", "Product", p.ID)
}

// GetProduct returns the product with the ID.
func (t *tx) GetProduct(id string) (mercato.Product, error) {
	p, err := getRow(t, scanProduct, selectProducts+" WHERE id = $1", id)
	return p, t.fail(err, "get", "Product", id)
}

// ProductByCode returns the product with the product code.
func (t *tx) ProductByCode(code string) (mercato.Product, error) {
	p, err := getRow(t, scanProduct, selectProducts+" WHERE product_code = $1", code)
	return p, t.fail(err, "get", "Product", code)
}

func scanProduct(s scanner) (mercato.Product, error) {
	var p mercato.Product
	err := s.Scan(&p.ID, &p.SellerID, &p.Type, &p.Title, &p.ProductCode, &p.RefundPolicy,
		&p.Visibility, jsonCol{&p.Dimensions}, &p.FulfillmentURL, &p.CustomerIdentifier, jsonCol{&p.AllowedBuyers})
	return p, err
}

// PutOffer creates or replaces the offer; a proposal ID of another offer is EConflict.
func (t *tx) PutOffer(o mercato.Offer) error {
	_, err := t.exec(upsertOffer, o.ID, o.ProposalID, o.ProductID, o.SellerID, o.Visibility,
		jsonArg{o.Buyers}, micros(o.ExpiresAt), jsonArg{o.Terms}, o.ReplacesAgreementID, o.Renewal,
		o.ChannelPartner, string(o.State), jsonArg{o.Listing}, jsonArg{o.Resale})
	return t.fail(err, "put", "Offer", o.ID)
}

// GetOffer returns the offer with the ID.
func (t *tx) GetOffer(id string) (mercato.Offer, error) {
	o, err := getRow(t, scanOffer, selectOffers+" WHERE id = $1", id)
	return o, t.fail(err, "get", "Offer", id)
}

// ListOffers returns the offers matching f, ordered by ID.
func (t *tx) ListOffers(f mercato.OfferFilter) ([]mercato.Offer, error) {
	var w filter
	w.eq("proposal_id", f.ProposalID)
	w.eq("product_id", f.ProductID)
	w.eq("seller_id", f.SellerID)
	w.eq("visibility", f.Visibility)
	offers, err := list(t, scanOffer, selectOffers+w.clause()+" ORDER BY id", w.args...)
	return offers, wrap(err, "list offers")
}

func scanOffer(s scanner) (mercato.Offer, error) {
	var o mercato.Offer
	err := s.Scan(&o.ID, &o.ProposalID, &o.ProductID, &o.SellerID, &o.Visibility,
		jsonCol{&o.Buyers}, timeCol{&o.ExpiresAt}, jsonCol{&o.Terms}, &o.ReplacesAgreementID,
		&o.Renewal, &o.ChannelPartner, &o.State, jsonCol{&o.Listing}, jsonCol{&o.Resale})
	return o, err
}
