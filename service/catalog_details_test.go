package service_test

import (
	"strings"
	"testing"

	"mercato"
)

// TestMalformedDetailsFailTheirChange sends, for every offer change type, Details documents of
// the wrong shape: each change set fails on that change with an error naming a member of
// Details (or the entity), and no job fails (newEnv's clock moves report failed jobs).
func TestMalformedDetailsFailTheirChange(t *testing.T) {
	changeTypes := []string{"UpdateInformation", "UpdateTargeting", "UpdateAvailability", "UpdatePricingTerms",
		"UpdateLegalTerms", "UpdateSupportTerms", "UpdateValidityTerms", "UpdatePaymentScheduleTerms",
		"UpdateRenewalTerms", "ReleaseOffer"}
	malformed := []string{
		`[]`, `{"Unknown": 1}`, `{"Terms": "x"}`, `{"Terms": [1]}`, `{"Terms": [null]}`, `{"Terms": [{}]}`,
		`{"Terms": [{"Type": 5}]}`, `{"Name": {}}`, `{"Description": ""}`, `{"PositiveTargeting": "x"}`,
		`{"PositiveTargeting": {"BuyerAccounts": "444455556666"}}`, `{"AvailabilityEndDate": ["2026-01-01"]}`,
		`{"AvailabilityEndDate": "2026-02-30"}`, `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "Price": "-1", "CurrencyCode": "USD"}]}`,
		`{"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": [{"ChargeDate": 5, "ChargeAmount": "1"}]}]}`,
		`{"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": [{"ChargeDate": "2026-01-01", "ChargeAmount": "1.001"}]}]}`,
		`{"Terms": [{"Type": "RenewalTerm", "PriceIncrease": {"Type": "Whatever"}}]}`,
		`{"Terms": [{"Type": "RenewalTerm", "PriceIncrease": "5"}]}`,
		`{"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "forever"}]}`,
		`{"Terms": [{"Type": "LegalTerm", "Documents": [{"Type": "CustomEula", "Url": 3}]}]}`,
		`{"PricingModel": "Contract", "Terms": [{"Type": "UsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard": [{"DimensionKey": "x", "Price": 1e400}]}]}]}`,
		`{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "1", "Grants": [{"DimensionKey": "x", "MaxQuantity": 99999999999999999999}]}]}`,
		`{"Terms": [{"Type": "SupportTerm", "RefundPolicy": ""}]}`,
		`{"Terms": [` + strings.Repeat(`{"Type": "LegalTerm"},`, 30) + `{"Type": "LegalTerm"}]}`,
	}
	e := newEnv(t)
	e.marketplace()
	draft := e.changeSet(seller, named("O", "CreateOffer", "", `{"ProductId": "`+product+`"}`)).Changes[0].EntityID
	for _, ct := range changeTypes {
		for _, d := range malformed {
			se := *e
			se.t = t
			cs := se.changeSet(seller, ch(ct, draft, d))
			errs := cs.Changes[0].Errors
			if cs.Status != mercato.ChangeSetFailed || len(errs) != 1 {
				t.Errorf("%s %s: %s %+v", ct, d, cs.Status, errs)
				continue
			}
			m := errs[0].Message
			if !strings.Contains(m, "Details") && !strings.Contains(m, "Terms") && !strings.Contains(m, "AvailabilityEndDate") {
				t.Errorf("%s %s: the error names no member: %s %q", ct, d, errs[0].Code, m)
			}
		}
	}
}
