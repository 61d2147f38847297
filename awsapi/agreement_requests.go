package awsapi

import (
	"context"
	"errors"
	"strconv"

	"mercato"
	"mercato/service"
)

// --- Billing adjustments -----------------------------------------------------------------

type adjustmentEntry struct {
	AgreementID          string `json:"agreementId"`
	OriginalInvoiceID    string `json:"originalInvoiceId"`
	AdjustmentAmount     string `json:"adjustmentAmount"`
	CurrencyCode         string `json:"currencyCode"`
	AdjustmentReasonCode string `json:"adjustmentReasonCode"`
	Description          string `json:"description,omitempty"`
	ClientToken          string `json:"clientToken"`
}

type batchAdjustmentsInput struct {
	Entries []adjustmentEntry `json:"billingAdjustmentRequestEntries"`
	amounts []mercato.Amount
}

func (in *batchAdjustmentsInput) Validate() error {
	var p mercato.Problems
	if in.Entries == nil {
		Missing(&p, "billingAdjustmentRequestEntries")
	}
	// The list's length first: the entries of an over-long list are not worth a look.
	if !ListLength(&p, "billingAdjustmentRequestEntries", len(in.Entries), 0, mercato.MaxAdjustmentsPerRequest) {
		return Invalid(p, "BILLING_ADJUSTMENTS_LIMIT_EXCEEDED")
	}
	in.amounts = make([]mercato.Amount, len(in.Entries))
	for i, e := range in.Entries {
		name := "billingAdjustmentRequestEntries[" + strconv.Itoa(i) + "]"
		agreementIDRule.Check(&p, name+".agreementId", e.AgreementID, true)
		StringRule{Min: 1, Max: 255}.Check(&p, name+".originalInvoiceId", e.OriginalInvoiceID, true)
		in.amounts[i] = parseAmount(&p, name+".adjustmentAmount", e.AdjustmentAmount, true)
		currencyRule.Check(&p, name+".currencyCode", e.CurrencyCode, true)
		if Required(&p, name+".adjustmentReasonCode", e.AdjustmentReasonCode) {
			OneOf(&p, name+".adjustmentReasonCode", e.AdjustmentReasonCode, mercato.AdjustmentReasons...)
		}
		StringRule{Min: 1, Max: mercato.MaxAdjustmentDescription}.Check(&p, name+".description", e.Description, false)
		clientTokenRule.Check(&p, name+".clientToken", e.ClientToken, true)
	}
	return Invalid(p, "OTHER")
}

type batchAdjustmentItem struct {
	BillingAdjustmentRequestID string `json:"billingAdjustmentRequestId"`
	ClientToken                string `json:"clientToken"`
}

type batchAdjustmentError struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	ClientToken string `json:"clientToken"`
}

type batchAdjustmentsOutput struct {
	Items  []batchAdjustmentItem  `json:"items"`
	Errors []batchAdjustmentError `json:"errors"`
}

