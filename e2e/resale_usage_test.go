package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	matypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	mc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering"
	mtypes "github.com/aws/aws-sdk-go-v2/service/marketplacemetering/types"
)

// usageAuthorizationChanges are the maker's changes that authorize the partner to resell its
// metered product to the buyer at 0.10 per API call, with its EULA and refund policy.
func usageAuthorizationChanges(product, reseller, buyer string) []types.Change {
	ref := "$ResaleAuthorization.Entity.Identifier"
	const entity = "ResaleAuthorization@1.0"
	return []types.Change{
		change("CreateResaleAuthorization", entity, "", "ResaleAuthorization", `{"ProductId": "`+product+`", "Name": "Metered resale",
			"Description": "Pay as you go through Channel Co", "ResellerAccountId": "`+reseller+`"}`),
		change("UpdatePricingTerms", entity, ref, "", `{"PricingModel": "Usage", "Terms": [{"Type": "ResaleUsageBasedPricingTerm",
			"CurrencyCode": "USD", "RateCards": [{"RateCard": [{"DimensionKey": "api_calls", "Price": "0.10"}]}]}]}`),
		change("UpdateLegalTerms", entity, ref, "", `{"Terms": [{"Type": "ResaleLegalTerm", "Documents": [{"Type": "CustomEula", "Url": "https://example.com/eula.pdf"}]}]}`),
		change("UpdateSupportTerms", entity, ref, "", `{"Terms": [{"Type": "ResaleSupportTerm", "RefundPolicy": "No refunds of metered usage."}]}`),
		change("UpdateBuyerTargetingTerms", entity, ref, "", `{"Terms": [{"Type": "BuyerTargetingTerm", "PositiveTargeting":
			{"BuyerAccounts": [{"BuyerAccountId": "`+buyer+`"}]}}]}`),
		change("UpdateAvailability", entity, ref, "", `{"AvailabilityEndDate": "2026-12-31"}`),
		change("ReleaseResaleAuthorization", entity, ref, "", `{}`),
	}
}

// markupChanges are the partner's changes that make its offer with the authorization, marked
// up by pct, and release it: a new offer, or one that replaces agreement (when not empty).
func markupChanges(authorization, agreement, pct, endDate string) []types.Change {
	ref := "$CPPO.Entity.Identifier"
	create := change("CreateOfferUsingResaleAuthorization", "Offer@1.0", "", "CPPO", `{"ResaleAuthorizationId": "`+authorization+`", "Name": "Metered for Buyer One"}`)
	if agreement != "" {
		create = change("CreateReplacementOfferUsingResaleAuthorization", "Offer@1.0", "", "CPPO",
			`{"AgreementId": "`+agreement+`", "ResaleAuthorizationId": "`+authorization+`"}`)
	}
	return []types.Change{
		create,
		change("UpdateInformation", "Offer@1.0", ref, "", `{"Name": "Metered for Buyer One", "Description": "Pay as you go"}`),
		change("UpdateMarkup", "Offer@1.0", ref, "", `{"Markup": {"Percentage": "`+pct+`"}}`),
		change("UpdateAvailability", "Offer@1.0", ref, "", `{"AvailabilityEndDate": "`+endDate+`"}`),
		change("ReleaseOffer", "Offer@1.0", ref, "", `{}`),
	}
}

// meter has the account meter calls API calls of buyer one at now; it returns the record's status.
func meter(t *testing.T, srv *server, a account, calls int32, now time.Time) (mtypes.UsageRecordResultStatus, error) {
	t.Helper()
	out, err := meteringClient(srv, a).BatchMeterUsage(ctx(), &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("prod-e2e-metered"),
		UsageRecords: []mtypes.UsageRecord{{CustomerAWSAccountId: aws.String(buyer1.ID), Dimension: aws.String("api_calls"),
			Quantity: aws.Int32(calls), Timestamp: aws.Time(now)}}})
	if err != nil {
		return "", err
	}
	if len(out.Results) != 1 {
		return "", nil
	}
	return out.Results[0].Status, nil
}

