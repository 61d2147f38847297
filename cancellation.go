package mercato

import "time"

// CancellationStatus is the state of a seller's request to cancel an agreement.
type CancellationStatus string

// Cancellation request statuses.
const (
	CancellationPendingApproval  CancellationStatus = "PENDING_APPROVAL"
	CancellationApproved         CancellationStatus = "APPROVED"
	CancellationRejected         CancellationStatus = "REJECTED"
	CancellationCancelled        CancellationStatus = "CANCELLED" // withdrawn by the seller
	CancellationValidationFailed CancellationStatus = "VALIDATION_FAILED"
)

// cancellationTransitions lists, for each status of a cancellation request, the statuses it may
// move to: a pending request is answered by the buyer, withdrawn by the seller, or fails when
// its agreement has ended; every other status is final.
var cancellationTransitions = map[CancellationStatus][]CancellationStatus{
	CancellationPendingApproval:  {CancellationApproved, CancellationRejected, CancellationCancelled, CancellationValidationFailed},
	CancellationApproved:         nil,
	CancellationRejected:         nil,
	CancellationCancelled:        nil,
	CancellationValidationFailed: nil,
}

// CanBecome reports whether a cancellation request in status s may move to next.
func (s CancellationStatus) CanBecome(next CancellationStatus) bool {
	return allowed(cancellationTransitions, s, next)
}

// Valid reports whether s is a known status.
func (s CancellationStatus) Valid() bool {
	_, ok := cancellationTransitions[s]
	return ok
}

// CancellationReasons are the reason codes a cancellation request may give.
var CancellationReasons = []string{"ALTERNATIVE_PROCUREMENT_CHANNEL", "BUYER_DISSATISFACTION",
	"INCORRECT_TERMS_ACCEPTED", "OTHER", "PRODUCT_DISCONTINUED", "REPLACING_AGREEMENT", "TEST_AGREEMENT",
	"UNINTENDED_RENEWAL"}

// CancellationAutoApproval is how long a buyer has to answer a cancellation request before it
// is approved on the buyer's behalf.
const CancellationAutoApproval = 7 * 24 * time.Hour

// CancellationRequest is a seller's request to cancel an active agreement, which the buyer
// accepts or rejects.
type CancellationRequest struct {
	ID            string             `json:"agreementCancellationRequestId"`
	AgreementID   string             `json:"agreementId"`
	SellerID      string             `json:"sellerId"`
	BuyerID       string             `json:"buyerId"`
	ReasonCode    string             `json:"reasonCode"`
	Description   string             `json:"description,omitempty"`
	Status        CancellationStatus `json:"status"`
	StatusMessage string             `json:"statusMessage,omitempty"`
	ClientToken   string             `json:"clientToken,omitempty"`
	CreatedAt     time.Time          `json:"createdAt"`
	UpdatedAt     time.Time          `json:"updatedAt"`
}

// Transition moves the request to status next at time t, or returns EConflict when its status
// table does not allow the change.
func (r *CancellationRequest) Transition(next CancellationStatus, t time.Time) error {
	if !r.Status.CanBecome(next) {
		return transitionRefused("AgreementCancellationRequest", "cancellation request", r.ID, r.Status, next)
	}
	r.Status, r.UpdatedAt = next, t
	return nil
}

// PaymentRequestStatus is the state of a seller's payment request.
type PaymentRequestStatus string

// Payment request statuses.
const (
	PaymentRequestValidating       PaymentRequestStatus = "VALIDATING"
	PaymentRequestPendingApproval  PaymentRequestStatus = "PENDING_APPROVAL"
	PaymentRequestApproved         PaymentRequestStatus = "APPROVED"
	PaymentRequestRejected         PaymentRequestStatus = "REJECTED"
	PaymentRequestCancelled        PaymentRequestStatus = "CANCELLED"
	PaymentRequestValidationFailed PaymentRequestStatus = "VALIDATION_FAILED"
)

// paymentTransitions lists, for each status of a payment request, the statuses it may move to:
// a request being validated waits for the buyer or fails; a pending one is approved or rejected
// by the buyer, or cancelled by the seller; every other status is final.
var paymentTransitions = map[PaymentRequestStatus][]PaymentRequestStatus{
	PaymentRequestValidating:       {PaymentRequestPendingApproval, PaymentRequestValidationFailed},
	PaymentRequestPendingApproval:  {PaymentRequestApproved, PaymentRequestRejected, PaymentRequestCancelled},
	PaymentRequestApproved:         nil,
	PaymentRequestRejected:         nil,
	PaymentRequestCancelled:        nil,
	PaymentRequestValidationFailed: nil,
}

// CanBecome reports whether a payment request in status s may move to next.
func (s PaymentRequestStatus) CanBecome(next PaymentRequestStatus) bool {
	return allowed(paymentTransitions, s, next)
}

// Valid reports whether s is a known status.
func (s PaymentRequestStatus) Valid() bool {
	_, ok := paymentTransitions[s]
	return ok
}

// PaymentRequest is a seller's request for a payment under an agreement's variable payment term.
type PaymentRequest struct {
	ID                     string               `json:"paymentRequestId"`
	AgreementID            string               `json:"agreementId"`
	SellerID               string               `json:"sellerId"`
	BuyerID                string               `json:"buyerId"`
	TermID                 string               `json:"termId"`
	Name                   string               `json:"name"`
	Description            string               `json:"description,omitempty"`
	Amount                 Amount               `json:"chargeAmount"`
	Currency               Currency             `json:"currencyCode"`
	Status                 PaymentRequestStatus `json:"status"`
	StatusMessage          string               `json:"statusMessage,omitempty"`
	ChargeID               string               `json:"chargeId,omitempty"`
	PurchaseOrderReference string               `json:"purchaseOrderReference,omitempty"`
	ClientToken            string               `json:"clientToken,omitempty"`
	CreatedAt              time.Time            `json:"createdAt"`
	UpdatedAt              time.Time            `json:"updatedAt"`
}

// Transition moves the request to status next at time t, or returns EConflict when its status
// table does not allow the change.
func (r *PaymentRequest) Transition(next PaymentRequestStatus, t time.Time) error {
	if !r.Status.CanBecome(next) {
		return transitionRefused("PaymentRequest", "payment request", r.ID, r.Status, next)
	}
	r.Status, r.UpdatedAt = next, t
	return nil
}

// AgreementRequest is a buyer's quote for accepting an offer (intent NEW), replacing an agreement
// (REPLACE) or amending one (AMEND): the terms requested and the charges expected. Accepting it
// makes the agreement.
type AgreementRequest struct {
	ID                string    `json:"agreementRequestId"`
	BuyerID           string    `json:"buyerId"`
	Intent            string    `json:"intent"` // NEW | AMEND | REPLACE
	OfferID           string    `json:"offerId"`
	SourceAgreementID string    `json:"sourceAgreementId,omitempty"`
	Terms             Terms     `json:"terms"` // the offer's terms with the buyer's configuration
	ClientToken       string    `json:"clientToken,omitempty"`
	AgreementID       string    `json:"agreementId,omitempty"` // set once accepted
	CreatedAt         time.Time `json:"createdAt"`
	ExpiresAt         time.Time `json:"expiresAt"`
}
