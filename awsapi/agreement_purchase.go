package awsapi

import (
	"context"
	"math"
	"strconv"

	"mercato"
	"mercato/service"
)

// --- CreateAgreementRequest / AcceptAgreementRequest -------------------------------------

type requestedTerm struct {
	ID            string `json:"id"`
	Configuration *struct {
		ConfigurableUpfrontPricingTermConfiguration *configurableUpfrontConfig `json:"configurableUpfrontPricingTermConfiguration,omitempty"`
		RenewalTermConfiguration                    *renewalConfiguration      `json:"renewalTermConfiguration,omitempty"`
		VariablePaymentTermConfiguration            *variablePaymentConfig     `json:"variablePaymentTermConfiguration,omitempty"`
	} `json:"configuration,omitempty"`
}

// List limits of the Agreement model.
const (
	maxRequestedTerms = 30
	maxPurchaseOrders = 86
)

type createAgreementRequestInput struct {
	ClientToken                 string          `json:"clientToken,omitempty"`
	Intent                      string          `json:"intent"`
	RequestedTerms              []requestedTerm `json:"requestedTerms"`
	SourceAgreementIdentifier   string          `json:"sourceAgreementIdentifier,omitempty"`
	AgreementProposalIdentifier string          `json:"agreementProposalIdentifier,omitempty"`
	TaxConfiguration            *struct {
		TaxEstimation string `json:"taxEstimation,omitempty"`
	} `json:"taxConfiguration,omitempty"`
	terms []service.RequestedTerm
}

func (in *createAgreementRequestInput) Validate() error {
	var p mercato.Problems
	clientTokenRule.Check(&p, "clientToken", in.ClientToken, false)
	if Required(&p, "intent", in.Intent) {
		OneOf(&p, "intent", in.Intent, "NEW", "AMEND", "REPLACE")
	}
	if in.RequestedTerms == nil {
		Missing(&p, "requestedTerms")
	} else if !ListLength(&p, "requestedTerms", len(in.RequestedTerms), 1, maxRequestedTerms) {
		return Invalid(p, "OTHER") // the terms of an over-long list are not worth a look
	}
	agreementIDRule.Check(&p, "sourceAgreementIdentifier", in.SourceAgreementIdentifier, false)
	proposalRule.Check(&p, "agreementProposalIdentifier", in.AgreementProposalIdentifier, false)
	if tc := in.TaxConfiguration; tc != nil {
		OneOf(&p, "taxConfiguration.taxEstimation", tc.TaxEstimation, "DISABLED", "ENABLED")
	}
	in.terms = make([]service.RequestedTerm, len(in.RequestedTerms))
	for i, rt := range in.RequestedTerms {
		name := "requestedTerms[" + strconv.Itoa(i) + "]"
		termIDRule.Check(&p, name+".id", rt.ID, true)
		in.terms[i] = requested(&p, name, rt)
	}
	return Invalid(p, "OTHER")
}

// requested converts a requested term; a configuration union must have exactly one member.
func requested(p *mercato.Problems, name string, rt requestedTerm) service.RequestedTerm {
	out := service.RequestedTerm{ID: rt.ID}
	c := rt.Configuration
	if c == nil {
		return out
	}
	set := 0
	if cu := c.ConfigurableUpfrontPricingTermConfiguration; cu != nil {
		set++
		cfg := &mercato.ConfigurableUpfrontConfiguration{SelectorValue: cu.SelectorValue}
		for j, d := range cu.Dimensions {
			if d.DimensionValue < 0 { // checked first: the member's name is built only for a problem
				IntRange(p, name+".configuration.configurableUpfrontPricingTermConfiguration.dimensions["+strconv.Itoa(j)+"].dimensionValue",
					d.DimensionValue, 0, math.MaxInt)
			}
			cfg.Dimensions = append(cfg.Dimensions, mercato.DimensionQuantity{DimensionKey: d.DimensionKey, DimensionValue: d.DimensionValue})
		}
		out.ConfigurableUpfront = cfg
	}
	if r := c.RenewalTermConfiguration; r != nil {
		set++
		out.Renewal = &mercato.RenewalConfiguration{EnableAutoRenew: r.EnableAutoRenew}
	}
	if v := c.VariablePaymentTermConfiguration; v != nil {
		set++
		cfg := &mercato.VariablePaymentConfiguration{PaymentRequestApprovalStrategy: v.PaymentRequestApprovalStrategy}
		OneOf(p, name+".configuration.variablePaymentTermConfiguration.paymentRequestApprovalStrategy",
			v.PaymentRequestApprovalStrategy, "AUTO_APPROVE_ON_EXPIRATION", "WAIT_FOR_APPROVAL")
		if v.ExpirationDuration != "" {
			d, err := mercato.ParsePeriod(v.ExpirationDuration)
			if err != nil {
				Violation(p, name+".configuration.variablePaymentTermConfiguration.expirationDuration", v.ExpirationDuration,
					"Member must be an ISO-8601 duration such as P10D")
			}
			cfg.ExpirationDuration = &d
		}
		out.VariablePayment = cfg
	}
	if set != 1 {
		p.Add(name+".configuration", "Value with %d members set at '%s' failed to satisfy constraint: Member must have exactly one member set",
			set, name+".configuration")
	}
	return out
}

