package service

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"mercato"
	"mercato/policy"
)

// ruleSupportAuthorization is the rule of a refund that the marketplace's support (an operator)
// authorized on the seller's behalf: like the seller's, it refunds the amount asked.
const ruleSupportAuthorization policy.Rule = "SUPPORT_AUTHORIZATION"

// amountRule returns the rule that computes a grant's amounts: an authorization by support
// refunds what was asked, as the seller's does.
func amountRule(rule policy.Rule) policy.Rule {
	if rule == ruleSupportAuthorization {
		return policy.RuleSellerAuthorization
	}
	return rule
}

// isOperator reports whether the account is one of the marketplace's operators; an unknown
// account is not.
func isOperator(tx mercato.Tx, id string) bool {
	a, err := tx.GetAccount(id)
	return err == nil && a.HasRole(mercato.RoleOperator)
}

// invoiceAgreement takes the agreement of a request that names invoices but no agreement from
// its first invoice: the buyer's latest agreement for the product may not be the one invoiced.
func invoiceAgreement(tx mercato.Tx, in *RefundRequestInput) error {
	if in.AgreementID != "" || len(in.InvoiceIDs) == 0 {
		return nil
	}
	inv, err := tx.GetInvoice(in.InvoiceIDs[0])
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return invalid("", "invoiceIds", "invoice %s does not exist", in.InvoiceIDs[0])
	}
	if err != nil {
		return err
	}
	in.AgreementID = inv.AgreementID
	return nil
}

// MaxRefundRejectReason is the most characters a reason for rejecting a refund request may have.
const MaxRefundRejectReason = 1000

// checkRejectReason refuses a rejection without a reason, or with one too long: the other
// parties read it.
func checkRejectReason(reason string) error {
	var p mercato.Problems
	if reason == "" {
		p.Add("reason", "is required: the other parties see it")
	} else if n := utf8.RuneCountInString(reason); n > MaxRefundRejectReason {
		p.Add("reason", "has %d characters; at most %d are allowed", n, MaxRefundRejectReason)
	}
	return p.Err("invalid rejection of a refund request")
}

// OperatorApproveRefundRequest is the marketplace's support authorizing, on the seller's behalf,
// a case awaiting the seller: the amount asked is refunded as billing adjustments (and the
// agreement cancelled if asked), under the rule SUPPORT_AUTHORIZATION, audited with the
// operator as actor. Errors: ENotFound, EForbidden (the caller is not an operator), EConflict
// (the case does not await the seller), EInvalid (the amount no longer fits what remains
// refundable).
func (s *Service) OperatorApproveRefundRequest(ctx context.Context, caller, id string) (mercato.RefundCase, error) {
	return s.supportDecides(ctx, caller, id, "ApproveRefundRequest", nil,
		func(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, now time.Time) error {
			if c.Status != mercato.RefundAwaitingSeller {
				return conflict("RefundCase", id, "refund request %s is %s; only a request awaiting the seller can be approved", id, c.Status)
			}
			return s.grant(tx, c, a, ruleSupportAuthorization, caller, now)
		})
}

// OperatorRejectRefundRequest is the marketplace's support closing a case that waits (for the
// seller, for information, or for the end of a billing cycle) without a refund, with a reason
// both parties see. Errors: ENotFound, EForbidden (not an operator), EInvalid (no reason, or
// a reason too long), EConflict (the case is completed or rejected already).
func (s *Service) OperatorRejectRefundRequest(ctx context.Context, caller, id, reason string) (mercato.RefundCase, error) {
	reason = strings.TrimSpace(reason)
	if err := checkRejectReason(reason); err != nil {
		return mercato.RefundCase{}, err
	}
	return s.supportDecides(ctx, caller, id, "RejectRefundRequest", map[string]any{"reason": reason},
		func(tx mercato.Tx, c *mercato.RefundCase, _ *mercato.Agreement, now time.Time) error {
			if err := s.setCase(tx, c, mercato.RefundRejected, "rejected by the marketplace's support: "+reason, now); err != nil {
				return err
			}
			parties := mercato.Parties{Proposer: c.SellerID, Acceptor: c.BuyerID}
			return emit(tx, mercato.RefundRequest(mercato.EventRefundRequestRejected, c, parties, reason, now))
		})
}

// OperatorAnswerRefundRequest is the marketplace's support supplying what a case that needs
// action lacks (the fields of in that are set replace the case's), which submits it again as
// the filer's own answer would. Errors: ENotFound, EForbidden (not an operator), EInvalid,
// EConflict (the case does not need action).
func (s *Service) OperatorAnswerRefundRequest(ctx context.Context, caller, id string, in RefundRequestInput) (mercato.RefundCase, error) {
	var p mercato.Problems
	if in.checkAnswer(&p); len(p) > 0 {
		return mercato.RefundCase{}, p.Err("invalid answer to a refund request")
	}
	return s.supportDecides(ctx, caller, id, "AnswerRefundRequest", in,
		func(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, now time.Time) error {
			if c.Status != mercato.RefundActionRequired {
				return conflict("RefundCase", id, "refund request %s is %s; only a request that needs action can be answered", id, c.Status)
			}
			if err := answer(c, &in); err != nil {
				return err
			}
			return s.evaluate(tx, c, a, now)
		})
}

// supportDecides runs an operator's decision on a case in one transaction with its audit
// record. A case whose status does not allow the decision is refused inside that transaction
// (by the decision's own check, or by setCase's transition table), which then saves nothing.
func (s *Service) supportDecides(ctx context.Context, caller, id, action string, details any,
	decide caseDecision) (mercato.RefundCase, error) {
	may := func(tx mercato.Tx, _ *mercato.RefundCase) error {
		if !isOperator(tx, caller) {
			return mercato.Errorf(mercato.EForbidden, "only an operator (the marketplace's support) decides refund requests of other accounts")
		}
		return nil
	}
	return s.decideCase(ctx, caller, id, action, map[string]any{"by": "support", "details": details}, may, decide)
}
