package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// TestAmendTurnsAutoRenewalOnAndOff amends the buyer's contract in place (intent AMEND) to turn
// its auto-renewal on, then off: the agreement keeps its ID, and DescribeAgreement's end-time
// behaviour follows. An amendment of anything else is UNSUPPORTED_ACTION, and the seller cannot
// amend the buyer's choice.
func TestAmendTurnsAutoRenewalOnAndOff(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		renewal := termID("offer-e2e-contract", 3)
		amend := func(c *ma.Client, on bool) (string, error) {
			quote, err := c.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentAmend,
				SourceAgreementIdentifier: aws.String(agmtContract), RequestedTerms: []types.RequestedTerm{{Id: aws.String(renewal),
					Configuration: &types.RequestedTermConfigurationMemberRenewalTermConfiguration{
						Value: types.RenewalTermConfiguration{EnableAutoRenew: aws.Bool(on)}}}}})
			if err != nil {
				return "", err
			}
			out, err := c.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.AgreementId), nil
		}
		behavior := func() (string, string) {
			out, err := e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)})
			must(t, err)
			if out.EndTimeBehavior == nil {
				return "", ""
			}
			return string(out.EndTimeBehavior.Type), string(out.EndTimeBehavior.ReasonCode)
		}

		id, err := amend(e.buyer1, true)
		must(t, err)
		if id != agmtContract {
			t.Errorf("the amendment made agreement %s, want %s amended in place", id, agmtContract)
		}
		if typ, _ := behavior(); typ != "RENEW" {
			t.Errorf("after turning auto-renewal on the agreement ends with %s", typ)
		}
		_, err = amend(e.buyer1, false)
		must(t, err)
		if typ, reason := behavior(); typ != "EXPIRE" || reason != "ACCEPTOR_RENEW_OPTED_OUT" {
			t.Errorf("after turning auto-renewal off: %s %s", typ, reason)
		}
		if s := agreementStatus(t, e.seller, agmtContract); s != types.AgreementStatusActive {
			t.Errorf("the amended agreement is %s", s)
		}
		_, err = amend(e.seller, true)
		wantError[*types.AccessDeniedException](t, err)
	})
}
