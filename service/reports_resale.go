package service

import (
	"slices"
	"strings"

	"mercato"
)

// billedDocuments returns the documents issued before the query's end that the billed-revenue
// report covers: the seller's as seller of record and those of resales of its products (every
// document when the query names no seller), in issue order.
func billedDocuments(tx mercato.Tx, q ReportQuery) ([]mercato.Invoice, error) {
	docs, err := tx.InvoicesIssued(mercato.IssuedFilter{SellerID: q.SellerID, To: q.To})
	if err != nil || q.SellerID == "" {
		return docs, err
	}
	made, err := tx.InvoicesIssued(mercato.IssuedFilter{MakerID: q.SellerID, To: q.To})
	if err != nil || len(made) == 0 {
		return docs, err
	}
	docs = append(docs, made...)
	slices.SortStableFunc(docs, func(a, b mercato.Invoice) int {
		if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return docs, nil
}

// resaleBilledLines returns the lines of a resale's invoice for the seller (both, the partner's
// then the maker's, when seller is empty). Each party sees its own side, as AWS's billed revenue
// shows a CPPO:
//   - the partner (the reseller): the buyer's gross, refunds and tax, its own listing fee (the
//     invoice's less the maker's), and the maker's share as a wholesale cost, less what credit
//     memos gave back of it; its net is its markup less its fee;
//   - the maker (the manufacturer): its wholesale share as gross, its share of the refunds, and
//     its own fee; no tax, which is the buyer's with the partner.
//
// So the two nets add up to the invoice's net, and each to what the seller is paid out for it.
func resaleBilledLines(inv *mercato.Invoice, memos []mercato.Invoice, seller string) []BilledLine {
	var out []BilledLine
	if seller == "" || seller == inv.SellerID {
		l := billedLine(inv, memos)
		l.ListingFee -= inv.MakerFee
		l.WholesaleCost = inv.MakerAmount
		for _, m := range memos {
			l.RefundedFee -= m.MakerFee
			l.WholesaleRefund += m.MakerAmount
		}
		out = append(out, withResale(l, inv))
	}
	if seller == "" || seller == inv.MakerID {
		l := BilledLine{InvoiceID: inv.ID, AgreementID: inv.AgreementID, SellerID: inv.MakerID, BuyerID: inv.BuyerID,
			IssuedAt: inv.IssuedAt, BillingPeriod: inv.BillingPeriod, Currency: inv.Currency,
			Gross: inv.MakerAmount, ListingFee: inv.MakerFee}
		for _, m := range memos {
			l.Refunds += m.MakerAmount
			l.RefundedFee += m.MakerFee
		}
		out = append(out, withResale(l, inv))
	}
	return out
}

// withResale names the parties of the resale on a line and works out its net.
func withResale(l BilledLine, inv *mercato.Invoice) BilledLine {
	l.ResellerID, l.ManufacturerID = inv.SellerID, inv.MakerID
	l.Net = l.Gross - l.Refunds - (l.ListingFee - l.RefundedFee) - (l.WholesaleCost - l.WholesaleRefund)
	return l
}