func (a *agreementAPI) batchCreateBillingAdjustments(ctx context.Context, in *batchAdjustmentsInput) (*batchAdjustmentsOutput, error) {
	entries := make([]service.AdjustmentEntry, len(in.Entries))
	for i, e := range in.Entries {
		entries[i] = service.AdjustmentEntry{AgreementID: e.AgreementID, OriginalInvoiceID: e.OriginalInvoiceID,
			Amount: in.amounts[i], Currency: mercato.Currency(e.CurrencyCode), ReasonCode: e.AdjustmentReasonCode,
			Description: e.Description, ClientToken: e.ClientToken}
	}
	res, err := a.svc.CreateAdjustments(ctx, caller(ctx), entries)
	out := &batchAdjustmentsOutput{Items: []batchAdjustmentItem{}, Errors: []batchAdjustmentError{}}
	if me, ok := errors.AsType[*mercato.Error](err); ok && me.Code == mercato.ENotFound {
		// The model gives this operation no ResourceNotFoundException: an agreement that is not
		// the caller's fails each entry, as RESOURCE_NOT_FOUND_EXCEPTION.
		for _, e := range in.Entries {
			out.Errors = append(out.Errors, batchAdjustmentError{"RESOURCE_NOT_FOUND_EXCEPTION", me.Message, e.ClientToken})
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, it := range res.Items {
		out.Items = append(out.Items, batchAdjustmentItem{it.ID, it.ClientToken})
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, batchAdjustmentError{e.Code, e.Message, e.ClientToken})
	}
	return out, nil
}

type getAdjustmentInput struct {
	AgreementID string `json:"agreementId"`
	ID          string `json:"billingAdjustmentRequestId"`
}

func (in *getAdjustmentInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	adjustmentIDRule.Check(&p, "billingAdjustmentRequestId", in.ID, true)
	return Invalid(p, "OTHER")
}

type adjustmentOutput struct {
	ID                   string     `json:"billingAdjustmentRequestId"`
	AgreementID          string     `json:"agreementId"`
	AdjustmentReasonCode string     `json:"adjustmentReasonCode"`
	Description          string     `json:"description,omitempty"`
	OriginalInvoiceID    string     `json:"originalInvoiceId"`
	AdjustmentAmount     string     `json:"adjustmentAmount"`
	CurrencyCode         string     `json:"currencyCode"`
	Status               string     `json:"status"`
	StatusMessage        string     `json:"statusMessage,omitempty"`
	CreatedAt            *Timestamp `json:"createdAt"`
	UpdatedAt            *Timestamp `json:"updatedAt"`
}

func (a *agreementAPI) getBillingAdjustment(ctx context.Context, in *getAdjustmentInput) (*adjustmentOutput, error) {
	ba, err := a.svc.Adjustment(ctx, caller(ctx), in.AgreementID, in.ID)
	if err != nil {
		return nil, err
	}
	return &adjustmentOutput{ID: ba.ID, AgreementID: ba.AgreementID, AdjustmentReasonCode: ba.ReasonCode,
		Description: ba.Description, OriginalInvoiceID: ba.OriginalInvoiceID, AdjustmentAmount: ba.Amount.FormatIn(ba.Currency),
		CurrencyCode: string(ba.Currency), Status: string(ba.Status), StatusMessage: ba.StatusMessage,
		CreatedAt: At(ba.CreatedAt), UpdatedAt: At(ba.UpdatedAt)}, nil
}

type listAdjustmentsInput struct {
	AgreementID   string     `json:"agreementId,omitempty"`
	Status        string     `json:"status,omitempty"`
	CreatedAfter  *Timestamp `json:"createdAfter,omitempty"`
	CreatedBefore *Timestamp `json:"createdBefore,omitempty"`
	Catalog       string     `json:"catalog,omitempty"`
	AgreementType string     `json:"agreementType,omitempty"`
	paging
	size int
}

func (in *listAdjustmentsInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, false)
	OneOf(&p, "status", in.Status, "PENDING", "COMPLETED", "VALIDATION_FAILED")
	catalogFilters(&p, in.Catalog, in.AgreementType)
	in.size = in.check(&p)
	return Invalid(p, "OTHER")
}

type adjustmentSummary struct {
	ID                string     `json:"billingAdjustmentRequestId"`
	OriginalInvoiceID string     `json:"originalInvoiceId"`
	AdjustmentAmount  string     `json:"adjustmentAmount"`
	CurrencyCode      string     `json:"currencyCode"`
	Status            string     `json:"status"`
	AgreementID       string     `json:"agreementId"`
	CreatedAt         *Timestamp `json:"createdAt"`
	UpdatedAt         *Timestamp `json:"updatedAt"`
	AgreementType     string     `json:"agreementType"`
	Catalog           string     `json:"catalog"`
}

type listAdjustmentsOutput struct {
	Items     []adjustmentSummary `json:"items"`
	NextToken *string             `json:"nextToken,omitempty"`
}

