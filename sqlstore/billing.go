package sqlstore

import (
	"hash/fnv"
	"maps"
	"slices"
	"strings"

	"mercato"
)

var (
	chargeCols = []string{"id", "agreement_id", "key", "kind", "term_id", "revision", "currency",
		"amount", "time", "period_start", "period_end", "description", "status", "invoice_id",
		"purchase_order_reference", "dimension", "quantity"}
	invoiceCols = []string{"id", "agreement_id", "key", "type", "seller_id", "buyer_id", "currency",
		"pre_tax", "tax", "tax_lines", "listing_fee", "refunded", "credited", "credited_tax", "credited_fee", "period_year", "period_month",
		"issued_at", "due_at", "entity_legal_name", "entity_branch_name", "original_invoice_id",
		"maker_id", "maker_amount", "maker_fee"}
)

var (
	updateCharge   = updateSQL("charges", chargeCols)
	selectCharges  = selectSQL("charges", chargeCols)
	selectInvoices = selectSQL("invoices", invoiceCols)
)

// InsertCharges stores new charges; an existing ID, or key of the agreement, is EConflict.
func (t *tx) InsertCharges(cs ...mercato.Charge) error {
	n, err := t.insertRows("charges", chargeCols, len(cs), func(i int, dst []any) []any {
		return append(dst, chargeArgs(&cs[i])...)
	})
	return t.checkInserted("Charge", n, len(cs), func(i int) string { return cs[i].ID }, err)
}

// UpdateCharge replaces a stored charge; an unknown ID is ENotFound.
func (t *tx) UpdateCharge(c mercato.Charge) error {
	return t.updateExisting("Charge", c.ID, updateCharge, chargeArgs(&c)...)
}

// ListCharges returns the charges matching f, ordered by time, then ID.
func (t *tx) ListCharges(f mercato.ChargeFilter) ([]mercato.Charge, error) {
	var w filter
	w.eq("agreement_id", f.AgreementID)
	w.eq("status", string(f.Status))
	if f.AcceptorID != "" {
		w.where("agreement_id IN (SELECT id FROM agreements WHERE acceptor_id = %s)", f.AcceptorID)
	}
	charges, err := list(t, scanCharge, selectCharges+w.clause()+" ORDER BY time, id", w.args...)
	return charges, wrap(err, "list charges")
}

func chargeArgs(c *mercato.Charge) []any {
	return []any{c.ID, c.AgreementID, c.Key, string(c.Kind), c.TermID, c.Revision,
		string(c.Currency), int64(c.Amount), micros(c.Time), micros(c.PeriodStart),
		micros(c.PeriodEnd), c.Description, string(c.Status), c.InvoiceID, c.PurchaseOrderReference,
		c.Dimension, c.Quantity}
}

func scanCharge(s scanner) (mercato.Charge, error) {
	var c mercato.Charge
	err := s.Scan(&c.ID, &c.AgreementID, &c.Key, &c.Kind, &c.TermID, &c.Revision,
		&c.Currency, &c.Amount, timeCol{&c.Time}, timeCol{&c.PeriodStart},
		timeCol{&c.PeriodEnd}, &c.Description, &c.Status, &c.InvoiceID, &c.PurchaseOrderReference,
		&c.Dimension, &c.Quantity)
	return c, err
}

// InsertInvoices stores new invoices; an existing ID, or key of the agreement, is EConflict.
func (t *tx) InsertInvoices(invs ...mercato.Invoice) error {
	n, err := t.insertRows("invoices", invoiceCols, len(invs), func(i int, dst []any) []any {
		return append(dst, invoiceArgs(&invs[i])...)
	})
	return t.checkInserted("Invoice", n, len(invs), func(i int) string { return invs[i].ID }, err)
}

func invoiceArgs(inv *mercato.Invoice) []any {
	return []any{inv.ID, inv.AgreementID, inv.Key, string(inv.Type), inv.SellerID, inv.BuyerID,
		string(inv.Currency), int64(inv.PreTax), int64(inv.Tax), jsonArg{inv.TaxLines},
		int64(inv.ListingFee), int64(inv.Refunded), int64(inv.Credited), int64(inv.CreditedTax),
		int64(inv.CreditedFee), inv.BillingPeriod.Year, inv.BillingPeriod.Month,
		micros(inv.IssuedAt), micros(inv.DueAt), inv.InvoicingEntity.LegalName,
		inv.InvoicingEntity.BranchName, inv.OriginalInvoiceID, inv.MakerID, int64(inv.MakerAmount),
		int64(inv.MakerFee)}
}

// GetInvoice returns the invoice with the ID.
func (t *tx) GetInvoice(id string) (mercato.Invoice, error) {
	inv, err := getRow(t, scanInvoice, selectInvoices+" WHERE id = $1", id)
	return inv, t.fail(err, "get", "Invoice", id)
}

