package e2e

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	matypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	mc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// resaleAuthorizationChanges are the maker's changes of AWS's "publish a one-time resale
// authorization for a specific buyer" example: created, released, priced at 1,000.00 for a
// 12-month contract, limited to the buyer, available until the end date.
func resaleAuthorizationChanges(product, reseller, buyer, endDate string) []types.Change {
	ref := "$ResaleAuthorization.Entity.Identifier"
	const entity = "ResaleAuthorization@1.0"
	return []types.Change{
		change("CreateResaleAuthorization", entity, "", "ResaleAuthorization", `{"ProductId": "`+product+`", "Name": "Channel Co resale",
			"Description": "Resale of E2E Resold to Buyer One", "ResellerAccountId": "`+reseller+`"}`),
		change("ReleaseResaleAuthorization", entity, ref, "", `{}`),
		change("UpdatePricingTerms", entity, ref, "", `{"PricingModel": "Contract", "Terms": [{"Type": "ResaleFixedUpfrontPricingTerm",
			"CurrencyCode": "USD", "Price": "1000.00", "Duration": "P12M", "Grants": [{"DimensionKey": "seats", "MaxQuantity": 5}]}]}`),
		change("UpdateBuyerTargetingTerms", entity, ref, "", `{"Terms": [{"Type": "BuyerTargetingTerm", "PositiveTargeting":
			{"BuyerAccounts": [{"BuyerAccountId": "`+buyer+`", "EulaUrl": ""}]}}]}`),
		change("UpdateAvailability", entity, ref, "", `{"AvailabilityEndDate": "`+endDate+`", "OffersMaxQuantity": 1}`),
	}
}

