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

// ResaleInvoiceSplit returns the product maker's part of the invoice of charges issued under a
// resale agreement a, whose listing fee is fee. Each line is split on its own, with one rounding
// per line:
//   - a usage line of a dimension the maker rates (a.Resale.Rates.Usage) gives it its rate times
//     the line's quantity, rounded to the currency's minor unit;
//   - a configurable contract's line whose selector the maker rates (a.Resale.Rates.Contract)
//     gives it the sum of its price times the buyer's quantity of each dimension, rounded once;
//   - the other lines (fixed prices, installments, fees) are split together in the ratio of the
//     wholesale contract value to the buyer's, as ResaleSplit does.
//
// A line never gives the maker more than the line. The maker's fee is its amount × the
// agreement's fee rate, rounded, and never more than fee. The partner takes the rest of both.
// For a resale without rates (a fixed or scheduled contract) this is ResaleSplit of the total.
func ResaleInvoiceSplit(a *mercato.Agreement, charges []mercato.Charge, fee mercato.Amount) (amount, makerFee mercato.Amount) {
	r, c := a.Resale, a.Currency
	if r == nil {
		return 0, 0
	}
	var rest, preTax mercato.Amount
	for i := range charges {
		preTax += charges[i].Amount
		if line, ok := ratedLine(a, &charges[i]); ok {
			amount += min(line, charges[i].Amount)
		} else {
			rest += charges[i].Amount
		}
	}
	if r.Price > 0 {
		amount += min(rest.MulFrac(int64(r.Wholesale), int64(r.Price), c), rest)
	}
	amount = min(amount, preTax)
	return amount, min(amount.MulRate(a.ListingFeeRate, c), fee)
}

// ratedLine returns what the maker's own rates give it for a charge, rounded once, and whether
// its rates price the charge at all.
func ratedLine(a *mercato.Agreement, ch *mercato.Charge) (mercato.Amount, bool) {
	r, c := a.Resale, a.Currency
	switch ch.Kind {
	case mercato.ChargeUsage:
		rate, ok := r.UsageRate(ch.Dimension)
		if !ok {
			return 0, false
		}
		return rate.MulFrac(ch.Quantity, 1, c), true
	case mercato.ChargeUpfront:
		t := configurableTerm(a.Terms, ch.TermID)
		if t == nil || t.Configuration == nil {
			return 0, false
		}
		return configuredWholesale(r.ContractRates(), t.Configuration, c)
	}
	return 0, false
}

// configurableTerm returns the agreement's configurable upfront term with the ID, or nil.
func configurableTerm(ts mercato.Terms, id string) *mercato.ConfigurableUpfrontPricingTerm {
	for i := range ts {
		if t := ts[i].ConfigurableUpfront; t != nil && t.ID == id {
			return t
		}
	}
	return nil
}

// configuredWholesale prices the buyer's configuration at the maker's rate card of its selector:
// the exact sum of price × quantity, rounded once. It is false if the maker has no such rate
// card; a dimension the card lacks is worth nothing to the maker.
func configuredWholesale(cards []mercato.ConfigurableUpfrontRateCard, cfg *mercato.ConfigurableUpfrontConfiguration, c mercato.Currency) (mercato.Amount, bool) {
	for _, rc := range cards {
		if rc.Selector.Value != cfg.SelectorValue {
			continue
		}
		var exact mercato.Amount
		for _, d := range cfg.Dimensions {
			if price, ok := priceOf(rc.RateCard, d.DimensionKey); ok && d.DimensionValue > 0 {
				exact += price * mercato.Amount(d.DimensionValue)
			}
		}
		return exact.Round(c), true
	}
	return 0, false
}
