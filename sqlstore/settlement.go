package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"mercato"
)

var (
	receivableCols = []string{"invoice_id", "agreement_id", "buyer_id", "seller_id", "currency", "due_at",
		"status", "collected", "collected_at"}
	paymentCols    = []string{"id", "invoice_id", "buyer_id", "seller_id", "currency", "amount", "time", "kind"}
	payoutLineCols = []string{"document_id", "invoice_id", "seller_id", "currency", "amount", "kind",
		"eligible_at", "payout_id"}
	payoutCols = []string{"id", "seller_id", "currency", "amount", "lines", "time", "bank_type",
		"bank_currency", "status"}
)

var (
	openReceivables = `INSERT INTO receivables (` + strings.Join(receivableCols, ", ") + `)
		SELECT id, agreement_id, buyer_id, seller_id, currency, due_at, 'open', 0, 0 FROM invoices
		WHERE type = 'INVOICE' AND issued_at >= $1 AND issued_at < $2
		ON CONFLICT DO NOTHING`
	// selectReceivables reads receivables with their invoice's amounts and what its credit memos
	// (found through the partial index on original_invoice_id) took back.
	selectReceivables = `SELECT r.invoice_id, r.agreement_id, r.buyer_id, r.seller_id, r.currency, r.due_at,
		r.status, r.collected, r.collected_at, i.pre_tax, i.tax, i.listing_fee, i.maker_id, i.maker_amount, i.maker_fee,
		CAST(COALESCE((SELECT SUM(m.pre_tax + m.tax) FROM invoices m
			WHERE m.original_invoice_id = r.invoice_id AND m.original_invoice_id <> ''), 0) AS BIGINT)
		FROM receivables r JOIN invoices i ON i.id = r.invoice_id`
	selectPayments    = selectSQL("payments", paymentCols)
	selectPayouts     = selectSQL("payouts", payoutCols)
	selectPayoutLines = selectSQL("payout_lines", payoutLineCols)
	insertPayout      = insertNewSQL("payouts", payoutCols)
	pendingPayouts    = `SELECT seller_id, currency, CAST(SUM(amount) AS BIGINT), COUNT(*) FROM payout_lines
		WHERE payout_id = '' AND eligible_at <= $1 GROUP BY seller_id, currency ORDER BY seller_id, currency`
	pendingOfSeller = `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), COUNT(*) FROM payout_lines
		WHERE payout_id = '' AND seller_id = $1 AND currency = $2 AND eligible_at <= $3`
	assignPayoutLines = `UPDATE payout_lines SET payout_id = $1
		WHERE payout_id = '' AND seller_id = $2 AND currency = $3 AND eligible_at <= $4`
	ledgerBalanceBefore = `SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM postings p
		JOIN ledger_txns l ON l.id = p.txn_id WHERE p.account = $1 AND p.currency = $2 AND l.time < $3`
)

// OpenReceivables opens the receivables of the invoices issued in [from, to), in one statement.
func (t *tx) OpenReceivables(from, to time.Time) (int, error) {
	n, err := t.execCount(openReceivables, micros(from), micros(to))
	return int(n), wrap(err, "open receivables")
}

// ListReceivables returns the receivables matching f, by invoice ID.
func (t *tx) ListReceivables(f mercato.ReceivableFilter) ([]mercato.Receivable, error) {
	if f.InvoiceIDs != nil && len(f.InvoiceIDs) == 0 {
		return nil, nil
	}
	ids := [][]string{nil}
	if f.InvoiceIDs != nil { // an ID given twice must not return its receivable twice
		unique := slices.Compact(slices.Sorted(slices.Values(f.InvoiceIDs)))
		ids = slices.Collect(slices.Chunk(unique, usageChunk))
	}
	var out []mercato.Receivable
	for _, chunk := range ids {
		var w filter
		w.eq("r.seller_id", f.SellerID)
		w.eq("r.status", string(f.Status))
		if !f.DueBy.IsZero() {
			w.where("r.due_at <= %s", micros(f.DueBy))
		}
		if chunk != nil {
			w.in("r.invoice_id", chunk)
		}
		if f.AfterID != "" {
			w.where("r.invoice_id > %s", f.AfterID)
		}
		query := selectReceivables + w.clause() + " ORDER BY r.invoice_id"
		if f.Limit > 0 {
			query += " LIMIT " + w.arg(f.Limit)
		}
		rs, err := list(t, scanReceivable, query, w.args...)
		if err != nil {
			return nil, wrap(err, "list receivables")
		}
		out = append(out, rs...)
	}
	if len(ids) > 1 {
		slices.SortFunc(out, func(a, b mercato.Receivable) int { return strings.Compare(a.InvoiceID, b.InvoiceID) })
	}
	return out, nil
}

