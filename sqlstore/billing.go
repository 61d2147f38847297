package sqlstore

import (
	"maps"
	"slices"
	"strings"

	"mercato"
)

var (
	chargeCols = []string{"id", "agreement_id", "key", "kind", "term_id", "revision", "currency",
		"amount", "time", "period_start", "period_end", "description", "status", "invoice_id",
		"purchase_order_reference"}
	invoiceCols = []string{"id", "agreement_id", "key", "type", "seller_id", "buyer_id", "currency",
		"pre_tax", "tax", "tax_lines", "listing_fee", "refunded", "credited", "credited_tax", "credited_fee", "period_year", "period_month",
		"issued_at", "due_at", "entity_legal_name", "entity_branch_name", "original_invoice_id"}
)

var (
	updateCharge   = updateSQL("charges", chargeCols)
	selectCharges  = selectSQL("charges", chargeCols)
	selectInvoices = selectSQL("invoices", invoiceCols)
	addCredit      = `UPDATE invoices SET credited = credited + $2, credited_tax = credited_tax + $3,
		credited_fee = credited_fee + $4 WHERE id = $1`
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
		micros(c.PeriodEnd), c.Description, string(c.Status), c.InvoiceID, c.PurchaseOrderReference}
}

func scanCharge(s scanner) (mercato.Charge, error) {
	var c mercato.Charge
	err := s.Scan(&c.ID, &c.AgreementID, &c.Key, &c.Kind, &c.TermID, &c.Revision,
		&c.Currency, &c.Amount, timeCol{&c.Time}, timeCol{&c.PeriodStart},
		timeCol{&c.PeriodEnd}, &c.Description, &c.Status, &c.InvoiceID, &c.PurchaseOrderReference)
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
		inv.InvoicingEntity.BranchName, inv.OriginalInvoiceID}
}

// GetInvoice returns the invoice with the ID.
func (t *tx) GetInvoice(id string) (mercato.Invoice, error) {
	inv, err := getRow(t, scanInvoice, selectInvoices+" WHERE id = $1", id)
	return inv, t.fail(err, "get", "Invoice", id)
}

// LockInvoices returns the invoices with the IDs in ID order, locked until the transaction ends
// where the database locks rows (the dialect's RowLock; rows are locked in the order returned,
// so transactions locking invoices this way cannot deadlock); elsewhere transactions do not
// overlap anyway.
func (t *tx) LockInvoices(ids ...string) ([]mercato.Invoice, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var invoices []mercato.Invoice
	for chunk := range slices.Chunk(ids, maxRowsPerInsert) {
		var w filter
		w.in("id", chunk)
		some, err := list(t, scanInvoice, selectInvoices+w.clause()+" ORDER BY id "+t.d.RowLock, w.args...)
		if err != nil {
			return nil, wrap(err, "lock invoices")
		}
		invoices = append(invoices, some...)
	}
	return invoices, nil
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

// AddInvoiceCredit adds what a credit memo gave back to the invoice's credited totals.
func (t *tx) AddInvoiceCredit(invoiceID string, preTax, tax, fee mercato.Amount) error {
	return t.updateExisting("Invoice", invoiceID, addCredit, invoiceID, int64(preTax), int64(tax), int64(fee))
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
	n, err := t.updateRows("invoices", "refunded = invoices.refunded + v.column2",
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
		&inv.OriginalInvoiceID)
	return inv, err
}
