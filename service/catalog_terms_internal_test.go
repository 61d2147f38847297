package service

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

// TestCatalogTermsRoundTrip writes every term type in the Catalog's form and reads it back: the
// Catalog API and the Agreement API describe the same terms.
func TestCatalogTermsRoundTrip(t *testing.T) {
	p12 := mercato.Period{Months: 12}
	three := 3
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	amt := mercato.MustAmount
	pi := mercato.PriceIncrease{}
	pi.FixedPercentage = &struct {
		Value mercato.Amount `json:"value" yaml:"value"`
	}{Value: amt("5")}
	terms := mercato.Terms{
		{Legal: &mercato.LegalTerm{Documents: []mercato.LegalDocument{{Type: "CustomEula", URL: "https://example.com/eula"}}}},
		{Support: &mercato.SupportTerm{RefundPolicy: "Refunds within 30 days"}},
		{Renewal: &mercato.RenewalTerm{LockoutPeriod: &mercato.Period{Days: 30}, MaxRenewals: &three, PriceIncrease: &pi}},
		{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{{RateCard: []mercato.RateCardItem{{DimensionKey: "calls", Price: amt("0.00012345")}}}}}},
		{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{CurrencyCode: "EUR", RateCards: []mercato.ConfigurableUpfrontRateCard{{
			Selector: mercato.Selector{Type: "Duration", Value: "P12M"}, Constraints: &mercato.RateCardConstraints{MultipleDimensionSelection: "Allowed", QuantityConfiguration: "Allowed"},
			RateCard: []mercato.RateCardItem{{DimensionKey: "seats", Price: amt("10")}}}}}},
		{Byol: &mercato.ByolPricingTerm{}},
		{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("99.99")}},
		{Validity: &mercato.ValidityTerm{AgreementDuration: &p12}},
		{Validity: &mercato.ValidityTerm{AgreementStartDate: ptr(day(4, 1)), AgreementEndDate: ptr(day(12, 31))}},
		{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "JPY", Schedule: []mercato.ScheduleItem{{ChargeDate: day(3, 15), ChargeAmount: amt("1000")}}}},
		{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 14}, Grants: []mercato.GrantItem{{DimensionKey: "seats", MaxQuantity: &three}}}},
		{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "GBP", Duration: &p12, Price: amt("0"), Grants: []mercato.GrantItem{{DimensionKey: "seats"}}}},
		{VariablePayment: &mercato.VariablePaymentTerm{CurrencyCode: "USD", MaxTotalChargeAmount: amt("5000"), Configuration: &mercato.VariablePaymentConfiguration{
			PaymentRequestApprovalStrategy: "WAIT_FOR_APPROVAL"}}},
		{NetPayment: &mercato.NetPaymentTerm{PaymentDuePeriod: mercato.Period{Days: 30}}},
	}
	for _, want := range terms {
		t.Run(want.Kind(), func(t *testing.T) {
			doc := encodeCatalogTerm(want)
			raw, _ := json.Marshal(doc)
			got, err := decodeCatalogTerm(raw, "Terms[0]", catalogTermKinds[want.Kind()])
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s read back differs (-want +got):\n%s", raw, d)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
