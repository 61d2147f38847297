package service_test

import (
	"context"
	"strings"
	"testing"

	"mercato"
	"mercato/iam"
	"mercato/scenario"
)

// A key's policy conditions see the marketplace's clock (the simulated one in the sandbox), the
// principal, the caller's side of an agreement, a catalog resource's tags and what the transport
// puts in the request's context.
func TestAuthorizeSeesRequestContext(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.keyedMarketplace()
		a := e.accept("offer-public", buyer)
		agreementARN := "arn:aws:aws-marketplace:us-east-1:" + seller + ":AWSMarketplace/Agreement/" + a.ID
		key := func(account, policy string) string {
			t.Helper()
			k, err := e.svc.CreateAccessKey(e.ctx, account, account, policy)
			if err != nil {
				t.Fatal(err)
			}
			return k.ID
		}
		until := key(seller, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*",
			"Condition":{"DateLessThan":{"aws:CurrentTime":"2026-03-01T00:00:00Z"},"StringEquals":{"aws:PrincipalAccount":"`+seller+`"}}}]}`)
		offers := key(seller, "AWSMarketplaceSellerOfferManagement")
		buyerOffers := key(buyer, "AWSMarketplaceSellerOfferManagement")
		tls := key(seller, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`)
		tagged := key(seller, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:DescribeEntity","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Team":"pricing"}}}]}`)
		if err := e.svc.TagResource(e.ctx, seller, offerARN(seller, "offer-public"), []mercato.Tag{{Key: "team", Value: "pricing"}}); err != nil {
			t.Fatal(err)
		}
		overTLS := iam.Keys{}
		overTLS.Set("aws:SecureTransport", "true")

		check := func(name string, ctx context.Context, keyID, action, resource string, want mercato.ErrorCode) {
			t.Helper()
			if got := mercato.ErrorCodeOf(e.svc.Authorize(ctx, keyID, action, resource)); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
		check("before the date", e.ctx, until, "aws-marketplace:DescribeAgreement", "*", "")
		check("the seller, proposer of the agreement, reads it", e.ctx, offers, "aws-marketplace:DescribeAgreement", agreementARN, "")
		check("the buyer is the acceptor: AWS's seller policy does not let it read", e.ctx, buyerOffers, "aws-marketplace:DescribeAgreement", agreementARN, mercato.EForbidden)
		check("no agreement named: no party type", e.ctx, offers, "aws-marketplace:DescribeAgreement", "*", mercato.EForbidden)
		check("an agreement that does not exist", e.ctx, offers, "aws-marketplace:DescribeAgreement", agreementARN+"x", mercato.EForbidden)
		check("without TLS in the context", e.ctx, tls, "aws-marketplace:DescribeEntity", "*", mercato.EForbidden)
		check("with the transport's keys", iam.WithRequestKeys(e.ctx, overTLS), tls, "aws-marketplace:DescribeEntity", "*", "")
		check("a tagged offer (tag keys match regardless of case)", e.ctx, tagged, "aws-marketplace:DescribeEntity", offerARN(seller, "offer-public"), "")
		check("an untagged offer", e.ctx, tagged, "aws-marketplace:DescribeEntity", offerARN(seller, "offer-private"), mercato.EForbidden)

		e.advanceTo(day(2026, 3, 1))
		check("once the clock reaches the date", e.ctx, until, "aws-marketplace:DescribeAgreement", "*", mercato.EForbidden)
	})
}

func offerARN(seller, id string) string {
	return "arn:aws:aws-marketplace:us-east-1:" + seller + ":AWSMarketplace/Offer/" + id
}

// A scenario file's key may carry a policy with a Condition (such a policy used to be refused
// when the scenario applied); the condition then decides.
func TestScenarioKeyWithACondition(t *testing.T) {
	e := newEnv(t)
	sc, err := scenario.Parse([]byte(`accounts:
  - id: "` + seller + `"
    name: Acme
    roles: [seller]
    accessKeys:
      - id: AKIACONDITION0000001
        secret: condition-secret
        policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*",
          "Condition":{"StringEquals":{"aws:PrincipalAccount":"` + seller + `"},"DateLessThan":{"aws:CurrentTime":"2026-01-02T00:00:00Z"}}}]}'
`))
	if err != nil {
		t.Fatal(err)
	}
	e.apply(sc)
	if err := e.svc.Authorize(e.ctx, "AKIACONDITION0000001", "aws-marketplace:ListEntities", "*"); err != nil {
		t.Errorf("while the condition holds: %v", err)
	}
	e.advanceTo(day(2026, 1, 2))
	if err := e.svc.Authorize(e.ctx, "AKIACONDITION0000001", "aws-marketplace:ListEntities", "*"); mercato.ErrorCodeOf(err) != mercato.EForbidden {
		t.Errorf("once the date passed: %v, want EForbidden", err)
	}

	bad := sc
	bad.Accounts = []mercato.Account{sc.Accounts[0]}
	bad.Accounts[0].AccessKeys = []mercato.AccessKey{{ID: "AKIACONDITION0000002", Secret: "s",
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"DateBefore":{"aws:CurrentTime":"2026"}}}]}`}}
	err = e.svc.ApplyScenario(e.ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "Statement[0].Condition.DateBefore") {
		t.Errorf("an unknown operator: %v, want a refusal naming Statement[0].Condition.DateBefore", err)
	}
}
