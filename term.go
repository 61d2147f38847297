package mercato

import (
	"time"
)

// Term is one term of an offer or agreement: a union in which exactly one member is set, shaped
// as the Agreement API's AcceptedTerm. Its JSON and YAML forms are the API's:
// {"recurringPaymentTerm": {"id": "...", "price": "100.00", ...}}.
type Term struct {
	Legal               *LegalTerm                      `json:"legalTerm,omitempty" yaml:"legalTerm,omitempty"`
	Support             *SupportTerm                    `json:"supportTerm,omitempty" yaml:"supportTerm,omitempty"`
	Renewal             *RenewalTerm                    `json:"renewalTerm,omitempty" yaml:"renewalTerm,omitempty"`
	UsageBased          *UsageBasedPricingTerm          `json:"usageBasedPricingTerm,omitempty" yaml:"usageBasedPricingTerm,omitempty"`
	ConfigurableUpfront *ConfigurableUpfrontPricingTerm `json:"configurableUpfrontPricingTerm,omitempty" yaml:"configurableUpfrontPricingTerm,omitempty"`
	Byol                *ByolPricingTerm                `json:"byolPricingTerm,omitempty" yaml:"byolPricingTerm,omitempty"`
	RecurringPayment    *RecurringPaymentTerm           `json:"recurringPaymentTerm,omitempty" yaml:"recurringPaymentTerm,omitempty"`
	Validity            *ValidityTerm                   `json:"validityTerm,omitempty" yaml:"validityTerm,omitempty"`
	PaymentSchedule     *PaymentScheduleTerm            `json:"paymentScheduleTerm,omitempty" yaml:"paymentScheduleTerm,omitempty"`
	FreeTrial           *FreeTrialPricingTerm           `json:"freeTrialPricingTerm,omitempty" yaml:"freeTrialPricingTerm,omitempty"`
	FixedUpfront        *FixedUpfrontPricingTerm        `json:"fixedUpfrontPricingTerm,omitempty" yaml:"fixedUpfrontPricingTerm,omitempty"`
	VariablePayment     *VariablePaymentTerm            `json:"variablePaymentTerm,omitempty" yaml:"variablePaymentTerm,omitempty"`
	NetPayment          *NetPaymentTerm                 `json:"netPaymentTerm,omitempty" yaml:"netPaymentTerm,omitempty"`
}

// TermHeader is what every term variant carries: its ID, shared between the offer and the
// agreement, and its type name (e.g. "RecurringPaymentTerm").
type TermHeader struct {
	ID   string `json:"id,omitempty" yaml:"id,omitempty"`
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
}

// LegalTerm lists the legal documents (EULA, data subscription agreement) of the offer.
type LegalTerm struct {
	TermHeader `yaml:",inline"`
	Documents  []LegalDocument `json:"documents,omitempty" yaml:"documents,omitempty"`
}

// LegalDocument is a custom document with a URL or a standard one with a version.
type LegalDocument struct {
	Type    string `json:"type" yaml:"type"` // CustomEula, CustomDsa, StandardEula, StandardDsa
	URL     string `json:"url,omitempty" yaml:"url,omitempty"`
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
}

// SupportTerm carries the seller's refund policy, in the seller's words.
type SupportTerm struct {
	TermHeader   `yaml:",inline"`
	RefundPolicy string `json:"refundPolicy,omitempty" yaml:"refundPolicy,omitempty"`
}

// ValidityTerm sets how long an agreement lasts, or its fixed dates.
type ValidityTerm struct {
	TermHeader         `yaml:",inline"`
	AgreementDuration  *Period    `json:"agreementDuration,omitempty" yaml:"agreementDuration,omitempty"`
	AgreementStartDate *time.Time `json:"agreementStartDate,omitempty" yaml:"agreementStartDate,omitempty"`
	AgreementEndDate   *time.Time `json:"agreementEndDate,omitempty" yaml:"agreementEndDate,omitempty"`
}

// RenewalTerm says whether and how an agreement renews at its end.
type RenewalTerm struct {
	TermHeader         `yaml:",inline"`
	Configuration      *RenewalConfiguration `json:"configuration,omitempty" yaml:"configuration,omitempty"`
	LockoutPeriod      *Period               `json:"lockoutPeriod,omitempty" yaml:"lockoutPeriod,omitempty"`
	AdjustmentDeadline *Period               `json:"adjustmentDeadline,omitempty" yaml:"adjustmentDeadline,omitempty"`
	MaxRenewals        *int                  `json:"maxRenewals,omitempty" yaml:"maxRenewals,omitempty"`
	PriceIncrease      *PriceIncrease        `json:"priceIncrease,omitempty" yaml:"priceIncrease,omitempty"`
	// Adjustment is the seller's choice for the coming renewal and its finalization (see
	// renewal.go): state of an agreement's renewal, never part of an offer.
	Adjustment *RenewalAdjustment `json:"adjustment,omitempty" yaml:"-"`
}

