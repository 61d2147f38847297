package mercato

import (
	"slices"
	"time"
)

// RefundCaseStatus is the state of a refund request.
type RefundCaseStatus string

// Refund request statuses.
const (
	RefundSubmitted      RefundCaseStatus = "SUBMITTED"       // filed, not decided yet: never seen outside its transaction
	RefundCompleted      RefundCaseStatus = "COMPLETED"       // refunded (and cancelled, if asked)
	RefundPending        RefundCaseStatus = "PENDING"         // waits for the end of the current billing cycle
	RefundActionRequired RefundCaseStatus = "ACTION_REQUIRED" // something is missing; answering re-submits
	RefundAwaitingSeller RefundCaseStatus = "AWAITING_SELLER" // needs the seller's authorization
	RefundRejected       RefundCaseStatus = "REJECTED"        // the seller (or the marketplace's support) declined
)

// refundTransitions lists, for each status of a refund case, the statuses it may move to. A
// case is decided when filed, again when answered or when its billing cycle closes (which may
// leave it where it was: still missing something, or waiting for a later cycle), and once by
// the seller or support; completed and rejected cases are final.
var refundTransitions = map[RefundCaseStatus][]RefundCaseStatus{
	RefundSubmitted:      {RefundCompleted, RefundPending, RefundActionRequired, RefundAwaitingSeller},
	RefundPending:        {RefundCompleted, RefundPending, RefundActionRequired, RefundAwaitingSeller, RefundRejected},
	RefundActionRequired: {RefundCompleted, RefundPending, RefundActionRequired, RefundAwaitingSeller, RefundRejected},
	RefundAwaitingSeller: {RefundCompleted, RefundRejected},
	RefundCompleted:      nil,
	RefundRejected:       nil,
}

// CanBecome reports whether a refund case in status s may move to next.
func (s RefundCaseStatus) CanBecome(next RefundCaseStatus) bool {
	return allowed(refundTransitions, s, next)
}

// Valid reports whether s is a known status.
func (s RefundCaseStatus) Valid() bool {
	_, ok := refundTransitions[s]
	return ok
}

// RefundKind is what a refund request asks for.
type RefundKind string

// Kinds of refund request.
const (
	RefundKindRefund        RefundKind = "REFUND"         // money back for invoiced charges
	RefundKindUpgrade       RefundKind = "UPGRADE"        // the lower tier back, after a replacement by a dearer plan
	RefundKindDowngrade     RefundKind = "DOWNGRADE"      // money back after a replacement by a cheaper plan
	RefundKindCancellation  RefundKind = "CANCELLATION"   // end the agreement, with what the policy refunds
	RefundKindTax           RefundKind = "TAX"            // the tax of invoices alone, which only the seller grants
	RefundKindMeteringError RefundKind = "METERING_ERROR" // usage the seller confirmed was metered wrongly
)

// RefundKinds are the kinds a buyer or a seller may file; metering-error cases are made by
// the seller's confirmation instead.
var RefundKinds = []RefundKind{RefundKindRefund, RefundKindUpgrade, RefundKindDowngrade, RefundKindCancellation, RefundKindTax}

// Fileable reports whether a request of kind k may be filed.
func (k RefundKind) Fileable() bool { return slices.Contains(RefundKinds, k) }

// Replacing reports whether the kind is about a plan replaced by another (upgrade or downgrade).
func (k RefundKind) Replacing() bool { return k == RefundKindUpgrade || k == RefundKindDowngrade }

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
	Kind             RefundKind       `json:"type"`
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

// Transition moves the case to status next at time t, or returns EConflict when its status
// table does not allow the change.
func (c *RefundCase) Transition(next RefundCaseStatus, t time.Time) error {
	if !c.Status.CanBecome(next) {
		return transitionRefused("RefundCase", "refund request", c.ID, c.Status, next)
	}
	c.Status, c.UpdatedAt = next, t
	return nil
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
