package sqlstore

import (
	"mercato"
)

// Resource types of requests in errors (AWS ResourceType values).
const (
	cancellationType     = "AgreementCancellationRequest"
	paymentRequestType   = "PaymentRequest"
	agreementRequestType = "AgreementRequest"
)

var (
	cancellationCols = []string{"id", "agreement_id", "seller_id", "buyer_id", "reason_code",
		"description", "status", "status_message", "client_token", "created_at", "updated_at"}
	paymentRequestCols = []string{"id", "agreement_id", "seller_id", "buyer_id", "term_id", "name",
		"description", "amount", "currency", "status", "status_message", "charge_id",
		"purchase_order_reference", "client_token", "created_at", "updated_at"}
	agreementRequestCols = []string{"id", "buyer_id", "intent", "offer_id", "source_agreement_id",
		"terms", "client_token", "agreement_id", "created_at", "expires_at"}
)

var (
	insertCancellation     = insertNewSQL("cancellation_requests", cancellationCols)
	updateCancellation     = updateSQL("cancellation_requests", cancellationCols)
	selectCancellations    = selectSQL("cancellation_requests", cancellationCols)
	insertPaymentRequest   = insertNewSQL("payment_requests", paymentRequestCols)
	updatePaymentRequest   = updateSQL("payment_requests", paymentRequestCols)
	selectPaymentRequests  = selectSQL("payment_requests", paymentRequestCols)
	insertAgreementRequest = insertNewSQL("agreement_requests", agreementRequestCols)
	updateAgreementRequest = updateSQL("agreement_requests", agreementRequestCols)
	selectAgreementRequest = selectSQL("agreement_requests", agreementRequestCols) + " WHERE id = $1"
)

// createdOrder returns query (a SELECT of table) with w's conditions, ordered by creation
// time, then ID, starting after the row afterID when it is set, and limited to limit rows
// when it is positive. The row afterID may not match w, but must exist: an unknown one is
// ENotFound for the resource type typ.
func (t *tx) createdOrder(w *filter, table, typ, query, afterID string, limit int) (string, error) {
	if afterID != "" {
		created, err := getRow(t, scanInt64, "SELECT created_at FROM "+table+" WHERE id = $1", afterID)
		if err != nil {
			return "", t.fail(err, "page after", typ, afterID)
		}
		// The first condition lets an index on (..., created_at, id) start at the row; the
		// second skips the rows of its time up to it.
		w.where("created_at >= %s AND (created_at > %s OR id > %s)", created, created, afterID)
	}
	query += w.clause() + " ORDER BY created_at, id"
	if limit > 0 {
		query += " LIMIT " + w.arg(limit)
	}
	return query, nil
}

// requestFilter returns the conditions of f but for paging.
func requestFilter(f mercato.RequestFilter) filter {
	var w filter
	w.eq("seller_id", f.SellerID)
	w.eq("buyer_id", f.BuyerID)
	w.eq("agreement_id", f.AgreementID)
	w.eq("status", f.Status)
	return w
}

// InsertCancellationRequest stores a new cancellation request; an existing ID is EConflict.
func (t *tx) InsertCancellationRequest(r mercato.CancellationRequest) error {
	return t.insertNew(cancellationType, r.ID, insertCancellation, cancellationArgs(&r)...)
}

// UpdateCancellationRequest replaces a stored cancellation request; an unknown ID is ENotFound.
func (t *tx) UpdateCancellationRequest(r mercato.CancellationRequest) error {
	return t.updateExisting(cancellationType, r.ID, updateCancellation, cancellationArgs(&r)...)
}

// GetCancellationRequest returns the cancellation request with the ID.
func (t *tx) GetCancellationRequest(id string) (mercato.CancellationRequest, error) {
	r, err := getRow(t, scanCancellation, selectCancellations+" WHERE id = $1", id)
	return r, t.fail(err, "get", cancellationType, id)
}

// ListCancellationRequests returns the cancellation requests matching f, ordered by creation
// time, then ID, after the request f.AfterID (ENotFound if there is none) and at most f.Limit
// of them when it is positive.
func (t *tx) ListCancellationRequests(f mercato.RequestFilter) ([]mercato.CancellationRequest, error) {
	w := requestFilter(f)
	query, err := t.createdOrder(&w, "cancellation_requests", cancellationType, selectCancellations, f.AfterID, f.Limit)
	if err != nil {
		return nil, wrap(err, "list cancellation requests")
	}
	requests, err := list(t, scanCancellation, query, w.args...)
	return requests, wrap(err, "list cancellation requests")
}

func cancellationArgs(r *mercato.CancellationRequest) []any {
	return []any{r.ID, r.AgreementID, r.SellerID, r.BuyerID, r.ReasonCode, r.Description,
		string(r.Status), r.StatusMessage, r.ClientToken, micros(r.CreatedAt), micros(r.UpdatedAt)}
}

