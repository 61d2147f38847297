package mercato

import "time"

// Scenario is a set of accounts, products, offers and acceptances to apply at once: the
// sandbox's way to set up a marketplace for a test. Applying is all-or-nothing and idempotent.
type Scenario struct {
	Clock      time.Time           // if later than the current business time, the clock moves there
	Accounts   []Account           // created, or left alone if identical
	Products   []Product           // ProductCode defaults to ID; Visibility to public
	Offers     []Offer             // term IDs default to "<offer>-term-<n>"
	Agreements []ScenarioAgreement // applied at AcceptedAt: now if past, later by the clock
	// EventDestinations are registered (or updated, by account and URL) before the agreements
	// are applied, so that they receive the agreements' events.
	EventDestinations []ScenarioEventDestination
	// PrivateMarketplaces are created, or left alone if identical; applied before agreements,
	// whose acceptances they govern.
	PrivateMarketplaces []PrivateMarketplace
	// ResaleAuthorizations are created, or left alone if identical; applied before the offers,
	// which may name them.
	ResaleAuthorizations []ScenarioResaleAuthorization
	// Where maps an entry ("agreements[0]") to where it was written ("line 23"), so errors can
	// name it.
	Where map[string]string
}

// ScenarioAgreement is an acceptance of an offer by a buyer at a given time.
type ScenarioAgreement struct {
	ID         string    `json:"id,omitempty"` // optional; generated when empty
	OfferID    string    `json:"offer"`
	BuyerID    string    `json:"buyer"`
	AcceptedAt time.Time `json:"acceptedAt"`
	// Replaces names the agreement this acceptance replaces (intent REPLACE), if any.
	Replaces string `json:"replaces,omitempty"`
}

// ScenarioEventDestination is an account's webhook destination for its events. An empty
// Secret is generated (and an existing destination keeps its own); empty EventTypes means
// every event of the account.
type ScenarioEventDestination struct {
	AccountID  string   `json:"account"`
	URL        string   `json:"url"`
	Secret     string   `json:"secret,omitempty"`
	EventTypes []string `json:"eventTypes,omitempty"`
}