func (a *agreementAPI) listBillingAdjustments(ctx context.Context, in *listAdjustmentsInput) (*listAdjustmentsOutput, error) {
	page, err := a.page(ctx, in.NextToken, in.size)
	if err != nil {
		return nil, err
	}
	q := service.AdjustmentQuery{AgreementID: in.AgreementID, Status: mercato.AdjustmentStatus(in.Status), Page: page}
	if in.CreatedAfter != nil {
		q.CreatedAfter = in.CreatedAfter.Time
	}
	if in.CreatedBefore != nil {
		q.CreatedBefore = in.CreatedBefore.Time
	}
	list, cursor, err := a.svc.Adjustments(ctx, caller(ctx), q)
	if err != nil {
		return nil, err
	}
	out := &listAdjustmentsOutput{Items: make([]adjustmentSummary, len(list))}
	for i, ba := range list {
		out.Items[i] = adjustmentSummary{ID: ba.ID, OriginalInvoiceID: ba.OriginalInvoiceID,
			AdjustmentAmount: ba.Amount.FormatIn(ba.Currency), CurrencyCode: string(ba.Currency), Status: string(ba.Status),
			AgreementID: ba.AgreementID, CreatedAt: At(ba.CreatedAt), UpdatedAt: At(ba.UpdatedAt),
			AgreementType: service.AgreementType, Catalog: service.Catalog}
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}

// --- Cancellation requests ---------------------------------------------------------------

type sendCancellationInput struct {
	AgreementID string `json:"agreementId"`
	ReasonCode  string `json:"reasonCode"`
	ClientToken string `json:"clientToken,omitempty"`
	Description string `json:"description,omitempty"`
}

func (in *sendCancellationInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	if Required(&p, "reasonCode", in.ReasonCode) {
		OneOf(&p, "reasonCode", in.ReasonCode, mercato.CancellationReasons...)
	}
	clientTokenRule.Check(&p, "clientToken", in.ClientToken, false)
	text2000.Check(&p, "description", in.Description, false)
	return Invalid(p, "OTHER")
}

type cancellationOutput struct {
	AgreementID   string     `json:"agreementId"`
	ID            string     `json:"agreementCancellationRequestId"`
	Status        string     `json:"status"`
	StatusMessage string     `json:"statusMessage,omitempty"`
	ReasonCode    string     `json:"reasonCode"`
	Description   string     `json:"description,omitempty"`
	CreatedAt     *Timestamp `json:"createdAt"`
	UpdatedAt     *Timestamp `json:"updatedAt"`
}

func cancellationOf(r *mercato.CancellationRequest) *cancellationOutput {
	return &cancellationOutput{AgreementID: r.AgreementID, ID: r.ID, Status: string(r.Status), StatusMessage: r.StatusMessage,
		ReasonCode: r.ReasonCode, Description: r.Description, CreatedAt: At(r.CreatedAt), UpdatedAt: At(r.UpdatedAt)}
}

func (a *agreementAPI) sendCancellation(ctx context.Context, in *sendCancellationInput) (*cancellationOutput, error) {
	r, err := a.svc.SendCancellationRequest(ctx, caller(ctx), service.SendCancellationInput{AgreementID: in.AgreementID,
		ReasonCode: in.ReasonCode, Description: in.Description, ClientToken: in.ClientToken})
	if err != nil {
		return nil, err
	}
	out := cancellationOf(&r)
	out.StatusMessage = ""
	return out, nil
}

type cancellationIDInput struct {
	AgreementID        string `json:"agreementId"`
	ID                 string `json:"agreementCancellationRequestId"`
	CancellationReason string `json:"cancellationReason,omitempty"`
	RejectionReason    string `json:"rejectionReason,omitempty"`
}

func (in *cancellationIDInput) Validate() error {
	var p mercato.Problems
	in.check(&p)
	return Invalid(p, "OTHER")
}

func (in *cancellationIDInput) check(p *mercato.Problems) {
	agreementIDRule.Check(p, "agreementId", in.AgreementID, true)
	cancellationRule.Check(p, "agreementCancellationRequestId", in.ID, true)
	text2000.Check(p, "cancellationReason", in.CancellationReason, false)
	text2000.Check(p, "rejectionReason", in.RejectionReason, false)
}

type withdrawCancellationInput struct{ cancellationIDInput }

func (in *withdrawCancellationInput) Validate() error {
	var p mercato.Problems
	in.cancellationIDInput.check(&p)
	Required(&p, "cancellationReason", in.CancellationReason)
	return Invalid(p, "OTHER")
}

type rejectCancellationInput struct{ cancellationIDInput }

func (in *rejectCancellationInput) Validate() error {
	var p mercato.Problems
	in.cancellationIDInput.check(&p)
	Required(&p, "rejectionReason", in.RejectionReason)
	return Invalid(p, "OTHER")
}

func (a *agreementAPI) getCancellation(ctx context.Context, in *cancellationIDInput) (*cancellationOutput, error) {
	r, err := a.svc.CancellationRequest(ctx, caller(ctx), in.AgreementID, in.ID)
	if err != nil {
		return nil, err
	}
	return cancellationOf(&r), nil
}

func (a *agreementAPI) withdrawCancellation(ctx context.Context, in *withdrawCancellationInput) (*cancellationOutput, error) {
	r, err := a.svc.WithdrawCancellationRequest(ctx, caller(ctx), in.AgreementID, in.ID, in.CancellationReason)
	if err != nil {
		return nil, err
	}
	return cancellationOf(&r), nil
}

func (a *agreementAPI) acceptCancellation(ctx context.Context, in *cancellationIDInput) (*cancellationOutput, error) {
	r, err := a.svc.AcceptCancellationRequest(ctx, caller(ctx), in.AgreementID, in.ID)
	if err != nil {
		return nil, err
	}
	out := cancellationOf(&r)
	out.StatusMessage = ""
	return out, nil
}

func (a *agreementAPI) rejectCancellation(ctx context.Context, in *rejectCancellationInput) (*cancellationOutput, error) {
	r, err := a.svc.RejectCancellationRequest(ctx, caller(ctx), in.AgreementID, in.ID, in.RejectionReason)
	if err != nil {
		return nil, err
	}
	return cancellationOf(&r), nil
}

type listRequestsInput struct {
	PartyType     string `json:"partyType"`
	AgreementID   string `json:"agreementId,omitempty"`
	Status        string `json:"status,omitempty"`
	AgreementType string `json:"agreementType,omitempty"`
	Catalog       string `json:"catalog,omitempty"`
	paging
	size int
}

func (in *listRequestsInput) validate(statuses ...string) error {
	var p mercato.Problems
	if in.PartyType == "" {
		Missing(&p, "partyType")
		return Invalid(p, "MISSING_PARTY_TYPE")
	}
	reason := "OTHER"
	if !partyTypeRule.Check(&p, "partyType", in.PartyType, true) || !OneOf(&p, "partyType", in.PartyType, "Proposer", "Acceptor") {
		reason = "INVALID_PARTY_TYPE"
	}
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, false)
	OneOf(&p, "status", in.Status, statuses...)
	catalogFilters(&p, in.Catalog, in.AgreementType)
	in.size = in.check(&p)
	return Invalid(p, reason)
}

