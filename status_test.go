package mercato

import (
	"testing"
	"time"
)

// TestRequestTransitions checks the tables of allowed status changes of refund cases,
// cancellation requests and payment requests: what a request may become, and what is refused
// with EConflict.
func TestRequestTransitions(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		ok       bool
		try      func(from, to string, at time.Time) (string, time.Time, error)
	}{
		{"a new refund case is decided", "SUBMITTED", "AWAITING_SELLER", true, refundTry},
		{"a new refund case completes at once", "SUBMITTED", "COMPLETED", true, refundTry},
		{"a pending case is reviewed", "PENDING", "COMPLETED", true, refundTry},
		{"a pending case waits for a later cycle", "PENDING", "PENDING", true, refundTry},
		{"support rejects a pending case", "PENDING", "REJECTED", true, refundTry},
		{"an answered case is decided again", "ACTION_REQUIRED", "AWAITING_SELLER", true, refundTry},
		{"the seller approves", "AWAITING_SELLER", "COMPLETED", true, refundTry},
		{"the seller rejects", "AWAITING_SELLER", "REJECTED", true, refundTry},
		{"a case awaiting the seller does not wait for a cycle", "AWAITING_SELLER", "PENDING", false, refundTry},
		{"a completed case is final", "COMPLETED", "REJECTED", false, refundTry},
		{"a rejected case is final", "REJECTED", "COMPLETED", false, refundTry},
		{"a case needing action is not completed without an answer", "ACTION_REQUIRED", "SUBMITTED", false, refundTry},
		{"an unknown status", "LOST", "COMPLETED", false, refundTry},

		{"the buyer accepts a cancellation", "PENDING_APPROVAL", "APPROVED", true, cancellationTry},
		{"the buyer rejects a cancellation", "PENDING_APPROVAL", "REJECTED", true, cancellationTry},
		{"the seller withdraws a cancellation", "PENDING_APPROVAL", "CANCELLED", true, cancellationTry},
		{"a cancellation of an ended agreement fails", "PENDING_APPROVAL", "VALIDATION_FAILED", true, cancellationTry},
		{"an approved cancellation is final", "APPROVED", "CANCELLED", false, cancellationTry},
		{"a rejected cancellation is final", "REJECTED", "APPROVED", false, cancellationTry},

		{"a validated payment request waits for the buyer", "VALIDATING", "PENDING_APPROVAL", true, paymentTry},
		{"a payment request fails validation", "VALIDATING", "VALIDATION_FAILED", true, paymentTry},
		{"the buyer approves a payment", "PENDING_APPROVAL", "APPROVED", true, paymentTry},
		{"the buyer rejects a payment", "PENDING_APPROVAL", "REJECTED", true, paymentTry},
		{"the seller cancels a payment request", "PENDING_APPROVAL", "CANCELLED", true, paymentTry},
		{"an approved payment is final", "APPROVED", "CANCELLED", false, paymentTry},
		{"a cancelled payment request is final", "CANCELLED", "APPROVED", false, paymentTry},
		{"a payment request is not approved before validation", "VALIDATING", "APPROVED", false, paymentTry},
	}
	at := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, updated, err := tt.try(tt.from, tt.to, at)
			if tt.ok {
				if err != nil || status != tt.to || !updated.Equal(at) {
					t.Fatalf("%s -> %s: status %s at %s, %v; want the change", tt.from, tt.to, status, updated, err)
				}
				return
			}
			if ErrorCodeOf(err) != EConflict || status != tt.from || !updated.IsZero() {
				t.Fatalf("%s -> %s: status %s at %s, %v; want EConflict and no change", tt.from, tt.to, status, updated, err)
			}
		})
	}
}

func refundTry(from, to string, at time.Time) (string, time.Time, error) {
	c := RefundCase{ID: "rc-1", Status: RefundCaseStatus(from)}
	err := c.Transition(RefundCaseStatus(to), at)
	return string(c.Status), c.UpdatedAt, err
}

func cancellationTry(from, to string, at time.Time) (string, time.Time, error) {
	r := CancellationRequest{ID: "acr-1", Status: CancellationStatus(from)}
	err := r.Transition(CancellationStatus(to), at)
	return string(r.Status), r.UpdatedAt, err
}

func paymentTry(from, to string, at time.Time) (string, time.Time, error) {
	r := PaymentRequest{ID: "pr-1", Status: PaymentRequestStatus(from)}
	err := r.Transition(PaymentRequestStatus(to), at)
	return string(r.Status), r.UpdatedAt, err
}

// TestRequestStatusesAreKnown makes sure every status of the three kinds of request has a row in
// its table, so that Valid() knows it.
func TestRequestStatusesAreKnown(t *testing.T) {
	for _, s := range []RefundCaseStatus{RefundSubmitted, RefundCompleted, RefundPending, RefundActionRequired, RefundAwaitingSeller, RefundRejected} {
		if !s.Valid() {
			t.Errorf("refund case status %s unknown", s)
		}
	}
	for _, s := range []CancellationStatus{CancellationPendingApproval, CancellationApproved, CancellationRejected, CancellationCancelled, CancellationValidationFailed} {
		if !s.Valid() {
			t.Errorf("cancellation status %s unknown", s)
		}
	}
	for _, s := range []PaymentRequestStatus{PaymentRequestValidating, PaymentRequestPendingApproval, PaymentRequestApproved,
		PaymentRequestRejected, PaymentRequestCancelled, PaymentRequestValidationFailed} {
		if !s.Valid() {
			t.Errorf("payment request status %s unknown", s)
		}
	}
	if RefundCaseStatus("LOST").Valid() {
		t.Error("an unknown status is valid")
	}
}
