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
