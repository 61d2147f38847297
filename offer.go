package mercato

import (
	"regexp"
	"slices"
	"time"
)

// Offer is a seller's proposal of terms for one product: public (anyone may accept) or private
// (only the targeted buyers, until it expires).
type Offer struct {
	ID         string    `json:"id"`
	ProposalID string    `json:"proposalId,omitempty"` // what buyers name it by when they request an agreement (ap-...)
	ProductID  string    `json:"product"`
	SellerID   string    `json:"seller"`
	Visibility string    `json:"visibility"` // public | private
	Buyers     []string  `json:"buyers,omitempty"`
	ExpiresAt  time.Time `json:"expires,omitzero"`
	Terms      Terms     `json:"terms"`
	// Agreement-based offers replace an existing agreement of the buyer (intent REPLACE).
	ReplacesAgreementID string `json:"replacesAgreement,omitempty"`
	// Renewal marks an offer that renews an agreement (renewals have their own listing fee).
	Renewal bool `json:"renewal,omitempty"`
	// ChannelPartner is the reseller account of a channel-partner private offer, if any.
	ChannelPartner string `json:"channelPartner,omitempty"`
	// Resale makes the offer a channel partner's resale of another seller's product: SellerID is
	// the partner, who made the offer under the maker's resale authorization.
	Resale *Resale `json:"resale,omitempty"`
	// State is Draft until the seller releases the offer; buyers never see a draft.
	State OfferState `json:"state,omitempty"`
	// Listing is what the Catalog API keeps beside the terms (name, countries, dates).
	Listing OfferListing `json:"listing,omitzero"`
}

// Released reports whether buyers may see the offer: it is not a draft.
func (o *Offer) Released() bool { return o.State != OfferDraft }

var proposalIDPattern = regexp.MustCompile(`^(at-|ap-)[A-Za-z0-9]{1,61}$`)

// MaxOfferBuyers is the most accounts a private offer may target.
const MaxOfferBuyers = 26

// IsPrivate reports whether the offer is private.
func (o *Offer) IsPrivate() bool { return o.Visibility == "private" }

// Targets reports whether a private offer targets the account.
func (o *Offer) Targets(accountID string) bool { return slices.Contains(o.Buyers, accountID) }

// AvailableIn reports whether buyers in the country may see and accept the offer under its
// country targeting (the Catalog's UpdateTargeting): the country is one the offer names, or,
// when it names none, not one it excludes.
func (o *Offer) AvailableIn(country string) bool {
	if len(o.Listing.Countries) > 0 {
		return slices.Contains(o.Listing.Countries, country)
	}
	return !slices.Contains(o.Listing.ExcludedCountries, country)
}

// ExpiredAt reports whether a private offer may no longer be accepted at time t; public offers do
// not expire.
func (o *Offer) ExpiredAt(t time.Time) bool { return o.IsPrivate() && !t.Before(o.ExpiresAt) }

// Validate reports every problem with the offer taken alone; the service checks it against its
// product (one public offer per product, refund policy of paid products).
func (o *Offer) Validate() error {
	var p Problems
	if !ValidResourceID(o.ID) {
		p.Add("id", "must be 1-64 letters, digits, _ / -")
	}
	if o.ProposalID != "" && !proposalIDPattern.MatchString(o.ProposalID) {
		p.Add("proposalId", "must be ap- followed by 1-61 letters and digits")
	}
	switch o.Visibility {
	case "public":
		if len(o.Buyers) > 0 {
			p.Add("buyers", "a public offer targets no buyers")
		}
		if o.ReplacesAgreementID != "" {
			p.Add("replacesAgreement", "an agreement-based offer must be private")
		}
	case "private":
		if len(o.Buyers) < 1 || len(o.Buyers) > MaxOfferBuyers {
			p.Add("buyers", "a private offer targets 1 to %d buyer accounts, has %d", MaxOfferBuyers, len(o.Buyers))
		}
		for _, b := range o.Buyers {
			if !accountIDPattern.MatchString(b) {
				p.Add("buyers", "%q is not a 12-digit account ID", b)
			}
		}
		if o.ExpiresAt.IsZero() {
			p.Add("expires", "a private offer needs an expiry")
		}
	default:
		p.Add("visibility", "must be public or private")
	}
	o.Terms.Validate("terms", &p)
	return p.Err("invalid offer " + o.ID)
}
