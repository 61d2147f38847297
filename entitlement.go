package mercato

import "time"

// ReasonInvalidParameter marks a request the Entitlement API refuses for what its parameters
// mean rather than their shape (InvalidParameterException): a product that is not the
// caller's, filters that exclude each other.
const ReasonInvalidParameter = "INVALID_PARAMETER"

// Entitlement is capacity in a product that a buyer's agreement gives it, as the Entitlement
// API's GetEntitlements returns it: one per dimension.
type Entitlement struct {
	AgreementID       string
	ProductCode       string
	Dimension         string
	CustomerAccountID string
	// CustomerIdentifier is the legacy customer identifier, set only for products that still
	// use it (Product.CustomerIdentifier).
	CustomerIdentifier string
	LicenseArn         string
	Value              EntitlementValue
	// ExpirationDate is when the entitlement ends: the agreement's end, or the free trial's.
	// Zero: it has no end date.
	ExpirationDate time.Time
}

// EntitlementValue is the amount of a dimension a buyer is entitled to: exactly one member is
// set. A contracted quantity is an Integer; a dimension granted without a quantity limit is
// the Boolean true. Double and String exist on the wire; no term yields them yet.
type EntitlementValue struct {
	Integer *int64
	Double  *float64
	Boolean *bool
	String  *string
}
