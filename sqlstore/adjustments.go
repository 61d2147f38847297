package sqlstore

import (
	"mercato"
)

// adjustmentType is the resource type of billing adjustments in errors.
const adjustmentType = "BillingAdjustmentRequest"

var adjustmentCols = []string{"id", "agreement_id", "seller_id", "buyer_id", "original_invoice_id",
	"amount", "currency", "reason_code", "description", "client_token", "status", "status_message",
	"credit_memo_id", "policy_rule", "created_at", "updated_at"}

var (
	updateAdjustment  = updateSQL("adjustments", adjustmentCols)
	selectAdjustments = selectSQL("adjustments", adjustmentCols)
)

// InsertAdjustments stores new billing adjustments; an existing ID, or a client token the
// seller already used, is EConflict.
func (t *tx) InsertAdjustments(as ...mercato.BillingAdjustment) error {
	n, err := t.insertRows("adjustments", adjustmentCols, len(as), func(i int, dst []any) []any {
		return append(dst, adjustmentArgs(&as[i])...)
	})
	return t.checkInserted(adjustmentType, n, len(as), func(i int) string { return as[i].ID }, err)
}

// UpdateAdjustment replaces a stored billing adjustment; an unknown ID is ENotFound.
func (t *tx) UpdateAdjustment(a mercato.BillingAdjustment) error {
	return t.updateExisting(adjustmentType, a.ID, updateAdjustment, adjustmentArgs(&a)...)
}

// GetAdjustment returns the billing adjustment with the ID.
func (t *tx) GetAdjustment(id string) (mercato.BillingAdjustment, error) {
	a, err := getRow(t, scanAdjustment, selectAdjustments+" WHERE id = $1", id)
	return a, t.fail(err, "get", adjustmentType, id)
}

// AdjustmentByToken returns the seller's billing adjustment made with the client token; an
// unknown one is ENotFound, naming seller/token.
func (t *tx) AdjustmentByToken(sellerID, token string) (mercato.BillingAdjustment, error) {
	if token == "" {
		// The empty token is no token: it is not unique, and names no adjustment.
		return mercato.BillingAdjustment{}, mercato.NotFound(adjustmentType, sellerID+"/")
	}
	a, err := getRow(t, scanAdjustment, selectAdjustments+" WHERE seller_id = $1 AND client_token = $2 AND client_token <> ''",
		sellerID, token)
	return a, t.fail(err, "get", adjustmentType, sellerID+"/"+token)
}

// ListAdjustments returns the billing adjustments matching f, ordered by creation time, then
// ID, after the adjustment f.AfterID (ENotFound if there is none) and at most f.Limit of them
// when it is positive.
func (t *tx) ListAdjustments(f mercato.AdjustmentFilter) ([]mercato.BillingAdjustment, error) {
	var w filter
	w.eq("seller_id", f.SellerID)
	w.eq("agreement_id", f.AgreementID)
	w.eq("original_invoice_id", f.InvoiceID)
	w.eq("status", string(f.Status))
	if !f.CreatedAfter.IsZero() {
		w.where("created_at > %s", micros(f.CreatedAfter))
	}
	if !f.CreatedBefore.IsZero() {
		w.where("created_at < %s", micros(f.CreatedBefore))
	}
	query, err := t.createdOrder(&w, "adjustments", adjustmentType, selectAdjustments, f.AfterID, f.Limit)
	if err != nil {
		return nil, wrap(err, "list billing adjustments")
	}
	adjustments, err := list(t, scanAdjustment, query, w.args...)
	return adjustments, wrap(err, "list billing adjustments")
}

func adjustmentArgs(a *mercato.BillingAdjustment) []any {
	return []any{a.ID, a.AgreementID, a.SellerID, a.BuyerID, a.OriginalInvoiceID, int64(a.Amount),
		string(a.Currency), a.ReasonCode, a.Description, a.ClientToken, string(a.Status),
		a.StatusMessage, a.CreditMemoID, a.PolicyRule, micros(a.CreatedAt), micros(a.UpdatedAt)}
}

func scanAdjustment(s scanner) (mercato.BillingAdjustment, error) {
	var a mercato.BillingAdjustment
	err := s.Scan(&a.ID, &a.AgreementID, &a.SellerID, &a.BuyerID, &a.OriginalInvoiceID, &a.Amount,
		&a.Currency, &a.ReasonCode, &a.Description, &a.ClientToken, &a.Status,
		&a.StatusMessage, &a.CreditMemoID, &a.PolicyRule, timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt})
	return a, err
}