// PutReceivables upserts receivables with multi-row statements.
func (t *tx) PutReceivables(rs ...mercato.Receivable) error {
	_, err := t.writeRows(func(n int) string { return upsertRowsSQL("receivables", receivableCols, n, t.d.AnonymousParams) },
		len(receivableCols), len(rs), func(i int, dst []any) []any {
			r := &rs[i]
			return append(dst, r.InvoiceID, r.AgreementID, r.BuyerID, r.SellerID, string(r.Currency), micros(r.DueAt),
				string(r.Status), int64(r.Collected), micros(r.CollectedAt))
		})
	if err != nil {
		return t.fail(err, "put", "Receivable", rs[0].InvoiceID)
	}
	return nil
}

// upsertRowsSQL returns a multi-row INSERT that replaces the rows whose key (the first
// column) exists.
func upsertRowsSQL(table string, cols []string, n int, anonymous bool) string {
	set := make([]string, len(cols)-1)
	for i, c := range cols[1:] {
		set[i] = c + " = excluded." + c
	}
	return strings.TrimSuffix(insertRowsSQL(table, cols, n, anonymous), " DO NOTHING") +
		" (" + cols[0] + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// InsertPayments stores new payments.
func (t *tx) InsertPayments(ps ...mercato.Payment) error {
	n, err := t.insertRows("payments", paymentCols, len(ps), func(i int, dst []any) []any {
		p := &ps[i]
		return append(dst, p.ID, p.InvoiceID, p.BuyerID, p.SellerID, string(p.Currency), int64(p.Amount),
			micros(p.Time), string(p.Kind))
	})
	return t.checkInserted("Payment", n, len(ps), func(i int) string { return ps[i].ID }, err)
}

// ListPayments returns the payments matching f, by time, then ID.
func (t *tx) ListPayments(f mercato.PaymentFilter) ([]mercato.Payment, error) {
	var w filter
	w.eq("seller_id", f.SellerID)
	w.eq("buyer_id", f.BuyerID)
	w.eq("invoice_id", f.InvoiceID)
	timeRange(&w, "time", f.From, f.To)
	ps, err := list(t, scanPayment, selectPayments+w.clause()+" ORDER BY time, id", w.args...)
	return ps, wrap(err, "list payments")
}

// timeRange adds from <= col < to, for the bounds that are set.
func timeRange(w *filter, col string, from, to time.Time) {
	if !from.IsZero() {
		w.where(col+" >= %s", micros(from))
	}
	if !to.IsZero() {
		w.where(col+" < %s", micros(to))
	}
}

// after selects the rows after the cursor (at, id) in the order (timeCol, idCol): a keyset
// page's condition. An empty id selects all.
func after(w *filter, timeCol, idCol string, at time.Time, id string) {
	if id != "" {
		// A row value, which both databases compare in the order of an index on the columns.
		w.where("("+timeCol+", "+idCol+") > (%s, %s)", micros(at), id)
	}
}

// limit returns the LIMIT of a query returning at most n rows, or "" when n is not positive.
func limit(w *filter, n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + w.arg(n)
}

// InsertPayoutLines stores the lines of documents that have none.
func (t *tx) InsertPayoutLines(ls ...mercato.PayoutLine) (int, error) {
	n, err := t.insertRows("payout_lines", payoutLineCols, len(ls), func(i int, dst []any) []any {
		l := &ls[i]
		return append(dst, l.DocumentID, l.InvoiceID, l.SellerID, string(l.Currency), int64(l.Amount),
			string(l.Kind), micros(l.EligibleAt), l.PayoutID)
	})
	if err != nil {
		return int(n), t.fail(err, "insert", "PayoutLine", ls[0].DocumentID)
	}
	return int(n), nil
}

// PendingPayouts sums the pending lines eligible by t per seller and currency.
func (t *tx) PendingPayouts(at time.Time) ([]mercato.PayoutTotal, error) {
	totals, err := list(t, scanPayoutTotal, pendingPayouts, micros(at))
	return totals, wrap(err, "pending payouts")
}

// InsertPayout checks that the seller's pending lines in the payout's currency are still the
// ones summed, then stores the payout and gives them to it.
func (t *tx) InsertPayout(p mercato.Payout, at time.Time) error {
	total, err := getRow(t, scanSumCount, pendingOfSeller, p.SellerID, string(p.Currency), micros(at))
	if err != nil {
		return t.fail(err, "insert", "Payout", p.ID)
	}
	if total.Amount != p.Amount || total.Lines != p.Lines {
		return conflict("Payout", p.ID, fmt.Sprintf("does not match the pending lines: %s in %d lines, not %s in %d",
			total.Amount, total.Lines, p.Amount, p.Lines))
	}
	err = t.insertNew("Payout", p.ID, insertPayout, p.ID, p.SellerID, string(p.Currency), int64(p.Amount), p.Lines,
		micros(p.Time), p.BankAccount.Type, string(p.BankAccount.Currency), p.Status)
	if err != nil {
		return err
	}
	_, err = t.exec(assignPayoutLines, p.ID, p.SellerID, string(p.Currency), micros(at))
	return t.fail(err, "assign lines to", "Payout", p.ID)
}

// ListPayouts returns the payouts matching f, by time, then ID.
func (t *tx) ListPayouts(f mercato.PayoutFilter) ([]mercato.Payout, error) {
	var w filter
	w.eq("seller_id", f.SellerID)
	timeRange(&w, "time", f.From, f.To)
	after(&w, "time", "id", f.AfterTime, f.AfterID)
	query := selectPayouts + w.clause() + " ORDER BY time, id" + limit(&w, f.Limit)
	ps, err := list(t, scanPayout, query, w.args...)
	return ps, wrap(err, "list payouts")
}

// ListPayoutLines returns the lines matching f, by eligibility time, then document.
func (t *tx) ListPayoutLines(f mercato.PayoutLineFilter) ([]mercato.PayoutLine, error) {
	var w filter
	w.eq("seller_id", f.SellerID)
	w.eq("payout_id", f.PayoutID)
	w.eq("invoice_id", f.InvoiceID)
	if f.Pending {
		w.where("payout_id = ''")
	}
	after(&w, "eligible_at", "document_id", f.AfterTime, f.AfterDocumentID)
	query := selectPayoutLines + w.clause() + " ORDER BY eligible_at, document_id" + limit(&w, f.Limit)
	ls, err := list(t, scanPayoutLine, query, w.args...)
	return ls, wrap(err, "list payout lines")
}

// InvoicesIssued returns the invoices matching f, by issue time, then ID.
func (t *tx) InvoicesIssued(f mercato.IssuedFilter) ([]mercato.Invoice, error) {
	var w filter
	w.eq("seller_id", f.SellerID)
	w.eq("maker_id", f.MakerID)
	if f.MakerID != "" {
		w.where("maker_id <> ''") // lets the partial index serve the query
	}
	w.eq("type", string(f.Type))
	timeRange(&w, "issued_at", f.From, f.To)
	after(&w, "issued_at", "id", f.AfterTime, f.AfterID)
	query := selectInvoices + w.clause() + " ORDER BY issued_at, id" + limit(&w, f.Limit)
	invs, err := list(t, scanInvoice, query, w.args...)
	return invs, wrap(err, "list invoices issued")
}

// LedgerBalanceBefore sums the account's postings of transactions dated before at.
func (t *tx) LedgerBalanceBefore(account string, c mercato.Currency, at time.Time) (mercato.Amount, error) {
	sum, err := getRow(t, scanAmount, ledgerBalanceBefore, account, string(c), micros(at))
	return sum, wrap(err, "ledger balance of %s in %s before %s", account, c, at.Format(time.RFC3339))
}

func scanReceivable(s scanner) (mercato.Receivable, error) {
	var r mercato.Receivable
	err := s.Scan(&r.InvoiceID, &r.AgreementID, &r.BuyerID, &r.SellerID, &r.Currency, timeCol{&r.DueAt},
		&r.Status, &r.Collected, timeCol{&r.CollectedAt}, &r.PreTax, &r.Tax, &r.ListingFee, &r.MakerID, &r.MakerAmount, &r.MakerFee, &r.Credited)
	return r, err
}

func scanPayment(s scanner) (mercato.Payment, error) {
	var p mercato.Payment
	err := s.Scan(&p.ID, &p.InvoiceID, &p.BuyerID, &p.SellerID, &p.Currency, &p.Amount, timeCol{&p.Time}, &p.Kind)
	return p, err
}

func scanPayoutLine(s scanner) (mercato.PayoutLine, error) {
	var l mercato.PayoutLine
	err := s.Scan(&l.DocumentID, &l.InvoiceID, &l.SellerID, &l.Currency, &l.Amount, &l.Kind,
		timeCol{&l.EligibleAt}, &l.PayoutID)
	return l, err
}

func scanPayout(s scanner) (mercato.Payout, error) {
	var p mercato.Payout
	err := s.Scan(&p.ID, &p.SellerID, &p.Currency, &p.Amount, &p.Lines, timeCol{&p.Time}, &p.BankAccount.Type,
		&p.BankAccount.Currency, &p.Status)
	return p, err
}

func scanSumCount(s scanner) (mercato.PayoutTotal, error) {
	var p mercato.PayoutTotal
	err := s.Scan(&p.Amount, &p.Lines)
	return p, err
}

func scanPayoutTotal(s scanner) (mercato.PayoutTotal, error) {
	var p mercato.PayoutTotal
	err := s.Scan(&p.SellerID, &p.Currency, &p.Amount, &p.Lines)
	return p, err
}
