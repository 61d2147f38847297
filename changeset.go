package mercato

import (
	"encoding/json"
	"slices"
	"time"
)

// ChangeSetStatus is the state of a catalog change set.
type ChangeSetStatus string

// Change set statuses, as the Catalog API names them.
const (
	ChangeSetPreparing ChangeSetStatus = "PREPARING" // accepted, waiting for the catalog's job
	ChangeSetApplying  ChangeSetStatus = "APPLYING"  // the job is applying its changes
	ChangeSetSucceeded ChangeSetStatus = "SUCCEEDED"
	ChangeSetFailed    ChangeSetStatus = "FAILED"
	ChangeSetCancelled ChangeSetStatus = "CANCELLED"
)

// changeSetTransitions lists, for each status, the statuses it may move to. A change set can be
// cancelled only before its changes start to apply; once applying, it ends in success or failure.
var changeSetTransitions = map[ChangeSetStatus][]ChangeSetStatus{
	ChangeSetPreparing: {ChangeSetApplying, ChangeSetCancelled, ChangeSetFailed},
	ChangeSetApplying:  {ChangeSetSucceeded, ChangeSetFailed},
	ChangeSetSucceeded: nil,
	ChangeSetFailed:    nil,
	ChangeSetCancelled: nil,
}

// CanBecome reports whether a change set in status s may move to next.
func (s ChangeSetStatus) CanBecome(next ChangeSetStatus) bool {
	return slices.Contains(changeSetTransitions[s], next)
}

// Open reports whether a change set in status s still holds its entities (PREPARING or
// APPLYING): another change set may not change them meanwhile.
func (s ChangeSetStatus) Open() bool { return s == ChangeSetPreparing || s == ChangeSetApplying }

// Change set failure codes.
const (
	FailureClientError = "CLIENT_ERROR"
	FailureServerFault = "SERVER_FAULT"
)

// ChangeSet is a seller's request to change catalog entities, applied asynchronously and all
// together or not at all.
type ChangeSet struct {
	ID          string          `json:"id"`
	Name        string          `json:"name,omitempty"`
	Catalog     string          `json:"catalog"`
	SellerID    string          `json:"seller"`
	Intent      string          `json:"intent"` // APPLY | VALIDATE
	Status      ChangeSetStatus `json:"status"`
	ClientToken string          `json:"clientToken,omitempty"`
	StartTime   time.Time       `json:"startTime"`
	EndTime     time.Time       `json:"endTime,omitzero"`
	// FailureCode and FailureDescription say why a FAILED change set failed.
	FailureCode        string   `json:"failureCode,omitempty"`
	FailureDescription string   `json:"failureDescription,omitempty"`
	Changes            []Change `json:"changes"`
	Tags               []Tag    `json:"tags,omitempty"`
}

// Change is one change of a change set: a change type applied to one entity, with its details.
type Change struct {
	ChangeType string `json:"changeType"`
	EntityType string `json:"entityType"` // e.g. Offer@1.0
	// EntityID is the entity changed: given, or set when the change creates the entity.
	EntityID   string `json:"entityId,omitempty"`
	ChangeName string `json:"changeName,omitempty"`
	// Details is the change's JSON object; DetailsAsString says whether the request sent it as
	// Details (a string) rather than DetailsDocument, so that it is described back the same way.
	Details         json.RawMessage `json:"details"`
	DetailsAsString bool            `json:"detailsAsString,omitempty"`
	EntityTags      []Tag           `json:"entityTags,omitempty"`
	Errors          []ChangeError   `json:"errors,omitempty"`
}

// ChangeError is one problem with a change, with the Catalog API's error code.
type ChangeError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Transition moves the change set to status next, or returns EConflict.
func (c *ChangeSet) Transition(next ChangeSetStatus) error {
	if !c.Status.CanBecome(next) {
		return Errorf(EConflict, "change set %s is %s: it cannot become %s", c.ID, c.Status, next)
	}
	c.Status = next
	return nil
}

// EntityIDs returns the IDs of the entities the change set names, each once, in order.
func (c *ChangeSet) EntityIDs() []string {
	var out []string
	for _, ch := range c.Changes {
		if ch.EntityID != "" && !slices.Contains(out, ch.EntityID) {
			out = append(out, ch.EntityID)
		}
	}
	return out
}

// ChangeSetFilter selects change sets; zero fields match all. Results are newest first by
// start time, then by ID.
type ChangeSetFilter struct {
	SellerID string
	// Open selects the change sets still PREPARING or APPLYING.
	Open        bool
	ClientToken string
}

// OfferState is whether an offer is still a draft or released to buyers.
type OfferState string

// Offer states, as the Catalog API names them. Offers stored before the Catalog API existed
// have no state and count as released: buyers could already accept them.
const (
	OfferDraft    OfferState = "Draft"
	OfferReleased OfferState = "Released"
)

// OfferListing is what the Catalog API keeps about an offer beyond its terms: its name and
// description, country targeting, and when it was released and last changed.
type OfferListing struct {
	Name              string    `json:"name,omitempty"`
	Description       string    `json:"description,omitempty"`
	Countries         []string  `json:"countries,omitempty"`         // positive country targeting
	ExcludedCountries []string  `json:"excludedCountries,omitempty"` // negative country targeting
	ReleasedAt        time.Time `json:"releasedAt,omitzero"`
	ModifiedAt        time.Time `json:"modifiedAt,omitzero"`
}

// CatalogTx is what a transaction can do with catalog change sets and tags.
type CatalogTx interface {
	// InsertChangeSet returns EConflict if the ID is taken.
	InsertChangeSet(ChangeSet) error
	UpdateChangeSet(ChangeSet) error
	GetChangeSet(id string) (ChangeSet, error)
	ListChangeSets(ChangeSetFilter) ([]ChangeSet, error)

	// PutTags sets tags of a resource (ARN), replacing the values of keys it has.
	PutTags(resource string, tags ...Tag) error
	DeleteTags(resource string, keys ...string) error
	// ListTags returns a resource's tags ordered by key.
	ListTags(resource string) ([]Tag, error)

	// ListProducts returns the seller's products (all products if sellerID is empty) by ID.
	ListProducts(sellerID string) ([]Product, error)
}
