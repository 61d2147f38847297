package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"mercato"
)

// jobSettle is the daily settlement, at 00:00 UTC: collections, then disbursements.
const jobSettle mercato.JobKind = "settle"

// settleInterval is how often the settlement runs.
const settleInterval = 24 * time.Hour

// settleJob is the settlement of the invoices and credit memos issued from From to the job's
// due time. Windows overlap by a day, so that an invoice committed just after a run is not
// missed; every step is idempotent.
type settleJob struct {
	From time.Time `json:"from"`
}

// startSettlement makes sure the daily settlement runs from the midnight after t on; the first
// run takes everything issued before it. Invoicing calls it, so that the settlement starts with
// the first invoice and then runs every day.
func startSettlement(tx mercato.Tx, t time.Time) error {
	return scheduleSettlement(tx, time.Time{}, t.UTC().Truncate(settleInterval).Add(settleInterval))
}

func scheduleSettlement(tx mercato.Tx, from, due time.Time) error {
	return putJob(tx, jobSettle, "settle:"+due.Format(time.DateOnly), due, settleJob{From: from})
}

// nextSettlement schedules the settlement of the day after j's (the job runner does, before
// each attempt of j: see jobChains). As windows overlap by a day, the next day also settles the
// credit memos of the last day of a day that failed.
func nextSettlement(tx mercato.Tx, j mercato.Job) error {
	return scheduleSettlement(tx, j.DueAt.Add(-settleInterval), j.DueAt.Add(settleInterval))
}

// settledThroughKey is the setting that holds the due time of the last settlement that ran.
const settledThroughKey = "settled-through"

// settle runs one day's settlement. Its window reaches back to the day before the last
// settlement that ran, so that days whose settlements failed for good are settled by the next
// one that runs.
func (s *Service) settle(ctx context.Context, j mercato.Job) error {
	p, err := jobPayload[settleJob](j)
	if err != nil {
		return err
	}
	through, err := s.settledThrough(ctx)
	if err != nil {
		return err
	}
	from := p.From
	switch last := through.Add(-settleInterval); {
	case through.IsZero():
		from = time.Time{} // none ran yet: everything issued so far
	case last.Before(from):
		from = last
	}
	if err := s.collect(ctx, from, j.DueAt); err != nil {
		return fmt.Errorf("collections of %s: %w", j.DueAt.Format(time.DateOnly), err)
	}
	if err := s.disburse(ctx, j.DueAt); err != nil {
		return fmt.Errorf("disbursements of %s: %w", j.DueAt.Format(time.DateOnly), err)
	}
	if j.DueAt.After(through) {
		return s.store.Update(ctx, func(tx mercato.Tx) error {
			return tx.PutSetting(settledThroughKey, j.DueAt.UTC().Format(time.RFC3339Nano))
		})
	}
	return nil
}

// settledThrough returns the due time of the last settlement that ran, or zero.
func (s *Service) settledThrough(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		t, _, err = timeSetting(tx, settledThroughKey)
		return err
	})
	return t, err
}

// collect opens the receivables of the invoices issued in [from, to), collects what buyers pay
// by to, and settles the invoices that credit memos issued in [from, to) changed: an overpaid
// invoice is refunded to its buyer, a credit memo on a collected invoice becomes a payout line.
func (s *Service) collect(ctx context.Context, from, to time.Time) error {
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		_, err := tx.OpenReceivables(from, to)
		return err
	})
	if err != nil {
		return err
	}
	after := ""
	for {
		var n int
		err := s.store.Update(ctx, func(tx mercato.Tx) error {
			rs, err := tx.ListReceivables(mercato.ReceivableFilter{Status: mercato.ReceivableOpen, DueBy: to,
				AfterID: after, Limit: s.batchSize})
			if err != nil || len(rs) == 0 {
				n = 0
				return err
			}
			n, after = len(rs), rs[len(rs)-1].InvoiceID
			return s.settleReceivables(tx, rs, to)
		})
		if err != nil {
			return err
		}
		if n < s.batchSize {
			break
		}
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		memos, err := tx.InvoicesIssued(mercato.IssuedFilter{Type: mercato.InvoiceTypeCreditMemo, From: from, To: to})
		if err != nil || len(memos) == 0 {
			return err
		}
		rs, err := tx.ListReceivables(mercato.ReceivableFilter{InvoiceIDs: originalInvoices(memos)})
		if err != nil {
			return err
		}
		return s.settleReceivables(tx, rs, to)
	})
}

