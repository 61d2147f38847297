package service

import (
	"context"
	"time"

	"mercato"
)

// MovedDocuments counts the documents dated within a move of the simulated clock: what the
// jobs on the way issued (refunds are credit memos, completed billing adjustments among them).
type MovedDocuments struct {
	Invoices    int `json:"invoices"`
	CreditMemos int `json:"creditMemos"`
	Payments    int `json:"payments"` // buyers' payments and refunds of overpayments
	Payouts     int `json:"payouts"`  // disbursements to sellers
}

// summaryWindow bounds the documents a count reads at once, so that counting a move of years
// holds no more than a month of documents in memory, as the monthly close does.
const summaryWindow = 31 * 24 * time.Hour

// sub returns n less m.
func (n MovedDocuments) sub(m MovedDocuments) MovedDocuments {
	return MovedDocuments{Invoices: n.Invoices - m.Invoices, CreditMemos: n.CreditMemos - m.CreditMemos,
		Payments: n.Payments - m.Payments, Payouts: n.Payouts - m.Payouts}
}

// countDocuments counts the documents dated in [from, to] (stored times have microseconds: the
// window is [from, to+1µs)). A move counts those dated at its start before it runs anything,
// and takes them off: they are a previous move's, while the work a move does at its start (the
// billing adjustments of "advance 0s") is its own.
func (s *Service) countDocuments(ctx context.Context, from, to time.Time) (MovedDocuments, error) {
	var n MovedDocuments
	lo, end := from, to.Add(time.Microsecond)
	for lo.Before(end) {
		hi := lo.Add(summaryWindow)
		if hi.After(end) {
			hi = end
		}
		err := s.view(ctx, func(tx mercato.Tx) error { return countWindow(tx, lo, hi, &n) })
		if err != nil {
			return n, err
		}
		lo = hi
	}
	return n, nil
}

// countWindow adds the documents dated in [from, to) to n.
func countWindow(tx mercato.Tx, from, to time.Time, n *MovedDocuments) error {
	docs, err := tx.InvoicesIssued(mercato.IssuedFilter{From: from, To: to})
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Type == mercato.InvoiceTypeCreditMemo {
			n.CreditMemos++
		} else {
			n.Invoices++
		}
	}
	payments, err := tx.ListPayments(mercato.PaymentFilter{From: from, To: to})
	if err != nil {
		return err
	}
	payouts, err := tx.ListPayouts(mercato.PayoutFilter{From: from, To: to})
	n.Payments += len(payments)
	n.Payouts += len(payouts)
	return err
}
