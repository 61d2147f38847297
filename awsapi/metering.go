package awsapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"mercato"
	"mercato/service"
)

// MeteringErrors is the error table of the Metering service (awsJson1_1): client faults are
// 400 but for IdempotencyConflictException (409), server faults InternalServiceErrorException
// (500). Errors with a metering reason become the Metering API's own exceptions (see
// meteringException).
var MeteringErrors = ErrorTable{
	mercato.EInvalid:      {"ValidationException", http.StatusBadRequest},
	mercato.ENotFound:     {"ResourceNotFoundException", http.StatusBadRequest},
	mercato.EForbidden:    {"AccessDeniedException", http.StatusBadRequest},
	mercato.EUnauthorized: {"UnrecognizedClientException", http.StatusForbidden},
	mercato.EConflict:     {"IdempotencyConflictException", http.StatusConflict},
	mercato.EQuota:        {"ThrottlingException", http.StatusBadRequest},
	mercato.EThrottled:    {"ThrottlingException", http.StatusBadRequest},
	mercato.EInternal:     {"InternalServiceErrorException", http.StatusInternalServerError},
}

// meteringExceptions names the exception of each metering reason.
var meteringExceptions = map[string]string{
	mercato.ReasonInvalidProductCode:        "InvalidProductCodeException",
	mercato.ReasonInvalidUsageDimension:     "InvalidUsageDimensionException",
	mercato.ReasonInvalidUsageAllocations:   "InvalidUsageAllocationsException",
	mercato.ReasonInvalidTag:                "InvalidTagException",
	mercato.ReasonInvalidCustomerIdentifier: "InvalidCustomerIdentifierException",
	mercato.ReasonInvalidLicense:            "InvalidLicenseException",
	mercato.ReasonTimestampOutOfBounds:      "TimestampOutOfBoundsException",
	mercato.ReasonCustomerNotEntitled:       "CustomerNotEntitledException",
	mercato.ReasonDuplicateRequest:          "DuplicateRequestException",
	mercato.ReasonInvalidToken:              "InvalidTokenException",
	mercato.ReasonExpiredToken:              "ExpiredTokenException",
	mercato.ReasonInvalidPublicKeyVersion:   "InvalidPublicKeyVersionException",
	mercato.ReasonDryRun:                    "DryRunOperation",
}

// meteringException turns a service error with a metering reason into its exception (400);
// other errors go through MeteringErrors.
func meteringException(err error) error {
	me, ok := errors.AsType[*mercato.Error](err)
	if !ok {
		return err
	}
	if name, ok := meteringExceptions[me.Reason]; ok {
		return NewException(http.StatusBadRequest, name, me.Message)
	}
	return err
}

