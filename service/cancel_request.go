package service

import (
	"context"
	"slices"
	"time"
	"unicode/utf8"

	"mercato"
)

const jobAutoApproveCancellation mercato.JobKind = "auto-approve-cancellation"

// SendCancellationInput is a seller's request to cancel an agreement.
// MaxCancellationDescription is the most characters a cancellation request's description may have.
const MaxCancellationDescription = 2000

type SendCancellationInput struct {
	AgreementID string `json:"agreementId"`
	ReasonCode  string `json:"reasonCode"`
	Description string `json:"description,omitempty"`
	ClientToken string `json:"-"`
}

// SendCancellationRequest asks the buyer to approve the cancellation of an active agreement. The
// buyer has 7 days to accept or reject it; after that it is approved on the buyer's behalf.
// Errors: ENotFound, EForbidden (the caller is the buyer), EInvalid (unknown reason code, the
// agreement is not active), EConflict (another request is pending, or the client token was used
// for another request).
func (s *Service) SendCancellationRequest(ctx context.Context, caller string, in SendCancellationInput) (mercato.CancellationRequest, error) {
	if !slices.Contains(mercato.CancellationReasons, in.ReasonCode) {
		return mercato.CancellationRequest{}, invalid("INVALID_REASON_CODE", "reasonCode", "unknown cancellation reason code %q", in.ReasonCode)
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxCancellationDescription {
		return mercato.CancellationRequest{}, invalid("INVALID_DESCRIPTION", "description",
			"the description has %d characters; at most %d are allowed", n, MaxCancellationDescription)
	}
	if err := checkClientToken(in.ClientToken); err != nil {
		return mercato.CancellationRequest{}, err
	}
	var out mercato.CancellationRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		var err error
		out, err = idempotent(tx, now, caller, "SendAgreementCancellationRequest", in.ClientToken, in, func() (mercato.CancellationRequest, error) {
			return s.sendCancellation(tx, caller, in, now)
		})
		return err
	})
	return out, err
}

func (s *Service) sendCancellation(tx mercato.Tx, caller string, in SendCancellationInput, now time.Time) (mercato.CancellationRequest, error) {
	a, err := agreementAs(tx, caller, in.AgreementID, Proposer, "request its cancellation")
	if err != nil {
		return mercato.CancellationRequest{}, err
	}
	if a.Status != mercato.AgreementActive {
		return mercato.CancellationRequest{}, invalid("INACTIVE_AGREEMENT", "agreementId", "agreement %s is %s; only an active agreement can be cancelled", a.ID, a.Status)
	}
	pending, err := tx.ListCancellationRequests(mercato.RequestFilter{AgreementID: a.ID, Status: string(mercato.CancellationPendingApproval), Limit: 1})
	if err != nil {
		return mercato.CancellationRequest{}, err
	}
	if len(pending) > 0 {
		return mercato.CancellationRequest{}, conflict("AgreementCancellationRequest", pending[0].ID,
			"agreement %s already has a pending cancellation request (%s)", a.ID, pending[0].ID)
	}
	r := mercato.CancellationRequest{ID: newID("acr-"), AgreementID: a.ID, SellerID: a.ProposerID, BuyerID: a.AcceptorID,
		ReasonCode: in.ReasonCode, Description: in.Description, Status: mercato.CancellationPendingApproval,
		ClientToken: in.ClientToken, CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertCancellationRequest(r); err != nil {
		return r, err
	}
	if err := putJob(tx, jobAutoApproveCancellation, "acr-auto:"+r.ID, now.Add(mercato.CancellationAutoApproval), requestJob{r.ID}); err != nil {
		return r, err
	}
	return r, s.cancellationChanged(tx, &r, caller, "SendAgreementCancellationRequest", now)
}

type requestJob struct {
	ID string `json:"id"`
}

// cancellationChanged audits a change of a cancellation request and tells the parties of its
// agreement (a validation failure, the seller alone).
func (s *Service) cancellationChanged(tx mercato.Tx, r *mercato.CancellationRequest, actor, action string, now time.Time) error {
	if err := audit(tx, now, actor, action, "AgreementCancellationRequest", r.ID, r.ClientToken,
		map[string]any{"agreementId": r.AgreementID, "status": r.Status, "reasonCode": r.ReasonCode, "statusMessage": r.StatusMessage}); err != nil {
		return err
	}
	a, err := tx.GetAgreement(r.AgreementID)
	if err != nil {
		return err
	}
	parties, err := agreementParties(tx, &a, nil)
	if err != nil {
		return err
	}
	return emit(tx, mercato.CancellationChanged(r, &a, parties))
}

// cancellationAs returns the caller's cancellation request of the agreement: ENotFound unless the
// caller is a party to it; EForbidden if the caller is not the party who may act.
func cancellationAs(tx mercato.Tx, caller, agreementID, id string, want Party, action string) (mercato.CancellationRequest, error) {
	r, err := tx.GetCancellationRequest(id)
	if err != nil {
		return r, err
	}
	if r.AgreementID != agreementID || (caller != r.SellerID && caller != r.BuyerID) {
		return mercato.CancellationRequest{}, mercato.NotFound("AgreementCancellationRequest", id)
	}
	if want != "" && caller != map[Party]string{Proposer: r.SellerID, Acceptor: r.BuyerID}[want] {
		return r, forbiddenAction(action, want)
	}
	return r, nil
}

// decideCancellation moves a pending request to status next, with a message; approval cancels
// the agreement. A request that is not pending is EConflict.
func (s *Service) decideCancellation(ctx context.Context, caller, agreementID, id string, who Party, next mercato.CancellationStatus, message, action string) (mercato.CancellationRequest, error) {
	var r mercato.CancellationRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if r, err = cancellationAs(tx, caller, agreementID, id, who, action); err != nil {
			return err
		}
		return s.settleCancellation(tx, &r, next, message, caller, action, s.Now())
	})
	return r, err
}

