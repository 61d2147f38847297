package billing

import "mercato"

// ResaleSplit returns the product maker's part of an invoice of preTax, whose listing fee is fee,
// issued under resale r at the agreement's listing fee rate:
//   - the maker's amount is its wholesale share, preTax × r.Wholesale / r.Price, rounded to the
//     currency's minor unit;
//   - the maker's fee is that amount × rate, rounded, and never more than the invoice's fee.
//
// The channel partner takes the rest of both: the markup, and the fee less the maker's. The two
// parts and the fee therefore add up to preTax to the cent, whatever the rounding.
func ResaleSplit(preTax, fee mercato.Amount, rate mercato.Rate, r *mercato.Resale, c mercato.Currency) (amount, makerFee mercato.Amount) {
	if r == nil || r.Price <= 0 {
		return 0, 0
	}
	amount = min(preTax.MulFrac(int64(r.Wholesale), int64(r.Price), c), preTax)
	makerFee = min(amount.MulRate(rate, c), fee)
	return amount, makerFee
}

// ResaleCredit returns the maker's part of a credit memo refunding amount of inv's pre-tax
// amount, given what completed credit memos refunded of it already (inv.Credited). Refunds split
// in proportion to the pre-tax amount refunded, counted from the start as CreditMemo counts the
// fee: after each memo the maker has given back its share of everything refunded so far, rounded
// once, and the memo completing a full refund gives back exactly what the maker still held. So a
// full refund in any number of parts returns the maker's amount and fee to the cent.
func ResaleCredit(inv *mercato.Invoice, amount mercato.Amount) (makerAmount, makerFee mercato.Amount) {
	if inv.MakerID == "" {
		return 0, 0
	}
	done, c := inv.Credited, inv.Currency
	makerAmount = refundedShare(inv.MakerAmount, done+amount, inv.PreTax, c) - refundedShare(inv.MakerAmount, done, inv.PreTax, c)
	makerFee = refundedShare(inv.MakerFee, done+amount, inv.PreTax, c) - refundedShare(inv.MakerFee, done, inv.PreTax, c)
	return makerAmount, makerFee
}

// refundedShare is the part of total given back once done of base was refunded: all of it
// from a full refund on, else its share rounded once.
func refundedShare(total, done, base mercato.Amount, c mercato.Currency) mercato.Amount {
	if done >= base || base == 0 {
		return total
	}
	return total.MulFrac(int64(done), int64(base), c)
}
