package awsapi

import (
	"context"
	"regexp"
	"strconv"

	"mercato"
	"mercato/service"
)

// Constraints of the Agreement model's members.
var (
	agreementIDRule   = StringRule{Min: 1, Max: 64, Pattern: ResourceIDPattern}
	cancellationRule  = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^acr-[a-zA-Z0-9]+$`)}
	paymentIDRule     = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^pr-[a-zA-Z0-9]+$`)}
	adjustmentIDRule  = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^ba-[a-zA-Z0-9]+$`)}
	agreementReqRule  = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^ar-[A-Za-z0-9]+$`)}
	proposalRule      = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^(at-|ap-)[A-Za-z0-9]+$`)}
	termIDRule        = StringRule{Min: 1, Max: 256, Pattern: regexp.MustCompile(`^[A-Za-z0-9+=;,.@\-_]+$`)}
	catalogRule       = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^[a-zA-Z0-9.-]+$`)}
	agreementTypeRule = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^[A-Za-z]+$`)}
	partyTypeRule     = StringRule{Min: 1, Max: 32, Pattern: regexp.MustCompile(`^[A-Za-z]+$`)}
	nextTokenRule     = StringRule{Min: 1, Max: 8192, Pattern: regexp.MustCompile(`^[a-zA-Z0-9+/=_-]+$`)}
	clientTokenRule   = StringRule{Min: 1, Max: 64, Pattern: ClientTokenPattern}
	currencyRule      = StringRule{Min: 3, Max: 3, Pattern: regexp.MustCompile(`^[A-Z]+$`)}
	filterNameRule    = StringRule{Min: 1, Max: 32, Pattern: regexp.MustCompile(`^[A-Za-z_]+$`)}
	filterValueRule   = StringRule{Min: 1, Max: 64, Pattern: regexp.MustCompile(`^[A-Za-z0-9+:_-]+$`)}
	text2000          = StringRule{Min: 1, Max: 2000}
)

// agreementAPI maps the Marketplace Agreement operations onto the service.
type agreementAPI struct {
	svc   *service.Service
	pages *PageTokens
}

// AgreementOperations returns the 25 operations of the Marketplace Agreement service, served by
// svc. pages signs the pagination tokens.
func AgreementOperations(svc *service.Service, pages *PageTokens) []Operation {
	a := &agreementAPI{svc: svc, pages: pages}
	return []Operation{
		Op("DescribeAgreement", a.describeAgreement),
		Op("SearchAgreements", a.searchAgreements),
		Op("GetAgreementTerms", a.getAgreementTerms),
		Op("GetAgreementEntitlements", a.getAgreementEntitlements),
		Op("ListAgreementCharges", a.listAgreementCharges),
		Op("ListAgreementInvoiceLineItems", a.listInvoiceLineItems),
		Op("BatchCreateBillingAdjustmentRequest", a.batchCreateBillingAdjustments),
		Op("GetBillingAdjustmentRequest", a.getBillingAdjustment),
		Op("ListBillingAdjustmentRequests", a.listBillingAdjustments),
		Op("SendAgreementCancellationRequest", a.sendCancellation),
		Op("GetAgreementCancellationRequest", a.getCancellation),
		Op("ListAgreementCancellationRequests", a.listCancellations),
		Op("CancelAgreementCancellationRequest", a.withdrawCancellation),
		Op("AcceptAgreementCancellationRequest", a.acceptCancellation),
		Op("RejectAgreementCancellationRequest", a.rejectCancellation),
		Op("SendAgreementPaymentRequest", a.sendPayment),
		Op("GetAgreementPaymentRequest", a.getPayment),
		Op("ListAgreementPaymentRequests", a.listPayments),
		Op("CancelAgreementPaymentRequest", a.cancelPayment),
		Op("AcceptAgreementPaymentRequest", a.acceptPayment),
		Op("RejectAgreementPaymentRequest", a.rejectPayment),
		Op("CreateAgreementRequest", a.createAgreementRequest),
		Op("AcceptAgreementRequest", a.acceptAgreementRequest),
		Op("CancelAgreement", a.cancelAgreement),
		Op("UpdatePurchaseOrders", a.updatePurchaseOrders),
	}
}

// caller returns the authenticated account of the request.
func caller(ctx context.Context) string {
	id, _ := CallerFrom(ctx)
	return id
}

// page turns a request's nextToken and page size into a service page.
func (a *agreementAPI) page(ctx context.Context, token string, size int) (service.Page, error) {
	p := service.Page{Limit: size}
	if token == "" {
		return p, nil
	}
	cursor, err := a.pages.Cursor(ctx, token)
	p.Cursor = cursor
	return p, err
}

// next returns the nextToken for a cursor, or nil on the last page.
func (a *agreementAPI) next(ctx context.Context, cursor string) (*string, error) {
	if cursor == "" {
		return nil, nil
	}
	t, err := a.pages.NextToken(ctx, cursor)
	return &t, err
}

// paging is the common tail of list inputs.
type paging struct {
	MaxResults *int32 `json:"maxResults,omitempty"`
	NextToken  string `json:"nextToken,omitempty"`
}

func (p *paging) check(ps *mercato.Problems) int {
	nextTokenRule.Check(ps, "nextToken", p.NextToken, false)
	return MaxResults(ps, p.MaxResults)
}

// catalogFilters checks the optional catalog and agreementType members of list inputs: the
// marketplace has one catalog and one agreement type.
func catalogFilters(ps *mercato.Problems, catalog, agreementType string) {
	if catalogRule.Check(ps, "catalog", catalog, false) {
		OneOf(ps, "catalog", catalog, service.Catalog)
	}
	if agreementTypeRule.Check(ps, "agreementType", agreementType, false) {
		OneOf(ps, "agreementType", agreementType, service.AgreementType)
	}
}

// parseAmount checks a request amount and returns it; problems go to ps.
func parseAmount(ps *mercato.Problems, name, v string, required bool) mercato.Amount {
	if v == "" {
		if required {
			Required(ps, name, v)
		}
		return 0
	}
	if !Amount(ps, name, v) {
		return 0
	}
	amt, err := mercato.ParseAmount(v)
	if err != nil {
		Violation(ps, name, v, "Member must be a decimal amount with at most 8 decimal places")
	}
	return amt
}

// --- DescribeAgreement -------------------------------------------------------------------

type agreementIDInput struct {
	AgreementID string `json:"agreementId"`
}

func (in *agreementIDInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	return Invalid(p, "INVALID_AGREEMENT_ID")
}

func (a *agreementAPI) describeAgreement(ctx context.Context, in *agreementIDInput) (*describeAgreementOutput, error) {
	ag, err := a.svc.DescribeAgreement(ctx, caller(ctx), in.AgreementID)
	if err != nil {
		return nil, err
	}
	return describeAgreement(&ag), nil
}

// --- SearchAgreements --------------------------------------------------------------------

type searchInput struct {
	Catalog string   `json:"catalog,omitempty"`
	Filters []filter `json:"filters,omitempty"`
	Sort    *struct {
		SortBy    string `json:"sortBy,omitempty"`
		SortOrder string `json:"sortOrder,omitempty"`
	} `json:"sort,omitempty"`
	paging
	size int
}

// maxFilters is the most filters a search takes.
const maxFilters = 10

type filter struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

func (in *searchInput) Validate() error {
	var p mercato.Problems
	catalogFilters(&p, in.Catalog, "")
	// The list's length first: the filters of an over-long list are not worth a look.
	if !ListLength(&p, "filters", len(in.Filters), 0, maxFilters) {
		return Invalid(p, "INVALID_FILTERS")
	}
	for i, f := range in.Filters {
		name := "filters[" + strconv.Itoa(i) + "]"
		filterNameRule.Check(&p, name+".name", f.Name, true)
		if !ListLength(&p, name+".values", len(f.Values), 1, 1) {
			continue
		}
		filterValueRule.Check(&p, name+".values[0]", f.Values[0], true)
	}
	if in.Sort != nil {
		OneOf(&p, "sort.sortOrder", in.Sort.SortOrder, "ASCENDING", "DESCENDING")
	}
	in.size = in.check(&p)
	return Invalid(p, "INVALID_FILTERS")
}

type searchOutput struct {
	AgreementViewSummaries []agreementViewSummary `json:"agreementViewSummaries"`
	NextToken              *string                `json:"nextToken,omitempty"`
}

func (a *agreementAPI) searchAgreements(ctx context.Context, in *searchInput) (*searchOutput, error) {
	page, err := a.page(ctx, in.NextToken, in.size)
	if err != nil {
		return nil, err
	}
	q := service.SearchInput{Filters: map[string]string{}, Page: page}
	for _, f := range in.Filters {
		if _, dup := q.Filters[f.Name]; dup {
			return nil, Invalid(mercato.Problems{{Name: "filters", Message: "filter " + f.Name + " appears twice"}}, "INVALID_FILTERS")
		}
		q.Filters[f.Name] = f.Values[0]
	}
	q.Party = service.Party(q.Filters["PartyType"])
	if in.Sort != nil {
		q.SortBy, q.Ascending = in.Sort.SortBy, in.Sort.SortOrder == "ASCENDING"
	}
	list, cursor, err := a.svc.SearchAgreements(ctx, caller(ctx), q)
	if err != nil {
		return nil, err
	}
	out := &searchOutput{AgreementViewSummaries: make([]agreementViewSummary, len(list))}
	for i := range list {
		out.AgreementViewSummaries[i] = viewSummary(&list[i])
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}

// --- GetAgreementTerms -------------------------------------------------------------------

type pagedAgreementInput struct {
	AgreementID string `json:"agreementId"`
	paging
	size int
}

func (in *pagedAgreementInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	in.size = in.check(&p)
	return Invalid(p, "OTHER")
}

type termsOutput struct {
	AcceptedTerms []wireTerm `json:"acceptedTerms"`
	NextToken     *string    `json:"nextToken,omitempty"`
}

func (a *agreementAPI) getAgreementTerms(ctx context.Context, in *pagedAgreementInput) (*termsOutput, error) {
	page, err := a.page(ctx, in.NextToken, in.size)
	if err != nil {
		return nil, err
	}
	terms, cursor, err := a.svc.AgreementTerms(ctx, caller(ctx), in.AgreementID, page)
	if err != nil {
		return nil, err
	}
	out := &termsOutput{AcceptedTerms: make([]wireTerm, len(terms))}
	for i := range terms {
		out.AcceptedTerms[i] = toWireTerm(&terms[i])
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}

// --- GetAgreementEntitlements ------------------------------------------------------------

type agreementEntitlement struct {
	Resource          *resource `json:"resource,omitempty"`
	Type              string    `json:"type,omitempty"`
	RegistrationToken string    `json:"registrationToken,omitempty"`
	Status            string    `json:"status,omitempty"`
	StatusReasonCode  string    `json:"statusReasonCode,omitempty"`
	LicenseArn        string    `json:"licenseArn,omitempty"`
}

type entitlementsOutput struct {
	AgreementEntitlements []agreementEntitlement `json:"agreementEntitlements"`
	NextToken             *string                `json:"nextToken,omitempty"`
}

func (a *agreementAPI) getAgreementEntitlements(ctx context.Context, in *pagedAgreementInput) (*entitlementsOutput, error) {
	if _, err := a.page(ctx, in.NextToken, in.size); err != nil {
		return nil, err
	}
	es, err := a.svc.AgreementEntitlements(ctx, caller(ctx), in.AgreementID)
	if err != nil {
		return nil, err
	}
	out := &entitlementsOutput{AgreementEntitlements: make([]agreementEntitlement, len(es))}
	for i, e := range es {
		out.AgreementEntitlements[i] = agreementEntitlement{Resource: &resource{ID: e.ProductID, Type: e.ResourceType},
			Type: e.Type, RegistrationToken: e.RegistrationToken, Status: e.Status, StatusReasonCode: e.StatusReasonCode,
			LicenseArn: e.LicenseArn}
	}
	return out, nil
}

// --- ListAgreementCharges ----------------------------------------------------------------

type listChargesInput struct {
	Catalog       string `json:"catalog,omitempty"`
	AgreementID   string `json:"agreementId,omitempty"`
	AgreementType string `json:"agreementType,omitempty"`
	paging
	size int
}

func (in *listChargesInput) Validate() error {
	var p mercato.Problems
	catalogFilters(&p, in.Catalog, in.AgreementType)
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, false)
	in.size = in.check(&p)
	return Invalid(p, "OTHER")
}

type charge struct {
	ID                     string     `json:"id"`
	Revision               int64      `json:"revision"`
	AgreementID            string     `json:"agreementId"`
	AgreementType          string     `json:"agreementType"`
	PurchaseOrderReference string     `json:"purchaseOrderReference,omitempty"`
	CurrencyCode           string     `json:"currencyCode"`
	Amount                 string     `json:"amount"`
	Time                   *Timestamp `json:"time,omitempty"`
}

type chargesOutput struct {
	Items     []charge `json:"items"`
	NextToken *string  `json:"nextToken,omitempty"`
}

func (a *agreementAPI) listAgreementCharges(ctx context.Context, in *listChargesInput) (*chargesOutput, error) {
	page, err := a.page(ctx, in.NextToken, in.size)
	if err != nil {
		return nil, err
	}
	cs, cursor, err := a.svc.BuyerCharges(ctx, caller(ctx), in.AgreementID, page)
	if err != nil {
		return nil, err
	}
	out := &chargesOutput{Items: make([]charge, len(cs))}
	for i, c := range cs {
		out.Items[i] = charge{ID: c.ID, Revision: c.Revision, AgreementID: c.AgreementID, AgreementType: service.AgreementType,
			PurchaseOrderReference: c.PurchaseOrderReference, CurrencyCode: string(c.Currency),
			Amount: c.Amount.FormatIn(c.Currency), Time: At(c.Time)}
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}

// --- ListAgreementInvoiceLineItems -------------------------------------------------------

type billingPeriod struct {
	Month *int32 `json:"month"`
	Year  *int32 `json:"year"`
}

type lineItemsInput struct {
	AgreementID          string         `json:"agreementId"`
	GroupBy              string         `json:"groupBy"`
	InvoiceID            string         `json:"invoiceId,omitempty"`
	InvoiceType          string         `json:"invoiceType,omitempty"`
	InvoiceBillingPeriod *billingPeriod `json:"invoiceBillingPeriod,omitempty"`
	BeforeIssuedTime     *Timestamp     `json:"beforeIssuedTime,omitempty"`
	AfterIssuedTime      *Timestamp     `json:"afterIssuedTime,omitempty"`
	paging
	size int
}

func (in *lineItemsInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	if Required(&p, "groupBy", in.GroupBy) {
		OneOf(&p, "groupBy", in.GroupBy, "INVOICE_ID")
	}
	agreementIDRule.Check(&p, "invoiceId", in.InvoiceID, false)
	OneOf(&p, "invoiceType", in.InvoiceType, "INVOICE", "CREDIT_MEMO")
	if bp := in.InvoiceBillingPeriod; bp != nil {
		if bp.Month == nil {
			Missing(&p, "invoiceBillingPeriod.month")
		}
		if bp.Year == nil {
			Missing(&p, "invoiceBillingPeriod.year")
		}
		if bp.Month != nil && bp.Year != nil {
			IntRange(&p, "invoiceBillingPeriod.month", *bp.Month, 1, 12)
			IntRange(&p, "invoiceBillingPeriod.year", *bp.Year, 2023, 2050)
		}
	}
	in.size = in.check(&p)
	return Invalid(p, "OTHER")
}

type pricingCurrencyAmount struct {
	Amount              string `json:"amount"`
	MaxAdjustmentAmount string `json:"maxAdjustmentAmount"`
	CurrencyCode        string `json:"currencyCode"`
}

type invoicingEntity struct {
	LegalName  string `json:"legalName,omitempty"`
	BranchName string `json:"branchName,omitempty"`
}

type lineItemGroup struct {
	AgreementID           string                 `json:"agreementId"`
	InvoiceID             string                 `json:"invoiceId"`
	PricingCurrencyAmount *pricingCurrencyAmount `json:"pricingCurrencyAmount"`
	InvoiceBillingPeriod  *billingPeriod         `json:"invoiceBillingPeriod"`
	IssuedTime            *Timestamp             `json:"issuedTime"`
	InvoiceType           string                 `json:"invoiceType"`
	InvoicingEntity       *invoicingEntity       `json:"invoicingEntity,omitempty"`
}

type lineItemsOutput struct {
	Groups    []lineItemGroup `json:"agreementInvoiceLineItemGroupSummaries"`
	NextToken *string         `json:"nextToken,omitempty"`
}

func (a *agreementAPI) listInvoiceLineItems(ctx context.Context, in *lineItemsInput) (*lineItemsOutput, error) {
	page, err := a.page(ctx, in.NextToken, in.size)
	if err != nil {
		return nil, err
	}
	q := service.InvoiceQuery{AgreementID: in.AgreementID, InvoiceID: in.InvoiceID, Type: mercato.InvoiceType(in.InvoiceType), Page: page}
	if bp := in.InvoiceBillingPeriod; bp != nil {
		q.Period = &mercato.BillingPeriod{Month: int(*bp.Month), Year: int(*bp.Year)}
	}
	if in.BeforeIssuedTime != nil {
		q.IssuedBefore = in.BeforeIssuedTime.Time
	}
	if in.AfterIssuedTime != nil {
		q.IssuedAfter = in.AfterIssuedTime.Time
	}
	invs, cursor, err := a.svc.InvoiceLineItems(ctx, caller(ctx), q)
	if err != nil {
		return nil, err
	}
	out := &lineItemsOutput{Groups: make([]lineItemGroup, len(invs))}
	for i := range invs {
		out.Groups[i] = lineItemGroupOf(&invs[i])
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}

func lineItemGroupOf(inv *mercato.Invoice) lineItemGroup {
	month, year := int32(inv.BillingPeriod.Month), int32(inv.BillingPeriod.Year)
	return lineItemGroup{AgreementID: inv.AgreementID, InvoiceID: inv.ID,
		PricingCurrencyAmount: &pricingCurrencyAmount{Amount: inv.PreTax.FormatIn(inv.Currency),
			MaxAdjustmentAmount: inv.MaxAdjustment().FormatIn(inv.Currency), CurrencyCode: string(inv.Currency)},
		InvoiceBillingPeriod: &billingPeriod{Month: &month, Year: &year}, IssuedTime: At(inv.IssuedAt),
		InvoiceType: string(inv.Type), InvoicingEntity: &invoicingEntity{inv.InvoicingEntity.LegalName, inv.InvoicingEntity.BranchName}}
}
