package awsapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"

	"mercato"
	"mercato/service"
)

// EntitlementErrors is the error table of the Entitlement service (awsJson1_1 and rpcv2Cbor):
// client faults are 400, server faults InternalServiceErrorException (500), as for Metering.
// Errors with reason mercato.ReasonInvalidParameter become the model's
// InvalidParameterException (see entitlementException); constraint violations are
// ValidationExceptions naming the member, as AWS's request validation answers them.
var EntitlementErrors = ErrorTable{
	mercato.EInvalid:      {"ValidationException", http.StatusBadRequest},
	mercato.ENotFound:     {"InvalidParameterException", http.StatusBadRequest},
	mercato.EForbidden:    {"AccessDeniedException", http.StatusBadRequest},
	mercato.EUnauthorized: {"UnrecognizedClientException", http.StatusForbidden},
	mercato.EQuota:        {"ThrottlingException", http.StatusBadRequest},
	mercato.EThrottled:    {"ThrottlingException", http.StatusBadRequest},
	mercato.EInternal:     {"InternalServiceErrorException", http.StatusInternalServerError},
}

// entitlementException turns a service error with reason ReasonInvalidParameter into an
// InvalidParameterException (400); other errors go through EntitlementErrors.
func entitlementException(err error) error {
	me, ok := errors.AsType[*mercato.Error](err)
	if ok && me.Reason == mercato.ReasonInvalidParameter {
		return NewException(http.StatusBadRequest, "InvalidParameterException", me.Message)
	}
	return err
}

// The filter names of GetEntitlements (GetEntitlementFilterName).
const (
	filterCustomerIdentifier = "CUSTOMER_IDENTIFIER"
	filterCustomerAccountID  = "CUSTOMER_AWS_ACCOUNT_ID"
	filterDimension          = "DIMENSION"
	filterLicenseArn         = "LICENSE_ARN"
)

// Constraints of the Entitlement model's members.
var (
	entitlementProductRule = StringRule{Min: 1, Max: 255}
	nonEmptyRule           = StringRule{Min: 1, Max: MaxTokenLength, Pattern: regexp.MustCompile(`^\S+$`)}
)

// entitlementAPI maps the Entitlement operation onto the service.
type entitlementAPI struct {
	svc   *service.Service
	pages *PageTokens
}

// EntitlementOperations returns the operation of the Marketplace Entitlement service,
// GetEntitlements, served by svc for the product's seller. pages signs its NextToken values.
func EntitlementOperations(svc *service.Service, pages *PageTokens) []Operation {
	e := &entitlementAPI{svc: svc, pages: pages}
	return []Operation{Op("GetEntitlements", e.getEntitlements)}
}

type getEntitlementsInput struct {
	ProductCode string              `json:"ProductCode"`
	Filter      map[string][]string `json:"Filter,omitempty"`
	NextToken   string              `json:"NextToken,omitempty"`
	MaxResults  *int32              `json:"MaxResults,omitempty"`

	in service.EntitlementsInput
}

// Validate checks the model's constraints and translates the filters; what the filters may
// hold beyond the model is the service's rule (EntitlementsInput.Validate).
func (in *getEntitlementsInput) Validate() error {
	var p mercato.Problems
	entitlementProductRule.Check(&p, "ProductCode", in.ProductCode, true)
	nonEmptyRule.Check(&p, "NextToken", in.NextToken, false)
	in.in = service.EntitlementsInput{ProductCode: in.ProductCode,
		Page: service.Page{Limit: PageSize(&p, "MaxResults", in.MaxResults, service.MaxEntitlementsPage, service.MaxEntitlementsPage)}}
	names := make([]string, 0, len(in.Filter))
	for name := range in.Filter {
		names = append(names, name)
	}
	slices.Sort(names) // problems in a stable order
	for _, name := range names {
		in.filter(&p, name, in.Filter[name])
	}
	return Invalid(p, "")
}

// filter checks one filter's name and value count and sets it on the service input.
func (in *getEntitlementsInput) filter(p *mercato.Problems, name string, values []string) {
	if !OneOf(p, "Filter", name, filterCustomerIdentifier, filterCustomerAccountID, filterDimension, filterLicenseArn) {
		return
	}
	if !ListLength(p, "Filter."+name, len(values), 1, service.MaxEntitlementFilterValues) {
		return
	}
	switch name {
	case filterCustomerIdentifier:
		in.in.CustomerIdentifiers = values
	case filterCustomerAccountID:
		in.in.CustomerAccountIDs = values
	case filterDimension:
		in.in.Dimensions = values
	case filterLicenseArn:
		in.in.LicenseArns = values
	}
}

type entitlementValueWire struct {
	IntegerValue *int64   `json:"IntegerValue,omitempty"`
	DoubleValue  *float64 `json:"DoubleValue,omitempty"`
	BooleanValue *bool    `json:"BooleanValue,omitempty"`
	StringValue  *string  `json:"StringValue,omitempty"`
}

type entitlementWire struct {
	ProductCode          string                `json:"ProductCode,omitempty"`
	Dimension            string                `json:"Dimension,omitempty"`
	CustomerIdentifier   string                `json:"CustomerIdentifier,omitempty"`
	CustomerAWSAccountID string                `json:"CustomerAWSAccountId,omitempty"`
	Value                *entitlementValueWire `json:"Value,omitempty"`
	ExpirationDate       *Timestamp            `json:"ExpirationDate,omitempty"`
	LicenseArn           string                `json:"LicenseArn,omitempty"`
}

type getEntitlementsOutput struct {
	Entitlements []entitlementWire `json:"Entitlements"`
	NextToken    *string           `json:"NextToken,omitempty"`
}

func (e *entitlementAPI) getEntitlements(ctx context.Context, in *getEntitlementsInput) (*getEntitlementsOutput, error) {
	cursor, err := e.pages.Cursor(ctx, in.NextToken)
	if err != nil {
		return nil, err
	}
	in.in.Page.Cursor = cursor
	ents, next, err := e.svc.Entitlements(ctx, caller(ctx), in.in)
	if err != nil {
		return nil, entitlementException(err)
	}
	out := &getEntitlementsOutput{Entitlements: make([]entitlementWire, len(ents))}
	for i := range ents {
		out.Entitlements[i] = toEntitlementWire(&ents[i])
	}
	if next != "" {
		token, err := e.pages.NextToken(ctx, next)
		if err != nil {
			return nil, err
		}
		out.NextToken = &token
	}
	return out, nil
}

func toEntitlementWire(e *mercato.Entitlement) entitlementWire {
	w := entitlementWire{ProductCode: e.ProductCode, Dimension: e.Dimension, CustomerIdentifier: e.CustomerIdentifier,
		CustomerAWSAccountID: e.CustomerAccountID, LicenseArn: e.LicenseArn,
		Value: &entitlementValueWire{IntegerValue: e.Value.Integer, DoubleValue: e.Value.Double,
			BooleanValue: e.Value.Boolean, StringValue: e.Value.String}}
	if !e.ExpirationDate.IsZero() {
		w.ExpirationDate = At(e.ExpirationDate)
	}
	return w
}
