package service

import (
	"context"
	"time"

	"mercato"
)

// disburse pays every seller whose schedule pays on the day of t what it has pending: per
// currency, the sum of the payout lines eligible by t (invoices collected in full, less their
// listing fees, less the credit memos against them). A sum that is not positive waits: a
// negative balance (refunds after a disbursement) is recovered from the next lines. So is a
// currency the seller has no bank account for.
func (s *Service) disburse(ctx context.Context, t time.Time) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		totals, err := tx.PendingPayouts(t)
		if err != nil {
			return err
		}
		schedules := map[string]mercato.Disbursement{}
		for _, total := range totals {
			sched, ok := schedules[total.SellerID]
			if !ok {
				seller, err := tx.GetAccount(total.SellerID)
				if err != nil {
					return err
				}
				sched = seller.DisbursementSchedule()
				schedules[total.SellerID] = sched
			}
			if err := s.payout(tx, &sched, total, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// payout pays a seller's pending total in one currency at time t, if its schedule pays that day,
// the total is positive and the seller has a bank account for the currency; without one, the
// payout is paused and the seller told.
func (s *Service) payout(tx mercato.Tx, sched *mercato.Disbursement, total mercato.PayoutTotal, t time.Time) error {
	bank, ok := sched.BankAccountFor(total.Currency)
	switch {
	case !sched.PaysOn(t) || total.Amount <= 0:
		return nil
	case !ok:
		// A pay day with proceeds and nowhere to pay them: AWS pauses the disbursement and
		// tells the seller, who must add a bank account for the currency.
		return emit(tx, mercato.DisbursementPaused(total.SellerID, total.Currency, t))
	}
	p := mercato.Payout{ID: newID("dsb-"), SellerID: total.SellerID, Currency: total.Currency, Amount: total.Amount,
		Lines: total.Lines, Time: t, BankAccount: bank, Status: "PAID"}
	if err := tx.InsertPayout(p, t); err != nil {
		return err
	}
	lt := p.Ledger()
	lt.ID = newID("lt-")
	if err := lt.Validate(); err != nil {
		return err
	}
	if err := tx.InsertLedgerTxns(lt); err != nil {
		return err
	}
	if err := audit(tx, t, "system", "Disburse", "Disbursement", p.ID, "",
		map[string]any{"sellerId": p.SellerID, "amount": p.Amount, "currencyCode": p.Currency, "lines": p.Lines,
			"bankAccount": p.BankAccount}); err != nil {
		return err
	}
	return emit(tx, mercato.DisbursementPaid(&p))
}

// Payouts lists disbursements, each with its lines.
func (s *Service) Payouts(ctx context.Context, f mercato.PayoutFilter) ([]mercato.Payout, error) {
	var out []mercato.Payout
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		if out, err = tx.ListPayouts(f); err != nil {
			return err
		}
		for i := range out {
			if out[i].LineItems, err = tx.ListPayoutLines(mercato.PayoutLineFilter{PayoutID: out[i].ID}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// SetDisbursement sets a seller's payout schedule and bank accounts. Errors: ENotFound,
// EInvalid (see Account.Validate), EForbidden (not a seller).
func (s *Service) SetDisbursement(ctx context.Context, sellerID string, d mercato.Disbursement) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAccount(sellerID)
		if err != nil {
			return err
		}
		if !a.HasRole(mercato.RoleSeller) {
			return mercato.Errorf(mercato.EForbidden, "account %s is not a seller", sellerID)
		}
		a.Disbursement = &d
		if err := a.Validate(); err != nil {
			return err
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		return audit(tx, s.Now(), sellerID, "SetDisbursement", "Account", sellerID, "", d)
	})
}
