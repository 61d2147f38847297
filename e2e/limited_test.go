package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// limitReports makes prod-e2e-reports a limited listing that allow-lists the accounts, through
// the Catalog API as a seller does, and waits for the change set to succeed.
func limitReports(t *testing.T, srv *server, accounts ...string) {
	t.Helper()
	cat := catalogClient(srv, seller)
	list := `["` + strings.Join(accounts, `", "`) + `"]`
	succeeded(t, srv, cat, start(t, cat,
		change("UpdateVisibility", "SaaSProduct@1.0", "prod-e2e-reports", "", `{"TargetVisibility": "Limited"}`),
		change("UpdateTargeting", "SaaSProduct@1.0", "prod-e2e-reports", "", `{"PositiveTargeting": {"BuyerAccounts": `+list+`}}`)))
}

// TestLimitedListingThroughTheAgreementAPI: once the seller limits a product to buyer one, buyer
// two cannot quote its public offer (ResourceNotFoundException, the reason in its message) nor
// find it through Discovery, while buyer one quotes and accepts it.
func TestLimitedListingThroughTheAgreementAPI(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		limitReports(t, e.srv, buyer1.ID)

		in := &ma.CreateAgreementRequestInput{Intent: types.IntentNew, AgreementProposalIdentifier: aws.String(proposalID(offerReports)),
			RequestedTerms: reportsTerms(3)}
		_, err := e.buyer2.CreateAgreementRequest(ctx(), in)
		nf := wantError[*types.ResourceNotFoundException](t, err)
		if nf.ResourceType != types.ResourceTypeAgreementProposal || !strings.Contains(aws.ToString(nf.Message), "limited listing") {
			t.Errorf("buyer two quoting: %s %q", nf.ResourceType, aws.ToString(nf.Message))
		}
		if status, out := discovery(t, e.srv, buyer2, "getOffer", map[string]any{"offerId": offerReports}); status != 404 ||
			out["__type"] != "ResourceNotFoundException" {
			t.Errorf("buyer two's GetOffer: %d %v", status, out)
		}

		quote, err := e.buyer1.CreateAgreementRequest(ctx(), in)
		must(t, err)
		accepted, err := e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
		must(t, err)
		ag, err := e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: accepted.AgreementId})
		must(t, err)
		if ag.Status != types.AgreementStatusActive || aws.ToString(ag.Acceptor.AccountId) != buyer1.ID {
			t.Errorf("the allow-listed buyer's agreement: %s, acceptor %s", ag.Status, aws.ToString(ag.Acceptor.AccountId))
		}
	})
}

// TestLimitedListingWithBoto3 runs e2e/python/limited.py: boto3's Discovery client as a buyer
// outside a limited listing's allow-list and as one on it. Skips as TestDiscoveryWithBoto3 does.
func TestLimitedListingWithBoto3(t *testing.T) {
	python := boto3Discovery(t)

	srv := startServer(t)
	limitReports(t, srv, buyer1.ID)
	runPython(t, python, "limited.py", 6, "MERCATO_URL="+srv.URL,
		"MERCATO_BUYER_ACCESS_KEY_ID="+buyer1.KeyID, "MERCATO_BUYER_SECRET_ACCESS_KEY="+buyer1.Secret,
		"MERCATO_OTHER_ACCESS_KEY_ID="+buyer2.KeyID, "MERCATO_OTHER_SECRET_ACCESS_KEY="+buyer2.Secret)
}
