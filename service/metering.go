package service

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"mercato"
)

// The metering windows, on the business clock. MeterUsage takes usage up to 6 hours old and
// BatchMeterUsage up to 24 hours (the Metering API's documented windows); both take a
// previous month's usage only until 06:00 UTC on the 1st (the month-end grace), so that nothing
// arrives for a month after its consolidated invoice (on the 2nd). A timestamp may be ahead of
// the clock by a few minutes of skew, not more.
const (
	MeterUsageWindow      = 6 * time.Hour
	BatchMeterUsageWindow = 24 * time.Hour
	MonthEndGrace         = 6 * time.Hour
	MeteringClockSkew     = 5 * time.Minute
	MaxBatchUsageRecords  = 25
)

// meterError returns a metering error with its reason (see the Reason constants of package
// mercato), which transports turn into the Metering API's exceptions.
func meterError(code mercato.ErrorCode, reason, format string, args ...any) *mercato.Error {
	return mercato.Errorf(code, format, args...).WithReason(reason)
}

// checkUsageTime returns ReasonTimestampOutOfBounds unless ts lies in the window that ends now
// (plus the skew) and reaches back, less what the month-end grace has closed.
func checkUsageTime(now, ts time.Time, back time.Duration) error {
	monthStart := mercato.PeriodOf(now).Start()
	switch {
	case ts.After(now.Add(MeteringClockSkew)):
		return meterError(mercato.EInvalid, mercato.ReasonTimestampOutOfBounds,
			"timestamp %s is in the future (the time is %s)", ts.Format(time.RFC3339), now.Format(time.RFC3339))
	case ts.Before(now.Add(-back)):
		return meterError(mercato.EInvalid, mercato.ReasonTimestampOutOfBounds,
			"timestamp %s is more than %s before %s", ts.Format(time.RFC3339), back, now.Format(time.RFC3339))
	case ts.Before(monthStart) && !now.Before(monthStart.Add(MonthEndGrace)):
		return meterError(mercato.EInvalid, mercato.ReasonTimestampOutOfBounds,
			"usage of %s is accepted until %s", mercato.PeriodOf(ts), monthStart.Add(MonthEndGrace).Format(time.RFC3339))
	}
	return nil
}

// meteredProduct returns the product with the code and checks that dim is one of its metered
// dimensions. Errors: ReasonInvalidProductCode, ReasonInvalidUsageDimension.
func meteredProduct(tx mercato.Tx, code string, dims ...string) (mercato.Product, error) {
	p, err := tx.ProductByCode(code)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return p, meterError(mercato.EInvalid, mercato.ReasonInvalidProductCode, "no product has the product code %q", code)
	}
	if err != nil {
		return p, err
	}
	return p, checkDimensions(&p, dims)
}

// checkDimensions returns ReasonInvalidUsageDimension unless every dimension is a metered one
// of the product.
func checkDimensions(p *mercato.Product, dims []string) error {
	for _, dim := range dims {
		if d, ok := p.Dimension(dim); !ok || !d.Metered {
			return meterError(mercato.EInvalid, mercato.ReasonInvalidUsageDimension,
				"%q is not a metered dimension of product %s", dim, p.ProductCode)
		}
	}
	return nil
}

// candidate is a customer's agreement as metering weighs it: its span and its usage prices.
type candidate struct {
	mercato.AgreementSpan
	usage *mercato.UsageBasedPricingTerm
}

func candidateOf(a *mercato.Agreement) candidate {
	return candidate{AgreementSpan: a.Span(), usage: a.Terms.Usage()}
}

// meters reports whether usage of dim at time at is billable under the agreement.
func (c *candidate) meters(dim string, at time.Time) bool {
	return c.usage != nil && pricesDimension(c.usage, dim) && c.ActiveAt(at) && c.Status != mercato.AgreementRolledBack
}

