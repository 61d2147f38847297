package mercato

import "time"

// AdjustmentStatus is the state of a billing adjustment request.
type AdjustmentStatus string

// Billing adjustment statuses: pending until the processor completes it (a credit memo is
// issued) or fails it. There is no undo.
const (
	AdjustmentPending          AdjustmentStatus = "PENDING"
	AdjustmentCompleted        AdjustmentStatus = "COMPLETED"
	AdjustmentValidationFailed AdjustmentStatus = "VALIDATION_FAILED"
)

// AdjustmentReasons are the reason codes a billing adjustment may give.
var AdjustmentReasons = []string{"ALTERNATIVE_PROCUREMENT_CHANNEL", "BUYER_DISSATISFACTION",
	"INCORRECT_METERING", "INCORRECT_TERMS_ACCEPTED", "OTHER", "TEST_ENVIRONMENT_CHARGES", "UNINTENDED_RENEWAL"}

// MaxAdjustmentsPerRequest is the most entries one billing adjustment request may carry.
const MaxAdjustmentsPerRequest = 5

// MaxAdjustmentDescription is the most characters a billing adjustment's description may have.
const MaxAdjustmentDescription = 500

// BillingAdjustment is a seller's refund of part or all of one invoice's pre-tax amount. When it
// completes, a credit memo is issued against the invoice and the matching share of tax is
// reversed.
type BillingAdjustment struct {
	ID                string           `json:"billingAdjustmentRequestId"`
	AgreementID       string           `json:"agreementId"`
	SellerID          string           `json:"sellerId"`
	BuyerID           string           `json:"buyerId"`
	OriginalInvoiceID string           `json:"originalInvoiceId"`
	Amount            Amount           `json:"adjustmentAmount"` // pre-tax
	Currency          Currency         `json:"currencyCode"`
	ReasonCode        string           `json:"adjustmentReasonCode"`
	Description       string           `json:"description,omitempty"`
	ClientToken       string           `json:"clientToken"`
	Status            AdjustmentStatus `json:"status"`
	StatusMessage     string           `json:"statusMessage,omitempty"`
	CreditMemoID      string           `json:"creditMemoId,omitempty"`
	PolicyRule        string           `json:"policyRule,omitempty"` // the refund-policy rule that applied
	CreatedAt         time.Time        `json:"createdAt"`
	UpdatedAt         time.Time        `json:"updatedAt"`
}
