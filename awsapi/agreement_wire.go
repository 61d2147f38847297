package awsapi

import (
	"mercato"
	"mercato/service"
)

// Wire shapes of the Agreement API's outputs. Amounts are decimal strings, times are
// Timestamps; absent members are left out.

type accountRef struct {
	AccountID string `json:"accountId"`
}

type resource struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type proposalSummary struct {
	Resources []resource `json:"resources,omitempty"`
	OfferID   string     `json:"offerId,omitempty"`
}

type estimatedCharges struct {
	CurrencyCode   string `json:"currencyCode,omitempty"`
	AgreementValue string `json:"agreementValue,omitempty"`
}

type endTimeBehavior struct {
	Type       string `json:"type"`
	ReasonCode string `json:"reasonCode,omitempty"`
}

type describeAgreementOutput struct {
	AgreementID        string            `json:"agreementId"`
	Acceptor           *accountRef       `json:"acceptor"`
	Proposer           *accountRef       `json:"proposer"`
	StartTime          *Timestamp        `json:"startTime,omitempty"`
	EndTime            *Timestamp        `json:"endTime,omitempty"`
	AcceptanceTime     *Timestamp        `json:"acceptanceTime,omitempty"`
	AgreementType      string            `json:"agreementType"`
	EstimatedCharges   *estimatedCharges `json:"estimatedCharges,omitempty"`
	ProposalSummary    *proposalSummary  `json:"proposalSummary,omitempty"`
	Status             string            `json:"status"`
	InitialAgreementID string            `json:"initialAgreementId,omitempty"`
	EndTimeBehavior    *endTimeBehavior  `json:"endTimeBehavior,omitempty"`
}

func describeAgreement(a *mercato.Agreement) *describeAgreementOutput {
	out := &describeAgreementOutput{
		AgreementID: a.ID, Acceptor: &accountRef{a.AcceptorID}, Proposer: &accountRef{a.ProposerID},
		StartTime: At(a.StartTime), AcceptanceTime: At(a.AcceptanceTime), AgreementType: service.AgreementType,
		ProposalSummary: summaryOf(a), Status: string(a.Status), InitialAgreementID: a.InitialAgreementID,
	}
	behavior, reason := service.EndTimeBehavior(a)
	out.EndTimeBehavior = &endTimeBehavior{Type: behavior, ReasonCode: reason}
	if !a.EndTime.IsZero() {
		out.EndTime = At(a.EndTime)
	}
	if a.Currency != "" {
		out.EstimatedCharges = &estimatedCharges{CurrencyCode: string(a.Currency), AgreementValue: a.Value.FormatIn(a.Currency)}
	}
	return out
}

func summaryOf(a *mercato.Agreement) *proposalSummary {
	return &proposalSummary{OfferID: a.OfferID,
		Resources: []resource{{ID: a.ProductID, Type: service.ResourceType(a.ProductType)}}}
}

type entitlementRef struct {
	LicenseArn string `json:"licenseArn,omitempty"`
}

type agreementViewSummary struct {
	AgreementID               string           `json:"agreementId"`
	AcceptanceTime            *Timestamp       `json:"acceptanceTime,omitempty"`
	StartTime                 *Timestamp       `json:"startTime,omitempty"`
	EndTime                   *Timestamp       `json:"endTime,omitempty"`
	LastUpdateTime            *Timestamp       `json:"lastUpdateTime,omitempty"`
	AgreementType             string           `json:"agreementType"`
	Acceptor                  *accountRef      `json:"acceptor"`
	Proposer                  *accountRef      `json:"proposer"`
	ProposalSummary           *proposalSummary `json:"proposalSummary,omitempty"`
	Status                    string           `json:"status"`
	Entitlements              []entitlementRef `json:"entitlements,omitempty"`
	InitialAgreementID        string           `json:"initialAgreementId,omitempty"`
	EndTimeBehaviorType       string           `json:"endTimeBehaviorType,omitempty"`
	EndTimeBehaviorReasonCode string           `json:"endTimeBehaviorReasonCode,omitempty"`
}

