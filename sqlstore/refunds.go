package sqlstore

import (
	"mercato"
)

const refundCaseType = "RefundCase"

var refundCaseCols = []string{"id", "filed_by", "buyer_id", "seller_id", "product_id", "agreement_id",
	"kind", "invoice_ids", "periods", "amount", "currency", "cancellation_date", "comments", "status",
	"status_reason", "rule", "adjustments", "cancelled", "created_at", "updated_at"}

var (
	insertRefundCase  = insertNewSQL("refund_cases", refundCaseCols)
	updateRefundCase  = updateSQL("refund_cases", refundCaseCols)
	selectRefundCases = selectSQL("refund_cases", refundCaseCols)
)

// InsertRefundCase stores a new refund request; an existing ID is EConflict.
func (t *tx) InsertRefundCase(c mercato.RefundCase) error {
	return t.insertNew(refundCaseType, c.ID, insertRefundCase, refundCaseArgs(&c)...)
}

// UpdateRefundCase replaces a stored refund request; an unknown ID is ENotFound.
func (t *tx) UpdateRefundCase(c mercato.RefundCase) error {
	return t.updateExisting(refundCaseType, c.ID, updateRefundCase, refundCaseArgs(&c)...)
}

// GetRefundCase returns the refund request with the ID.
func (t *tx) GetRefundCase(id string) (mercato.RefundCase, error) {
	c, err := getRow(t, scanRefundCase, selectRefundCases+" WHERE id = $1", id)
	return c, t.fail(err, "get", refundCaseType, id)
}

// ListRefundCases returns the refund requests matching f, oldest first.
func (t *tx) ListRefundCases(f mercato.RequestFilter) ([]mercato.RefundCase, error) {
	w := requestFilter(f)
	query, err := t.createdOrder(&w, "refund_cases", refundCaseType, selectRefundCases, f.AfterID, f.Limit)
	if err != nil {
		return nil, wrap(err, "list refund cases")
	}
	cases, err := list(t, scanRefundCase, query, w.args...)
	return cases, wrap(err, "list refund cases")
}

func refundCaseArgs(c *mercato.RefundCase) []any {
	return []any{c.ID, c.FiledBy, c.BuyerID, c.SellerID, c.ProductID, c.AgreementID, string(c.Kind),
		jsonArg{c.InvoiceIDs}, jsonArg{c.Periods}, int64(c.Amount), string(c.Currency),
		micros(c.CancellationDate), c.Comments, string(c.Status), c.StatusReason, c.Rule,
		jsonArg{c.Adjustments}, c.Cancelled, micros(c.CreatedAt), micros(c.UpdatedAt)}
}

func scanRefundCase(s scanner) (mercato.RefundCase, error) {
	var c mercato.RefundCase
	err := s.Scan(&c.ID, &c.FiledBy, &c.BuyerID, &c.SellerID, &c.ProductID, &c.AgreementID, &c.Kind,
		jsonCol{&c.InvoiceIDs}, jsonCol{&c.Periods}, &c.Amount, &c.Currency, timeCol{&c.CancellationDate},
		&c.Comments, &c.Status, &c.StatusReason, &c.Rule, jsonCol{&c.Adjustments}, &c.Cancelled,
		timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	return c, err
}