// TestUsageCPPOWithTheSDK: the maker authorizes its metered product at 0.10 per call; the
// partner marks it up 25% (0.125) and the buyer accepts. The maker, whose product it is,
// meters 1,234 calls (the partner may not: AWS has the ISV meter a resold SaaS product).
// March's bill of 154.25 gives the maker 123.40 less its 3.5% fee of 4.32, and the partner
// 30.85 less 1.08 (the bill's fee is 5.39875 -> 5.40). The partner then replaces the agreement
// with an offer made with the authorization, marked up 50% (0.15), which the buyer accepts;
// both are paid to the cent, and mercato check passes when the server stops.
func TestUsageCPPOWithTheSDK(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "resale-usage.yaml")
	isv, reseller := catalogClient(srv, maker), catalogClient(srv, partner)

	cs := succeeded(t, srv, isv, start(t, isv, usageAuthorizationChanges("prod-e2e-metered", partner.ID, buyer1.ID)...))
	authorization := aws.ToString(cs.ChangeSet[0].Entity.Identifier)
	described, err := reseller.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(authorization)})
	must(t, err)
	if d := aws.ToString(described.Details); !strings.Contains(d, `"ResaleUsageBasedPricingTerm"`) || !strings.Contains(d, `"ResaleLegalTerm"`) {
		t.Errorf("the partner's DescribeEntity of the authorization: %s", d)
	}

	cs = succeeded(t, srv, reseller, start(t, reseller, markupChanges(authorization, "", "25", "2026-03-31")...))
	offerID := aws.ToString(cs.ChangeSet[0].Entity.Identifier)
	offer, err := reseller.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(offerID)})
	must(t, err)
	if d := aws.ToString(offer.Details); !strings.Contains(d, `"Price":"0.125"`) || !strings.Contains(d, `"CustomEula"`) {
		t.Errorf("the marked-up offer: %s", d)
	}
	agreementID := acceptThroughDiscovery(t, srv, offerID)

	now := srv.advance(t, "1h")
	if status, err := meter(t, srv, partner, 1234, now); err == nil && status == mtypes.UsageRecordResultStatusSuccess {
		t.Errorf("the partner metered the maker's product")
	}
	status, err := meter(t, srv, maker, 1234, now)
	must(t, err)
	if status != mtypes.UsageRecordResultStatusSuccess {
		t.Fatalf("the maker's metering: %s", status)
	}

	srv.advance(t, "768h") // past the end of March: the month's bill is issued
	seller := newEnv(t, srv, protocols[0]).client(partner)
	invs := lineItems(t, seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agreementID), InvoiceType: matypes.InvoiceTypeInvoice})
	var billed []string
	for _, it := range invs {
		billed = append(billed, aws.ToString(it.PricingCurrencyAmount.Amount))
	}
	if len(invs) != 1 || billed[0] != "154.25" {
		t.Errorf("March's bill: %v, want 154.25", billed)
	}

	cs = succeeded(t, srv, reseller, start(t, reseller, markupChanges(authorization, agreementID, "50", "2026-12-31")...))
	replacementID := aws.ToString(cs.ChangeSet[0].Entity.Identifier)
	buyer := newEnv(t, srv, protocols[0]).buyer1
	quote, err := buyer.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentReplace,
		AgreementProposalIdentifier: aws.String(proposalID(replacementID)), SourceAgreementIdentifier: aws.String(agreementID),
		RequestedTerms: offerTerms(t, srv, buyer1, replacementID)})
	must(t, err)
	accepted, err := buyer.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
	must(t, err)
	old, err := seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agreementID)})
	must(t, err)
	next, err := seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: accepted.AgreementId})
	must(t, err)
	if old.Status != matypes.AgreementStatusReplaced || next.Status != matypes.AgreementStatusActive || aws.ToString(next.Proposer.AccountId) != partner.ID {
		t.Errorf("after the replacement: old %s, new %s by %s", old.Status, next.Status, aws.ToString(next.Proposer.AccountId))
	}

	srv.advance(t, "1000h") // past the next pay days
	for _, want := range []struct{ seller, disbursed string }{{maker.ID, "119.08"}, {partner.ID, "29.77"}} {
		r := reconciliation(t, srv, want.seller)
		if r["disbursed"] != want.disbursed || r["balanced"] != "true" || r["closing_balance"] != "0.00" {
			t.Errorf("reconciliation of %s = %v, want %s disbursed and balanced", want.seller, r, want.disbursed)
		}
	}
}
