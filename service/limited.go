package service

import (
	"fmt"

	"mercato"
)

// productVisibleTo is the rule of limited listings, the one every read and acceptance applies:
// an account sees a product, its offers and may accept them iff the product is public, the
// account is its seller, or the product is limited and the account is on its allow-list (a
// restricted product takes no new buyers at all). A buyer outside the
// allow-list is told the offer does not exist (seed 003: the offer "isn't visible", the API's
// 404), even when a private offer targets it: allow-listing comes first, once per product.
func productVisibleTo(p *mercato.Product, account string) bool {
	switch {
	case p.Visibility == "public" || p.SellerID == account:
		return true
	case p.Visibility == "limited":
		return p.Allows(account)
	}
	return false
}

// hiddenOffer is the ENotFound of an offer the caller may not see. Its message names every
// reason alike, so that it does not tell a buyer outside an allow-list that the offer exists.
func hiddenOffer(resourceType, id, caller string) *mercato.Error {
	e := mercato.NotFound(resourceType, id)
	e.Message = fmt.Sprintf("%s %s not found for account %s: it does not exist, is not released, "+
		"or is of a limited listing that does not allow-list the account or of a restricted one", resourceType, id, caller)
	return e
}