// LockInvoices returns the invoices with the IDs in ID order, as last committed, once it holds
// the lock of each (the dialect's LockKeys, taken in key order so that transactions locking
// overlapping sets cannot deadlock; without it transactions do not overlap anyway). The locks
// keep other lockers waiting until the transaction ends, and nothing else: refunds being
// reserved on the invoices (AddInvoiceRefunds) do not wait for credit memos being completed.
func (t *tx) LockInvoices(ids ...string) ([]mercato.Invoice, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if t.d.LockKeys != "" && len(ids) > 0 {
		keys := make([]int64, len(ids))
		for i, id := range ids {
			keys[i] = lockKey("invoice", id)
		}
		slices.Sort(keys)
		if _, err := t.exec(t.d.LockKeys, slices.Compact(keys)); err != nil {
			return nil, wrap(err, "lock invoices")
		}
	}
	var invoices []mercato.Invoice
	for chunk := range slices.Chunk(ids, maxRowsPerInsert) {
		var w filter
		w.in("id", chunk)
		some, err := list(t, scanInvoice, selectInvoices+w.clause()+" ORDER BY id", w.args...)
		if err != nil {
			return nil, wrap(err, "lock invoices")
		}
		invoices = append(invoices, some...)
	}
	return invoices, nil
}

// lockKey returns the key of the lock of a row: a 64-bit hash of its kind and ID. Two rows
// whose keys collide only share a lock.
func lockKey(kind, id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return int64(h.Sum64())
}

// ListInvoices returns the invoices matching f, ordered by issue time, then ID.
func (t *tx) ListInvoices(f mercato.InvoiceFilter) ([]mercato.Invoice, error) {
	var w filter
	if len(f.IDs) > 0 {
		w.in("id", f.IDs)
	}
	w.eq("agreement_id", f.AgreementID)
	w.eq("seller_id", f.SellerID)
	w.eq("buyer_id", f.BuyerID)
	w.eq("type", string(f.Type))
	if f.OriginalInvoiceID != "" {
		w.eq("original_invoice_id", f.OriginalInvoiceID)
		w.where("original_invoice_id <> ''") // lets the partial index serve the query
	}
	invoices, err := list(t, scanInvoice, selectInvoices+w.clause()+" ORDER BY issued_at, id", w.args...)
	return invoices, wrap(err, "list invoices")
}

// AddInvoiceCredits adds what credit memos gave back to the invoices' credited totals, in one
// statement per maxRowsPerInsert invoices, rows in ID order. An unknown invoice is ENotFound.
func (t *tx) AddInvoiceCredits(credits ...mercato.InvoiceCredit) error {
	sum := map[string]mercato.InvoiceCredit{}
	for _, c := range credits {
		s := sum[c.InvoiceID]
		s.PreTax, s.Tax, s.Fee = s.PreTax+c.PreTax, s.Tax+c.Tax, s.Fee+c.Fee
		sum[c.InvoiceID] = s
	}
	ids := slices.Sorted(maps.Keys(sum))
	n, err := t.updateRowsInOrder("invoices", "credited = invoices.credited + v.column2, credited_tax = invoices.credited_tax + v.column3, "+
		"credited_fee = invoices.credited_fee + v.column4", "invoices.id = v.column1",
		[]string{"TEXT", "BIGINT", "BIGINT", "BIGINT"}, len(ids), func(i int, dst []any) []any {
			c := sum[ids[i]]
			return append(dst, ids[i], int64(c.PreTax), int64(c.Tax), int64(c.Fee))
		})
	if err != nil {
		return wrap(err, "credit %d invoices", len(ids))
	}
	if int(n) < len(ids) {
		return mercato.Errorf(mercato.ENotFound, "cannot credit invoices %s: not all of them exist", strings.Join(ids, ", "))
	}
	return nil
}

// AddInvoiceRefunds adds each amount to its invoice's refunded total, in one statement per
// maxRowsPerInsert invoices. If one would exceed its invoice's pre-tax amount (or is not an
// invoice), it returns EConflict, having added some of the others: the caller rolls back.
func (t *tx) AddInvoiceRefunds(refunds ...mercato.InvoiceAmount) error {
	sum := map[string]mercato.Amount{}
	for _, r := range refunds {
		sum[r.InvoiceID] += r.Amount
	}
	ids := slices.Sorted(maps.Keys(sum))
	n, err := t.updateRowsInOrder("invoices", "refunded = invoices.refunded + v.column2",
		"invoices.id = v.column1 AND invoices.type = 'INVOICE' AND invoices.refunded + v.column2 <= invoices.pre_tax",
		[]string{"TEXT", "BIGINT"}, len(ids), func(i int, dst []any) []any { return append(dst, ids[i], int64(sum[ids[i]])) })
	if err != nil {
		return wrap(err, "refund %d invoices", len(ids))
	}
	if int(n) < len(ids) {
		return mercato.Errorf(mercato.EConflict, "cannot refund invoices %s: only invoices can be refunded, up to their pre-tax amount",
			strings.Join(ids, ", "))
	}
	return nil
}

func scanInvoice(s scanner) (mercato.Invoice, error) {
	var inv mercato.Invoice
	err := s.Scan(&inv.ID, &inv.AgreementID, &inv.Key, &inv.Type, &inv.SellerID, &inv.BuyerID,
		&inv.Currency, &inv.PreTax, &inv.Tax, jsonCol{&inv.TaxLines}, &inv.ListingFee,
		&inv.Refunded, &inv.Credited, &inv.CreditedTax, &inv.CreditedFee, &inv.BillingPeriod.Year, &inv.BillingPeriod.Month, timeCol{&inv.IssuedAt},
		timeCol{&inv.DueAt}, &inv.InvoicingEntity.LegalName, &inv.InvoicingEntity.BranchName,
		&inv.OriginalInvoiceID, &inv.MakerID, &inv.MakerAmount, &inv.MakerFee)
	return inv, err
}
