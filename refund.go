package mercato

import "time"

// RefundCaseStatus is the state of a refund request.
type RefundCaseStatus string

// Refund request statuses.
const (
	RefundCompleted      RefundCaseStatus = "COMPLETED"       // refunded (and cancelled, if asked)
	RefundPending        RefundCaseStatus = "PENDING"         // waits for the end of the current billing cycle
	RefundActionRequired RefundCaseStatus = "ACTION_REQUIRED" // something is missing; answering re-submits
	RefundAwaitingSeller RefundCaseStatus = "AWAITING_SELLER" // needs the seller's authorization
	RefundRejected       RefundCaseStatus = "REJECTED"        // the seller declined
)

// RefundCase is a refund (or cancellation) request filed by a buyer or a seller, with a
// reference ID, for what the billing adjustment API does not cover: it follows the refund
// policy, and becomes billing adjustments (and a cancellation) once granted.
type RefundCase struct {
	ID               string           `json:"referenceId"`
	FiledBy          string           `json:"filedBy"`
	BuyerID          string           `json:"buyerId"`
	SellerID         string           `json:"sellerId"`
	ProductID        string           `json:"productId"`
	AgreementID      string           `json:"agreementId"`
	Kind             string           `json:"type"` // REFUND, UPGRADE, DOWNGRADE, CANCELLATION, METERING_ERROR
	InvoiceIDs       []string         `json:"invoiceIds,omitempty"`
	Periods          []BillingPeriod  `json:"billingPeriods,omitempty"`
	Amount           Amount           `json:"amount"` // pre-tax; 0 when only a cancellation is wanted, or for the policy to compute
	Currency         Currency         `json:"currencyCode,omitempty"`
	CancellationDate time.Time        `json:"cancellationDate,omitzero"`
	Comments         string           `json:"comments,omitempty"`
	Status           RefundCaseStatus `json:"status"`
	StatusReason     string           `json:"statusReason,omitempty"` // what is missing, or why
	Rule             string           `json:"policyRule,omitempty"`
	Adjustments      []string         `json:"billingAdjustmentRequestIds,omitempty"`
	Cancelled        bool             `json:"cancelled,omitempty"`
	CreatedAt        time.Time        `json:"createdAt"`
	UpdatedAt        time.Time        `json:"updatedAt"`
}

// RefundTx is the storage of refund requests.
type RefundTx interface {
	// InsertRefundCase returns EConflict if the ID is taken.
	InsertRefundCase(RefundCase) error
	UpdateRefundCase(RefundCase) error
	GetRefundCase(id string) (RefundCase, error)
	// ListRefundCases orders by creation time, then ID; Status filters on the case status.
	ListRefundCases(RequestFilter) ([]RefundCase, error)
}