func viewSummary(a *mercato.Agreement) agreementViewSummary {
	s := agreementViewSummary{AgreementID: a.ID, AcceptanceTime: At(a.AcceptanceTime), StartTime: At(a.StartTime),
		LastUpdateTime: At(a.UpdatedAt), AgreementType: service.AgreementType, Acceptor: &accountRef{a.AcceptorID},
		Proposer: &accountRef{a.ProposerID}, ProposalSummary: summaryOf(a), Status: string(a.Status),
		Entitlements: []entitlementRef{{LicenseArn: service.LicenseArn(a)}}, InitialAgreementID: a.InitialAgreementID,
	}
	s.EndTimeBehaviorType, s.EndTimeBehaviorReasonCode = service.EndTimeBehavior(a)
	if !a.EndTime.IsZero() {
		s.EndTime = At(a.EndTime)
	}
	return s
}

// Terms on the wire: the AcceptedTerm union.

type termHeader struct {
	Type string `json:"type,omitempty"`
	ID   string `json:"id,omitempty"`
}

type rateCardItem struct {
	DimensionKey string `json:"dimensionKey"`
	Price        string `json:"price"`
}

type wireTerm struct {
	LegalTerm                      *legalTerm               `json:"legalTerm,omitempty"`
	SupportTerm                    *supportTerm             `json:"supportTerm,omitempty"`
	RenewalTerm                    *renewalTerm             `json:"renewalTerm,omitempty"`
	UsageBasedPricingTerm          *usageBasedTerm          `json:"usageBasedPricingTerm,omitempty"`
	ConfigurableUpfrontPricingTerm *configurableUpfrontTerm `json:"configurableUpfrontPricingTerm,omitempty"`
	ByolPricingTerm                *termHeader              `json:"byolPricingTerm,omitempty"`
	RecurringPaymentTerm           *recurringTerm           `json:"recurringPaymentTerm,omitempty"`
	ValidityTerm                   *validityTerm            `json:"validityTerm,omitempty"`
	PaymentScheduleTerm            *paymentScheduleTerm     `json:"paymentScheduleTerm,omitempty"`
	FreeTrialPricingTerm           *freeTrialTerm           `json:"freeTrialPricingTerm,omitempty"`
	FixedUpfrontPricingTerm        *fixedUpfrontTerm        `json:"fixedUpfrontPricingTerm,omitempty"`
	VariablePaymentTerm            *variablePaymentTerm     `json:"variablePaymentTerm,omitempty"`
	NetPaymentTerm                 *netPaymentTerm          `json:"netPaymentTerm,omitempty"`
}

type legalTerm struct {
	termHeader
	Documents []mercato.LegalDocument `json:"documents,omitempty"`
}

type supportTerm struct {
	termHeader
	RefundPolicy string `json:"refundPolicy,omitempty"`
}

type renewalTerm struct {
	termHeader
	Configuration      *renewalConfiguration `json:"configuration,omitempty"`
	LockoutPeriod      string                `json:"lockoutPeriod,omitempty"`
	AdjustmentDeadline string                `json:"adjustmentDeadline,omitempty"`
	MaxRenewals        *int                  `json:"maxRenewals,omitempty"`
	PriceIncrease      *priceIncrease        `json:"priceIncrease,omitempty"`
}

type renewalConfiguration struct {
	EnableAutoRenew bool `json:"enableAutoRenew"`
}

type priceIncrease struct {
	FixedPercentage *struct {
		Value string `json:"value"`
	} `json:"fixedPercentage,omitempty"`
	PercentageRange *percentageRange `json:"percentageRange,omitempty"`
}

type percentageRange struct {
	MinValue     string `json:"minValue"`
	MaxValue     string `json:"maxValue"`
	DefaultValue string `json:"defaultValue"`
}

type usageBasedTerm struct {
	termHeader
	CurrencyCode string `json:"currencyCode,omitempty"`
	RateCards    []struct {
		RateCard []rateCardItem `json:"rateCard"`
	} `json:"rateCards,omitempty"`
}

type configurableUpfrontTerm struct {
	termHeader
	CurrencyCode  string                     `json:"currencyCode,omitempty"`
	RateCards     []configurableRateCard     `json:"rateCards,omitempty"`
	Configuration *configurableUpfrontConfig `json:"configuration,omitempty"`
}

type configurableRateCard struct {
	Selector    mercato.Selector             `json:"selector"`
	Constraints *mercato.RateCardConstraints `json:"constraints,omitempty"`
	RateCard    []rateCardItem               `json:"rateCard"`
}

type configurableUpfrontConfig struct {
	SelectorValue string      `json:"selectorValue"`
	Dimensions    []dimension `json:"dimensions"`
}

type dimension struct {
	DimensionKey   string `json:"dimensionKey"`
	DimensionValue int    `json:"dimensionValue"`
}

