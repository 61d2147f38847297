package mercato

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what an account may do in the marketplace.
type Role string

// Roles.
const (
	RoleSeller   Role = "seller"
	RoleBuyer    Role = "buyer"
	RoleOperator Role = "operator"
	// RoleChannelPartner is a seller that may also resell other sellers' products; it has every
	// right of a seller.
	RoleChannelPartner Role = "channelPartner"
	// RolePrivateMarketplaceAdmin is a buyer organisation's administrator, who curates the
	// products its governed buyer accounts may buy (see PrivateMarketplace).
	RolePrivateMarketplaceAdmin Role = "privateMarketplaceAdmin"
)

// Roles lists every role, in the order forms offer them.
var Roles = []Role{RoleSeller, RoleChannelPartner, RoleBuyer, RolePrivateMarketplaceAdmin, RoleOperator}

// Account is a marketplace participant, identified by a 12-digit ID as on AWS.
type Account struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Roles           []Role        `json:"roles"`
	TaxJurisdiction string        `json:"taxJurisdiction,omitempty"` // e.g. US-WA, DE, JP
	AccessKeys      []AccessKey   `json:"accessKeys,omitempty"`
	Disbursement    *Disbursement `json:"disbursement,omitempty"`
	// Payer is the organisation's payer account when this one is a linked account: invoices of
	// what this account subscribes to are billed to the payer (see BilledTo).
	Payer string `json:"payer,omitempty"`
}

// BilledTo returns the account that pays this account's invoices: its payer, or itself.
func (a *Account) BilledTo() string {
	if a.Payer != "" {
		return a.Payer
	}
	return a.ID
}

// AccessKey is an AWS-style key pair; requests signed with it act as the account, within its
// policy: empty is full access for the account's roles; otherwise an IAM JSON policy document or
// the name of an AWS managed policy (package iam reads it). A revoked key signs nothing.
type AccessKey struct {
	ID      string    `json:"id"`
	Secret  string    `json:"secret"`
	Policy  string    `json:"policy,omitempty"`
	Status  KeyStatus `json:"status,omitempty"`   // "" is KeyActive
	Created time.Time `json:"createdAt,omitzero"` // zero for keys declared in scenario files
}

// KeyStatus says whether a key may sign requests.
type KeyStatus string

// Key statuses. A revoked key stays listed (who had it, until when) but signs nothing.
const (
	KeyActive  KeyStatus = "Active"
	KeyRevoked KeyStatus = "Revoked"
)

// Active reports whether the key may sign requests.
func (k *AccessKey) Active() bool { return k.Status == "" || k.Status == KeyActive }

// Disbursement is a seller's payout schedule: daily, or monthly on a day from 1 to 28, and the
// bank accounts it is paid to (see disbursement.go).
type Disbursement struct {
	Cadence      string        `json:"cadence"` // daily | monthly
	Day          int           `json:"day,omitempty"`
	BankAccounts []BankAccount `json:"bankAccounts,omitempty"`
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	accessKeyPattern = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
)

// HasRole reports whether the account has role r.
// A channel partner is a seller too.
func (a *Account) HasRole(r Role) bool {
	return slices.Contains(a.Roles, r) || r == RoleSeller && slices.Contains(a.Roles, RoleChannelPartner)
}

// Validate reports every problem with the account.
func (a *Account) Validate() error {
	var p Problems
	if !accountIDPattern.MatchString(a.ID) {
		p.Add("id", "must be 12 digits")
	}
	if a.Name == "" {
		p.Add("name", "is required")
	}
	if len(a.Roles) == 0 {
		p.Add("roles", "at least one of seller, channelPartner, buyer, privateMarketplaceAdmin, operator is required")
	}
	for _, r := range a.Roles {
		if !slices.Contains(Roles, r) {
			p.Add("roles", "unknown role %q", r)
		}
	}
	for _, k := range a.AccessKeys {
		if !accessKeyPattern.MatchString(k.ID) {
			p.Add("accessKeys.id", "%q must be 16-128 upper-case letters and digits", k.ID)
		}
		if len(k.Secret) < 8 {
			p.Add("accessKeys.secret", "secret of %s must be at least 8 characters", k.ID)
		}
		if !k.Active() && k.Status != KeyRevoked {
			p.Add("accessKeys.status", "status of %s must be Active or Revoked", k.ID)
		}
	}
	if d := a.Disbursement; d != nil {
		switch {
		case d.Cadence == "daily":
		case d.Cadence == "monthly" && d.Day >= 1 && d.Day <= 28:
		default:
			p.Add("disbursement", "cadence must be daily, or monthly with a day from 1 to 28")
		}
	}
	if a.Payer != "" && !accountIDPattern.MatchString(a.Payer) {
		p.Add("payer", "must be a 12-digit account ID")
	} else if a.Payer == a.ID {
		p.Add("payer", "an account cannot be its own payer")
	}
	validateBankAccounts(a, &p)
	if a.TaxJurisdiction != "" {
		if _, ok := LookupJurisdiction(a.TaxJurisdiction); !ok {
			p.Add("taxJurisdiction", "unknown tax jurisdiction %q", a.TaxJurisdiction)
		}
	}
	return p.Err("invalid account " + a.ID)
}

// Country returns the ISO 3166 alpha-2 country the account buys from: that of its tax
// jurisdiction (US-WA: US), or US when it has none, as tax treats it (LookupJurisdiction).
func (a *Account) Country() string {
	if a.TaxJurisdiction == "" {
		return "US"
	}
	country, _, _ := strings.Cut(a.TaxJurisdiction, "-")
	return country
}