func scanCancellation(s scanner) (mercato.CancellationRequest, error) {
	var r mercato.CancellationRequest
	err := s.Scan(&r.ID, &r.AgreementID, &r.SellerID, &r.BuyerID, &r.ReasonCode, &r.Description,
		&r.Status, &r.StatusMessage, &r.ClientToken, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt})
	return r, err
}

// InsertPaymentRequest stores a new payment request; an existing ID is EConflict.
func (t *tx) InsertPaymentRequest(r mercato.PaymentRequest) error {
	return t.insertNew(paymentRequestType, r.ID, insertPaymentRequest, paymentRequestArgs(&r)...)
}

// UpdatePaymentRequest replaces a stored payment request; an unknown ID is ENotFound.
func (t *tx) UpdatePaymentRequest(r mercato.PaymentRequest) error {
	return t.updateExisting(paymentRequestType, r.ID, updatePaymentRequest, paymentRequestArgs(&r)...)
}

// GetPaymentRequest returns the payment request with the ID.
func (t *tx) GetPaymentRequest(id string) (mercato.PaymentRequest, error) {
	r, err := getRow(t, scanPaymentRequest, selectPaymentRequests+" WHERE id = $1", id)
	return r, t.fail(err, "get", paymentRequestType, id)
}

// ListPaymentRequests returns the payment requests matching f, ordered by creation time, then
// ID, after the request f.AfterID (ENotFound if there is none) and at most f.Limit of them when
// it is positive.
func (t *tx) ListPaymentRequests(f mercato.RequestFilter) ([]mercato.PaymentRequest, error) {
	w := requestFilter(f)
	query, err := t.createdOrder(&w, "payment_requests", paymentRequestType, selectPaymentRequests, f.AfterID, f.Limit)
	if err != nil {
		return nil, wrap(err, "list payment requests")
	}
	requests, err := list(t, scanPaymentRequest, query, w.args...)
	return requests, wrap(err, "list payment requests")
}

func paymentRequestArgs(r *mercato.PaymentRequest) []any {
	return []any{r.ID, r.AgreementID, r.SellerID, r.BuyerID, r.TermID, r.Name, r.Description,
		int64(r.Amount), string(r.Currency), string(r.Status), r.StatusMessage, r.ChargeID,
		r.PurchaseOrderReference, r.ClientToken, micros(r.CreatedAt), micros(r.UpdatedAt)}
}

func scanPaymentRequest(s scanner) (mercato.PaymentRequest, error) {
	var r mercato.PaymentRequest
	err := s.Scan(&r.ID, &r.AgreementID, &r.SellerID, &r.BuyerID, &r.TermID, &r.Name, &r.Description,
		&r.Amount, &r.Currency, &r.Status, &r.StatusMessage, &r.ChargeID,
		&r.PurchaseOrderReference, &r.ClientToken, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt})
	return r, err
}

// InsertAgreementRequest stores a new agreement request; an existing ID is EConflict.
func (t *tx) InsertAgreementRequest(r mercato.AgreementRequest) error {
	return t.insertNew(agreementRequestType, r.ID, insertAgreementRequest, agreementRequestArgs(&r)...)
}

// UpdateAgreementRequest replaces a stored agreement request; an unknown ID is ENotFound.
func (t *tx) UpdateAgreementRequest(r mercato.AgreementRequest) error {
	return t.updateExisting(agreementRequestType, r.ID, updateAgreementRequest, agreementRequestArgs(&r)...)
}

// GetAgreementRequest returns the agreement request with the ID.
func (t *tx) GetAgreementRequest(id string) (mercato.AgreementRequest, error) {
	r, err := getRow(t, scanAgreementRequest, selectAgreementRequest, id)
	return r, t.fail(err, "get", agreementRequestType, id)
}

func agreementRequestArgs(r *mercato.AgreementRequest) []any {
	return []any{r.ID, r.BuyerID, r.Intent, r.OfferID, r.SourceAgreementID, jsonArg{r.Terms},
		r.ClientToken, r.AgreementID, micros(r.CreatedAt), micros(r.ExpiresAt)}
}

func scanAgreementRequest(s scanner) (mercato.AgreementRequest, error) {
	var r mercato.AgreementRequest
	err := s.Scan(&r.ID, &r.BuyerID, &r.Intent, &r.OfferID, &r.SourceAgreementID, jsonCol{&r.Terms},
		&r.ClientToken, &r.AgreementID, timeCol{&r.CreatedAt}, timeCol{&r.ExpiresAt})
	return r, err
}

func scanInt64(s scanner) (int64, error) {
	var v int64
	err := s.Scan(&v)
	return v, err
}