// RenewalConfiguration is the buyer's renewal choice.
type RenewalConfiguration struct {
	EnableAutoRenew bool `json:"enableAutoRenew" yaml:"enableAutoRenew"`
}

// PriceIncrease is a union: a fixed percentage or a range the seller picks from.
type PriceIncrease struct {
	FixedPercentage *struct {
		Value Amount `json:"value" yaml:"value"`
	} `json:"fixedPercentage,omitempty" yaml:"fixedPercentage,omitempty"`
	PercentageRange *struct {
		MinValue     Amount `json:"minValue" yaml:"minValue"`
		MaxValue     Amount `json:"maxValue" yaml:"maxValue"`
		DefaultValue Amount `json:"defaultValue" yaml:"defaultValue"`
	} `json:"percentageRange,omitempty" yaml:"percentageRange,omitempty"`
}

// RateCardItem is the price of one unit of a dimension.
type RateCardItem struct {
	DimensionKey string `json:"dimensionKey" yaml:"dimensionKey"`
	Price        Amount `json:"price" yaml:"price"`
}

// UsageBasedPricingTerm prices metered usage, billed on the monthly consolidated invoice.
type UsageBasedPricingTerm struct {
	TermHeader   `yaml:",inline"`
	CurrencyCode Currency        `json:"currencyCode" yaml:"currencyCode"`
	RateCards    []UsageRateCard `json:"rateCards" yaml:"rateCards"`
}

// UsageRateCard is one rate card of a usage-based term.
type UsageRateCard struct {
	RateCard []RateCardItem `json:"rateCard" yaml:"rateCard"`
}

// ConfigurableUpfrontPricingTerm is a contract: the buyer picks a duration and quantities, paid
// upfront on acceptance.
type ConfigurableUpfrontPricingTerm struct {
	TermHeader    `yaml:",inline"`
	CurrencyCode  Currency                          `json:"currencyCode" yaml:"currencyCode"`
	RateCards     []ConfigurableUpfrontRateCard     `json:"rateCards" yaml:"rateCards"`
	Configuration *ConfigurableUpfrontConfiguration `json:"configuration,omitempty" yaml:"configuration,omitempty"`
}

// ConfigurableUpfrontRateCard is the rate card for one selector (a contract duration).
type ConfigurableUpfrontRateCard struct {
	Selector    Selector             `json:"selector" yaml:"selector"`
	Constraints *RateCardConstraints `json:"constraints,omitempty" yaml:"constraints,omitempty"`
	RateCard    []RateCardItem       `json:"rateCard" yaml:"rateCard"`
}

// Selector picks a rate card, e.g. {type: Duration, value: P12M}.
type Selector struct {
	Type  string `json:"type" yaml:"type"`
	Value string `json:"value" yaml:"value"`
}

// RateCardConstraints say what the buyer may configure.
type RateCardConstraints struct {
	MultipleDimensionSelection string `json:"multipleDimensionSelection,omitempty" yaml:"multipleDimensionSelection,omitempty"`
	QuantityConfiguration      string `json:"quantityConfiguration,omitempty" yaml:"quantityConfiguration,omitempty"`
}

// ConfigurableUpfrontConfiguration is the buyer's choice: a selector value and quantities.
type ConfigurableUpfrontConfiguration struct {
	SelectorValue string              `json:"selectorValue" yaml:"selectorValue"`
	Dimensions    []DimensionQuantity `json:"dimensions" yaml:"dimensions"`
}

// DimensionQuantity is a quantity of one dimension.
type DimensionQuantity struct {
	DimensionKey   string `json:"dimensionKey" yaml:"dimensionKey"`
	DimensionValue int    `json:"dimensionValue" yaml:"dimensionValue"`
}

// ByolPricingTerm marks a bring-your-own-license offer: nothing is charged.
type ByolPricingTerm struct {
	TermHeader `yaml:",inline"`
}

// RecurringPaymentTerm is a subscription fee per billing period, billed in arrears on the
// monthly consolidated invoice and pro-rated by the day.
type RecurringPaymentTerm struct {
	TermHeader    `yaml:",inline"`
	CurrencyCode  Currency `json:"currencyCode" yaml:"currencyCode"`
	BillingPeriod string   `json:"billingPeriod" yaml:"billingPeriod"` // Monthly
	Price         Amount   `json:"price" yaml:"price"`
}

// PaymentScheduleTerm is a flexible payment schedule: each installment is invoiced on its date.
type PaymentScheduleTerm struct {
	TermHeader   `yaml:",inline"`
	CurrencyCode Currency       `json:"currencyCode" yaml:"currencyCode"`
	Schedule     []ScheduleItem `json:"schedule" yaml:"schedule"`
}

