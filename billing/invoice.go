package billing

import (
	"time"

	"mercato"
)

// Tax returns the tax on a pre-tax amount for a buyer in jurisdiction j: one line at the
// jurisdiction's rate where the marketplace is the facilitator, none elsewhere (the seller
// answers for its own tax there). Tax is rounded to the currency's minor unit on its own, so
// the pre-tax amount is never touched.
func Tax(preTax mercato.Amount, c mercato.Currency, j mercato.Jurisdiction) (mercato.Amount, []mercato.TaxLine) {
	if !j.Facilitator || j.Rate == 0 || preTax == 0 {
		return 0, nil
	}
	amt := preTax.MulRate(j.Rate, c)
	return amt, []mercato.TaxLine{{Type: j.TaxType, Rate: j.Rate, Amount: amt}}
}

// NewInvoice builds the invoice of charges issued together at issuedAt under the agreement, for
// a buyer in jurisdiction j: pre-tax total, tax lines, listing fee at the agreement's rate, due
// date from the net payment term (due on issue without one) and billing period of issuedAt's
// month, or of the charges' period for a monthly invoice. It leaves the ID to the caller.
func NewInvoice(a *mercato.Agreement, key string, charges []mercato.Charge, issuedAt time.Time, j mercato.Jurisdiction) mercato.Invoice {
	var preTax mercato.Amount
	period := mercato.PeriodOf(issuedAt)
	for _, c := range charges {
		preTax += c.Amount
		if !c.PeriodStart.IsZero() {
			period = mercato.PeriodOf(c.PeriodStart)
		}
	}
	tax, lines := Tax(preTax, a.Currency, j)
	due := issuedAt
	if np := a.Terms.NetPayment(); np != nil {
		due = np.PaymentDuePeriod.AddTo(issuedAt)
	}
	inv := mercato.Invoice{
		AgreementID: a.ID, Key: key, Type: mercato.InvoiceTypeInvoice,
		SellerID: a.ProposerID, BuyerID: a.AcceptorID, Currency: a.Currency,
		PreTax: preTax, Tax: tax, TaxLines: lines,
		ListingFee:    preTax.MulRate(a.ListingFeeRate, a.Currency),
		BillingPeriod: period, IssuedAt: issuedAt, DueAt: due, InvoicingEntity: j.InvoicingEntity,
	}
	if a.Resale != nil {
		inv.MakerID = a.Resale.ManufacturerID
		inv.MakerAmount, inv.MakerFee = ResaleInvoiceSplit(a, charges, inv.ListingFee)
	}
	return inv
}

// InvoiceLedger returns the postings of an issued invoice: the buyer owes the total; the seller
// is owed the pre-tax amount less the listing fee (in a resale, the maker its part of that and
// the channel partner the rest); the marketplace earns the fee and owes the tax.
func InvoiceLedger(inv *mercato.Invoice) mercato.LedgerTxn {
	c := inv.Currency
	return mercato.LedgerTxn{
		Time: inv.IssuedAt, Kind: "invoice", Ref: inv.ID,
		Postings: nonZero([]mercato.Posting{
			{Account: mercato.LedgerBuyerReceivable(inv.BuyerID), Currency: c, Amount: inv.Total()},
			{Account: mercato.LedgerSellerPayable(inv.SellerID), Currency: c, Amount: -inv.ProposerNet()},
			{Account: mercato.LedgerSellerPayable(inv.MakerID), Currency: c, Amount: -inv.MakerNet()},
			{Account: mercato.LedgerMarketplaceFees, Currency: c, Amount: -inv.ListingFee},
			{Account: mercato.LedgerTaxPayable, Currency: c, Amount: -inv.Tax},
		}),
	}
}

func nonZero(ps []mercato.Posting) []mercato.Posting {
	out := ps[:0]
	for _, p := range ps {
		if p.Amount != 0 {
			out = append(out, p)
		}
	}
	return out
}