type taxBreakdown struct {
	Amount string `json:"amount"`
	Rate   string `json:"rate"`
	Type   string `json:"type"`
}

type estimatedTaxes struct {
	Breakdown   []taxBreakdown `json:"breakdown,omitempty"`
	TotalAmount string         `json:"totalAmount,omitempty"`
}

type expectedCharge struct {
	ID             string          `json:"id"`
	Time           *Timestamp      `json:"time,omitempty"`
	Amount         string          `json:"amount"`
	AmountAfterTax string          `json:"amountAfterTax,omitempty"`
	Timing         string          `json:"timing"`
	EstimatedTaxes *estimatedTaxes `json:"estimatedTaxes,omitempty"`
}

type itemizedCharge struct {
	DimensionKey string `json:"dimensionKey"`
	NewQuantity  int    `json:"newQuantity"`
	OldQuantity  int    `json:"oldQuantity"`
}

type chargeSummary struct {
	CurrencyCode              string           `json:"currencyCode,omitempty"`
	NewAgreementValue         string           `json:"newAgreementValue,omitempty"`
	NewAgreementValueAfterTax string           `json:"newAgreementValueAfterTax,omitempty"`
	ExpectedCharges           []expectedCharge `json:"expectedCharges,omitempty"`
	EstimatedTaxes            *estimatedTaxes  `json:"estimatedTaxes,omitempty"`
	ItemizedCharges           []itemizedCharge `json:"itemizedCharges,omitempty"`
	InvoicingEntity           *invoicingEntity `json:"invoicingEntity,omitempty"`
}

type createAgreementRequestOutput struct {
	AgreementRequestID string         `json:"agreementRequestId"`
	ChargeSummary      *chargeSummary `json:"chargeSummary,omitempty"`
}

func (a *agreementAPI) createAgreementRequest(ctx context.Context, in *createAgreementRequestInput) (*createAgreementRequestOutput, error) {
	q, err := a.svc.CreateAgreementRequest(ctx, caller(ctx), service.CreateAgreementRequestInput{Intent: in.Intent,
		ProposalID: in.AgreementProposalIdentifier, SourceAgreementID: in.SourceAgreementIdentifier, Terms: in.terms,
		EstimateTax: in.TaxConfiguration != nil && in.TaxConfiguration.TaxEstimation == "ENABLED", ClientToken: in.ClientToken})
	if err != nil {
		return nil, err
	}
	return &createAgreementRequestOutput{AgreementRequestID: q.Request.ID, ChargeSummary: summaryWire(&q.Summary)}, nil
}

func summaryWire(s *service.ChargeSummary) *chargeSummary {
	c := s.Currency
	out := &chargeSummary{CurrencyCode: string(c), NewAgreementValue: s.Value.FormatIn(c),
		InvoicingEntity: &invoicingEntity{s.InvoicingEntity.LegalName, s.InvoicingEntity.BranchName}}
	if s.TaxEstimated {
		out.NewAgreementValueAfterTax = s.ValueAfterTax.FormatIn(c)
		out.EstimatedTaxes = taxesWire(s.Taxes, s.ValueAfterTax-s.Value, c)
	}
	for _, e := range s.Charges {
		w := expectedCharge{ID: e.ID, Amount: e.Amount.FormatIn(c), Timing: e.Timing}
		if !e.Time.IsZero() {
			w.Time = At(e.Time)
		}
		if s.TaxEstimated && e.Timing != "BILLING_PERIOD" {
			w.AmountAfterTax = e.AmountAfterTax.FormatIn(c)
			w.EstimatedTaxes = &estimatedTaxes{TotalAmount: e.Tax.FormatIn(c)}
		}
		out.ExpectedCharges = append(out.ExpectedCharges, w)
	}
	for _, d := range s.ConfiguredValues {
		out.ItemizedCharges = append(out.ItemizedCharges, itemizedCharge{DimensionKey: d.DimensionKey, NewQuantity: d.DimensionValue})
	}
	return out
}

