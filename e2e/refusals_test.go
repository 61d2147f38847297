package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// TestRefusals checks what a refused buyer is told: a reason the model knows, and nothing of a
// private offer's terms.
func TestRefusals(t *testing.T) {
	e := newEnv(t, startServer(t), protocols[0])

	// An AccessDeniedException's reason is one of the model's AccessDeniedExceptionReason values;
	// the message says why.
	t.Run("AccessDeniedReasonIsModelled", func(t *testing.T) {
		_, err := e.seller.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(1)})
		ad := wantError[*types.AccessDeniedException](t, err)
		if !modelled(ad.Reason, types.AccessDeniedExceptionReason("").Values()) {
			t.Errorf("a seller requesting an agreement: AccessDeniedException reason %q is not in the model's enum", ad.Reason)
		}
	})

	// A buyer that a private offer does not target is refused before its requested terms are
	// checked, so the refusal names none of the offer's terms.
	t.Run("PrivateOfferTermsNotLeaked", func(t *testing.T) {
		_, err := e.buyer2.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID("offer-e2e-contract")),
			RequestedTerms:              []types.RequestedTerm{{Id: aws.String("offer-e2e-contract-term-1")}}})
		ad := wantError[*types.AccessDeniedException](t, err)
		if strings.Contains(aws.ToString(ad.Message), "term") {
			t.Errorf("the refusal names the offer's terms: %q", aws.ToString(ad.Message))
		}
	})
}

func modelled[T ~string](v T, values []T) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}
