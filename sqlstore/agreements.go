package sqlstore

import (
	"mercato"
)

// agreementCols are the columns of an agreement as read; bills_monthly is derived from the
// terms when written, for ListAgreements' monthly-close filter.
var agreementCols = []string{"id", "offer_id", "product_id", "product_type", "proposer_id",
	"acceptor_id", "private", "terms", "status", "acceptance_time", "start_time", "end_time",
	"updated_at", "initial_agreement_id", "source_agreement_id", "currency", "value",
	"listing_fee_rate", "tax_jurisdiction", "end_reason", "resale"}

var (
	agreementWriteCols = append(agreementCols[:len(agreementCols):len(agreementCols)], "bills_monthly")
	insertAgreement    = insertNewSQL("agreements", agreementWriteCols)
	updateAgreement    = updateSQL("agreements", agreementWriteCols)
	selectAgreements   = selectSQL("agreements", agreementCols)
)

// InsertAgreement stores a new agreement; an existing ID is EConflict.
func (t *tx) InsertAgreement(a mercato.Agreement) error {
	return t.insertNew("Agreement", a.ID, insertAgreement, agreementArgs(&a)...)
}

// UpdateAgreement replaces a stored agreement; an unknown ID is ENotFound.
func (t *tx) UpdateAgreement(a mercato.Agreement) error {
	return t.updateExisting("Agreement", a.ID, updateAgreement, agreementArgs(&a)...)
}

// GetAgreement returns the agreement with the ID.
func (t *tx) GetAgreement(id string) (mercato.Agreement, error) {
	a, err := getRow(t, scanAgreement, selectAgreements+" WHERE id = $1", id)
	return a, t.fail(err, "get", "Agreement", id)
}

// ListAgreements returns the agreements matching f, ordered by ID, after f.AfterID and at most
// f.Limit of them when it is positive. ActiveFrom and ActiveTo, when set, select agreements that
// ran some time in [ActiveFrom, ActiveTo): started before ActiveTo and not ended by ActiveFrom.
func (t *tx) ListAgreements(f mercato.AgreementFilter) ([]mercato.Agreement, error) {
	var w filter
	if len(f.IDs) > 0 {
		w.in("id", f.IDs)
	}
	w.eq("proposer_id", f.ProposerID)
	w.eq("acceptor_id", f.AcceptorID)
	w.eq("product_id", f.ProductID)
	w.eq("offer_id", f.OfferID)
	w.eq("status", string(f.Status))
	if f.BillsMonthly {
		// A bare column, not a parameter, so that the partial index on it applies.
		w.where("bills_monthly")
	}
	if !f.ActiveTo.IsZero() {
		w.where("start_time < %s", micros(f.ActiveTo))
	}
	if !f.ActiveFrom.IsZero() {
		w.where("(end_time = 0 OR end_time > %s)", micros(f.ActiveFrom))
	}
	if f.WithoutInvoiceKey != "" {
		w.where("NOT EXISTS (SELECT 1 FROM invoices i WHERE i.agreement_id = agreements.id AND i.key = %s)", f.WithoutInvoiceKey)
	}
	if f.AfterID != "" {
		w.where("id > %s", f.AfterID)
	}
	query := selectAgreements + w.clause() + " ORDER BY id"
	if f.Limit > 0 {
		query += " LIMIT " + w.arg(f.Limit)
	}
	agreements, err := list(t, scanAgreement, query, w.args...)
	return agreements, wrap(err, "list agreements")
}

func agreementArgs(a *mercato.Agreement) []any {
	return []any{a.ID, a.OfferID, a.ProductID, string(a.ProductType), a.ProposerID,
		a.AcceptorID, a.Private, jsonArg{a.Terms}, string(a.Status), micros(a.AcceptanceTime),
		micros(a.StartTime), micros(a.EndTime), micros(a.UpdatedAt), a.InitialAgreementID,
		a.SourceAgreementID, string(a.Currency), int64(a.Value), int64(a.ListingFeeRate),
		a.TaxJurisdiction, a.EndReason, jsonArg{a.Resale}, a.Terms.BillsMonthly()}
}

func scanAgreement(s scanner) (mercato.Agreement, error) {
	var a mercato.Agreement
	err := s.Scan(&a.ID, &a.OfferID, &a.ProductID, &a.ProductType, &a.ProposerID,
		&a.AcceptorID, &a.Private, jsonCol{&a.Terms}, &a.Status, timeCol{&a.AcceptanceTime},
		timeCol{&a.StartTime}, timeCol{&a.EndTime}, timeCol{&a.UpdatedAt}, &a.InitialAgreementID,
		&a.SourceAgreementID, &a.Currency, &a.Value, &a.ListingFeeRate,
		&a.TaxJurisdiction, &a.EndReason, jsonCol{&a.Resale})
	return a, err
}
