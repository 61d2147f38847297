package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	mc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// deniedOn checks that err is the Catalog's AccessDeniedException for StartChangeSet on
// resource.
func deniedOn(t *testing.T, err error, what, resource string) {
	t.Helper()
	ad := wantError[*mctypes.AccessDeniedException](t, err)
	if want := "aws-marketplace:StartChangeSet on resource: " + resource + " "; !strings.Contains(aws.ToString(ad.Message), want) {
		t.Errorf("%s: %q, want it to name %q", what, aws.ToString(ad.Message), want)
	}
}

// TestPolicyConditionsWithTheSDK: keys whose policies have conditions and resource ARNs, used
// through the Go SDK's Catalog client, are allowed and refused as IAM would: by the change
// types of a change set, by the offer a change names, by the sandbox's clock, and AWS's managed
// offer-management policy creates and releases a private offer but changes no product.
func TestPolicyConditionsWithTheSDK(t *testing.T) {
	srv := startServer(t)
	full := catalogClient(srv, seller)
	changeSet := "arn:aws:aws-marketplace:us-east-1:" + seller.ID + ":AWSMarketplace/ChangeSet/*"

	// Only change sets all of whose change types are listed.
	drafts := catalogClient(srv, newKey(t, srv, seller, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"aws-marketplace:DescribeChangeSet","Resource":"*"},
		{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*","Condition":{"ForAllValues:StringEquals":{"catalog:ChangeType":
			["CreateOffer","UpdateInformation","UpdateTargeting","UpdatePricingTerms","UpdatePaymentScheduleTerms","UpdateValidityTerms",
			 "UpdateLegalTerms","UpdateSupportTerms","UpdateAvailability"]}}}]}`))
	private := privateOfferChanges("prod-e2e-storage", buyer1.ID, "2026-04-30")
	draft := succeeded(t, srv, drafts, start(t, drafts, private[:len(private)-1]...))
	if id := aws.ToString(draft.ChangeSet[0].Entity.Identifier); !strings.HasPrefix(id, "offer-") {
		t.Fatalf("the draft change set created %q", id)
	}
	_, err := drafts.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSet: private})
	deniedOn(t, err, "a change set that also releases", changeSet)

	// Only one offer, named by its ARN.
	one := aws.ToString(succeeded(t, srv, full, start(t, full, private[0])).ChangeSet[0].Entity.Identifier)
	other := aws.ToString(succeeded(t, srv, full, start(t, full, private[0])).ChangeSet[0].Entity.Identifier)
	scoped := catalogClient(srv, newKey(t, srv, seller, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"aws-marketplace:DescribeChangeSet","Resource":"*"},
		{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/Offer/`+one+`"}]}`))
	rename := func(id string) mctypes.Change {
		return change("UpdateInformation", "Offer@1.0", id, "", `{"Name": "Renamed"}`)
	}
	succeeded(t, srv, scoped, start(t, scoped, rename(one)))
	_, err = scoped.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSet: []mctypes.Change{rename(other)}})
	deniedOn(t, err, "another offer", "arn:aws:aws-marketplace:us-east-1:"+seller.ID+":AWSMarketplace/Offer/"+other)
	_, err = scoped.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSet: []mctypes.Change{private[0]}})
	deniedOn(t, err, "creating an offer", changeSet)

	// AWS's managed policy for offer management.
	om := catalogClient(srv, newKey(t, srv, seller, "AWSMarketplaceSellerOfferManagement"))
	released := succeeded(t, srv, om, start(t, om, privateOfferChanges("prod-e2e-storage", buyer1.ID, "2026-04-30")...))
	offerID := aws.ToString(released.ChangeSet[0].Entity.Identifier)
	if _, err := om.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(offerID)}); err != nil {
		t.Errorf("offer management describing its offer: %v", err)
	}
	_, err = om.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSet: []mctypes.Change{
		change("UpdateInformation", "SaaSProduct@1.0", "prod-e2e-storage", "", `{"ShortDescription": "Changed"}`)}})
	deniedOn(t, err, "offer management changing a product", "arn:aws:aws-marketplace:us-east-1:"+seller.ID+":AWSMarketplace/SaaSProduct/prod-e2e-storage")

	// Until a date of the marketplace's clock: the sandbox's clock move ends the permission.
	until := catalogClient(srv, newKey(t, srv, seller, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*",
		"Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-03-03T00:00:00Z"}}}]}`))
	list := func() error {
		_, err := until.ListEntities(ctx(), &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String("Offer")})
		return err
	}
	if err := list(); err != nil {
		t.Fatalf("before the date: %v", err)
	}
	srv.advance(t, "48h")
	wantError[*mctypes.AccessDeniedException](t, list())
}