// meteringAgreement returns the customer's agreement that meters dim at time at: active then,
// with a usage price for dim. With several (concurrent agreements), the one that started first;
// nil if there is none.
func meteringAgreement(cs []candidate, customer, dim string, at time.Time) *candidate {
	var best *candidate
	for i := range cs {
		c := &cs[i]
		if c.AcceptorID != customer || !c.meters(dim, at) {
			continue
		}
		if best == nil || cmp.Or(c.StartTime.Compare(best.StartTime), strings.Compare(c.ID, best.ID)) < 0 {
			best = c
		}
	}
	return best
}

// candidates returns the product's agreements with the customers and their usage prices. The
// prices come from the cache when the agreement has not changed since they were read.
func (s *Service) candidates(tx mercato.Tx, productID string, customers []string) ([]candidate, error) {
	spans, err := tx.CustomerAgreements(productID, customers)
	if err != nil {
		return nil, err
	}
	out := make([]candidate, len(spans))
	for i, sp := range spans {
		usage, ok := s.terms.get(sp.ID, sp.UpdatedAt)
		if !ok {
			a, err := tx.GetAgreement(sp.ID)
			if err != nil {
				return nil, err
			}
			usage = a.Terms.Usage()
			s.terms.put(sp.ID, a.UpdatedAt, usage)
		}
		out[i] = candidate{AgreementSpan: sp, usage: usage}
	}
	return out, nil
}

// termsCache keeps agreements' usage prices by agreement and version (UpdatedAt, which changes
// with every change of an agreement), so that metering decodes an agreement's terms once rather
// than for every record. It is bounded: when full, it starts over.
type termsCache struct {
	mu sync.Mutex
	m  map[string]cachedTerms
}

type cachedTerms struct {
	version time.Time
	usage   *mercato.UsageBasedPricingTerm
}

const maxCachedTerms = 100_000

func (c *termsCache) get(id string, version time.Time) (*mercato.UsageBasedPricingTerm, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[id]
	return t.usage, ok && t.version.Equal(version)
}

func (c *termsCache) put(id string, version time.Time, usage *mercato.UsageBasedPricingTerm) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTerms {
		c.m = make(map[string]cachedTerms)
	}
	c.m[id] = cachedTerms{version: version, usage: usage}
}

// MeterUsageInput is an hour of usage that software running in the buyer's account reports
// (MeterUsage): the caller is the customer.
type MeterUsageInput struct {
	ProductCode string                    `json:"productCode"`
	Timestamp   time.Time                 `json:"timestamp"`
	Dimension   string                    `json:"dimension"`
	Quantity    int64                     `json:"quantity"`
	Allocations []mercato.UsageAllocation `json:"allocations,omitempty"`
	DryRun      bool                      `json:"dryRun,omitempty"`
	ClientToken string                    `json:"-"`
}

type meterUsageResult struct {
	RecordID string `json:"meteringRecordId"`
}

// MeterUsage records the caller's usage of a product's dimension in the hour of the timestamp
// and returns the metering record ID. The same hour again with the same quantity is the same
// record (its ID again); with another quantity it is ReasonDuplicateRequest (EConflict). A
// client token makes the call idempotent: the same token with another request is EConflict
// (INVALID_CLIENT_TOKEN). A dry run checks everything and stores nothing (ReasonDryRun).
// Errors: ReasonTimestampOutOfBounds, ReasonInvalidTag, ReasonInvalidUsageAllocations,
// ReasonInvalidProductCode, ReasonInvalidUsageDimension, ReasonCustomerNotEntitled.
func (s *Service) MeterUsage(ctx context.Context, caller string, in MeterUsageInput) (string, error) {
	now := s.Now()
	if err := checkUsageTime(now, in.Timestamp, MeterUsageWindow); err != nil {
		return "", err
	}
	if err := checkQuantity(in.Quantity, in.Allocations); err != nil {
		return "", err
	}
	var r mercato.UsageRecord
	err := s.view(ctx, func(tx mercato.Tx) error {
		p, err := meteredProduct(tx, in.ProductCode, in.Dimension)
		if err != nil {
			return err
		}
		cs, err := s.candidates(tx, p.ID, []string{caller})
		if err != nil {
			return err
		}
		a := meteringAgreement(cs, caller, in.Dimension, in.Timestamp)
		if a == nil {
			return meterError(mercato.EForbidden, mercato.ReasonCustomerNotEntitled,
				"account %s has no agreement for product %s that meters %q at %s", caller, in.ProductCode, in.Dimension,
				in.Timestamp.UTC().Format(time.RFC3339))
		}
		r = usageRecord(a.ID, in.Dimension, in.Timestamp, in.Quantity, in.Allocations, now)
		return nil
	})
	if err != nil {
		return "", err
	}
	if in.DryRun {
		return "", meterError(mercato.EInvalid, mercato.ReasonDryRun, "Request would have succeeded, but the DryRun flag is set")
	}
	var out meterUsageResult
	err = s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = idempotent(tx, now, caller, "MeterUsage", in.ClientToken, in, func() (meterUsageResult, error) {
			existing, err := tx.InsertUsageRecords([]mercato.UsageRecord{r})
			if err != nil {
				return meterUsageResult{}, err
			}
			if len(existing) > 0 && existing[0].Quantity != r.Quantity {
				return meterUsageResult{}, meterError(mercato.EConflict, mercato.ReasonDuplicateRequest,
					"usage of %q in the hour of %s was already metered with quantity %d", in.Dimension,
					r.Hour.Format(time.RFC3339), existing[0].Quantity)
			}
			return meterUsageResult{RecordID: r.MeteringRecordID()}, nil
		})
		return err
	})
	return out.RecordID, err
}