// ScheduleItem is one installment.
type ScheduleItem struct {
	ChargeDate   time.Time `json:"chargeDate" yaml:"chargeDate"`
	ChargeAmount Amount    `json:"chargeAmount" yaml:"chargeAmount"`
}

// FreeTrialPricingTerm makes the first days free; charges start when the trial converts.
type FreeTrialPricingTerm struct {
	TermHeader `yaml:",inline"`
	Duration   Period      `json:"duration" yaml:"duration"`
	Grants     []GrantItem `json:"grants,omitempty" yaml:"grants,omitempty"`
}

// GrantItem entitles the buyer to a quantity of a dimension (absent MaxQuantity: unlimited).
type GrantItem struct {
	DimensionKey string `json:"dimensionKey" yaml:"dimensionKey"`
	MaxQuantity  *int   `json:"maxQuantity,omitempty" yaml:"maxQuantity,omitempty"`
}

// FixedUpfrontPricingTerm is a fixed price paid on acceptance for a duration.
type FixedUpfrontPricingTerm struct {
	TermHeader   `yaml:",inline"`
	CurrencyCode Currency    `json:"currencyCode" yaml:"currencyCode"`
	Duration     *Period     `json:"duration,omitempty" yaml:"duration,omitempty"`
	Price        Amount      `json:"price" yaml:"price"`
	Grants       []GrantItem `json:"grants,omitempty" yaml:"grants,omitempty"`
}

// VariablePaymentTerm lets the seller request payments up to a maximum during the agreement.
type VariablePaymentTerm struct {
	TermHeader           `yaml:",inline"`
	CurrencyCode         Currency                      `json:"currencyCode" yaml:"currencyCode"`
	MaxTotalChargeAmount Amount                        `json:"maxTotalChargeAmount" yaml:"maxTotalChargeAmount"`
	Configuration        *VariablePaymentConfiguration `json:"configuration,omitempty" yaml:"configuration,omitempty"`
}

// VariablePaymentConfiguration says how payment requests are approved.
type VariablePaymentConfiguration struct {
	PaymentRequestApprovalStrategy string  `json:"paymentRequestApprovalStrategy" yaml:"paymentRequestApprovalStrategy"` // AUTO_APPROVE_ON_EXPIRATION | WAIT_FOR_APPROVAL
	ExpirationDuration             *Period `json:"expirationDuration,omitempty" yaml:"expirationDuration,omitempty"`
}

// NetPaymentTerm gives pay-by-invoice buyers time to pay: the due date is issue + period.
type NetPaymentTerm struct {
	TermHeader       `yaml:",inline"`
	PaymentDuePeriod Period `json:"paymentDuePeriod" yaml:"paymentDuePeriod"`
}

// Header returns the set member's ID and type, and the number of members set (1 when valid).
func (t *Term) Header() (h *TermHeader, set int) {
	for _, m := range []*TermHeader{
		hdr(t.Legal), hdr(t.Support), hdr(t.Renewal), hdr(t.UsageBased), hdr(t.ConfigurableUpfront),
		hdr(t.Byol), hdr(t.RecurringPayment), hdr(t.Validity), hdr(t.PaymentSchedule),
		hdr(t.FreeTrial), hdr(t.FixedUpfront), hdr(t.VariablePayment), hdr(t.NetPayment),
	} {
		if m != nil {
			h, set = m, set+1
		}
	}
	return h, set
}

// headed is implemented by every term variant through its embedded TermHeader.
type headed interface{ header() *TermHeader }

func (h *TermHeader) header() *TermHeader { return h }

func hdr[T any, P interface {
	*T
	headed
}](p P) *TermHeader {
	if p == nil {
		return nil
	}
	return p.header()
}

// Kind returns the type name of the set member, e.g. "RecurringPaymentTerm".
func (t *Term) Kind() string {
	switch {
	case t.Legal != nil:
		return "LegalTerm"
	case t.Support != nil:
		return "SupportTerm"
	case t.Renewal != nil:
		return "RenewalTerm"
	case t.UsageBased != nil:
		return "UsageBasedPricingTerm"
	case t.ConfigurableUpfront != nil:
		return "ConfigurableUpfrontPricingTerm"
	case t.Byol != nil:
		return "ByolPricingTerm"
	case t.RecurringPayment != nil:
		return "RecurringPaymentTerm"
	case t.Validity != nil:
		return "ValidityTerm"
	case t.PaymentSchedule != nil:
		return "PaymentScheduleTerm"
	case t.FreeTrial != nil:
		return "FreeTrialPricingTerm"
	case t.FixedUpfront != nil:
		return "FixedUpfrontPricingTerm"
	case t.VariablePayment != nil:
		return "VariablePaymentTerm"
	case t.NetPayment != nil:
		return "NetPaymentTerm"
	}
	return ""
}
