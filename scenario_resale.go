package mercato

import (
	"encoding/json"
	"time"
)

// Scenario resale authorization states, as scenario files write them.
const (
	ScenarioResaleDraft      = "draft"
	ScenarioResaleActive     = "active"
	ScenarioResaleRestricted = "restricted"
)

// ScenarioResaleAuthorization is a resale authorization a scenario declares: the maker
// (manufacturer) authorizes a channel partner (reseller) to resell its product at a wholesale
// price of the whole contract, in a currency, until ExpiresAt, optionally to named buyers and
// for a number of offers. Offers of the scenario name it with resaleAuthorization.
type ScenarioResaleAuthorization struct {
	ID             string    `json:"id,omitempty"` // optional; derived from the maker, partner, product and name
	ManufacturerID string    `json:"manufacturer"`
	ResellerID     string    `json:"reseller"`
	ProductID      string    `json:"product"`
	Name           string    `json:"name,omitempty"`
	Description    string    `json:"description,omitempty"`
	Wholesale      Amount    `json:"wholesale"`
	Duration       *Period   `json:"duration,omitempty"` // of the contract; P12M when omitted
	Currency       Currency  `json:"currency,omitempty"` // USD when omitted
	ExpiresAt      time.Time `json:"expiresAt"`          // the partner makes no offer from then on
	Buyers         []string  `json:"buyers,omitempty"`
	MaxOffers      int       `json:"maxOffers,omitempty"`
	State          string    `json:"state,omitempty"` // draft, active (when omitted) or restricted
}

// Validate reports every problem with the entry, naming each field as the file does.
func (r *ScenarioResaleAuthorization) Validate() error {
	var p Problems
	if r.ID != "" && !ValidResourceID(r.ID) {
		p.Add("id", "must be 1-64 letters, digits, _ / -")
	}
	if !accountIDPattern.MatchString(r.ManufacturerID) {
		p.Add("manufacturer", "%q is not a 12-digit account ID", r.ManufacturerID)
	}
	switch {
	case !accountIDPattern.MatchString(r.ResellerID):
		p.Add("reseller", "%q is not a 12-digit account ID", r.ResellerID)
	case r.ResellerID == r.ManufacturerID:
		p.Add("reseller", "is the manufacturer: a seller cannot resell its own product")
	}
	if r.ProductID == "" {
		p.Add("product", "is required")
	}
	if n := len([]rune(r.Name)); n > 255 || len([]rune(r.Description)) > 255 {
		p.Add("name", "name and description must be at most 255 characters")
	}
	if r.Wholesale <= 0 {
		p.Add("wholesale", "must be a price above 0 of the whole contract")
	} else if msg := MinorUnitsProblem(r.Wholesale, r.CurrencyOrDefault()); msg != "" {
		p.Add("wholesale", "%s", msg)
	}
	if !r.CurrencyOrDefault().Valid() {
		p.Add("currency", "%q is not an ISO 4217 currency code", r.Currency)
	}
	if r.ExpiresAt.IsZero() {
		p.Add("expiresAt", "is required: the time from which the partner may make no offer")
	}
	for _, b := range r.Buyers {
		if !accountIDPattern.MatchString(b) {
			p.Add("buyers", "%q is not a 12-digit account ID", b)
		}
	}
	if len(r.Buyers) > MaxOfferBuyers {
		p.Add("buyers", "holds %d accounts; at most %d", len(r.Buyers), MaxOfferBuyers)
	}
	if r.MaxOffers < 0 {
		p.Add("maxOffers", "must not be negative")
	}
	if _, ok := scenarioResaleStates[r.State]; !ok {
		p.Add("state", "%q is not draft, active or restricted", r.State)
	}
	return p.Err("invalid resale authorization")
}

var scenarioResaleStates = map[string]ResaleAuthorizationState{"": ResaleAuthorizationActive,
	ScenarioResaleDraft: ResaleAuthorizationDraft, ScenarioResaleActive: ResaleAuthorizationActive,
	ScenarioResaleRestricted: ResaleAuthorizationRestricted}

// Authorization returns the resale authorization the entry declares, with its ID (which the
// caller derives when the entry has none), its terms as the Catalog's ResaleFixedUpfrontPricingTerm
// and at as its creation time.
func (r *ScenarioResaleAuthorization) Authorization(id string, terms []byte, at time.Time) ResaleAuthorization {
	return ResaleAuthorization{ID: id, ManufacturerID: r.ManufacturerID, ResellerID: r.ResellerID, ProductID: r.ProductID,
		Name: r.Name, Description: r.Description, State: scenarioResaleStates[r.State], Wholesale: r.Wholesale,
		Currency: r.CurrencyOrDefault(), Terms: []json.RawMessage{terms}, Buyers: r.Buyers, MaxOffers: r.MaxOffers,
		ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: at, UpdatedAt: at}
}

// ContractDuration is the contract's duration, P12M when the entry gives none.
func (r *ScenarioResaleAuthorization) ContractDuration() Period {
	if r.Duration == nil {
		return Period{Months: 12}
	}
	return *r.Duration
}

// CurrencyOrDefault is the wholesale price's currency, USD when the entry gives none.
func (r *ScenarioResaleAuthorization) CurrencyOrDefault() Currency {
	if r.Currency == "" {
		return "USD"
	}
	return r.Currency
}
