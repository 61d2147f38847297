package mercato

import (
	"net/url"
	"regexp"
	"slices"
)

// ProductType is the kind of software listed.
type ProductType string

// Product types.
const (
	ProductSaaS                 ProductType = "SaaS"
	ProductAMI                  ProductType = "AMI"
	ProductContainer            ProductType = "Container"
	ProductProfessionalServices ProductType = "ProfessionalServices"
	ProductData                 ProductType = "Data"
)

// OneActiveAgreement reports whether a buyer holds at most one active agreement for a product of
// this type: SaaS, AMI and professional services (seed 003, "You already have an active
// contract"). An acceptance of another offer either is refused or, for an AMI bought by the hour
// or the year, replaces the active agreement (the replaced one names its replacement: see
// Agreement.ReplacedBy). Containers and data products allow several.
func (t ProductType) OneActiveAgreement() bool {
	return t == ProductSaaS || t == ProductAMI || t == ProductProfessionalServices
}

// Product is a listing of one seller.
type Product struct {
	ID           string      `json:"id"`
	SellerID     string      `json:"seller"`
	Type         ProductType `json:"type"`
	Title        string      `json:"title"`
	ProductCode  string      `json:"productCode"` // what metering records name; defaults to ID
	RefundPolicy string      `json:"refundPolicy,omitempty"`
	Visibility   string      `json:"visibility"` // public | limited | restricted
	// AllowedBuyers is the allow-list of a limited product: the buyer accounts that may see it
	// and accept its offers (seed 003, "AMI limited listing"). A public product ignores it.
	AllowedBuyers []string    `json:"allowedBuyers,omitempty"`
	Dimensions    []Dimension `json:"dimensions,omitempty"`
	// FulfillmentURL is the seller's registration page for SaaS buyers: a buyer who subscribes
	// is sent there with a form POST of x-amzn-marketplace-token. Empty: none.
	FulfillmentURL string `json:"fulfillmentUrl,omitempty"`
	// CustomerIdentifier says the product's integration still uses the legacy customer
	// identifier: ResolveCustomer and GetEntitlements return it only then, as AWS leaves it
	// empty for new integrations.
	CustomerIdentifier bool `json:"customerIdentifier,omitempty"`
}

// MaxFulfillmentURL is the longest fulfillment URL a product may have.
const MaxFulfillmentURL = 2048

// FulfillmentURLProblem returns what is wrong with a fulfillment URL, or "" if it is an
// absolute http or https URL with a host (or empty: no fulfillment page).
func FulfillmentURLProblem(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > MaxFulfillmentURL {
		return "must be at most 2048 characters"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !fulfillmentHost.MatchString(u.Host) || u.User != nil ||
		u.Fragment != "" {
		return "must be an absolute http or https URL without a fragment, such as https://example.com/register"
	}
	return ""
}

// fulfillmentHost is a host name or IP address with an optional port: nothing else, since the
// console names the URL's origin in a Content-Security-Policy.
var fulfillmentHost = regexp.MustCompile(`^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// FulfillmentOrigin returns the origin (scheme://host[:port]) of a valid fulfillment URL.
func FulfillmentOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Dimension is a unit a product is priced in; metered ones are reported through metering.
type Dimension struct {
	Key     string `json:"key"`
	Unit    string `json:"unit,omitempty"`
	Metered bool   `json:"metered,omitempty"`
}

var resourceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_/-]{1,64}$`)

// ValidResourceID reports whether id is a valid ID for an offer, product or agreement
// (1-64 of letters, digits, _ / -), as the Agreement API requires.
func ValidResourceID(id string) bool { return resourceIDPattern.MatchString(id) }

// Dimension returns the product's dimension with the key, if any.
func (p *Product) Dimension(key string) (Dimension, bool) {
	for _, d := range p.Dimensions {
		if d.Key == key {
			return d, true
		}
	}
	return Dimension{}, false
}

// IsServer reports whether the product runs on the buyer's infrastructure (AMI, container),
// which changes the listing fee.
func (p *Product) IsServer() bool { return p.Type == ProductAMI || p.Type == ProductContainer }

// Validate reports every problem with the product. A paid product's refund policy is checked
// where its offers are, since only offers say whether it is paid.
func (p *Product) Validate() error {
	var ps Problems
	if !ValidResourceID(p.ID) {
		ps.Add("id", "must be 1-64 letters, digits, _ / -")
	}
	if !accountIDPattern.MatchString(p.SellerID) {
		ps.Add("seller", "must be a 12-digit account ID")
	}
	switch p.Type {
	case ProductSaaS, ProductAMI, ProductContainer, ProductProfessionalServices, ProductData:
	default:
		ps.Add("type", "must be one of SaaS, AMI, Container, ProfessionalServices, Data")
	}
	if p.Title == "" {
		ps.Add("title", "is required")
	}
	if p.Visibility != "public" && p.Visibility != "limited" && p.Visibility != "restricted" {
		ps.Add("visibility", "must be public, limited or restricted")
	}
	checkAllowedBuyers(&ps, p.AllowedBuyers)
	if msg := FulfillmentURLProblem(p.FulfillmentURL); msg != "" {
		ps.Add("fulfillmentUrl", "%s", msg)
	}
	keys := map[string]bool{}
	for _, d := range p.Dimensions {
		if d.Key == "" || keys[d.Key] {
			ps.Add("dimensions", "dimension keys must be present and unique (%q)", d.Key)
		}
		keys[d.Key] = true
	}
	return ps.Err("invalid product " + p.ID)
}

// MaxAllowedBuyers bounds a limited product's allow-list, so that one product cannot grow without
// limit.
const MaxAllowedBuyers = 1000

// checkAllowedBuyers reports a malformed, repeated or over-long allow-list.
func checkAllowedBuyers(ps *Problems, buyers []string) {
	if len(buyers) > MaxAllowedBuyers {
		ps.Add("allowedBuyers", "holds %d accounts; at most %d", len(buyers), MaxAllowedBuyers)
		return
	}
	seen := map[string]bool{}
	for i, b := range buyers {
		switch {
		case !accountIDPattern.MatchString(b):
			ps.Add("allowedBuyers", "[%d] %q is not a 12-digit account ID", i, b)
		case seen[b]:
			ps.Add("allowedBuyers", "[%d] account %s is allow-listed twice", i, b)
		}
		seen[b] = true
	}
}

// Allows reports whether the product's allow-list names the account.
func (p *Product) Allows(account string) bool { return slices.Contains(p.AllowedBuyers, account) }