// originalInvoices returns the invoices that the credit memos credit. An invoice with many memos
// is named as often; ListReceivables returns its receivable once, so it is settled once for all.
func originalInvoices(memos []mercato.Invoice) []string {
	ids := make([]string, len(memos))
	for i, m := range memos {
		ids[i] = m.OriginalInvoiceID
	}
	return ids
}

// settlement collects what one transaction settles, to write it with few statements.
type settlement struct {
	payments    []mercato.Payment
	ledger      []mercato.LedgerTxn
	receivables []mercato.Receivable
	lines       []mercato.PayoutLine
}

// settleReceivables applies each buyer's payment behavior to its receivables at time t.
func (s *Service) settleReceivables(tx mercato.Tx, rs []mercato.Receivable, t time.Time) error {
	behaviors := map[string]mercato.PaymentBehavior{}
	var st settlement
	for i := range rs {
		r := &rs[i]
		if i > 0 && rs[i-1].InvoiceID == r.InvoiceID { // each copy would refund the same overpayment
			return mercato.Errorf(mercato.EInternal, "invoice %s is listed twice for one settlement", r.InvoiceID)
		}
		b, ok := behaviors[r.BuyerID]
		if !ok {
			var err error
			if b, err = s.paymentBehavior(tx, r.BuyerID); err != nil {
				return err
			}
			behaviors[r.BuyerID] = b
		}
		pay, at := duePayment(r, b, t)
		if err := st.settle(tx, r, pay, at, t); err != nil {
			return err
		}
	}
	return st.write(tx)
}

// duePayment returns what the buyer pays on the receivable by time t under its behavior, and
// when. A payment the behavior makes due before the previous run (the behavior changed since)
// is made at t.
func duePayment(r *mercato.Receivable, b mercato.PaymentBehavior, t time.Time) (mercato.Amount, time.Time) {
	if r.Status != mercato.ReceivableOpen {
		return 0, t
	}
	target, at := b.Target(r.Owed(), r.Currency, r.DueAt, t)
	if target <= r.Collected {
		return 0, t
	}
	if at.Before(t.Add(-settleInterval)) {
		at = t
	}
	return target - r.Collected, at
}

// settle records a payment of pay at time at (if positive), refunds an overpayment at time t,
// and once the receivable is collected in full makes the payout lines of its invoice and credit
// memos.
func (st *settlement) settle(tx mercato.Tx, r *mercato.Receivable, pay mercato.Amount, at, t time.Time) error {
	changed := false
	if pay > 0 {
		st.pay(r, pay, mercato.PaymentReceived, at)
		changed = true
	}
	if out := r.Outstanding(); out < 0 {
		st.pay(r, out, mercato.PaymentRefunded, t)
		changed = true
	}
	if r.Status == mercato.ReceivableOpen && r.Outstanding() <= 0 {
		r.Status, r.CollectedAt, changed = mercato.ReceivableCollected, t, true
		if pay > 0 {
			r.CollectedAt = at
		}
		st.lines = append(st.lines, invoicePayoutLines(r)...)
	}
	if r.Status == mercato.ReceivableCollected && r.Credited != 0 {
		if err := st.creditLines(tx, r); err != nil {
			return err
		}
	}
	if changed {
		st.receivables = append(st.receivables, *r)
	}
	return nil
}

// pay records a payment (or, negative, a refund) of amount on the receivable.
func (st *settlement) pay(r *mercato.Receivable, amount mercato.Amount, kind mercato.PaymentKind, at time.Time) {
	p := mercato.Payment{ID: newID("pay-"), InvoiceID: r.InvoiceID, BuyerID: r.BuyerID, SellerID: r.SellerID,
		Currency: r.Currency, Amount: amount, Time: at, Kind: kind}
	lt := p.Ledger()
	lt.ID = newID("lt-")
	st.payments = append(st.payments, p)
	st.ledger = append(st.ledger, lt)
	r.Collected += amount
}

