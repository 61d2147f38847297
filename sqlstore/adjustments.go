package sqlstore

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"mercato"
)

// adjustmentType is the resource type of billing adjustments in errors.
const adjustmentType = "BillingAdjustmentRequest"

var adjustmentCols = []string{"id", "agreement_id", "seller_id", "buyer_id", "original_invoice_id",
	"amount", "currency", "reason_code", "description", "client_token", "status", "status_message",
	"credit_memo_id", "policy_rule", "created_at", "updated_at"}

var selectAdjustments = selectSQL("adjustments", adjustmentCols)

// InsertAdjustments stores new billing adjustments; an existing ID, or a client token the
// seller already used, is EConflict.
func (t *tx) InsertAdjustments(as ...mercato.BillingAdjustment) error {
	n, err := t.insertRows("adjustments", adjustmentCols, len(as), func(i int, dst []any) []any {
		return append(dst, adjustmentArgs(&as[i])...)
	})
	return t.checkInserted(adjustmentType, n, len(as), func(i int) string { return as[i].ID }, err)
}

// SetAdjustmentStatus records the status, status message, credit memo and update time of the
// adjustments, in one statement per maxRowsPerInsert of them; an unknown ID is ENotFound.
func (t *tx) SetAdjustmentStatus(as ...mercato.BillingAdjustment) error {
	n, err := t.updateRows("adjustments",
		"status = v.column2, status_message = v.column3, credit_memo_id = v.column4, updated_at = v.column5",
		"adjustments.id = v.column1", []string{"TEXT", "TEXT", "TEXT", "TEXT", "BIGINT"}, len(as), func(i int, dst []any) []any {
			a := &as[i]
			return append(dst, a.ID, string(a.Status), a.StatusMessage, a.CreditMemoID, micros(a.UpdatedAt))
		})
	if err != nil {
		return wrap(err, "set the status of %d billing adjustments", len(as))
	}
	if int(n) < len(as) {
		return t.missingAdjustment(as)
	}
	return nil
}

// missingAdjustment returns ENotFound naming the first of as that is not stored.
func (t *tx) missingAdjustment(as []mercato.BillingAdjustment) error {
	ids := make([]string, len(as))
	for i := range as {
		ids[i] = as[i].ID
	}
	stored, err := t.ListAdjustments(mercato.AdjustmentFilter{IDs: ids})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(stored, func(a mercato.BillingAdjustment) bool { return a.ID == id }) {
			return mercato.NotFound(adjustmentType, id)
		}
	}
	return mercato.NotFound(adjustmentType, ids[0]) // an ID given twice: updated once
}

// GetAdjustment returns the billing adjustment with the ID.
func (t *tx) GetAdjustment(id string) (mercato.BillingAdjustment, error) {
	a, err := getRow(t, scanAdjustment, selectAdjustments+" WHERE id = $1", id)
	return a, t.fail(err, "get", adjustmentType, id)
}

// AdjustmentsByToken returns the seller's billing adjustments made with any of the tokens; the
// empty token names none. Each token is one probe of the unique index on seller and token,
// joined by UNION ALL, a plan that does not depend on the planner's statistics; the probes are
// padded with empty tokens to a power of two, so that the statement has few shapes.
func (t *tx) AdjustmentsByToken(sellerID string, tokens ...string) ([]mercato.BillingAdjustment, error) {
	tokens = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(tokens))), func(s string) bool { return s == "" })
	var out []mercato.BillingAdjustment
	for chunk := range slices.Chunk(tokens, maxTokenProbes) {
		n := 1 << bits.Len(uint(len(chunk)-1))
		probes := make([]string, n)
		args := make([]any, 0, n+1)
		args = append(args, sellerID)
		for i := range probes {
			probes[i] = selectAdjustments + " WHERE seller_id = $1 AND client_token = $" + strconv.Itoa(i+2) + " AND client_token <> ''"
			token := ""
			if i < len(chunk) {
				token = chunk[i]
			}
			args = append(args, token)
		}
		some, err := list(t, scanAdjustment, strings.Join(probes, " UNION ALL "), args...)
		if err != nil {
			return nil, wrap(err, "get billing adjustments of %s by client token", sellerID)
		}
		out = append(out, some...)
	}
	return out, nil
}

// maxTokenProbes bounds the client tokens one statement looks up.
const maxTokenProbes = 64

// ListAdjustments returns the billing adjustments matching f, ordered by creation time, then
// ID, after the adjustment f.AfterID (ENotFound if there is none) and at most f.Limit of them
// when it is positive.
func (t *tx) ListAdjustments(f mercato.AdjustmentFilter) ([]mercato.BillingAdjustment, error) {
	var w filter
	if len(f.IDs) > 0 {
		w.in("id", f.IDs)
	}
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
