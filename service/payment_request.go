package service

import (
	"context"
	"time"
	"unicode/utf8"

	"mercato"
)

const jobAutoApprovePayment mercato.JobKind = "auto-approve-payment"

// SendPaymentInput is a seller's request for a payment under a variable payment term.
type SendPaymentInput struct {
	AgreementID string         `json:"agreementId"`
	TermID      string         `json:"termId"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Amount      mercato.Amount `json:"chargeAmount"`
	ClientToken string         `json:"-"`
}

// Limits of a payment request's text.
const (
	MinPaymentName        = 5
	MaxPaymentName        = 64
	MaxPaymentDescription = 2000
)

// Validate reports every bad field of the request that can be told without the agreement.
func (in *SendPaymentInput) Validate() error {
	var p mercato.Problems
	if n := utf8.RuneCountInString(in.Name); n < MinPaymentName || n > MaxPaymentName {
		p.Add("name", "has %d characters; it needs %d to %d", n, MinPaymentName, MaxPaymentName)
	}
	mercato.CheckText(&p, "description", in.Description, MaxPaymentDescription)
	mercato.CheckClientToken(&p, "clientToken", in.ClientToken)
	return p.Err("invalid payment request")
}

// SendPaymentRequest asks the buyer for a payment under the agreement's variable payment term.
// All pending and approved requests together never exceed the term's maximum. Errors: ENotFound,
// EForbidden (the caller is the buyer), EInvalid (inactive agreement, not a variable payment
// term, amount not positive or above what remains), EConflict (client token reused).
func (s *Service) SendPaymentRequest(ctx context.Context, caller string, in SendPaymentInput) (mercato.PaymentRequest, error) {
	if err := in.Validate(); err != nil {
		return mercato.PaymentRequest{}, err
	}
	var out mercato.PaymentRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		var err error
		out, err = idempotent(tx, now, caller, "SendAgreementPaymentRequest", in.ClientToken, in, func() (mercato.PaymentRequest, error) {
			return s.sendPayment(tx, caller, in, now)
		})
		return err
	})
	return out, err
}

func (s *Service) sendPayment(tx mercato.Tx, caller string, in SendPaymentInput, now time.Time) (mercato.PaymentRequest, error) {
	a, err := agreementAs(tx, caller, in.AgreementID, Proposer, "request payments")
	if err != nil {
		return mercato.PaymentRequest{}, err
	}
	if a.Status != mercato.AgreementActive {
		return mercato.PaymentRequest{}, invalid("INACTIVE_AGREEMENT", "agreementId", "agreement %s is %s; payments are requested on active agreements", a.ID, a.Status)
	}
	term := variableTerm(a.Terms, in.TermID)
	if term == nil {
		return mercato.PaymentRequest{}, invalid("INVALID_TERM_ID", "termId", "agreement %s has no variable payment term %q", a.ID, in.TermID)
	}
	if in.Amount <= 0 {
		return mercato.PaymentRequest{}, invalid("INVALID_CHARGE_AMOUNT", "chargeAmount", "charge amount must be positive")
	}
	if msg := mercato.MinorUnitsProblem(in.Amount, term.CurrencyCode); msg != "" {
		return mercato.PaymentRequest{}, invalid("INVALID_CHARGE_AMOUNT", "chargeAmount", "charge %s", msg)
	}
	used, err := requestedPayments(tx, a.ID)
	if err != nil {
		return mercato.PaymentRequest{}, err
	}
	if left := term.MaxTotalChargeAmount - used; in.Amount > left {
		return mercato.PaymentRequest{}, invalid("INVALID_CHARGE_AMOUNT", "chargeAmount",
			"charge amount %s exceeds the %s %s that remains of the term's maximum %s", in.Amount.FormatIn(term.CurrencyCode),
			left.FormatIn(term.CurrencyCode), term.CurrencyCode, term.MaxTotalChargeAmount.FormatIn(term.CurrencyCode))
	}
	r := mercato.PaymentRequest{ID: newID("pr-"), AgreementID: a.ID, SellerID: a.ProposerID, BuyerID: a.AcceptorID,
		TermID: term.ID, Name: in.Name, Description: in.Description, Amount: in.Amount, Currency: term.CurrencyCode,
		Status: mercato.PaymentRequestPendingApproval, ClientToken: in.ClientToken, CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertPaymentRequest(r); err != nil {
		return r, err
	}
	if c := term.Configuration; c != nil && c.PaymentRequestApprovalStrategy == "AUTO_APPROVE_ON_EXPIRATION" && c.ExpirationDuration != nil {
		if err := putJob(tx, jobAutoApprovePayment, "pr-auto:"+r.ID, c.ExpirationDuration.AddTo(now), requestJob{r.ID}); err != nil {
			return r, err
		}
	}
	return r, paymentChanged(tx, &r, caller, "SendAgreementPaymentRequest", now)
}

func variableTerm(ts mercato.Terms, id string) *mercato.VariablePaymentTerm {
	for i := range ts {
		if v := ts[i].VariablePayment; v != nil && v.ID == id {
			return v
		}
	}
	return nil
}

// requestedPayments sums the agreement's pending and approved payment requests.
func requestedPayments(tx mercato.Tx, agreementID string) (mercato.Amount, error) {
	all, err := tx.ListPaymentRequests(mercato.RequestFilter{AgreementID: agreementID})
	if err != nil {
		return 0, err
	}
	var sum mercato.Amount
	for _, r := range all {
		if r.Status == mercato.PaymentRequestPendingApproval || r.Status == mercato.PaymentRequestApproved {
			sum += r.Amount
		}
	}
	return sum, nil
}

// paymentChanged audits a change of a payment request and tells both parties of its new status.
func paymentChanged(tx mercato.Tx, r *mercato.PaymentRequest, actor, action string, now time.Time) error {
	if err := audit(tx, now, actor, action, "PaymentRequest", r.ID, r.ClientToken,
		map[string]any{"agreementId": r.AgreementID, "status": r.Status, "chargeAmount": r.Amount, "chargeId": r.ChargeID}); err != nil {
		return err
	}
	n, ok := mercato.PaymentRequestChanged(r)
	if !ok {
		return nil
	}
	return emit(tx, n)
}

// paymentAs returns the caller's payment request: ENotFound unless the caller is a party to its
// agreement; EForbidden if the caller is not the party who may act.
func paymentAs(tx mercato.Tx, caller, agreementID, id string, want Party, action string) (mercato.PaymentRequest, error) {
	r, err := tx.GetPaymentRequest(id)
	if err != nil {
		return r, err
	}
	if r.AgreementID != agreementID || (caller != r.SellerID && caller != r.BuyerID) {
		return mercato.PaymentRequest{}, mercato.NotFound("PaymentRequest", id)
	}
	if want != "" && caller != map[Party]string{Proposer: r.SellerID, Acceptor: r.BuyerID}[want] {
		return r, forbiddenAction(action, want)
	}
	return r, nil
}

// AcceptPaymentRequest is the buyer's approval: a charge is made and invoiced at once. Errors:
// ENotFound, EForbidden (the caller is the seller), EConflict (not pending).
func (s *Service) AcceptPaymentRequest(ctx context.Context, caller, agreementID, id, purchaseOrder string) (mercato.PaymentRequest, error) {
	var r mercato.PaymentRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if r, err = paymentAs(tx, caller, agreementID, id, Acceptor, "approve payment requests"); err != nil {
			return err
		}
		r.PurchaseOrderReference = purchaseOrder
		return s.approvePayment(tx, &r, caller, "AcceptAgreementPaymentRequest", s.Now())
	})
	return r, err
}

func (s *Service) approvePayment(tx mercato.Tx, r *mercato.PaymentRequest, actor, action string, now time.Time) error {
	if !r.Status.CanBecome(mercato.PaymentRequestApproved) {
		return conflict("PaymentRequest", r.ID, "payment request %s is %s; only a pending request can be approved", r.ID, r.Status)
	}
	a, err := tx.GetAgreement(r.AgreementID)
	if err != nil {
		return err
	}
	c := mercato.Charge{AgreementID: a.ID, Key: "payment:" + r.ID, Kind: mercato.ChargeVariable, TermID: r.TermID,
		Revision: 1, Currency: r.Currency, Amount: r.Amount, Time: now, Description: r.Name,
		PurchaseOrderReference: r.PurchaseOrderReference}
	var b invoicing
	if _, err := b.add(tx, &a, c.Key, []mercato.Charge{c}, now); err != nil {
		return err
	}
	if err := b.write(tx); err != nil {
		return err
	}
	if err := r.Transition(mercato.PaymentRequestApproved, now); err != nil {
		return err
	}
	r.ChargeID = b.newCharges[0].ID
	if err := tx.UpdatePaymentRequest(*r); err != nil {
		return err
	}
	return paymentChanged(tx, r, actor, action, now)
}

// settlePayment moves a pending request to a final status other than approval.
func (s *Service) settlePayment(ctx context.Context, caller, agreementID, id string, who Party, next mercato.PaymentRequestStatus, message, action string) (mercato.PaymentRequest, error) {
	var r mercato.PaymentRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if r, err = paymentAs(tx, caller, agreementID, id, who, action); err != nil {
			return err
		}
		if !r.Status.CanBecome(next) {
			return conflict("PaymentRequest", r.ID, "payment request %s is %s; only a pending request can change", r.ID, r.Status)
		}
		now := s.Now()
		if err := r.Transition(next, now); err != nil {
			return err
		}
		r.StatusMessage = message
		if err := tx.UpdatePaymentRequest(r); err != nil {
			return err
		}
		return paymentChanged(tx, &r, caller, action, now)
	})
	return r, err
}

// RejectPaymentRequest is the buyer's refusal. Errors: ENotFound, EForbidden, EConflict.
func (s *Service) RejectPaymentRequest(ctx context.Context, caller, agreementID, id, reason string) (mercato.PaymentRequest, error) {
	return s.settlePayment(ctx, caller, agreementID, id, Acceptor, mercato.PaymentRequestRejected, reason, "RejectAgreementPaymentRequest")
}

// CancelPaymentRequest is the seller's withdrawal. Errors: ENotFound, EForbidden, EConflict.
func (s *Service) CancelPaymentRequest(ctx context.Context, caller, agreementID, id string) (mercato.PaymentRequest, error) {
	return s.settlePayment(ctx, caller, agreementID, id, Proposer, mercato.PaymentRequestCancelled, "", "CancelAgreementPaymentRequest")
}

// autoApprovePayment approves a request left unanswered past the term's expiration duration.
func (s *Service) autoApprovePayment(ctx context.Context, j mercato.Job) error {
	p, err := jobPayload[requestJob](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		r, err := tx.GetPaymentRequest(p.ID)
		if err != nil || r.Status != mercato.PaymentRequestPendingApproval {
			return err
		}
		return s.approvePayment(tx, &r, "system", "AutoApproveAgreementPaymentRequest", j.DueAt)
	})
}

// PaymentRequest returns a payment request to either party of its agreement.
func (s *Service) PaymentRequest(ctx context.Context, caller, agreementID, id string) (mercato.PaymentRequest, error) {
	var r mercato.PaymentRequest
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		r, err = paymentAs(tx, caller, agreementID, id, "", "")
		return err
	})
	return r, err
}

// PaymentRequests lists payment requests of the caller's agreements on one side, oldest first,
// a page at a time.
func (s *Service) PaymentRequests(ctx context.Context, caller string, q RequestQuery) ([]mercato.PaymentRequest, string, error) {
	return requestPage(ctx, s, caller, q, mercato.Tx.ListPaymentRequests, func(r *mercato.PaymentRequest) string { return r.ID })
}
