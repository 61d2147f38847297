package billing

import (
	"time"

	"mercato"
)

// CreditMemo returns the credit memo that refunds amount of inv's pre-tax amount, given what
// credit memos gave back of it already (inv.Credited, CreditedTax, CreditedFee). The tax and the
// listing fee are reversed in the same proportion, rounded to the currency's minor unit; the memo
// that completes a full refund takes exactly what remains of them, so partial refunds that add up
// to the invoice reverse its tax and fee to the cent. The caller checks that amount does not
// exceed what remains, sets the ID, and adds the memo to the invoice's credited totals.
func CreditMemo(inv *mercato.Invoice, amount mercato.Amount, at time.Time) mercato.Invoice {
	tax := share(inv.Tax, inv.CreditedTax, amount, inv.Credited, inv.PreTax, inv.Currency)
	fee := share(inv.ListingFee, inv.CreditedFee, amount, inv.Credited, inv.PreTax, inv.Currency)
	var lines []mercato.TaxLine
	if tax != 0 && len(inv.TaxLines) > 0 {
		lines = []mercato.TaxLine{{Type: inv.TaxLines[0].Type, Rate: inv.TaxLines[0].Rate, Amount: tax}}
	}
	memo := mercato.Invoice{
		AgreementID: inv.AgreementID, Type: mercato.InvoiceTypeCreditMemo, SellerID: inv.SellerID,
		BuyerID: inv.BuyerID, Currency: inv.Currency, PreTax: amount, Tax: tax, TaxLines: lines,
		ListingFee: fee, BillingPeriod: inv.BillingPeriod, IssuedAt: at, DueAt: at,
		InvoicingEntity: inv.InvoicingEntity, OriginalInvoiceID: inv.ID, MakerID: inv.MakerID,
	}
	memo.MakerAmount, memo.MakerFee = ResaleCredit(inv, amount)
	return memo
}

// share returns the part of total (of which back was already returned) that goes with amount of
// base (of which done was already refunded). It is counted from the start, as the share of
// everything refunded so far less what was returned, so that rounding does not add up across
// many partial refunds: after each one, what was returned is the share of what was refunded,
// rounded once.
func share(total, back, amount, done, base mercato.Amount, c mercato.Currency) mercato.Amount {
	left := total - back
	if done+amount >= base || base == 0 {
		return left
	}
	return min(max(total.MulFrac(int64(done+amount), int64(base), c)-back, 0), left)
}

// CreditMemoLedger returns the postings of a credit memo, the mirror of an invoice's: the buyer
// owes (or is owed) less by the amount and its tax, the seller is owed less by the amount net of
// the fee returned, and the marketplace gives back its fee and owes less tax.
func CreditMemoLedger(memo *mercato.Invoice) mercato.LedgerTxn {
	t := InvoiceLedger(memo)
	t.Kind = "credit-memo"
	for i := range t.Postings {
		t.Postings[i].Amount = -t.Postings[i].Amount
	}
	return t
}

// TaxCreditMemo returns the credit memo that refunds what remains of inv's tax and nothing of its
// pre-tax amount: the seller's choice to refund tax alone. A later refund of the pre-tax amount
// then reverses no more tax. The caller checks that some tax remains and sets the ID.
func TaxCreditMemo(inv *mercato.Invoice, at time.Time) mercato.Invoice {
	tax := inv.Tax - inv.CreditedTax
	var lines []mercato.TaxLine
	if len(inv.TaxLines) > 0 {
		lines = []mercato.TaxLine{{Type: inv.TaxLines[0].Type, Rate: inv.TaxLines[0].Rate, Amount: tax}}
	}
	return mercato.Invoice{
		AgreementID: inv.AgreementID, Type: mercato.InvoiceTypeCreditMemo, SellerID: inv.SellerID,
		BuyerID: inv.BuyerID, Currency: inv.Currency, Tax: tax, TaxLines: lines,
		BillingPeriod: inv.BillingPeriod, IssuedAt: at, DueAt: at,
		InvoicingEntity: inv.InvoicingEntity, OriginalInvoiceID: inv.ID, MakerID: inv.MakerID,
	}
}
