package e2e

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	matypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// TestCountryTargeting: an offer the seller targets at two buyers in the United States only (the
// Catalog's UpdateTargeting, PositiveTargeting.CountryCodes) is seen and accepted by the one in
// the United States (its tax jurisdiction is US-WA); the one in Germany does not find it through
// Discovery and is refused it by the Agreement API, with the reason.
func TestCountryTargeting(t *testing.T) {
	srv := startServer(t)
	cat := catalogClient(srv, seller)
	changes := privateOfferChanges("prod-e2e-storage", buyer1.ID, "2026-04-30")
	changes[2] = change("UpdateTargeting", "Offer@1.0", "$NewOffer.Entity.Identifier", "",
		`{"PositiveTargeting": {"BuyerAccounts": ["`+buyer1.ID+`", "`+buyer2.ID+`"], "CountryCodes": ["US"]}}`)
	cs := succeeded(t, srv, cat, start(t, cat, changes...))
	offerID := aws.ToString(cs.ChangeSet[0].Entity.Identifier)

	if status, got := discovery(t, srv, buyer2, "getOffer", map[string]string{"offerId": offerID}); status != http.StatusNotFound {
		t.Errorf("the German buyer's GetOffer: %d %v, want 404", status, got)
	}
	status, got := discovery(t, srv, buyer1, "getOffer", map[string]string{"offerId": offerID})
	if status != http.StatusOK || got["agreementProposalId"] != proposalID(offerID) {
		t.Fatalf("the US buyer's GetOffer: %d %v", status, got)
	}
	requested := offerTerms(t, srv, buyer1, offerID)
	agr := newEnv(t, srv, protocols[0])
	_, err := agr.buyer2.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offerID)), RequestedTerms: requested})
	denied, ok := errors.AsType[*matypes.AccessDeniedException](err)
	if !ok || !strings.Contains(denied.ErrorMessage(), "not available to buyers in DE") {
		t.Errorf("the German buyer's CreateAgreementRequest: %v, want AccessDeniedException naming its country", err)
	}
	quote, err := agr.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offerID)), RequestedTerms: requested})
	must(t, err)
	accepted, err := agr.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
	must(t, err)
	if s := agreementStatus(t, agr.seller, aws.ToString(accepted.AgreementId)); s != matypes.AgreementStatusActive {
		t.Errorf("the US buyer's agreement is %s", s)
	}
}