type recurringTerm struct {
	termHeader
	CurrencyCode  string `json:"currencyCode,omitempty"`
	BillingPeriod string `json:"billingPeriod,omitempty"`
	Price         string `json:"price,omitempty"`
}

type validityTerm struct {
	termHeader
	AgreementDuration  string     `json:"agreementDuration,omitempty"`
	AgreementStartDate *Timestamp `json:"agreementStartDate,omitempty"`
	AgreementEndDate   *Timestamp `json:"agreementEndDate,omitempty"`
}

type paymentScheduleTerm struct {
	termHeader
	CurrencyCode string         `json:"currencyCode,omitempty"`
	Schedule     []scheduleItem `json:"schedule,omitempty"`
}

type scheduleItem struct {
	ChargeDate   *Timestamp `json:"chargeDate,omitempty"`
	ChargeAmount string     `json:"chargeAmount,omitempty"`
}

type grantItem struct {
	DimensionKey string `json:"dimensionKey"`
	MaxQuantity  *int   `json:"maxQuantity,omitempty"`
}

type freeTrialTerm struct {
	termHeader
	Duration string      `json:"duration,omitempty"`
	Grants   []grantItem `json:"grants,omitempty"`
}

type fixedUpfrontTerm struct {
	termHeader
	CurrencyCode string      `json:"currencyCode,omitempty"`
	Duration     string      `json:"duration,omitempty"`
	Price        string      `json:"price,omitempty"`
	Grants       []grantItem `json:"grants,omitempty"`
}

type variablePaymentTerm struct {
	termHeader
	CurrencyCode         string                 `json:"currencyCode,omitempty"`
	MaxTotalChargeAmount string                 `json:"maxTotalChargeAmount,omitempty"`
	Configuration        *variablePaymentConfig `json:"configuration,omitempty"`
}

type variablePaymentConfig struct {
	PaymentRequestApprovalStrategy string `json:"paymentRequestApprovalStrategy"`
	ExpirationDuration             string `json:"expirationDuration,omitempty"`
}

type netPaymentTerm struct {
	termHeader
	PaymentDuePeriod string `json:"paymentDuePeriod,omitempty"`
}

func header(h mercato.TermHeader) termHeader { return termHeader{Type: h.Type, ID: h.ID} }

func period(p *mercato.Period) string {
	if p == nil {
		return ""
	}
	return p.String()
}

func rateCard(items []mercato.RateCardItem, c mercato.Currency) []rateCardItem {
	out := make([]rateCardItem, len(items))
	for i, it := range items {
		out[i] = rateCardItem{DimensionKey: it.DimensionKey, Price: it.Price.Format(c.MinorDigits())}
	}
	return out
}

func grants(gs []mercato.GrantItem) []grantItem {
	out := make([]grantItem, len(gs))
	for i, g := range gs {
		out[i] = grantItem{DimensionKey: g.DimensionKey, MaxQuantity: g.MaxQuantity}
	}
	return out
}

