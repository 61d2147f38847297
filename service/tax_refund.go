package service

import (
	"context"
	"time"

	"mercato"
	"mercato/billing"
	"mercato/policy"
)

// RefundTax refunds, at the seller's choice, what remains of an invoice's tax and nothing of its
// pre-tax amount: a credit memo of tax alone. (A full pre-tax refund already reverses all the
// tax; this is for the tax alone.) Errors: ENotFound (not the caller's agreement or invoice),
// EForbidden (the buyer), EInvalid (a credit memo, or no tax left to refund).
func (s *Service) RefundTax(ctx context.Context, caller, agreementID, invoiceID string) (mercato.Invoice, error) {
	var memo mercato.Invoice
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := agreementAs(tx, caller, agreementID, Proposer, "refund its tax")
		if err != nil {
			return err
		}
		memo, err = refundTax(tx, &a, invoiceID, caller, s.Now())
		return err
	})
	return memo, err
}

// refundTax issues the tax-only credit memo of one invoice of the agreement.
func refundTax(tx mercato.Tx, a *mercato.Agreement, invoiceID, actor string, now time.Time) (mercato.Invoice, error) {
	locked, err := tx.LockInvoices(invoiceID) // what was credited stays as read until the commit
	if err != nil {
		return mercato.Invoice{}, err
	}
	if len(locked) == 0 || locked[0].AgreementID != a.ID {
		return mercato.Invoice{}, mercato.NotFound("Invoice", invoiceID)
	}
	inv := locked[0]
	if inv.Type != mercato.InvoiceTypeInvoice || inv.Tax-inv.CreditedTax <= 0 {
		return inv, invalid("INVALID_ADJUSTMENT_AMOUNT", "invoiceId", "invoice %s has no tax left to refund", inv.ID)
	}
	memo := billing.TaxCreditMemo(&inv, now)
	memo.ID = newID("cm-")
	memo.Key = "tax-credit:" + memo.ID
	if err := tx.InsertInvoices(memo); err != nil {
		return memo, err
	}
	if err := tx.AddInvoiceCredits(mercato.InvoiceCredit{InvoiceID: inv.ID, Tax: memo.Tax}); err != nil {
		return memo, err
	}
	lt := billing.CreditMemoLedger(&memo)
	lt.ID = newID("lt-")
	if err := lt.Validate(); err != nil {
		return memo, err
	}
	if err := tx.InsertLedgerTxns(lt); err != nil {
		return memo, err
	}
	if err := audit(tx, now, actor, "RefundTax", "Invoice", inv.ID, "",
		map[string]any{"creditMemoId": memo.ID, "tax": memo.Tax, "policyRule": policy.RuleSellerAuthorization}); err != nil {
		return memo, err
	}
	return memo, emit(tx, mercato.TaxRefunded(&memo, inv.ID, mercato.Parties{Proposer: a.ProposerID, Acceptor: a.AcceptorID}, now))
}
