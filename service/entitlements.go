package service

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"mercato"
)

// Limits of GetEntitlements.
const (
	// MaxEntitlementsPage is the largest page of entitlements (the model's PageSizeInteger).
	MaxEntitlementsPage = 25
	// MaxEntitlementFilterValues bounds the values of one filter: the model sets no bound, and
	// a request must not make the server hold an unbounded set.
	MaxEntitlementFilterValues = 25
	// maxFilterValueLen is the longest filter value (a license ARN, the longest kind).
	maxFilterValueLen = 2048
)

// EntitlementsInput asks for the entitlements of one product (GetEntitlements). Filters are
// unioned within a list and intersected across lists; an empty list does not filter.
// CustomerIdentifiers and CustomerAccountIDs exclude each other.
type EntitlementsInput struct {
	ProductCode         string
	CustomerIdentifiers []string
	CustomerAccountIDs  []string
	Dimensions          []string
	LicenseArns         []string
	Page                Page // Limit 0 or above MaxEntitlementsPage: MaxEntitlementsPage
}

var filterAccountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// Validate reports every bad field at once (EInvalid), then filters that exclude each other
// (EInvalid with reason ReasonInvalidParameter).
func (in *EntitlementsInput) Validate() error {
	var p mercato.Problems
	if in.ProductCode == "" {
		p.Add("ProductCode", "is required")
	}
	checkFilterValues(&p, "CUSTOMER_IDENTIFIER", in.CustomerIdentifiers, nil)
	checkFilterValues(&p, "CUSTOMER_AWS_ACCOUNT_ID", in.CustomerAccountIDs, filterAccountPattern)
	checkFilterValues(&p, "DIMENSION", in.Dimensions, nil)
	checkFilterValues(&p, "LICENSE_ARN", in.LicenseArns, nil)
	if err := p.Err("invalid GetEntitlements request"); err != nil {
		return err
	}
	if len(in.CustomerIdentifiers) > 0 && len(in.CustomerAccountIDs) > 0 {
		return mercato.Errorf(mercato.EInvalid, "CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID are mutually exclusive: "+
			"filter by one or the other, not both").WithReason(mercato.ReasonInvalidParameter)
	}
	return nil
}

// checkFilterValues checks the values of one filter: at most MaxEntitlementFilterValues, each
// non-blank, not too long, and matching pattern if one is given.
func checkFilterValues(p *mercato.Problems, name string, values []string, pattern *regexp.Regexp) {
	field := "Filter." + name
	if len(values) > MaxEntitlementFilterValues {
		p.Add(field, "must have at most %d values, not %d", MaxEntitlementFilterValues, len(values))
		return
	}
	for _, v := range values {
		switch {
		case strings.TrimSpace(v) == "":
			p.Add(field, "values must not be empty or blank")
		case len(v) > maxFilterValueLen:
			p.Add(field, "values must be at most %d characters", maxFilterValueLen)
		case pattern != nil && !pattern.MatchString(v):
			p.Add(field, "value %q must be a 12-digit account ID", v)
		}
	}
}

// Entitlements returns a page of the entitlements of a product's buyers, for the product's
// seller only (the ISV, also for agreements of a reseller's channel-partner offers; never the
// reseller), and the cursor of the next page ("" on the last). A buyer is entitled by an
// ACTIVE agreement that has started and not ended: to each dimension of its configured
// contract (IntegerValue, the quantity bought), of a fixed price's grants, and, during a free
// trial, of the trial's grants (IntegerValue the grant's maximum, or BooleanValue true for a
// grant without one). Pay-as-you-go agreements entitle to nothing here: their buyers are
// metered. Entitlements come ordered by agreement ID, then dimension. Errors: EInvalid (bad
// input; reason ReasonInvalidParameter for a product code that is unknown or another
// seller's, which are told apart to no one, and for exclusive filters).
func (s *Service) Entitlements(ctx context.Context, caller string, in EntitlementsInput) ([]mercato.Entitlement, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	key, err := s.secret(ctx)
	if err != nil {
		return nil, "", err
	}
	now := s.Now()
	limit := min(pageLimit(in.Page.Limit), MaxEntitlementsPage)
	var out []mercato.Entitlement
	err = s.view(ctx, func(tx mercato.Tx) error {
		p, err := sellersProduct(tx, caller, in.ProductCode)
		if err != nil {
			return err
		}
		q := entitlementQuery{tx: tx, key: key, product: &p, now: now, in: &in, limit: limit}
		out, err = q.run()
		return err
	})
	if err != nil {
		return nil, "", err
	}
	page, next := cutPage(out, limit, entitlementCursor)
	return page, next, nil
}