// cppoChanges are the channel partner's changes that make and release its offer with the
// authorization, at price for the 12-month contract.
func cppoChanges(product, authorization, price, endDate string) []types.Change {
	ref := "$CPPO.Entity.Identifier"
	return []types.Change{
		change("CreateOfferUsingResaleAuthorization", "Offer@1.0", "", "CPPO", `{"ProductId": "`+product+`",
			"ResaleAuthorizationId": "`+authorization+`", "Name": "E2E Resold for Buyer One"}`),
		change("UpdatePricingTerms", "Offer@1.0", ref, "", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm",
			"CurrencyCode": "USD", "Price": "`+price+`", "Duration": "P12M", "Grants": [{"DimensionKey": "seats", "MaxQuantity": 5}]}]}`),
		change("UpdateAvailability", "Offer@1.0", ref, "", `{"AvailabilityEndDate": "`+endDate+`"}`),
		change("ReleaseOffer", "Offer@1.0", ref, "", `{}`),
	}
}

// TestCPPOThroughTheCatalogWithTheSDK: with no offer in the scenario, the maker authorizes the
// channel partner through the Catalog API; the partner finds the authorization shared with it,
// is refused an offer below the wholesale price, then releases one at 1,200.00 to the buyer the
// authorization names. The buyer accepts it through the Agreement API; the partner, seller of
// record, refunds 600.00 of the invoice; after the pay day both are paid to the cent at 3.5%
// (the maker 1,000.00 - 35.00 less half: 482.50; the partner 200.00 - 7.00 less half: 96.50),
// and mercato check passes when the server stops.
func TestCPPOThroughTheCatalogWithTheSDK(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "resale-catalog.yaml")
	isv, reseller := catalogClient(srv, maker), catalogClient(srv, partner)

	cs := succeeded(t, srv, isv, start(t, isv, resaleAuthorizationChanges("prod-e2e-resold", partner.ID, buyer1.ID, "2026-12-31")...))
	authorization := aws.ToString(cs.ChangeSet[0].Entity.Identifier)
	if !strings.HasPrefix(authorization, "resaleauthz-") {
		t.Fatalf("the authorization's ID is %q", authorization)
	}
	own, err := isv.ListEntities(ctx(), &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String("ResaleAuthorization")})
	must(t, err)
	if len(own.EntitySummaryList) != 1 || own.EntitySummaryList[0].ResaleAuthorizationSummary == nil ||
		aws.ToString(own.EntitySummaryList[0].ResaleAuthorizationSummary.ResellerAccountID) != partner.ID ||
		own.EntitySummaryList[0].ResaleAuthorizationSummary.Status != types.ResaleAuthorizationStatusStringActive {
		t.Errorf("the maker's resale authorizations: %+v", own.EntitySummaryList)
	}
	shared, err := reseller.ListEntities(ctx(), &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"),
		EntityType: aws.String("ResaleAuthorization"), OwnershipType: types.OwnershipTypeShared})
	must(t, err)
	if len(shared.EntitySummaryList) != 1 || aws.ToString(shared.EntitySummaryList[0].EntityId) != authorization {
		t.Fatalf("shared with the partner: %+v", shared.EntitySummaryList)
	}
	described, err := reseller.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(authorization)})
	must(t, err)
	if aws.ToString(described.EntityType) != "ResaleAuthorization@1.0" || !strings.Contains(aws.ToString(described.Details), `"Price":"1000.00"`) {
		t.Errorf("the partner's DescribeEntity: %s %s", aws.ToString(described.EntityType), aws.ToString(described.Details))
	}

	below := settle(t, srv, reseller, start(t, reseller, cppoChanges("prod-e2e-resold", authorization, "999.00", "2026-03-31")...))
	if below.Status != types.ChangeStatusFailed || errorCode(below, 3) != "INVALID_PRICE" {
		t.Errorf("an offer below wholesale: %s %q", below.Status, errorCode(below, 3))
	}
	cs = succeeded(t, srv, reseller, start(t, reseller, cppoChanges("prod-e2e-resold", authorization, "1200.00", "2026-03-31")...))
	offerID := aws.ToString(cs.ChangeSet[0].Entity.Identifier)

	agreementID := acceptThroughDiscovery(t, srv, offerID)
	e := newEnv(t, srv, protocols[0])
	seller := e.client(partner)
	got, err := seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agreementID)})
	must(t, err)
	if aws.ToString(got.Proposer.AccountId) != partner.ID {
		t.Errorf("the agreement's proposer is %s, want the partner", aws.ToString(got.Proposer.AccountId))
	}

	srv.advance(t, "1h") // the upfront invoice is issued
	invs := lineItems(t, seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agreementID), InvoiceType: matypes.InvoiceTypeInvoice})
	if len(invs) != 1 {
		t.Fatalf("the CPPO has %d invoices, want 1", len(invs))
	}
	out, err := batch(t, seller, matypes.BatchCreateBillingAdjustmentRequestEntry{
		AgreementId: aws.String(agreementID), OriginalInvoiceId: invs[0].InvoiceId, AdjustmentAmount: aws.String("600.00"),
		CurrencyCode: aws.String("USD"), AdjustmentReasonCode: matypes.BillingAdjustmentReasonCodeBuyerDissatisfaction,
		ClientToken: aws.String("e2e-catalog-cppo-refund")})
	must(t, err)
	if len(out.Items) != 1 || len(out.Errors) != 0 {
		t.Fatalf("the partner's refund: %d items, errors %+v", len(out.Items), out.Errors)
	}

	srv.advance(t, "1000h") // past the next pay days: the refund completes, both are paid
	for _, want := range []struct{ seller, disbursed string }{{maker.ID, "482.50"}, {partner.ID, "96.50"}} {
		r := reconciliation(t, srv, want.seller)
		if r["disbursed"] != want.disbursed || r["balanced"] != "true" || r["closing_balance"] != "0.00" {
			t.Errorf("reconciliation of %s = %v, want %s disbursed and balanced", want.seller, r, want.disbursed)
		}
	}
}

// acceptThroughDiscovery has buyer one find the offer's proposal and terms through Discovery
// and accept them through the Agreement API; it returns the agreement's ID.
func acceptThroughDiscovery(t *testing.T, srv *server, offerID string) string {
	t.Helper()
	status, got := discovery(t, srv, buyer1, "getOffer", map[string]string{"offerId": offerID})
	if status != http.StatusOK || got["agreementProposalId"] != proposalID(offerID) {
		t.Fatalf("buyer one's GetOffer: %d %v", status, got)
	}
	requested := offerTerms(t, srv, buyer1, offerID)
	buyer := newEnv(t, srv, protocols[0]).buyer1
	quote, err := buyer.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offerID)), RequestedTerms: requested})
	must(t, err)
	accepted, err := buyer.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
	must(t, err)
	if aws.ToString(accepted.AgreementId) == "" {
		t.Fatal("no agreement ID")
	}
	return aws.ToString(accepted.AgreementId)
}