type listCancellationsInput struct{ listRequestsInput }

func (in *listCancellationsInput) Validate() error {
	return in.validate("PENDING_APPROVAL", "APPROVED", "REJECTED", "CANCELLED", "VALIDATION_FAILED")
}

type cancellationSummary struct {
	ID            string     `json:"agreementCancellationRequestId"`
	AgreementID   string     `json:"agreementId"`
	Status        string     `json:"status"`
	ReasonCode    string     `json:"reasonCode"`
	AgreementType string     `json:"agreementType"`
	Catalog       string     `json:"catalog"`
	CreatedAt     *Timestamp `json:"createdAt"`
	UpdatedAt     *Timestamp `json:"updatedAt"`
}

type listCancellationsOutput struct {
	Items     []cancellationSummary `json:"items"`
	NextToken *string               `json:"nextToken,omitempty"`
}

func (a *agreementAPI) requestQuery(ctx context.Context, in *listRequestsInput) (service.RequestQuery, error) {
	page, err := a.page(ctx, in.NextToken, in.size)
	return service.RequestQuery{Party: service.Party(in.PartyType), AgreementID: in.AgreementID, Status: in.Status, Page: page}, err
}

func (a *agreementAPI) listCancellations(ctx context.Context, in *listCancellationsInput) (*listCancellationsOutput, error) {
	q, err := a.requestQuery(ctx, &in.listRequestsInput)
	if err != nil {
		return nil, err
	}
	list, cursor, err := a.svc.CancellationRequests(ctx, caller(ctx), q)
	if err != nil {
		return nil, err
	}
	out := &listCancellationsOutput{Items: make([]cancellationSummary, len(list))}
	for i, r := range list {
		out.Items[i] = cancellationSummary{ID: r.ID, AgreementID: r.AgreementID, Status: string(r.Status), ReasonCode: r.ReasonCode,
			AgreementType: service.AgreementType, Catalog: service.Catalog, CreatedAt: At(r.CreatedAt), UpdatedAt: At(r.UpdatedAt)}
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}

// --- Payment requests --------------------------------------------------------------------

type sendPaymentInput struct {
	ClientToken  string `json:"clientToken,omitempty"`
	AgreementID  string `json:"agreementId"`
	TermID       string `json:"termId"`
	Name         string `json:"name"`
	ChargeAmount string `json:"chargeAmount"`
	Description  string `json:"description,omitempty"`
	amount       mercato.Amount
}

func (in *sendPaymentInput) Validate() error {
	var p mercato.Problems
	clientTokenRule.Check(&p, "clientToken", in.ClientToken, false)
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	termIDRule.Check(&p, "termId", in.TermID, true)
	StringRule{Min: 5, Max: 64}.Check(&p, "name", in.Name, true)
	in.amount = parseAmount(&p, "chargeAmount", in.ChargeAmount, true)
	text2000.Check(&p, "description", in.Description, false)
	return Invalid(p, "OTHER")
}

type paymentOutput struct {
	ID            string     `json:"paymentRequestId"`
	AgreementID   string     `json:"agreementId"`
	Status        string     `json:"status"`
	StatusMessage string     `json:"statusMessage,omitempty"`
	Name          string     `json:"name"`
	Description   string     `json:"description,omitempty"`
	ChargeID      string     `json:"chargeId,omitempty"`
	ChargeAmount  string     `json:"chargeAmount"`
	CurrencyCode  string     `json:"currencyCode"`
	CreatedAt     *Timestamp `json:"createdAt"`
	UpdatedAt     *Timestamp `json:"updatedAt,omitempty"`
}

func paymentOf(r *mercato.PaymentRequest) *paymentOutput {
	return &paymentOutput{ID: r.ID, AgreementID: r.AgreementID, Status: string(r.Status), StatusMessage: r.StatusMessage,
		Name: r.Name, Description: r.Description, ChargeID: r.ChargeID, ChargeAmount: r.Amount.FormatIn(r.Currency),
		CurrencyCode: string(r.Currency), CreatedAt: At(r.CreatedAt), UpdatedAt: At(r.UpdatedAt)}
}

func (a *agreementAPI) sendPayment(ctx context.Context, in *sendPaymentInput) (*paymentOutput, error) {
	r, err := a.svc.SendPaymentRequest(ctx, caller(ctx), service.SendPaymentInput{AgreementID: in.AgreementID,
		TermID: in.TermID, Name: in.Name, Description: in.Description, Amount: in.amount, ClientToken: in.ClientToken})
	if err != nil {
		return nil, err
	}
	out := paymentOf(&r)
	out.UpdatedAt = nil
	return out, nil
}

type paymentIDInput struct {
	ID                     string `json:"paymentRequestId"`
	AgreementID            string `json:"agreementId"`
	PurchaseOrderReference string `json:"purchaseOrderReference,omitempty"`
	RejectionReason        string `json:"rejectionReason,omitempty"`
}

func (in *paymentIDInput) Validate() error {
	var p mercato.Problems
	paymentIDRule.Check(&p, "paymentRequestId", in.ID, true)
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	StringRule{Min: 1}.Check(&p, "purchaseOrderReference", in.PurchaseOrderReference, false)
	StringRule{Min: 1, Max: 250}.Check(&p, "rejectionReason", in.RejectionReason, false)
	return Invalid(p, "OTHER")
}

func (a *agreementAPI) getPayment(ctx context.Context, in *paymentIDInput) (*paymentOutput, error) {
	r, err := a.svc.PaymentRequest(ctx, caller(ctx), in.AgreementID, in.ID)
	if err != nil {
		return nil, err
	}
	return paymentOf(&r), nil
}

func (a *agreementAPI) cancelPayment(ctx context.Context, in *paymentIDInput) (*paymentOutput, error) {
	r, err := a.svc.CancelPaymentRequest(ctx, caller(ctx), in.AgreementID, in.ID)
	if err != nil {
		return nil, err
	}
	return paymentOf(&r), nil
}

func (a *agreementAPI) acceptPayment(ctx context.Context, in *paymentIDInput) (*paymentOutput, error) {
	r, err := a.svc.AcceptPaymentRequest(ctx, caller(ctx), in.AgreementID, in.ID, in.PurchaseOrderReference)
	if err != nil {
		return nil, err
	}
	return paymentOf(&r), nil
}

func (a *agreementAPI) rejectPayment(ctx context.Context, in *paymentIDInput) (*paymentOutput, error) {
	r, err := a.svc.RejectPaymentRequest(ctx, caller(ctx), in.AgreementID, in.ID, in.RejectionReason)
	if err != nil {
		return nil, err
	}
	return paymentOf(&r), nil
}

type listPaymentsInput struct{ listRequestsInput }

func (in *listPaymentsInput) Validate() error {
	return in.validate("VALIDATING", "VALIDATION_FAILED", "PENDING_APPROVAL", "APPROVED", "REJECTED", "CANCELLED")
}

type paymentSummary struct {
	ID           string     `json:"paymentRequestId"`
	AgreementID  string     `json:"agreementId"`
	Status       string     `json:"status"`
	Name         string     `json:"name"`
	ChargeID     string     `json:"chargeId,omitempty"`
	ChargeAmount string     `json:"chargeAmount"`
	CurrencyCode string     `json:"currencyCode"`
	CreatedAt    *Timestamp `json:"createdAt"`
	UpdatedAt    *Timestamp `json:"updatedAt,omitempty"`
}

type listPaymentsOutput struct {
	Items     []paymentSummary `json:"items"`
	NextToken *string          `json:"nextToken,omitempty"`
}

func (a *agreementAPI) listPayments(ctx context.Context, in *listPaymentsInput) (*listPaymentsOutput, error) {
	q, err := a.requestQuery(ctx, &in.listRequestsInput)
	if err != nil {
		return nil, err
	}
	list, cursor, err := a.svc.PaymentRequests(ctx, caller(ctx), q)
	if err != nil {
		return nil, err
	}
	out := &listPaymentsOutput{Items: make([]paymentSummary, len(list))}
	for i, r := range list {
		out.Items[i] = paymentSummary{ID: r.ID, AgreementID: r.AgreementID, Status: string(r.Status), Name: r.Name,
			ChargeID: r.ChargeID, ChargeAmount: r.Amount.FormatIn(r.Currency), CurrencyCode: string(r.Currency),
			CreatedAt: At(r.CreatedAt), UpdatedAt: At(r.UpdatedAt)}
	}
	out.NextToken, err = a.next(ctx, cursor)
	return out, err
}