// creditLines makes the (negative) payout lines of the credit memos of a collected invoice; the
// store keeps the lines of memos paid out already as they are.
func (st *settlement) creditLines(tx mercato.Tx, r *mercato.Receivable) error {
	memos, err := tx.ListInvoices(mercato.InvoiceFilter{AgreementID: r.AgreementID, Type: mercato.InvoiceTypeCreditMemo,
		OriginalInvoiceID: r.InvoiceID})
	if err != nil {
		return err
	}
	for i := range memos {
		st.lines = append(st.lines, memoPayoutLines(r, &memos[i])...)
	}
	return nil
}

// invoicePayoutLines returns the payout lines of a collected invoice: its net to its seller, or in a
// resale the partner's net to the partner and the maker's to the maker.
func invoicePayoutLines(r *mercato.Receivable) []mercato.PayoutLine {
	l := mercato.PayoutLine{DocumentID: r.InvoiceID, InvoiceID: r.InvoiceID, SellerID: r.SellerID, Currency: r.Currency,
		Amount: r.PreTax - r.ListingFee - (r.MakerAmount - r.MakerFee), Kind: mercato.InvoiceTypeInvoice, EligibleAt: r.CollectedAt}
	if r.MakerID == "" {
		return []mercato.PayoutLine{l}
	}
	maker := l
	maker.SellerID, maker.Amount = r.MakerID, r.MakerAmount-r.MakerFee
	return []mercato.PayoutLine{l, maker}
}

// memoPayoutLines returns the (negative) payout lines of a credit memo of a collected invoice, one
// per seller as its invoice's.
func memoPayoutLines(r *mercato.Receivable, m *mercato.Invoice) []mercato.PayoutLine {
	l := mercato.PayoutLine{DocumentID: m.ID, InvoiceID: r.InvoiceID, SellerID: r.SellerID, Currency: r.Currency,
		Amount: -m.ProposerNet(), Kind: mercato.InvoiceTypeCreditMemo, EligibleAt: later(m.IssuedAt, r.CollectedAt)}
	if m.MakerID == "" {
		return []mercato.PayoutLine{l}
	}
	maker := l
	maker.SellerID, maker.Amount = m.MakerID, -m.MakerNet()
	return []mercato.PayoutLine{l, maker}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// write stores the settlement.
func (st *settlement) write(tx mercato.Tx) error {
	for _, lt := range st.ledger {
		if err := lt.Validate(); err != nil {
			return err
		}
	}
	if len(st.payments) > 0 {
		if err := tx.InsertPayments(st.payments...); err != nil {
			return err
		}
		if err := tx.InsertLedgerTxns(st.ledger...); err != nil {
			return err
		}
	}
	if len(st.receivables) > 0 {
		if err := tx.PutReceivables(st.receivables...); err != nil {
			return err
		}
	}
	if len(st.lines) > 0 {
		if _, err := tx.InsertPayoutLines(st.lines...); err != nil {
			return err
		}
	}
	return nil
}

// paymentBehaviorKey is the setting that holds a buyer's payment behavior.
func paymentBehaviorKey(buyerID string) string { return "payment-behavior:" + buyerID }

// paymentBehavior returns how the buyer pays: in the sandbox its setting, on time by default;
// in production nothing is simulated (payments are recorded with RecordPayment).
func (s *Service) paymentBehavior(tx mercato.Tx, buyerID string) (mercato.PaymentBehavior, error) {
	if s.sim == nil {
		return mercato.PaymentBehavior{Mode: mercato.PayNever}, nil
	}
	v, err := tx.GetSetting(paymentBehaviorKey(buyerID))
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return mercato.PaymentBehavior{Mode: mercato.PayOnTime}, nil
	}
	if err != nil {
		return mercato.PaymentBehavior{}, err
	}
	var b mercato.PaymentBehavior
	if err := json.Unmarshal([]byte(v), &b); err != nil {
		return b, mercato.Errorf(mercato.EInternal, "payment behavior of %s: %v", buyerID, err)
	}
	return b, nil
}

