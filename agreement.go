package mercato

import (
	"fmt"
	"strings"
	"time"
)

// AgreementStatus is the state of an agreement, with the Agreement API's values.
type AgreementStatus string

// Agreement statuses.
const (
	AgreementActive     AgreementStatus = "ACTIVE"
	AgreementArchived   AgreementStatus = "ARCHIVED"
	AgreementCancelled  AgreementStatus = "CANCELLED"
	AgreementExpired    AgreementStatus = "EXPIRED"
	AgreementRenewed    AgreementStatus = "RENEWED"
	AgreementReplaced   AgreementStatus = "REPLACED"
	AgreementRolledBack AgreementStatus = "ROLLED_BACK"
	AgreementSuperseded AgreementStatus = "SUPERSEDED"
	AgreementTerminated AgreementStatus = "TERMINATED"
)

// agreementTransitions lists, for each status, the statuses it may move to. Only an active
// agreement changes, except that any ended agreement may be archived.
var agreementTransitions = map[AgreementStatus][]AgreementStatus{
	AgreementActive: {AgreementCancelled, AgreementExpired, AgreementRenewed, AgreementReplaced,
		AgreementRolledBack, AgreementSuperseded, AgreementTerminated, AgreementArchived},
	AgreementCancelled:  {AgreementArchived},
	AgreementExpired:    {AgreementArchived},
	AgreementRenewed:    {AgreementArchived},
	AgreementReplaced:   {AgreementArchived},
	AgreementRolledBack: {AgreementArchived},
	AgreementSuperseded: {AgreementArchived},
	AgreementTerminated: {AgreementArchived},
}

// CanBecome reports whether an agreement in status s may move to next.
func (s AgreementStatus) CanBecome(next AgreementStatus) bool {
	for _, t := range agreementTransitions[s] {
		if t == next {
			return true
		}
	}
	return false
}

// Valid reports whether s is a known status.
func (s AgreementStatus) Valid() bool {
	_, ok := agreementTransitions[s]
	return ok
}

// Agreement is an accepted offer: the terms the buyer (acceptor) agreed with the seller
// (proposer), and when.
type Agreement struct {
	ID                 string          `json:"agreementId"`
	OfferID            string          `json:"offerId"`
	ProductID          string          `json:"productId"`
	ProductType        ProductType     `json:"productType"`
	ProposerID         string          `json:"proposer"`
	AcceptorID         string          `json:"acceptor"`
	Private            bool            `json:"private"`
	Terms              Terms           `json:"terms"`
	Status             AgreementStatus `json:"status"`
	AcceptanceTime     time.Time       `json:"acceptanceTime"`
	StartTime          time.Time       `json:"startTime"`
	EndTime            time.Time       `json:"endTime,omitzero"` // zero: no end (pay-as-you-go)
	UpdatedAt          time.Time       `json:"updatedAt"`
	InitialAgreementID string          `json:"initialAgreementId"`
	SourceAgreementID  string          `json:"sourceAgreementId,omitempty"` // the agreement it replaced
	Currency           Currency        `json:"currencyCode,omitempty"`
	Value              Amount          `json:"agreementValue"`  // total contract value, pre-tax
	ListingFeeRate     Rate            `json:"listingFeeRate"`  // fixed at acceptance
	TaxJurisdiction    string          `json:"taxJurisdiction"` // the buyer's, at acceptance
	EndReason          string          `json:"endReason,omitempty"`
	// Resale is set when the agreement came from a channel-partner offer: the proposer is the
	// partner (the seller of record) and Resale names the product's maker and its share.
	Resale *Resale `json:"resale,omitempty"`
}

// Transition moves the agreement to status next at time t, or returns EConflict.
func (a *Agreement) Transition(next AgreementStatus, t time.Time) error {
	if !a.Status.CanBecome(next) {
		return &Error{Code: EConflict, Message: fmt.Sprintf("agreement %s is %s and cannot become %s", a.ID, a.Status, next),
			ResourceID: a.ID, ResourceType: "Agreement"}
	}
	a.Status = next
	a.UpdatedAt = t
	if next != AgreementArchived && next != AgreementExpired && (a.EndTime.IsZero() || t.Before(a.EndTime)) {
		a.EndTime = t
	}
	return nil
}

// EndedAtStart reports whether the agreement ended as of its start, as one cancelled within 48
// hours of its purchase does: nothing accrues for it, not even the usage of those hours.
func (a *Agreement) EndedAtStart() bool { return !a.EndTime.IsZero() && !a.EndTime.After(a.StartTime) }

// ActiveAt reports whether the agreement ran at time t.
func (a *Agreement) ActiveAt(t time.Time) bool {
	return !t.Before(a.StartTime) && (a.EndTime.IsZero() || t.Before(a.EndTime))
}

// replacedByPrefix starts the end reason of an agreement replaced by another.
const replacedByPrefix = "REPLACED by "

// MarkReplacedBy records the agreement that replaced this one.
func (a *Agreement) MarkReplacedBy(id string) { a.EndReason = replacedByPrefix + id }

// ReplacedBy returns the ID of the agreement that replaced this one, or "".
func (a *Agreement) ReplacedBy() string {
	id, ok := strings.CutPrefix(a.EndReason, replacedByPrefix)
	if !ok || a.Status != AgreementReplaced {
		return ""
	}
	return id
}
