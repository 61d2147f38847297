package mercato

import (
	"encoding/json"
	"time"
)

// ResaleAuthorizationState is where a resale authorization stands in the Catalog.
type ResaleAuthorizationState string

// Resale authorization states, as the Catalog API names them.
const (
	ResaleAuthorizationDraft      ResaleAuthorizationState = "Draft"
	ResaleAuthorizationActive     ResaleAuthorizationState = "Active"     // released: the reseller may offer
	ResaleAuthorizationRestricted ResaleAuthorizationState = "Restricted" // no new offers; existing ones stand
)

// ResaleAuthorization is an ISV's permission to one channel partner to resell one of its
// products (entity type ResaleAuthorization@1.0): at the ISV's wholesale price, until an end
// date, optionally to named buyers only. The partner's offers made with it are CPPOs.
type ResaleAuthorization struct {
	ID             string                   `json:"id"` // resaleauthz-…
	ManufacturerID string                   `json:"manufacturer"`
	ResellerID     string                   `json:"reseller"`
	ProductID      string                   `json:"productId"`
	Name           string                   `json:"name,omitempty"`
	Description    string                   `json:"description,omitempty"`
	State          ResaleAuthorizationState `json:"state"`
	// Wholesale is what the ISV asks for the whole contract: the sum of its pricing and
	// payment-schedule terms. Currency is their currency.
	Wholesale Amount   `json:"wholesale"`
	Currency  Currency `json:"currency,omitempty"`
	// Terms are the Catalog terms as the ISV gave them (Resale… term documents), returned by
	// DescribeEntity as they were sent.
	Terms     []json.RawMessage `json:"terms,omitempty"`
	Buyers    []string          `json:"buyers,omitempty"`    // empty: any buyer
	MaxOffers int               `json:"maxOffers,omitempty"` // offers the reseller may release; 0: any number
	ExpiresAt time.Time         `json:"expiresAt,omitzero"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
}

// Usable reports why the reseller may not make a new offer with the authorization at now, or
// "" if it may.
func (r *ResaleAuthorization) Usable(now time.Time) string {
	switch {
	case r.State == ResaleAuthorizationRestricted:
		return "is restricted by its manufacturer"
	case r.State != ResaleAuthorizationActive:
		return "is not released"
	case !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt):
		return "expired on " + r.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return ""
}

// ResaleAuthorizationTx is what a transaction can do with resale authorizations.
type ResaleAuthorizationTx interface {
	// PutResaleAuthorization creates or replaces a resale authorization.
	PutResaleAuthorization(ResaleAuthorization) error
	// GetResaleAuthorization returns the one with the ID; ENotFound if none.
	GetResaleAuthorization(id string) (ResaleAuthorization, error)
	// LockResaleAuthorization returns the one with the ID, as last committed, and keeps other
	// transactions that lock it waiting until this one ends: whoever counts the offers made
	// with it to make another locks it first. ENotFound if none.
	LockResaleAuthorization(id string) (ResaleAuthorization, error)
	// ListResaleAuthorizations returns those the account grants (as manufacturer) or holds
	// (as reseller), ordered by ID.
	ListResaleAuthorizations(accountID string) ([]ResaleAuthorization, error)
}