// sellersProduct returns the product with the code if caller sells it. An unknown code and
// another seller's product are the same error, so that the answer tells no one which codes
// exist.
func sellersProduct(tx mercato.Tx, caller, code string) (mercato.Product, error) {
	p, err := tx.ProductByCode(code)
	if err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return p, err
	}
	if err != nil || p.SellerID != caller {
		return p, mercato.Errorf(mercato.EInvalid, "product code %q is not a product of account %s: "+
			"only a product's seller reads its entitlements", code, caller).WithReason(mercato.ReasonInvalidParameter)
	}
	return p, nil
}

// entitlementCursor is the position of an entitlement in the order Entitlements returns them.
// Agreement IDs hold no space, so the first space ends the ID.
func entitlementCursor(e *mercato.Entitlement) string { return e.AgreementID + " " + e.Dimension }

// entitlementQuery reads the entitlements of one request, in a read transaction.
type entitlementQuery struct {
	tx      mercato.Tx
	key     []byte
	product *mercato.Product
	now     time.Time
	in      *EntitlementsInput
	limit   int
}

// agreementScan is how many agreements one read takes while a page is gathered.
const agreementScan = 256

// run returns up to limit+1 entitlements after the cursor, so that the caller knows whether
// there are more.
func (q *entitlementQuery) run() ([]mercato.Entitlement, error) {
	accounts, filtered := q.accounts()
	if filtered && len(accounts) == 0 {
		return nil, nil // no identifier resolved: no customer matches
	}
	afterID, afterDim, _ := strings.Cut(q.in.Page.Cursor, " ")
	out, err := q.rest(accounts, afterID, afterDim)
	if err != nil {
		return nil, err
	}
	for from := afterID; len(out) <= q.limit; {
		as, err := q.agreements(accounts, from)
		if err != nil || len(as) == 0 {
			return out, err
		}
		for i := range as {
			out = append(out, q.entitlements(&as[i])...)
		}
		if len(as) < agreementScan {
			break
		}
		from = as[len(as)-1].ID
	}
	return out, nil
}

// rest returns the entitlements of the cursor's agreement that follow the cursor's
// dimension, if the agreement still matches the request.
func (q *entitlementQuery) rest(accounts []string, id, afterDim string) ([]mercato.Entitlement, error) {
	if id == "" {
		return nil, nil
	}
	a, err := q.tx.GetAgreement(id)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.ENotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case a.ProductID != q.product.ID || a.Status != mercato.AgreementActive ||
		(len(accounts) > 0 && !slices.Contains(accounts, a.AcceptorID)):
		return nil, nil
	}
	var out []mercato.Entitlement
	for _, e := range q.entitlements(&a) {
		if e.Dimension > afterDim {
			out = append(out, e)
		}
	}
	return out, nil
}

// accounts returns the accounts the customer filters name, and whether they filter at all.
// Customer identifiers that are not the product's match no one.
func (q *entitlementQuery) accounts() ([]string, bool) {
	if len(q.in.CustomerAccountIDs) > 0 {
		return q.in.CustomerAccountIDs, true
	}
	if len(q.in.CustomerIdentifiers) == 0 {
		return nil, false
	}
	var out []string
	for _, id := range q.in.CustomerIdentifiers {
		if buyer, ok := parseCustomerIdentifier(q.key, q.product.ID, id); ok {
			out = append(out, buyer)
		}
	}
	return out, true
}

