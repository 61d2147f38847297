package datafeed

import "mercato"

// Stream is what a seller's feeds are written from when its documents and payouts may be too
// many to hold at once: the records the size of a seller's catalog (Source's accounts,
// products, offers and agreements) in memory, the documents and payouts read, a page at a
// time, while the feeds are written. Source's Documents and Payouts are not read.
type Stream struct {
	Source
	// EachDocument calls fn with each of the seller's documents (its invoices and credit
	// memos, and those whose maker's share is its), in issue order, then ID, and stops at
	// fn's first error, which it returns. The document is fn's only during the call. Write
	// calls it once per feed made of documents.
	EachDocument func(fn func(*mercato.Invoice) error) error
	// EachPayout calls fn with each of the seller's payouts, without their lines, by time,
	// then ID, as EachDocument does.
	EachPayout func(fn func(*mercato.Payout) error) error
	// EachPaidDocument calls fn with each of the seller's documents that a payout of the
	// seller pays, in the order of the payout's lines, as EachDocument does.
	EachPaidDocument func(p *mercato.Payout, fn func(*mercato.Invoice) error) error
}

// feedWriter is how one feed is written: its name, its header and its rows.
type feedWriter struct {
	name   string
	header []string
	rows   func(src *Stream, emit func([]string) error) error
}

// feedWriters are the feeds, in the order they are written; Names are theirs.
var feedWriters = []feedWriter{
	{"account", accountHeader, accountRows},
	{"product", productHeader, productRows},
	{"offer", offerHeader, offerRows},
	{"offer_target", offerTargetHeader, offerTargetRows},
	{"agreement", agreementHeader, agreementRows},
	{"billing_event", billingEventHeader, billingEventRows},
	{"tax_item", taxItemHeader, taxItemRows},
}

// Write writes the seller's feeds to sink in the order of Names, each row as soon as it is
// made: what it holds beyond src's records in memory is a row and what src's iterators hold.
// It returns the first error of src's iterators or of sink.
func Write(src Stream, sink Sink) error {
	for _, f := range feedWriters {
		if err := sink.Begin(f.name, f.header); err != nil {
			return err
		}
		if err := f.rows(&src, sink.Row); err != nil {
			return err
		}
		if err := sink.End(); err != nil {
			return err
		}
	}
	return nil
}

// memoryStream returns a Stream over the documents and payouts of src, in memory, in their
// order; a payout's documents are those of its lines found among src's documents.
func memoryStream(src Source) Stream {
	var byID map[string]*mercato.Invoice
	return Stream{
		Source: src,
		EachDocument: func(fn func(*mercato.Invoice) error) error {
			for i := range src.Documents {
				if err := fn(&src.Documents[i]); err != nil {
					return err
				}
			}
			return nil
		},
		EachPayout: func(fn func(*mercato.Payout) error) error {
			for i := range src.Payouts {
				if err := fn(&src.Payouts[i]); err != nil {
					return err
				}
			}
			return nil
		},
		EachPaidDocument: func(p *mercato.Payout, fn func(*mercato.Invoice) error) error {
			if byID == nil {
				byID = make(map[string]*mercato.Invoice, len(src.Documents))
				for i := range src.Documents {
					byID[src.Documents[i].ID] = &src.Documents[i]
				}
			}
			for _, l := range p.LineItems {
				d, ok := byID[l.DocumentID]
				if !ok {
					continue // a document of another seller cannot be on this seller's payout
				}
				if err := fn(d); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
