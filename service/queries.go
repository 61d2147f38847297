package service

import (
	"context"

	"mercato"
)

// Agreement returns the agreement with the ID. ENotFound if there is none.
func (s *Service) Agreement(ctx context.Context, id string) (mercato.Agreement, error) {
	var a mercato.Agreement
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		a, err = tx.GetAgreement(id)
		return err
	})
	return a, err
}

// Agreements lists agreements matching the filter.
func (s *Service) Agreements(ctx context.Context, f mercato.AgreementFilter) ([]mercato.Agreement, error) {
	var out []mercato.Agreement
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListAgreements(f)
		return err
	})
	return out, err
}

// Invoices lists invoices and credit memos matching the filter, oldest first.
func (s *Service) Invoices(ctx context.Context, f mercato.InvoiceFilter) ([]mercato.Invoice, error) {
	var out []mercato.Invoice
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListInvoices(f)
		return err
	})
	return out, err
}

// Charges lists charges matching the filter, in time order.
func (s *Service) Charges(ctx context.Context, f mercato.ChargeFilter) ([]mercato.Charge, error) {
	var out []mercato.Charge
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListCharges(f)
		return err
	})
	return out, err
}

// Audit lists audit records matching the filter, oldest first.
func (s *Service) Audit(ctx context.Context, f mercato.AuditFilter) ([]mercato.AuditRecord, error) {
	var out []mercato.AuditRecord
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListAudit(f)
		return err
	})
	return out, err
}

// Events lists outbox events matching the filter, oldest first.
func (s *Service) Events(ctx context.Context, f mercato.EventFilter) ([]mercato.Event, error) {
	var out []mercato.Event
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListEvents(f)
		return err
	})
	return out, err
}

// LedgerBalance returns the balance of a ledger account (debits positive).
func (s *Service) LedgerBalance(ctx context.Context, account string, c mercato.Currency) (mercato.Amount, error) {
	var out mercato.Amount
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.LedgerBalance(account, c)
		return err
	})
	return out, err
}

// CheckLedger returns EInternal if the postings of any currency do not sum to zero.
func (s *Service) CheckLedger(ctx context.Context) error {
	return s.view(ctx, func(tx mercato.Tx) error {
		sums, err := tx.LedgerImbalance()
		if err != nil {
			return err
		}
		for c, v := range sums {
			if v != 0 {
				return mercato.Errorf(mercato.EInternal, "ledger out of balance by %s %s", v, c)
			}
		}
		return nil
	})
}

// Offers lists offers matching the filter.
func (s *Service) Offers(ctx context.Context, f mercato.OfferFilter) ([]mercato.Offer, error) {
	var out []mercato.Offer
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListOffers(f)
		return err
	})
	return out, err
}

// Secret returns the marketplace's signing key (tokens, pagination), the same on every node
// sharing the database.
func (s *Service) Secret(ctx context.Context) ([]byte, error) { return s.secret(ctx) }

// Account returns an account's public details: its name, roles and settings, with the secrets of
// its access keys left out. ENotFound for an unknown account.
func (s *Service) Account(ctx context.Context, id string) (mercato.Account, error) {
	var a mercato.Account
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		a, err = tx.GetAccount(id)
		return err
	})
	for i := range a.AccessKeys {
		a.AccessKeys[i].Secret = ""
	}
	return a, err
}

// Product returns a product. ENotFound for an unknown product.
func (s *Service) Product(ctx context.Context, id string) (mercato.Product, error) {
	var p mercato.Product
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		p, err = tx.GetProduct(id)
		return err
	})
	return p, err
}
