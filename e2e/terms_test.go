package e2e

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// termsOf returns an agreement's accepted terms through the paginator, two a page.
func termsOf(t *testing.T, c *ma.Client, id string) []types.AcceptedTerm {
	t.Helper()
	var all []types.AcceptedTerm
	p := ma.NewGetAgreementTermsPaginator(c, &ma.GetAgreementTermsInput{AgreementId: aws.String(id)},
		func(o *ma.GetAgreementTermsPaginatorOptions) { o.Limit = 2 })
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx())
		must(t, err)
		if len(out.AcceptedTerms) > 2 {
			t.Errorf("a page of 2 holds %d terms", len(out.AcceptedTerms))
		}
		all = append(all, out.AcceptedTerms...)
		pages++
	}
	if want := (len(all) + 1) / 2; pages != want && len(all) > 0 {
		t.Errorf("%s: %d terms in %d pages, want %d pages", id, len(all), pages, want)
	}
	return all
}

func TestGetAgreementTerms(t *testing.T) {
	// term returns the type and ID members of the n-th term of an offer.
	term := func(offer string, n int, typ string) (typeName, id *string) {
		return aws.String(typ), aws.String(termID(offer, n))
	}
	// support is the support term an agreement whose offer states no refund policy reads back:
	// its product's, as the Catalog's UpdateSupportTerms would have set it.
	support := func(offer, policy string) types.AcceptedTerm {
		return &types.AcceptedTermMemberSupportTerm{Value: types.SupportTerm{Type: aws.String("SupportTerm"),
			Id: aws.String(offer + "-support"), RefundPolicy: aws.String(policy)}}
	}
	want := map[string][]types.AcceptedTerm{}
	{
		typ1, id1 := term("offer-e2e-contract", 1, "ValidityTerm")
		typ2, id2 := term("offer-e2e-contract", 2, "PaymentScheduleTerm")
		typ3, id3 := term("offer-e2e-contract", 3, "RenewalTerm")
		typ4, id4 := term("offer-e2e-contract", 4, "NetPaymentTerm")
		typ5, id5 := term("offer-e2e-contract", 5, "LegalTerm")
		want[agmtContract] = []types.AcceptedTerm{
			&types.AcceptedTermMemberValidityTerm{Value: types.ValidityTerm{Type: typ1, Id: id1, AgreementDuration: aws.String("P12M")}},
			&types.AcceptedTermMemberPaymentScheduleTerm{Value: types.PaymentScheduleTerm{Type: typ2, Id: id2, CurrencyCode: aws.String("USD"),
				Schedule: []types.ScheduleItem{
					{ChargeDate: at("2026-01-15T00:00:00Z"), ChargeAmount: aws.String("1200.00")},
					{ChargeDate: at("2026-02-15T00:00:00Z"), ChargeAmount: aws.String("800.00")},
					{ChargeDate: at("2026-06-15T00:00:00Z"), ChargeAmount: aws.String("1000.00")}}}},
			&types.AcceptedTermMemberRenewalTerm{Value: types.RenewalTerm{Type: typ3, Id: id3, LockoutPeriod: aws.String("P30D"), MaxRenewals: aws.Int32(2),
				PriceIncrease: &types.PriceIncreaseMemberFixedPercentage{Value: types.FixedPercentage{Value: aws.String("3.00")}}}},
			&types.AcceptedTermMemberNetPaymentTerm{Value: types.NetPaymentTerm{Type: typ4, Id: id4, PaymentDuePeriod: aws.String("P30D")}},
			&types.AcceptedTermMemberLegalTerm{Value: types.LegalTerm{Type: typ5, Id: id5,
				Documents: []types.DocumentItem{{Type: aws.String("CustomEula"), Url: aws.String("https://example.com/eula.pdf")}}}},
			support("offer-e2e-contract", "Refunds on request."),
		}
	}
	{
		typ1, id1 := term("offer-e2e-public", 1, "RecurringPaymentTerm")
		typ2, id2 := term("offer-e2e-public", 2, "UsageBasedPricingTerm")
		typ3, id3 := term("offer-e2e-public", 3, "LegalTerm")
		typ4, id4 := term("offer-e2e-public", 4, "SupportTerm")
		want[agmtPayg] = []types.AcceptedTerm{
			&types.AcceptedTermMemberRecurringPaymentTerm{Value: types.RecurringPaymentTerm{Type: typ1, Id: id1, CurrencyCode: aws.String("USD"),
				BillingPeriod: aws.String("Monthly"), Price: aws.String("100.00")}},
			&types.AcceptedTermMemberUsageBasedPricingTerm{Value: types.UsageBasedPricingTerm{Type: typ2, Id: id2, CurrencyCode: aws.String("USD"),
				RateCards: []types.UsageBasedRateCardItem{{RateCard: []types.RateCardItem{{DimensionKey: aws.String("api_calls"), Price: aws.String("0.001")}}}}}},
			&types.AcceptedTermMemberLegalTerm{Value: types.LegalTerm{Type: typ3, Id: id3,
				Documents: []types.DocumentItem{{Type: aws.String("StandardEula"), Version: aws.String("2022-07-14")}}}},
			&types.AcceptedTermMemberSupportTerm{Value: types.SupportTerm{Type: typ4, Id: id4, RefundPolicy: aws.String("Full refund within 30 days.")}},
		}
	}
	{
		typ1, id1 := term("offer-e2e-fixed", 1, "FixedUpfrontPricingTerm")
		typ2, id2 := term("offer-e2e-fixed", 2, "ByolPricingTerm")
		want[agmtFixed] = []types.AcceptedTerm{
			&types.AcceptedTermMemberFixedUpfrontPricingTerm{Value: types.FixedUpfrontPricingTerm{Type: typ1, Id: id1, CurrencyCode: aws.String("USD"),
				Duration: aws.String("P12M"), Price: aws.String("600.00"), Grants: []types.GrantItem{{DimensionKey: aws.String("workspaces"), MaxQuantity: aws.Int32(5)}}}},
			&types.AcceptedTermMemberByolPricingTerm{Value: types.ByolPricingTerm{Type: typ2, Id: id2}},
			support("offer-e2e-fixed", "Refunds on request."),
		}
	}
	{
		typ1, id1 := term("offer-e2e-storage", 1, "FreeTrialPricingTerm")
		typ2, id2 := term("offer-e2e-storage", 2, "RecurringPaymentTerm")
		want[agmtStorage] = []types.AcceptedTerm{
			&types.AcceptedTermMemberFreeTrialPricingTerm{Value: types.FreeTrialPricingTerm{Type: typ1, Id: id1, Duration: aws.String("P10D"),
				Grants: []types.GrantItem{{DimensionKey: aws.String("gigabytes"), MaxQuantity: aws.Int32(100)}}}},
			&types.AcceptedTermMemberRecurringPaymentTerm{Value: types.RecurringPaymentTerm{Type: typ2, Id: id2, CurrencyCode: aws.String("USD"),
				BillingPeriod: aws.String("Monthly"), Price: aws.String("25.00")}},
			support("offer-e2e-storage", "Cancel any time."),
		}
	}
	{
		typ1, id1 := term("offer-e2e-consulting-auto", 1, "ValidityTerm")
		typ2, id2 := term("offer-e2e-consulting-auto", 2, "VariablePaymentTerm")
		want[agmtConsultingAuto] = []types.AcceptedTerm{
			&types.AcceptedTermMemberValidityTerm{Value: types.ValidityTerm{Type: typ1, Id: id1, AgreementDuration: aws.String("P6M")}},
			&types.AcceptedTermMemberVariablePaymentTerm{Value: types.VariablePaymentTerm{Type: typ2, Id: id2, CurrencyCode: aws.String("USD"),
				MaxTotalChargeAmount: aws.String("10000.00"), Configuration: &types.VariablePaymentTermConfiguration{
					PaymentRequestApprovalStrategy: types.PaymentRequestApprovalStrategyAutoApproveOnExpiration, ExpirationDuration: aws.String("P10D")}}},
			support("offer-e2e-consulting-auto", "Unused hours are refunded."),
		}
	}
	{
		typ1, id1 := term("offer-e2e-consulting-wait", 1, "VariablePaymentTerm")
		want[agmtConsultingWait] = []types.AcceptedTerm{
			&types.AcceptedTermMemberVariablePaymentTerm{Value: types.VariablePaymentTerm{Type: typ1, Id: id1, CurrencyCode: aws.String("EUR"),
				MaxTotalChargeAmount: aws.String("5000.00"), Configuration: &types.VariablePaymentTermConfiguration{
					PaymentRequestApprovalStrategy: types.PaymentRequestApprovalStrategyWaitForApproval}}},
			support("offer-e2e-consulting-wait", "Unused hours are refunded."),
		}
	}

	forEachProtocol(t, func(t *testing.T, e *env) {
		seen := map[string]bool{}
		record := func(terms []types.AcceptedTerm) {
			for _, term := range terms {
				if _, unknown := term.(*types.UnknownUnionMember); unknown {
					t.Errorf("a term decoded as an unknown union member: %+v", term)
				}
				seen[fmt.Sprintf("%T", term)] = true
			}
		}
		for id, terms := range want {
			got := termsOf(t, e.seller, id)
			same(t, "the terms of "+id, terms, got)
			record(got)
			// The buyer sees the same terms.
			buyer := e.buyer1
			if id == agmtPayg || id == agmtFixed || id == agmtStorage || id == agmtConsultingWait {
				buyer = e.buyer2
			}
			same(t, "the terms of "+id+" as the buyer", terms, termsOf(t, buyer, id))
		}

		// The configurable upfront term, as the buyer configured it through a quote.
		quote, err := e.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(3)})
		must(t, err)
		accepted, err := e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
		must(t, err)
		got := termsOf(t, e.seller, aws.ToString(accepted.AgreementId))
		typ1, id1 := term(offerReports, 1, "ConfigurableUpfrontPricingTerm")
		typ2, id2 := term(offerReports, 2, "LegalTerm")
		same(t, "the configured terms", []types.AcceptedTerm{
			&types.AcceptedTermMemberConfigurableUpfrontPricingTerm{Value: types.ConfigurableUpfrontPricingTerm{Type: typ1, Id: id1, CurrencyCode: aws.String("USD"),
				RateCards: []types.ConfigurableUpfrontRateCardItem{{
					Selector:    &types.Selector{Type: aws.String("Duration"), Value: aws.String("P12M")},
					Constraints: &types.Constraints{MultipleDimensionSelection: aws.String("Allowed"), QuantityConfiguration: aws.String("Allowed")},
					RateCard:    []types.RateCardItem{{DimensionKey: aws.String("seats"), Price: aws.String("10.00")}},
				}},
				Configuration: &types.ConfigurableUpfrontPricingTermConfiguration{SelectorValue: aws.String("P12M"),
					Dimensions: []types.Dimension{{DimensionKey: aws.String("seats"), DimensionValue: 3}}},
			}},
			&types.AcceptedTermMemberLegalTerm{Value: types.LegalTerm{Type: typ2, Id: id2,
				Documents: []types.DocumentItem{{Type: aws.String("StandardEula"), Version: aws.String("2022-07-14")}}}},
			support(offerReports, "Pro-rated refunds."),
		}, got)
		record(got)

		if len(seen) != 13 {
			t.Errorf("%d of the 13 AcceptedTerm variants decoded: %v", len(seen), seen)
		}
		_, err = e.stranger.GetAgreementTerms(ctx(), &ma.GetAgreementTermsInput{AgreementId: aws.String(agmtContract)})
		wantError[*types.ResourceNotFoundException](t, err)
	})
}
