package service

import (
	"context"

	"mercato"
	"mercato/policy"
)

// RefundApproval is what approving a refund request awaiting the seller would do now: the
// refund taken from each invoice and whether it cancels the agreement.
type RefundApproval struct {
	Case    mercato.RefundCase
	Refunds []InvoiceRefund
	Total   mercato.Amount
	Tax     bool // the refunds are the invoices' tax (a TAX request), not pre-tax amounts
	Cancels bool // the agreement is cancelled as well (on the case's cancellation date, if any)
}

// InvoiceRefund is the amount an approval refunds from one invoice.
type InvoiceRefund struct {
	InvoiceID string
	Amount    mercato.Amount
}

// PreviewRefundApproval returns what ApproveRefundRequest (or, for an operator,
// OperatorApproveRefundRequest) would refund now, changing nothing, so that the approval can be
// checked before it is made. Errors: ENotFound, EForbidden (the buyer), EConflict (not awaiting
// the seller), EInvalid (the amount no longer fits what remains refundable: the approval would
// be refused).
func (s *Service) PreviewRefundApproval(ctx context.Context, caller, id string) (RefundApproval, error) {
	var out RefundApproval
	err := s.view(ctx, func(tx mercato.Tx) error {
		c, err := refundCaseAs(tx, caller, id)
		if err != nil {
			return err
		}
		switch {
		case caller == c.BuyerID:
			return mercato.Errorf(mercato.EForbidden, "only the seller decides refund request %s", id)
		case c.Status != mercato.RefundAwaitingSeller:
			return conflict("RefundCase", id, "refund request %s is %s; only a request awaiting the seller can be approved", id, c.Status)
		}
		a, err := tx.GetAgreement(c.AgreementID)
		if err != nil {
			return err
		}
		out = RefundApproval{Case: c, Tax: c.Kind == mercato.RefundKindTax, Cancels: c.Kind == mercato.RefundKindCancellation}
		return s.approvalRefunds(tx, &out, &a)
	})
	return out, err
}

// approvalRefunds fills in the refunds an approval makes, as grant computes them.
func (s *Service) approvalRefunds(tx mercato.Tx, out *RefundApproval, a *mercato.Agreement) error {
	c := &out.Case
	if out.Tax {
		left, err := caseTaxLeft(tx, c)
		for _, r := range left {
			out.Refunds = append(out.Refunds, r)
			out.Total += r.Amount
		}
		return err
	}
	refunds, err := s.caseRefunds(tx, c, a, policy.RuleSellerAuthorization, s.Now())
	for _, r := range refunds {
		out.Refunds = append(out.Refunds, InvoiceRefund{r.InvoiceID, r.Amount})
		out.Total += r.Amount
	}
	return err
}