// toWireTerm renders a term as the AcceptedTerm union.
func toWireTerm(t *mercato.Term) wireTerm {
	var w wireTerm
	switch {
	case t.Legal != nil:
		w.LegalTerm = &legalTerm{header(t.Legal.TermHeader), t.Legal.Documents}
	case t.Support != nil:
		w.SupportTerm = &supportTerm{header(t.Support.TermHeader), t.Support.RefundPolicy}
	case t.Renewal != nil:
		w.RenewalTerm = wireRenewal(t.Renewal)
	case t.UsageBased != nil:
		u := &usageBasedTerm{termHeader: header(t.UsageBased.TermHeader), CurrencyCode: string(t.UsageBased.CurrencyCode)}
		for _, rc := range t.UsageBased.RateCards {
			u.RateCards = append(u.RateCards, struct {
				RateCard []rateCardItem `json:"rateCard"`
			}{rateCard(rc.RateCard, t.UsageBased.CurrencyCode)})
		}
		w.UsageBasedPricingTerm = u
	case t.ConfigurableUpfront != nil:
		w.ConfigurableUpfrontPricingTerm = wireConfigurable(t.ConfigurableUpfront)
	case t.Byol != nil:
		h := header(t.Byol.TermHeader)
		w.ByolPricingTerm = &h
	case t.RecurringPayment != nil:
		r := t.RecurringPayment
		w.RecurringPaymentTerm = &recurringTerm{header(r.TermHeader), string(r.CurrencyCode), r.BillingPeriod, r.Price.FormatIn(r.CurrencyCode)}
	case t.Validity != nil:
		w.ValidityTerm = wireValidity(t.Validity)
	case t.PaymentSchedule != nil:
		p := &paymentScheduleTerm{termHeader: header(t.PaymentSchedule.TermHeader), CurrencyCode: string(t.PaymentSchedule.CurrencyCode)}
		for _, it := range t.PaymentSchedule.Schedule {
			p.Schedule = append(p.Schedule, scheduleItem{At(it.ChargeDate), it.ChargeAmount.FormatIn(t.PaymentSchedule.CurrencyCode)})
		}
		w.PaymentScheduleTerm = p
	case t.FreeTrial != nil:
		w.FreeTrialPricingTerm = &freeTrialTerm{header(t.FreeTrial.TermHeader), t.FreeTrial.Duration.String(), grants(t.FreeTrial.Grants)}
	case t.FixedUpfront != nil:
		f := t.FixedUpfront
		w.FixedUpfrontPricingTerm = &fixedUpfrontTerm{header(f.TermHeader), string(f.CurrencyCode), period(f.Duration), f.Price.FormatIn(f.CurrencyCode), grants(f.Grants)}
	case t.VariablePayment != nil:
		w.VariablePaymentTerm = wireVariable(t.VariablePayment)
	case t.NetPayment != nil:
		w.NetPaymentTerm = &netPaymentTerm{header(t.NetPayment.TermHeader), t.NetPayment.PaymentDuePeriod.String()}
	}
	return w
}

func wireRenewal(r *mercato.RenewalTerm) *renewalTerm {
	w := &renewalTerm{termHeader: header(r.TermHeader), LockoutPeriod: period(r.LockoutPeriod),
		AdjustmentDeadline: period(r.AdjustmentDeadline), MaxRenewals: r.MaxRenewals}
	if r.Configuration != nil {
		w.Configuration = &renewalConfiguration{r.Configuration.EnableAutoRenew}
	}
	if pi := r.PriceIncrease; pi != nil {
		w.PriceIncrease = &priceIncrease{}
		if pi.FixedPercentage != nil {
			w.PriceIncrease.FixedPercentage = &struct {
				Value string `json:"value"`
			}{pi.FixedPercentage.Value.String()}
		}
		if pr := pi.PercentageRange; pr != nil {
			w.PriceIncrease.PercentageRange = &percentageRange{pr.MinValue.String(), pr.MaxValue.String(), pr.DefaultValue.String()}
		}
	}
	return w
}

func wireConfigurable(c *mercato.ConfigurableUpfrontPricingTerm) *configurableUpfrontTerm {
	w := &configurableUpfrontTerm{termHeader: header(c.TermHeader), CurrencyCode: string(c.CurrencyCode)}
	for _, rc := range c.RateCards {
		w.RateCards = append(w.RateCards, configurableRateCard{rc.Selector, rc.Constraints, rateCard(rc.RateCard, c.CurrencyCode)})
	}
	if cfg := c.Configuration; cfg != nil {
		w.Configuration = &configurableUpfrontConfig{SelectorValue: cfg.SelectorValue}
		for _, d := range cfg.Dimensions {
			w.Configuration.Dimensions = append(w.Configuration.Dimensions, dimension{d.DimensionKey, d.DimensionValue})
		}
	}
	return w
}

func wireValidity(v *mercato.ValidityTerm) *validityTerm {
	w := &validityTerm{termHeader: header(v.TermHeader), AgreementDuration: period(v.AgreementDuration)}
	if v.AgreementStartDate != nil {
		w.AgreementStartDate = At(*v.AgreementStartDate)
	}
	if v.AgreementEndDate != nil {
		w.AgreementEndDate = At(*v.AgreementEndDate)
	}
	return w
}

func wireVariable(v *mercato.VariablePaymentTerm) *variablePaymentTerm {
	w := &variablePaymentTerm{termHeader: header(v.TermHeader), CurrencyCode: string(v.CurrencyCode),
		MaxTotalChargeAmount: v.MaxTotalChargeAmount.FormatIn(v.CurrencyCode)}
	if c := v.Configuration; c != nil {
		w.Configuration = &variablePaymentConfig{c.PaymentRequestApprovalStrategy, period(c.ExpirationDuration)}
	}
	return w
}