// SetPaymentBehavior sets how a buyer pays its invoices in the sandbox, from the next
// settlement on. Errors: EInvalid, ENotFound (unknown account), EConflict (not in sandbox
// mode).
func (s *Service) SetPaymentBehavior(ctx context.Context, buyerID string, b mercato.PaymentBehavior) error {
	if s.sim == nil {
		return mercato.Errorf(mercato.EConflict, "buyer payments are simulated in sandbox mode only")
	}
	if err := b.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		if _, err := tx.GetAccount(buyerID); err != nil {
			return err
		}
		if err := tx.PutSetting(paymentBehaviorKey(buyerID), string(raw)); err != nil {
			return err
		}
		return audit(tx, s.Now(), "sandbox", "SetPaymentBehavior", "Account", buyerID, "", b)
	})
}

// PaymentBehavior returns how a buyer pays its invoices (see SetPaymentBehavior).
func (s *Service) PaymentBehavior(ctx context.Context, buyerID string) (mercato.PaymentBehavior, error) {
	var b mercato.PaymentBehavior
	err := s.view(ctx, func(tx mercato.Tx) error {
		if _, err := tx.GetAccount(buyerID); err != nil {
			return err
		}
		var err error
		b, err = s.paymentBehavior(tx, buyerID)
		return err
	})
	return b, err
}

// RecordPayment records that the buyer of an invoice paid amount of it now (all that is
// outstanding when amount is zero), and collects the invoice if that completes it. Errors:
// ENotFound (unknown invoice), EInvalid (a credit memo; an amount that is negative or above what
// is outstanding), EConflict (nothing is outstanding).
func (s *Service) RecordPayment(ctx context.Context, invoiceID string, amount mercato.Amount) (mercato.Payment, error) {
	var paid mercato.Payment
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		r, err := s.receivable(tx, invoiceID)
		if err != nil {
			return err
		}
		out := r.Outstanding()
		if amount == 0 {
			amount = out
		}
		switch {
		case r.Status != mercato.ReceivableOpen || out <= 0:
			return mercato.Errorf(mercato.EConflict, "invoice %s has nothing outstanding", invoiceID)
		case amount < 0 || amount > out:
			return mercato.Errorf(mercato.EInvalid, "a payment of invoice %s is between 0 and the %s %s outstanding",
				invoiceID, out.FormatIn(r.Currency), r.Currency)
		case !amount.IsMinorUnits(r.Currency):
			return invalid("", "amount", "payment %s", mercato.MinorUnitsProblem(amount, r.Currency))
		}
		var st settlement
		if err := st.settle(tx, &r, amount, now, now); err != nil {
			return err
		}
		paid = st.payments[0]
		return st.write(tx)
	})
	return paid, err
}

// receivable returns the receivable of an invoice, opening it if the settlement has not yet.
func (s *Service) receivable(tx mercato.Tx, invoiceID string) (mercato.Receivable, error) {
	inv, err := tx.GetInvoice(invoiceID)
	if err != nil {
		return mercato.Receivable{}, err
	}
	if inv.Type != mercato.InvoiceTypeInvoice {
		return mercato.Receivable{}, mercato.Errorf(mercato.EInvalid, "%s is a credit memo, not an invoice to pay", invoiceID)
	}
	if _, err := tx.OpenReceivables(inv.IssuedAt, inv.IssuedAt.Add(time.Microsecond)); err != nil {
		return mercato.Receivable{}, err
	}
	rs, err := tx.ListReceivables(mercato.ReceivableFilter{InvoiceIDs: []string{invoiceID}})
	if err != nil {
		return mercato.Receivable{}, err
	}
	if len(rs) != 1 {
		return mercato.Receivable{}, mercato.Errorf(mercato.EInternal, "invoice %s has %d receivables", invoiceID, len(rs))
	}
	return rs[0], nil
}

// Receivables lists receivables, e.g. a seller's open ones.
func (s *Service) Receivables(ctx context.Context, f mercato.ReceivableFilter) ([]mercato.Receivable, error) {
	var out []mercato.Receivable
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListReceivables(f)
		return err
	})
	return out, err
}