func checkQuantity(q int64, allocs []mercato.UsageAllocation) error {
	if q < 0 || q > 1<<31-1 {
		return mercato.Errorf(mercato.EInvalid, "usage quantity %d must be between 0 and 2147483647", q)
	}
	return mercato.ValidateAllocations(q, allocs)
}

func usageRecord(agreementID, dim string, ts time.Time, q int64, allocs []mercato.UsageAllocation, now time.Time) mercato.UsageRecord {
	return mercato.UsageRecord{AgreementID: agreementID, Dimension: dim, Hour: ts.UTC().Truncate(time.Hour),
		Quantity: q, RecordedAt: now, Allocations: allocs}
}

// UsageRecordInput is one record of a seller's batch. It names its customer by exactly one of
// CustomerAccountID and CustomerIdentifier (legacy, from ResolveCustomer), or by LicenseArn,
// alone or with the CustomerAccountID it belongs to (concurrent agreements).
type UsageRecordInput struct {
	CustomerAccountID  string
	CustomerIdentifier string
	LicenseArn         string
	Dimension          string
	Timestamp          time.Time
	Quantity           int64
	Allocations        []mercato.UsageAllocation
}

// MeterStatus is the outcome of one record of a batch.
type MeterStatus string

// Record outcomes, with the Metering API's names.
const (
	MeterSuccess       MeterStatus = "Success"
	MeterNotSubscribed MeterStatus = "CustomerNotSubscribed"
	MeterDuplicate     MeterStatus = "DuplicateRecord"
)

// MeterResult is the outcome of one record; RecordID is set for successes.
type MeterResult struct {
	Status   MeterStatus
	RecordID string
}

