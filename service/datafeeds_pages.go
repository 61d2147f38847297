package service

import (
	"strings"

	"mercato"
)

// feedPage is how many documents, payouts or payout lines an export reads at a time: enough
// for few statements, few enough that a page takes little memory.
const feedPage = 500

// feedPages reads a seller's documents and payouts for its feeds a page at a time, each page
// after the last row of the one before (keyset pages), in the transaction of the export.
type feedPages struct {
	tx     mercato.Tx
	seller string
}

// documents calls fn with the seller's documents and the documents whose maker's share is the
// seller's, merged in issue order, then ID. A document in both lists comes twice, the
// seller's first, as it does in the two lists sorted together.
func (p feedPages) documents(fn func(*mercato.Invoice) error) error {
	own := issuedPages{tx: p.tx, f: mercato.IssuedFilter{SellerID: p.seller}}
	made := issuedPages{tx: p.tx, f: mercato.IssuedFilter{MakerID: p.seller}}
	for {
		a, err := own.peek()
		if err != nil {
			return err
		}
		b, err := made.peek()
		if err != nil {
			return err
		}
		var next *mercato.Invoice
		switch {
		case a == nil && b == nil:
			return nil
		case b == nil || a != nil && issuedOrder(a, b) <= 0:
			next = a
			own.i++
		default:
			next = b
			made.i++
		}
		// next stays valid during fn: its page is replaced only by the next peek.
		if err := fn(next); err != nil {
			return err
		}
	}
}

// issuedOrder orders documents by issue time, then ID, as InvoicesIssued does.
func issuedOrder(a, b *mercato.Invoice) int {
	if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// issuedPages reads the documents of a filter a page at a time.
type issuedPages struct {
	tx   mercato.Tx
	f    mercato.IssuedFilter
	page []mercato.Invoice
	i    int  // the next document's index in page
	last bool // page is the last one
}

// peek returns the next document, reading the next page if need be, or nil after the last.
func (p *issuedPages) peek() (*mercato.Invoice, error) {
	if p.i == len(p.page) && !p.last {
		if n := len(p.page); n > 0 {
			p.f.AfterTime, p.f.AfterID = p.page[n-1].IssuedAt, p.page[n-1].ID
		}
		p.f.Limit = feedPage
		page, err := p.tx.InvoicesIssued(p.f)
		if err != nil {
			return nil, err
		}
		p.page, p.i, p.last = page, 0, len(page) < feedPage
	}
	if p.i == len(p.page) {
		return nil, nil
	}
	return &p.page[p.i], nil
}

// payouts calls fn with each of the seller's payouts, without lines, by time, then ID.
func (p feedPages) payouts(fn func(*mercato.Payout) error) error {
	read := func(last *mercato.Payout) ([]mercato.Payout, error) {
		f := mercato.PayoutFilter{SellerID: p.seller, Limit: feedPage}
		if last != nil {
			f.AfterTime, f.AfterID = last.Time, last.ID
		}
		return p.tx.ListPayouts(f)
	}
	return eachPage(read, func(page []mercato.Payout) error {
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// paidDocuments calls fn with each document a payout's lines pay, in the lines' order, that is
// the seller's or whose maker's share is the seller's, reading the documents of each page of
// lines at once.
func (p feedPages) paidDocuments(po *mercato.Payout, fn func(*mercato.Invoice) error) error {
	read := func(last *mercato.PayoutLine) ([]mercato.PayoutLine, error) {
		f := mercato.PayoutLineFilter{PayoutID: po.ID, Limit: feedPage}
		if last != nil {
			f.AfterTime, f.AfterDocumentID = last.EligibleAt, last.DocumentID
		}
		return p.tx.ListPayoutLines(f)
	}
	return eachPage(read, func(lines []mercato.PayoutLine) error {
		ids := make([]string, len(lines))
		for i, l := range lines {
			ids[i] = l.DocumentID
		}
		docs, err := p.tx.ListInvoices(mercato.InvoiceFilter{IDs: ids})
		if err != nil {
			return err
		}
		byID := make(map[string]*mercato.Invoice, len(docs))
		for i := range docs {
			byID[docs[i].ID] = &docs[i]
		}
		for _, id := range ids {
			d, ok := byID[id]
			if !ok || d.SellerID != p.seller && d.MakerID != p.seller {
				continue // a document of another seller cannot be on this seller's payout
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachPage calls fn with each page of a list that read returns a page at a time, of feedPage
// rows but the last: read returns the page after the row last, or the first when last is nil.
func eachPage[T any](read func(last *T) ([]T, error), fn func(page []T) error) error {
	var last *T
	for {
		page, err := read(last)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < feedPage {
			return nil
		}
		last = &page[len(page)-1]
	}
}
