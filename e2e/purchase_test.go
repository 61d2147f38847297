package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

const offerReports = "offer-e2e-reports" // configurable upfront: 10.00 USD a seat for P12M, plus a legal term

// reportsTerms requests both terms of offer-e2e-reports with a number of seats for a year.
func reportsTerms(seats int32) []types.RequestedTerm {
	return []types.RequestedTerm{
		{Id: aws.String(termID(offerReports, 1)), Configuration: &types.RequestedTermConfigurationMemberConfigurableUpfrontPricingTermConfiguration{
			Value: types.ConfigurableUpfrontPricingTermConfiguration{SelectorValue: aws.String("P12M"),
				Dimensions: []types.Dimension{{DimensionKey: aws.String("seats"), DimensionValue: seats}}}}},
		{Id: aws.String(termID(offerReports, 2))},
	}
}

func TestAgreementRequests(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		in := &ma.CreateAgreementRequestInput{
			Intent:                      types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)),
			RequestedTerms:              reportsTerms(5),
			TaxConfiguration:            &types.TaxConfiguration{TaxEstimation: types.TaxEstimationEnabled},
			ClientToken:                 aws.String("e2e-quote-1"),
		}
		quote, err := e.buyer1.CreateAgreementRequest(ctx(), in)
		must(t, err)
		requestID := aws.ToString(quote.AgreementRequestId)
		if !strings.HasPrefix(requestID, "ar-") || len(quote.ChargeSummary.ExpectedCharges) != 1 {
			t.Fatalf("quote %s with %d expected charges", requestID, len(quote.ChargeSummary.ExpectedCharges))
		}
		chargeID := aws.ToString(quote.ChargeSummary.ExpectedCharges[0].Id)
		// 5 seats at 10.00, due on acceptance; Washington sales tax of 6.5%.
		same(t, "the charge summary", &types.ChargeSummary{
			CurrencyCode: aws.String("USD"), NewAgreementValue: aws.String("50.00"), NewAgreementValueAfterTax: aws.String("53.25"),
			ExpectedCharges: []types.ExpectedCharge{{Id: aws.String(chargeID), Time: &scenarioNow, Amount: aws.String("50.00"),
				AmountAfterTax: aws.String("53.25"), Timing: types.TimingOnAcceptance, EstimatedTaxes: &types.EstimatedTaxes{TotalAmount: aws.String("3.25")}}},
			EstimatedTaxes:  &types.EstimatedTaxes{TotalAmount: aws.String("3.25"), Breakdown: []types.TaxBreakdownItem{{Amount: aws.String("3.25"), Rate: aws.String("6.50"), Type: aws.String("ST")}}},
			ItemizedCharges: []types.ItemizedCharge{{DimensionKey: aws.String("seats"), NewQuantity: aws.Int32(5), OldQuantity: aws.Int32(0)}},
			InvoicingEntity: &types.InvoicingEntity{LegalName: aws.String("Mercato Marketplace, Inc.")},
		}, quote.ChargeSummary)

		// The same client token returns the same quote; with other terms it is a conflict.
		again, err := e.buyer1.CreateAgreementRequest(ctx(), in)
		must(t, err)
		if id := aws.ToString(again.AgreementRequestId); id != requestID {
			t.Errorf("replay returned %s, want %s", id, requestID)
		}
		other := *in
		other.RequestedTerms = reportsTerms(6)
		_, err = e.buyer1.CreateAgreementRequest(ctx(), &other)
		wantError[*types.ConflictException](t, err)

		// Quotes the marketplace refuses (before the buyer holds the contract, which would be refused first).
		for name, c := range map[string]struct {
			in     ma.CreateAgreementRequestInput
			reason types.ValidationExceptionReason
		}{
			"missing term": {ma.CreateAgreementRequestInput{Intent: types.IntentNew, AgreementProposalIdentifier: aws.String(proposalID(offerReports)),
				RequestedTerms: reportsTerms(1)[:1]}, types.ValidationExceptionReasonMissingMandatoryTerms},
			"missing configuration": {ma.CreateAgreementRequestInput{Intent: types.IntentNew, AgreementProposalIdentifier: aws.String(proposalID(offerReports)),
				RequestedTerms: []types.RequestedTerm{{Id: aws.String(termID(offerReports, 1))}, {Id: aws.String(termID(offerReports, 2))}}},
				types.ValidationExceptionReasonMissingRequestedTermConfiguration},
			"NEW with a source": {ma.CreateAgreementRequestInput{Intent: types.IntentNew, AgreementProposalIdentifier: aws.String(proposalID(offerReports)),
				SourceAgreementIdentifier: aws.String(agmtContract), RequestedTerms: reportsTerms(1)}, types.ValidationExceptionReasonInvalidSourceAgreementIdentifier},
			"AMEND": {ma.CreateAgreementRequestInput{Intent: types.IntentAmend, SourceAgreementIdentifier: aws.String(agmtContract),
				RequestedTerms: reportsTerms(1)}, types.ValidationExceptionReasonUnsupportedAction},
		} {
			_, err := e.buyer1.CreateAgreementRequest(ctx(), &c.in)
			if ve := wantError[*types.ValidationException](t, err); ve.Reason != c.reason {
				t.Errorf("%s: reason %q, want %s", name, ve.Reason, c.reason)
			}
		}

		// Someone else cannot accept the buyer's quote.
		_, err = e.buyer2.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: aws.String(requestID)})
		if nf := wantError[*types.ResourceNotFoundException](t, err); nf.ResourceType != types.ResourceTypeAgreementRequest {
			t.Errorf("another buyer accepting: resource type %q", nf.ResourceType)
		}

		accepted, err := e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: aws.String(requestID),
			PurchaseOrders: []types.PurchaseOrder{{ChargeId: aws.String(chargeID), PurchaseOrderReference: aws.String("PO-7")}}})
		must(t, err)
		agreementID := aws.ToString(accepted.AgreementId)
		if !strings.HasPrefix(agreementID, "agmt-") {
			t.Fatalf("accepted agreement ID %q", agreementID)
		}
		again2, err := e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: aws.String(requestID)})
		must(t, err)
		if aws.ToString(again2.AgreementId) != agreementID {
			t.Errorf("accepting again made %s, want %s", aws.ToString(again2.AgreementId), agreementID)
		}
		ag, err := e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agreementID)})
		must(t, err)
		if ag.Status != types.AgreementStatusActive || aws.ToString(ag.ProposalSummary.OfferId) != offerReports ||
			aws.ToString(ag.EstimatedCharges.AgreementValue) != "50.00" || !ag.EndTime.Equal(*at("2027-03-01T00:00:00Z")) ||
			aws.ToString(ag.Acceptor.AccountId) != buyer1.ID {
			t.Errorf("the new agreement: %s offer %s value %s end %v", ag.Status, aws.ToString(ag.ProposalSummary.OfferId),
				aws.ToString(ag.EstimatedCharges.AgreementValue), ag.EndTime)
		}
		cs := charges(t, e.buyer1, agreementID)
		if len(cs) != 1 || aws.ToString(cs[0].Id) != chargeID || aws.ToString(cs[0].PurchaseOrderReference) != "PO-7" || aws.ToString(cs[0].Amount) != "50.00" {
			t.Errorf("the new agreement's charges: %+v", cs)
		}
		terms, err := e.buyer1.GetAgreementTerms(ctx(), &ma.GetAgreementTermsInput{AgreementId: aws.String(agreementID)})
		must(t, err)
		cu, ok := terms.AcceptedTerms[0].(*types.AcceptedTermMemberConfigurableUpfrontPricingTerm)
		if !ok || cu.Value.Configuration == nil || cu.Value.Configuration.Dimensions[0].DimensionValue != 5 {
			t.Errorf("the configured term: %#v", terms.AcceptedTerms[0])
		}

		_, err = e.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String("ap-000000000000000000000000"), RequestedTerms: reportsTerms(1)})
		if nf := wantError[*types.ResourceNotFoundException](t, err); nf.ResourceType != types.ResourceTypeAgreementProposal {
			t.Errorf("unknown proposal: resource type %q", nf.ResourceType)
		}
		// A second active contract for the same product.
		_, err = e.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(1)})
		if ce := wantError[*types.ConflictException](t, err); aws.ToString(ce.ResourceId) != agreementID {
			t.Errorf("duplicate contract: conflict on %q, want %s", aws.ToString(ce.ResourceId), agreementID)
		}
		// The seller is no buyer.
		_, err = e.seller.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(1)})
		wantError[*types.AccessDeniedException](t, err)

		// REPLACE: more seats; the old agreement ends as REPLACED and heads the chain.
		quote, err = e.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentReplace,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), SourceAgreementIdentifier: aws.String(agreementID),
			RequestedTerms: reportsTerms(8)})
		must(t, err)
		if v := aws.ToString(quote.ChargeSummary.NewAgreementValue); v != "80.00" || quote.ChargeSummary.NewAgreementValueAfterTax != nil {
			t.Errorf("replacement quote: value %s, after tax %v (tax estimation is off by default)", v, quote.ChargeSummary.NewAgreementValueAfterTax)
		}
		replaced, err := e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
		must(t, err)
		old, err := e.buyer1.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agreementID)})
		must(t, err)
		if old.Status != types.AgreementStatusReplaced || old.EndTimeBehavior.Type != types.EndTimeBehaviorTypeReplace {
			t.Errorf("the replaced agreement: %s, end behaviour %s", old.Status, old.EndTimeBehavior.Type)
		}
		next, err := e.buyer1.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: replaced.AgreementId})
		must(t, err)
		if aws.ToString(next.InitialAgreementId) != agreementID || next.Status != types.AgreementStatusActive {
			t.Errorf("the replacement: initial agreement %s, status %s", aws.ToString(next.InitialAgreementId), next.Status)
		}
	})
}