// BatchMeterUsage records a seller's usage records of one product (SaaS): each record succeeds,
// is refused because the customer has no agreement metering the dimension at its time
// (CustomerNotSubscribed), or is a duplicate (the customer, dimension and hour have usage with
// another quantity). Identical records are idempotent. Results come in the order of the records,
// and are stored in a committed transaction before this returns. The batch fails as a whole
// (nothing is stored) when a record is out of the time window (ReasonTimestampOutOfBounds), the
// product is unknown or not the caller's (ReasonInvalidProductCode), a dimension is not a
// metered one of the product (ReasonInvalidUsageDimension), a license is unknown or not the
// caller's product's (ReasonInvalidLicense), a customer identifier does not resolve
// (ReasonInvalidCustomerIdentifier), or allocations or tags are invalid.
func (s *Service) BatchMeterUsage(ctx context.Context, caller, productCode string, records []UsageRecordInput) ([]MeterResult, error) {
	if len(records) > MaxBatchUsageRecords {
		return nil, mercato.Errorf(mercato.EInvalid, "a batch holds at most %d usage records, not %d", MaxBatchUsageRecords, len(records))
	}
	now := s.Now()
	for i := range records {
		if err := checkRecord(now, &records[i]); err != nil {
			return nil, err
		}
	}
	if len(records) == 0 {
		return nil, nil
	}
	key, err := s.secret(ctx)
	if err != nil {
		return nil, err
	}
	var usage []mercato.UsageRecord
	var target []int // the record of each usage record; -1: not subscribed
	err = s.view(ctx, func(tx mercato.Tx) error {
		b := batch{svc: s, tx: tx, caller: caller, key: key, licenses: map[string]*mercato.Agreement{}}
		var err error
		usage, target, err = b.resolve(productCode, records, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	var results []MeterResult
	err = s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		results, err = storeBatch(tx, usage, target, len(records))
		return err
	})
	return results, err
}

// checkRecord checks what a record says on its own: its time, quantity, allocations, and that
// it names its customer in one way.
func checkRecord(now time.Time, r *UsageRecordInput) error {
	if err := checkUsageTime(now, r.Timestamp, BatchMeterUsageWindow); err != nil {
		return err
	}
	if err := checkQuantity(r.Quantity, r.Allocations); err != nil {
		return err
	}
	switch {
	case r.CustomerIdentifier != "" && (r.CustomerAccountID != "" || r.LicenseArn != ""):
		return meterError(mercato.EInvalid, mercato.ReasonInvalidCustomerIdentifier,
			"a record names its customer by CustomerIdentifier or by CustomerAWSAccountId (with or without a LicenseArn), not both")
	case r.CustomerIdentifier == "" && r.CustomerAccountID == "" && r.LicenseArn == "":
		return meterError(mercato.EInvalid, mercato.ReasonInvalidCustomerIdentifier,
			"a record names its customer by CustomerAWSAccountId, LicenseArn or CustomerIdentifier")
	}
	return nil
}

// batch resolves the records of a BatchMeterUsage call to agreements, in one read transaction.
type batch struct {
	svc      *Service
	tx       mercato.Tx
	caller   string
	key      []byte
	product  *mercato.Product
	licenses map[string]*mercato.Agreement
}

// resolve returns the usage records of the records whose customer is subscribed, and for each
// record the index of its usage record, or -1.
func (b *batch) resolve(productCode string, records []UsageRecordInput, now time.Time) ([]mercato.UsageRecord, []int, error) {
	if err := b.resolveProduct(productCode, records); err != nil {
		return nil, nil, err
	}
	customers := make([]string, len(records))
	for i := range records {
		c, err := b.customer(&records[i])
		if err != nil {
			return nil, nil, err
		}
		customers[i] = c
	}
	if err := checkDimensions(b.product, dimensions(records)); err != nil {
		return nil, nil, err
	}
	distinct := slices.Compact(slices.Sorted(slices.Values(customers)))
	cs, err := b.svc.candidates(b.tx, b.product.ID, distinct)
	if err != nil {
		return nil, nil, err
	}
	usage := make([]mercato.UsageRecord, 0, len(records))
	target := make([]int, len(records))
	for i := range records {
		r := &records[i]
		var a *candidate
		if lic := b.licenses[r.LicenseArn]; lic != nil {
			if c := candidateOf(lic); c.meters(r.Dimension, r.Timestamp) {
				a = &c
			}
		} else {
			a = meteringAgreement(cs, customers[i], r.Dimension, r.Timestamp)
		}
		target[i] = -1
		if a != nil {
			target[i] = len(usage)
			usage = append(usage, usageRecord(a.ID, r.Dimension, r.Timestamp, r.Quantity, r.Allocations, now))
		}
	}
	return usage, target, nil
}

func dimensions(records []UsageRecordInput) []string {
	out := make([]string, len(records))
	for i := range records {
		out[i] = records[i].Dimension
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

// resolveProduct finds the batch's one product: by its code, or else by the records' licenses.
// It must be the caller's.
func (b *batch) resolveProduct(code string, records []UsageRecordInput) error {
	if code != "" {
		p, err := meteredProduct(b.tx, code)
		if err != nil {
			return err
		}
		if p.SellerID != b.caller {
			return meterError(mercato.EInvalid, mercato.ReasonInvalidProductCode,
				"product code %q is not a product of account %s: only its seller meters it", code, b.caller)
		}
		b.product = &p
	}
	for i := range records {
		if arn := records[i].LicenseArn; arn != "" {
			if err := b.resolveLicense(arn); err != nil {
				return err
			}
		} else if b.product == nil {
			return meterError(mercato.EInvalid, mercato.ReasonInvalidProductCode,
				"ProductCode is required for records that name their customer without a LicenseArn")
		}
	}
	return nil
}

// meterOf returns the account that meters an agreement's usage: the product's maker, which is
// the seller of record of a direct deal and the manufacturer of a resale (the channel partner
// sells the product; the maker runs it, and meters it).
func meterOf(a *mercato.Agreement) string {
	if a.Resale != nil {
		return a.Resale.ManufacturerID
	}
	return a.ProposerID
}

// resolveLicense finds the agreement of a license, which must be of the batch's product and
// the caller's.
func (b *batch) resolveLicense(arn string) error {
	if _, ok := b.licenses[arn]; ok {
		return nil
	}
	a, err := agreementOfLicense(b.tx, arn)
	if err != nil {
		return err
	}
	if a == nil || meterOf(a) != b.caller {
		return meterError(mercato.EInvalid, mercato.ReasonInvalidLicense, "license %s is not a license of your products", arn)
	}
	if b.product == nil {
		p, err := b.tx.GetProduct(a.ProductID)
		if err != nil {
			return err
		}
		b.product = &p
	}
	if a.ProductID != b.product.ID {
		return meterError(mercato.EInvalid, mercato.ReasonInvalidLicense,
			"license %s is for product %s; a batch meters one product (%s)", arn, a.ProductID, b.product.ProductCode)
	}
	b.licenses[arn] = a
	return nil
}

// agreementOfLicense returns the agreement whose license is arn, or nil. The ARN holds the
// acceptor and the agreement ID without its "agmt-" prefix and underscores: the agreement is
// looked up by ID first, then among the acceptor's.
func agreementOfLicense(tx mercato.Tx, arn string) (*mercato.Agreement, error) {
	acceptor, suffix, ok := parseLicenseArn(arn)
	if !ok {
		return nil, nil
	}
	a, err := tx.GetAgreement("agmt-" + suffix)
	switch {
	case err == nil && LicenseArn(&a) == arn:
		return &a, nil
	case err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound:
		return nil, err
	}
	as, err := tx.ListAgreements(mercato.AgreementFilter{AcceptorID: acceptor})
	if err != nil {
		return nil, err
	}
	for i := range as {
		if LicenseArn(&as[i]) == arn {
			return &as[i], nil
		}
	}
	return nil, nil
}

// parseLicenseArn splits arn:aws:license-manager::<account>:license:l-<id>.
func parseLicenseArn(arn string) (acceptor, suffix string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:license-manager::")
	if !ok {
		return "", "", false
	}
	acceptor, suffix, ok = strings.Cut(rest, ":license:l-")
	return acceptor, suffix, ok && acceptor != "" && suffix != ""
}

// customer returns the account a record names as its customer.
func (b *batch) customer(r *UsageRecordInput) (string, error) {
	switch {
	case r.LicenseArn != "":
		a := b.licenses[r.LicenseArn]
		if r.CustomerAccountID != "" && r.CustomerAccountID != a.AcceptorID {
			return "", meterError(mercato.EInvalid, mercato.ReasonInvalidLicense,
				"license %s is not a license of account %s", r.LicenseArn, r.CustomerAccountID)
		}
		return a.AcceptorID, nil
	case r.CustomerIdentifier != "":
		buyer, ok := parseCustomerIdentifier(b.key, b.product.ID, r.CustomerIdentifier)
		if !ok {
			return "", meterError(mercato.EInvalid, mercato.ReasonInvalidCustomerIdentifier,
				"customer identifier %q is not one of product %s", r.CustomerIdentifier, b.product.ProductCode)
		}
		return buyer, nil
	}
	return r.CustomerAccountID, nil
}

// storeBatch stores the new usage records and returns every record's result.
func storeBatch(tx mercato.Tx, usage []mercato.UsageRecord, target []int, n int) ([]MeterResult, error) {
	first := make(map[mercato.UsageKey]int, len(usage)) // a key's first record in the batch
	distinct := make([]mercato.UsageRecord, 0, len(usage))
	for i := range usage {
		if _, seen := first[usage[i].Key()]; !seen {
			first[usage[i].Key()] = i
			distinct = append(distinct, usage[i])
		}
	}
	existing, err := tx.InsertUsageRecords(distinct)
	if err != nil {
		return nil, err
	}
	stored := make(map[mercato.UsageKey]int64, len(existing)) // quantities stored before
	for _, e := range existing {
		stored[e.Key()] = e.Quantity
	}
	results := make([]MeterResult, n)
	for i, u := range target {
		if u < 0 {
			results[i] = MeterResult{Status: MeterNotSubscribed}
			continue
		}
		r := &usage[u]
		q, before := stored[r.Key()]
		if !before {
			q = usage[first[r.Key()]].Quantity
		}
		if q != r.Quantity {
			results[i] = MeterResult{Status: MeterDuplicate}
			continue
		}
		results[i] = MeterResult{Status: MeterSuccess, RecordID: r.MeteringRecordID()}
	}
	return results, nil
}

// Customer is what a registration token resolves to: the buyer, the product and the license.
type Customer struct {
	Identifier  string // legacy CustomerIdentifier, for BatchMeterUsage of this product
	AccountID   string
	ProductCode string
	LicenseArn  string
}

// ResolveCustomer resolves a registration token for the product's seller: one that the buyer's
// browser (or, in the sandbox, the server) posted to the product's fulfillment URL, which
// resolves for FulfillmentTokenLife, or one from GetAgreementEntitlements (30 minutes). The
// customer identifier is returned only for a product that still uses it
// (Product.CustomerIdentifier), as AWS leaves it empty for new integrations. Errors:
// ReasonInvalidToken (malformed, forged, or not the caller's product), ReasonExpiredToken
// (past its life in business time).
func (s *Service) ResolveCustomer(ctx context.Context, caller, token string) (Customer, error) {
	key, err := s.secret(ctx)
	if err != nil {
		return Customer{}, err
	}
	reg, ok := parseRegistrationToken(key, token)
	if !ok {
		return Customer{}, meterError(mercato.EInvalid, mercato.ReasonInvalidToken, "the registration token is not valid")
	}
	if s.Now().Unix() > reg.Expires {
		return Customer{}, meterError(mercato.EInvalid, mercato.ReasonExpiredToken, "the registration token has expired")
	}
	var c Customer
	err = s.view(ctx, func(tx mercato.Tx) error {
		p, err := tx.ProductByCode(reg.ProductCode)
		if err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound {
			return err
		}
		if err != nil || p.SellerID != caller {
			return meterError(mercato.EInvalid, mercato.ReasonInvalidToken,
				"the registration token is for a product of another seller: its seller resolves it")
		}
		a, err := tx.GetAgreement(reg.AgreementID)
		if err != nil {
			return err
		}
		c = Customer{AccountID: reg.Customer, ProductCode: p.ProductCode, LicenseArn: LicenseArn(&a)}
		if p.CustomerIdentifier {
			c.Identifier = customerIdentifier(key, p.ID, reg.Customer)
		}
		return nil
	})
	return c, err
}

// customerLen is the length of an account ID, which starts a customer identifier.
const customerLen = 12

// customerIdentifier returns the legacy customer identifier of a buyer for a product: the
// account and a MAC binding it to the product, so that it resolves for that product only.
func customerIdentifier(key []byte, productID, buyer string) string {
	return encodeSigned(key, "customer:"+productID, []byte(buyer))
}

// parseCustomerIdentifier returns the buyer of a customer identifier of the product.
func parseCustomerIdentifier(key []byte, productID, id string) (string, bool) {
	b, ok := decodeSigned(key, "customer:"+productID, id)
	if !ok || len(b) != customerLen {
		return "", false
	}
	return string(b), true
}