func taxesWire(lines []mercato.TaxLine, total mercato.Amount, c mercato.Currency) *estimatedTaxes {
	t := &estimatedTaxes{TotalAmount: total.FormatIn(c)}
	for _, l := range lines {
		t.Breakdown = append(t.Breakdown, taxBreakdown{Amount: l.Amount.FormatIn(c), Rate: mercato.Amount(l.Rate * 100).Format(2), Type: l.Type})
	}
	return t
}

type purchaseOrder struct {
	ChargeID               string `json:"chargeId"`
	ChargeRevision         *int64 `json:"chargeRevision,omitempty"`
	AgreementID            string `json:"agreementId,omitempty"`
	PurchaseOrderReference string `json:"purchaseOrderReference,omitempty"`
}

func checkPurchaseOrders(p *mercato.Problems, pos []purchaseOrder) []service.PurchaseOrder {
	out := make([]service.PurchaseOrder, len(pos))
	for i, po := range pos {
		name := "purchaseOrders[" + strconv.Itoa(i) + "]"
		agreementIDRule.Check(p, name+".chargeId", po.ChargeID, true)
		agreementIDRule.Check(p, name+".agreementId", po.AgreementID, false)
		StringRule{Min: 1}.Check(p, name+".purchaseOrderReference", po.PurchaseOrderReference, false)
		out[i] = service.PurchaseOrder{ChargeID: po.ChargeID, AgreementID: po.AgreementID, Reference: po.PurchaseOrderReference}
		if po.ChargeRevision != nil {
			IntRange(p, name+".chargeRevision", *po.ChargeRevision, 1, math.MaxInt64)
			out[i].ChargeRevision = *po.ChargeRevision
		}
	}
	return out
}

type acceptAgreementRequestInput struct {
	AgreementRequestID string          `json:"agreementRequestId"`
	PurchaseOrders     []purchaseOrder `json:"purchaseOrders,omitempty"`
	orders             []service.PurchaseOrder
}

func (in *acceptAgreementRequestInput) Validate() error {
	var p mercato.Problems
	agreementReqRule.Check(&p, "agreementRequestId", in.AgreementRequestID, true)
	if !ListLength(&p, "purchaseOrders", len(in.PurchaseOrders), 0, maxPurchaseOrders) {
		return Invalid(p, "OTHER") // the orders of an over-long list are not worth a look
	}
	in.orders = checkPurchaseOrders(&p, in.PurchaseOrders)
	return Invalid(p, "OTHER")
}

type acceptAgreementRequestOutput struct {
	AgreementID string `json:"agreementId"`
}

func (a *agreementAPI) acceptAgreementRequest(ctx context.Context, in *acceptAgreementRequestInput) (*acceptAgreementRequestOutput, error) {
	id, err := a.svc.AcceptAgreementRequest(ctx, caller(ctx), in.AgreementRequestID, in.orders)
	if err != nil {
		return nil, err
	}
	return &acceptAgreementRequestOutput{AgreementID: id}, nil
}

// --- CancelAgreement, UpdatePurchaseOrders -----------------------------------------------

type empty struct{}

func (a *agreementAPI) cancelAgreement(ctx context.Context, in *agreementIDInput) (*empty, error) {
	_, err := a.svc.BuyerCancelAgreement(ctx, caller(ctx), in.AgreementID)
	return nil, err
}

type updatePurchaseOrdersInput struct {
	PurchaseOrders []purchaseOrder `json:"purchaseOrders"`
	orders         []service.PurchaseOrder
}

func (in *updatePurchaseOrdersInput) Validate() error {
	var p mercato.Problems
	if in.PurchaseOrders == nil {
		Missing(&p, "purchaseOrders")
	} else if !ListLength(&p, "purchaseOrders", len(in.PurchaseOrders), 1, maxPurchaseOrders) {
		return Invalid(p, "INVALID_PURCHASE_ORDERS") // the orders of an over-long list are not worth a look
	}
	in.orders = checkPurchaseOrders(&p, in.PurchaseOrders)
	return Invalid(p, "INVALID_PURCHASE_ORDERS")
}

func (a *agreementAPI) updatePurchaseOrders(ctx context.Context, in *updatePurchaseOrdersInput) (*empty, error) {
	return nil, a.svc.UpdatePurchaseOrders(ctx, caller(ctx), in.orders)
}