// agreements reads the product's ACTIVE agreements with an ID after after, of the accounts if
// any, ordered by ID: at most agreementScan of them.
func (q *entitlementQuery) agreements(accounts []string, after string) ([]mercato.Agreement, error) {
	f := mercato.AgreementFilter{ProductID: q.product.ID, Status: mercato.AgreementActive, AfterID: after, Limit: agreementScan}
	if len(accounts) == 0 {
		return q.tx.ListAgreements(f)
	}
	var out []mercato.Agreement
	for _, acc := range slices.Compact(slices.Sorted(slices.Values(accounts))) {
		f.AcceptorID = acc
		as, err := q.tx.ListAgreements(f)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	slices.SortFunc(out, func(a, b mercato.Agreement) int { return strings.Compare(a.ID, b.ID) })
	return out[:min(len(out), agreementScan)], nil
}

// entitlements returns what the agreement entitles its buyer to now, within the request's
// dimension and license filters.
func (q *entitlementQuery) entitlements(a *mercato.Agreement) []mercato.Entitlement {
	arn := LicenseArn(a)
	if len(q.in.LicenseArns) > 0 && !slices.Contains(q.in.LicenseArns, arn) {
		return nil
	}
	var out []mercato.Entitlement
	for _, g := range AgreementGrants(a, q.now) {
		if len(q.in.Dimensions) > 0 && !slices.Contains(q.in.Dimensions, g.Dimension) {
			continue
		}
		e := mercato.Entitlement{AgreementID: a.ID, ProductCode: q.product.ProductCode, Dimension: g.Dimension,
			CustomerAccountID: a.AcceptorID, LicenseArn: arn, Value: g.Value, ExpirationDate: g.Expires}
		if q.product.CustomerIdentifier {
			e.CustomerIdentifier = customerIdentifier(q.key, q.product.ID, a.AcceptorID)
		}
		out = append(out, e)
	}
	return out
}

// Grant is one dimension an agreement entitles its buyer to, with the value and the time it
// ends (zero: no end).
type Grant struct {
	Dimension string
	Value     mercato.EntitlementValue
	Expires   time.Time
}

// AgreementGrants returns what an agreement entitles its buyer to at time now, one grant per
// dimension, ordered by dimension: nothing unless it is ACTIVE, has started and has not ended.
// During a free trial the trial's grants count, expiring when it converts; a fixed price's
// grants and a configured contract's quantities count until the agreement ends. Where several
// terms name a dimension, the contract's quantity wins over a fixed price's grant, which wins
// over the trial's.
func AgreementGrants(a *mercato.Agreement, now time.Time) []Grant {
	if a.Status != mercato.AgreementActive || !a.ActiveAt(now) {
		return nil
	}
	byDim := map[string]Grant{}
	if ft := a.Terms.FreeTrial(); ft != nil {
		if end := ft.Duration.AddTo(a.StartTime); now.Before(end) {
			addGrants(byDim, ft.Grants, end)
		}
	}
	for i := range a.Terms {
		if f := a.Terms[i].FixedUpfront; f != nil {
			addGrants(byDim, f.Grants, a.EndTime)
		}
	}
	for i := range a.Terms {
		if c := a.Terms[i].ConfigurableUpfront; c != nil && c.Configuration != nil {
			for _, d := range c.Configuration.Dimensions {
				n := int64(d.DimensionValue)
				byDim[d.DimensionKey] = Grant{Dimension: d.DimensionKey, Value: mercato.EntitlementValue{Integer: &n}, Expires: a.EndTime}
			}
		}
	}
	out := make([]Grant, 0, len(byDim))
	for _, g := range byDim {
		out = append(out, g)
	}
	slices.SortFunc(out, func(x, y Grant) int { return cmp.Compare(x.Dimension, y.Dimension) })
	return out
}

// addGrants sets the grants' values: their maximum quantity, or true for an unlimited one.
func addGrants(byDim map[string]Grant, grants []mercato.GrantItem, expires time.Time) {
	for _, g := range grants {
		v := mercato.EntitlementValue{}
		if g.MaxQuantity != nil {
			n := int64(*g.MaxQuantity)
			v.Integer = &n
		} else {
			yes := true
			v.Boolean = &yes
		}
		byDim[g.DimensionKey] = Grant{Dimension: g.DimensionKey, Value: v, Expires: expires}
	}
}