func (s *Service) settleCancellation(tx mercato.Tx, r *mercato.CancellationRequest, next mercato.CancellationStatus, message, actor, action string, now time.Time) error {
	if !r.Status.CanBecome(next) {
		return conflict("AgreementCancellationRequest", r.ID, "cancellation request %s is %s; only a pending request can be %s",
			r.ID, r.Status, map[mercato.CancellationStatus]string{mercato.CancellationApproved: "accepted",
				mercato.CancellationRejected: "rejected", mercato.CancellationCancelled: "withdrawn"}[next])
	}
	if next == mercato.CancellationApproved {
		if _, err := cancelAgreement(tx, CancelInput{AgreementID: r.AgreementID, Actor: actor,
			Reason: "cancellation request " + r.ID + " approved"}, now); err != nil {
			if mercato.ErrorCodeOf(err) != mercato.EConflict {
				return err
			}
			next, message = mercato.CancellationValidationFailed, "Agreement is not in an active state"
		} else {
			message = "Approved. Future invoices are cancelled; issued invoices are refunded only by a separate billing adjustment."
		}
	}
	if err := r.Transition(next, now); err != nil {
		return err
	}
	r.StatusMessage = message
	if err := tx.UpdateCancellationRequest(*r); err != nil {
		return err
	}
	return s.cancellationChanged(tx, r, actor, action, now)
}

// AcceptCancellationRequest is the buyer's approval: the agreement is cancelled, its future
// invoices with it. Errors: ENotFound, EForbidden (the caller is the seller), EConflict (not
// pending).
func (s *Service) AcceptCancellationRequest(ctx context.Context, caller, agreementID, id string) (mercato.CancellationRequest, error) {
	return s.decideCancellation(ctx, caller, agreementID, id, Acceptor, mercato.CancellationApproved, "", "AcceptAgreementCancellationRequest")
}

// RejectCancellationRequest is the buyer's refusal, with a reason the seller sees. The agreement
// stays active. Errors as AcceptCancellationRequest.
func (s *Service) RejectCancellationRequest(ctx context.Context, caller, agreementID, id, reason string) (mercato.CancellationRequest, error) {
	return s.decideCancellation(ctx, caller, agreementID, id, Acceptor, mercato.CancellationRejected, reason, "RejectAgreementCancellationRequest")
}

// WithdrawCancellationRequest is the seller's withdrawal of a pending request. Errors: ENotFound,
// EForbidden (the caller is the buyer), EConflict (not pending).
func (s *Service) WithdrawCancellationRequest(ctx context.Context, caller, agreementID, id, reason string) (mercato.CancellationRequest, error) {
	return s.decideCancellation(ctx, caller, agreementID, id, Proposer, mercato.CancellationCancelled, reason, "CancelAgreementCancellationRequest")
}

// autoApproveCancellation approves a request the buyer left unanswered for 7 days.
func (s *Service) autoApproveCancellation(ctx context.Context, j mercato.Job) error {
	p, err := jobPayload[requestJob](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		r, err := tx.GetCancellationRequest(p.ID)
		if err != nil || r.Status != mercato.CancellationPendingApproval {
			return err
		}
		return s.settleCancellation(tx, &r, mercato.CancellationApproved, "", "system", "AutoApproveAgreementCancellationRequest", j.DueAt)
	})
}

// CancellationRequest returns a cancellation request to either party of its agreement.
func (s *Service) CancellationRequest(ctx context.Context, caller, agreementID, id string) (mercato.CancellationRequest, error) {
	var r mercato.CancellationRequest
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		r, err = cancellationAs(tx, caller, agreementID, id, "", "")
		return err
	})
	return r, err
}

// RequestQuery selects cancellation or payment requests of one side of the caller's agreements.
type RequestQuery struct {
	Party       Party
	AgreementID string
	Status      string
	Page
}

func (q *RequestQuery) filter(caller string, limit int) (mercato.RequestFilter, error) {
	f := mercato.RequestFilter{AgreementID: q.AgreementID, Status: q.Status, AfterID: q.Cursor, Limit: limit}
	switch q.Party {
	case Proposer:
		f.SellerID = caller
	case Acceptor:
		f.BuyerID = caller
	case "":
		return f, invalid("MISSING_PARTY_TYPE", "partyType", "partyType is required: Proposer or Acceptor")
	default:
		return f, invalid("INVALID_PARTY_TYPE", "partyType", "partyType must be Proposer or Acceptor")
	}
	return f, nil
}

// CancellationRequests lists cancellation requests of the caller's agreements on one side, oldest
// first, a page at a time.
func (s *Service) CancellationRequests(ctx context.Context, caller string, q RequestQuery) ([]mercato.CancellationRequest, string, error) {
	return requestPage(ctx, s, caller, q, mercato.Tx.ListCancellationRequests, func(r *mercato.CancellationRequest) string { return r.ID })
}
