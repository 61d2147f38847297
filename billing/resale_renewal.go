package billing

import "mercato"

// RenewedResale returns the resale terms of the agreement that renews one resold under r, whose
// buyer's price of the whole contract is now price: the maker's wholesale moves in the same
// proportion as the buyer's price, r.Wholesale × price / r.Price, rounded once to the currency's
// minor unit (half away from zero) and never above the buyer's price; the partner keeps the same
// share of the markup. It is nil for a direct deal, and r unchanged for a renewal of no price
// (as resale terms of a free contract keep their wholesale).
//
// The authorization the resale came from is not consulted: an authorization governs which new
// offers its partner may make, not the renewal of an agreement its buyer has already accepted,
// so a renewal goes through at the same proportion whether the authorization has since expired
// or been restricted.
func RenewedResale(r *mercato.Resale, price mercato.Amount, c mercato.Currency) *mercato.Resale {
	if r == nil {
		return nil
	}
	out := *r
	if price <= 0 || r.Price <= 0 {
		return &out
	}
	out.Wholesale = min(r.Wholesale.MulFrac(int64(price), int64(r.Price), c), price)
	out.Price = price
	return &out
}
