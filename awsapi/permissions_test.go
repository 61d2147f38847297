package awsapi_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"

	"mercato"
	"mercato/awsapi"
)

// The handler asks the Verifier's Permissions for each call's IAM action (aws-marketplace: and
// the operation) on the resource its input names (an agreement's ARN, or *), with the signing
// key; a refusal is AccessDeniedException in the client's protocol, with its message.
func TestPermissionsAskedPerCall(t *testing.T) {
	type ask struct{ key, action, resource string }
	var mu sync.Mutex
	var asked []ask
	perms := awsapi.PermissionsFunc(func(_ context.Context, key, action, resource string) error {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, ask{key, action, resource})
		if action == "aws-marketplace:SearchAgreements" {
			return &mercato.Error{Code: mercato.EForbidden, Message: "User: x is not authorized to perform: " + action}
		}
		return nil
	})
	e := newEnv(t, "", func(c *awsapi.Config) { c.Auth.(*awsapi.Verifier).Permissions = perms })
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			asked = nil
			c := newClient(e.endpoint(), p.opts...)
			if _, err := c.DescribeAgreement(context.Background(), &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-1")}); err != nil {
				t.Fatal(err)
			}
			_, err := c.SearchAgreements(context.Background(), &marketplaceagreement.SearchAgreementsInput{})
			var ad *types.AccessDeniedException
			if !errors.As(err, &ad) || aws.ToString(ad.Message) != "User: x is not authorized to perform: aws-marketplace:SearchAgreements" {
				t.Errorf("refused call: %v", err)
			}
			want := []ask{
				{keyOf(buyer).ID, "aws-marketplace:DescribeAgreement", "arn:aws:aws-marketplace:us-east-1:" + buyer.ID + ":AWSMarketplace/Agreement/agmt-1"},
				{keyOf(buyer).ID, "aws-marketplace:SearchAgreements", "*"},
			}
			if len(asked) != len(want) || asked[0] != want[0] || asked[1] != want[1] {
				t.Errorf("asked %+v\nwant %+v", asked, want)
			}
		})
	}
}