// Constraints of the Metering model's members.
var (
	productCodeRule = StringRule{Min: 1, Max: 255, Pattern: regexp.MustCompile(`^[-a-zA-Z0-9/=:_.@]*$`)}
	dimensionRule   = StringRule{Min: 1, Max: 255}
	accountIDRule   = StringRule{Min: 1, Max: 255, Pattern: regexp.MustCompile(`^[0-9]+$`)}
	customerIDRule  = StringRule{Max: 255}
	licenseArnRule  = StringRule{Min: 1, Max: 2048}
	meterTokenRule  = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^[!-~]+$`)}
	nonceRule       = StringRule{Max: 255}
)

// meteringAPI maps the Metering operations onto the service.
type meteringAPI struct{ svc *service.Service }

// MeteringOperations returns the four operations of the Marketplace Metering service, served
// by svc: MeterUsage (called with the buyer's credentials), BatchMeterUsage and ResolveCustomer
// (the seller's), RegisterUsage (the buyer's, from a container).
func MeteringOperations(svc *service.Service) []Operation {
	m := &meteringAPI{svc: svc}
	return []Operation{
		Op("MeterUsage", m.meterUsage),
		Op("BatchMeterUsage", m.batchMeterUsage),
		Op("ResolveCustomer", m.resolveCustomer),
		Op("RegisterUsage", m.registerUsage),
	}
}

// --- shapes ----------------------------------------------------------------------------------

type tagWire struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type usageAllocationWire struct {
	AllocatedUsageQuantity *int64    `json:"AllocatedUsageQuantity,omitempty"`
	Tags                   []tagWire `json:"Tags,omitempty"`
}

// allocations checks the members the model requires and converts; tag rules are the service's
// (InvalidTagException).
func allocations(p *mercato.Problems, name string, in []usageAllocationWire) []mercato.UsageAllocation {
	if in == nil {
		return nil
	}
	if !ListLength(p, name, len(in), 1, mercato.MaxUsageAllocations) {
		return nil // the allocations of an over-long list are not worth a look
	}
	out := make([]mercato.UsageAllocation, len(in))
	for i, a := range in {
		if a.AllocatedUsageQuantity == nil {
			Missing(p, name+"["+strconv.Itoa(i)+"].AllocatedUsageQuantity")
			continue
		}
		out[i].Quantity = *a.AllocatedUsageQuantity
		for _, t := range a.Tags {
			out[i].Tags = append(out[i].Tags, mercato.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return out
}

func quantity(p *mercato.Problems, name string, q *int64) int64 {
	if q == nil {
		return 0
	}
	IntRange(p, name, *q, 0, 1<<31-1)
	return *q
}

// --- MeterUsage ------------------------------------------------------------------------------

type meterUsageInput struct {
	ProductCode      string                `json:"ProductCode"`
	Timestamp        *Timestamp            `json:"Timestamp,omitempty"`
	UsageDimension   string                `json:"UsageDimension"`
	UsageQuantity    *int64                `json:"UsageQuantity,omitempty"`
	DryRun           *bool                 `json:"DryRun,omitempty"`
	UsageAllocations []usageAllocationWire `json:"UsageAllocations,omitempty"`
	ClientToken      string                `json:"ClientToken,omitempty"`

	in service.MeterUsageInput
}

func (in *meterUsageInput) Validate() error {
	var p mercato.Problems
	productCodeRule.Check(&p, "ProductCode", in.ProductCode, true)
	dimensionRule.Check(&p, "UsageDimension", in.UsageDimension, true)
	meterTokenRule.Check(&p, "ClientToken", in.ClientToken, false)
	if in.Timestamp == nil {
		Missing(&p, "Timestamp")
	} else {
		in.in.Timestamp = in.Timestamp.Time
	}
	in.in.ProductCode, in.in.Dimension, in.in.ClientToken = in.ProductCode, in.UsageDimension, in.ClientToken
	in.in.Quantity = quantity(&p, "UsageQuantity", in.UsageQuantity)
	in.in.Allocations = allocations(&p, "UsageAllocations", in.UsageAllocations)
	in.in.DryRun = in.DryRun != nil && *in.DryRun
	return Invalid(p, "")
}

type meterUsageOutput struct {
	MeteringRecordID string `json:"MeteringRecordId,omitempty"`
}

func (m *meteringAPI) meterUsage(ctx context.Context, in *meterUsageInput) (*meterUsageOutput, error) {
	id, err := m.svc.MeterUsage(ctx, caller(ctx), in.in)
	if err != nil {
		return nil, meteringException(err)
	}
	return &meterUsageOutput{MeteringRecordID: id}, nil
}

// --- BatchMeterUsage -------------------------------------------------------------------------

type usageRecordWire struct {
	Timestamp            *Timestamp            `json:"Timestamp,omitempty"`
	CustomerIdentifier   string                `json:"CustomerIdentifier,omitempty"`
	CustomerAWSAccountID string                `json:"CustomerAWSAccountId,omitempty"`
	LicenseArn           string                `json:"LicenseArn,omitempty"`
	Dimension            string                `json:"Dimension,omitempty"`
	Quantity             *int64                `json:"Quantity,omitempty"`
	UsageAllocations     []usageAllocationWire `json:"UsageAllocations,omitempty"`
}

type batchMeterUsageInput struct {
	UsageRecords []usageRecordWire `json:"UsageRecords"`
	ProductCode  string            `json:"ProductCode,omitempty"`

	records []service.UsageRecordInput
}

func (in *batchMeterUsageInput) Validate() error {
	var p mercato.Problems
	productCodeRule.Check(&p, "ProductCode", in.ProductCode, false)
	if in.UsageRecords == nil {
		Missing(&p, "UsageRecords")
	}
	// The list's length first: the records of an over-long list are not worth a look.
	if !ListLength(&p, "UsageRecords", len(in.UsageRecords), 0, service.MaxBatchUsageRecords) {
		return Invalid(p, "")
	}
	in.records = make([]service.UsageRecordInput, len(in.UsageRecords))
	var rp mercato.Problems // one record's problems, named within the record
	for i := range in.UsageRecords {
		rp = rp[:0]
		in.records[i] = in.UsageRecords[i].check(&rp)
		for _, f := range rp { // names are built only for bad records: this runs per record
			name := "UsageRecords[" + strconv.Itoa(i) + "]." + f.Name
			f.Message = strings.Replace(f.Message, "'"+f.Name+"'", "'"+name+"'", 1)
			f.Name = name
			p.Append(f)
		}
	}
	return Invalid(p, "")
}

// check checks a record, adding problems named relative to the record, and converts it.
func (r *usageRecordWire) check(p *mercato.Problems) service.UsageRecordInput {
	dimensionRule.Check(p, "Dimension", r.Dimension, true)
	accountIDRule.Check(p, "CustomerAWSAccountId", r.CustomerAWSAccountID, false)
	customerIDRule.Check(p, "CustomerIdentifier", r.CustomerIdentifier, false)
	licenseArnRule.Check(p, "LicenseArn", r.LicenseArn, false)
	out := service.UsageRecordInput{CustomerAccountID: r.CustomerAWSAccountID, CustomerIdentifier: r.CustomerIdentifier,
		LicenseArn: r.LicenseArn, Dimension: r.Dimension, Quantity: quantity(p, "Quantity", r.Quantity),
		Allocations: allocations(p, "UsageAllocations", r.UsageAllocations)}
	if r.Timestamp == nil {
		Missing(p, "Timestamp")
	} else {
		out.Timestamp = r.Timestamp.Time
	}
	return out
}

type usageRecordResult struct {
	UsageRecord      *usageRecordWire `json:"UsageRecord,omitempty"`
	MeteringRecordID string           `json:"MeteringRecordId,omitempty"`
	Status           string           `json:"Status,omitempty"`
}

type batchMeterUsageOutput struct {
	Results            []usageRecordResult `json:"Results"`
	UnprocessedRecords []usageRecordWire   `json:"UnprocessedRecords"`
}

func (m *meteringAPI) batchMeterUsage(ctx context.Context, in *batchMeterUsageInput) (*batchMeterUsageOutput, error) {
	results, err := m.svc.BatchMeterUsage(ctx, caller(ctx), in.ProductCode, in.records)
	if err != nil {
		return nil, meteringException(err)
	}
	out := &batchMeterUsageOutput{Results: make([]usageRecordResult, len(results)), UnprocessedRecords: []usageRecordWire{}}
	for i, r := range results {
		out.Results[i] = usageRecordResult{UsageRecord: &in.UsageRecords[i], MeteringRecordID: r.RecordID, Status: string(r.Status)}
	}
	return out, nil
}

// --- ResolveCustomer -------------------------------------------------------------------------

type resolveCustomerInput struct {
	RegistrationToken string `json:"RegistrationToken"`
}

func (in *resolveCustomerInput) Validate() error {
	var p mercato.Problems
	Required(&p, "RegistrationToken", in.RegistrationToken)
	return Invalid(p, "")
}

type resolveCustomerOutput struct {
	CustomerIdentifier   string `json:"CustomerIdentifier,omitempty"`
	CustomerAWSAccountID string `json:"CustomerAWSAccountId,omitempty"`
	ProductCode          string `json:"ProductCode,omitempty"`
	LicenseArn           string `json:"LicenseArn,omitempty"`
}

func (m *meteringAPI) resolveCustomer(ctx context.Context, in *resolveCustomerInput) (*resolveCustomerOutput, error) {
	c, err := m.svc.ResolveCustomer(ctx, caller(ctx), in.RegistrationToken)
	if err != nil {
		return nil, meteringException(err)
	}
	return &resolveCustomerOutput{CustomerIdentifier: c.Identifier, CustomerAWSAccountID: c.AccountID,
		ProductCode: c.ProductCode, LicenseArn: c.LicenseArn}, nil
}

// --- RegisterUsage ---------------------------------------------------------------------------

type registerUsageInput struct {
	ProductCode      string `json:"ProductCode"`
	PublicKeyVersion *int64 `json:"PublicKeyVersion,omitempty"`
	Nonce            string `json:"Nonce,omitempty"`
}

func (in *registerUsageInput) Validate() error {
	var p mercato.Problems
	productCodeRule.Check(&p, "ProductCode", in.ProductCode, true)
	nonceRule.Check(&p, "Nonce", in.Nonce, false)
	if in.PublicKeyVersion == nil {
		Missing(&p, "PublicKeyVersion")
	} else {
		IntRange(&p, "PublicKeyVersion", *in.PublicKeyVersion, 1, 1<<31-1)
	}
	return Invalid(p, "")
}

type registerUsageOutput struct {
	Signature string `json:"Signature,omitempty"`
}

func (m *meteringAPI) registerUsage(ctx context.Context, in *registerUsageInput) (*registerUsageOutput, error) {
	sig, err := m.svc.RegisterUsage(ctx, caller(ctx), service.RegisterUsageInput{ProductCode: in.ProductCode,
		PublicKeyVersion: int(*in.PublicKeyVersion), Nonce: in.Nonce})
	if err != nil {
		return nil, meteringException(err)
	}
	return &registerUsageOutput{Signature: sig}, nil
}
