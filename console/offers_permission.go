package console

import (
	"net/http"

	"mercato"
)

// offersTabActions are the IAM actions the Offers tab needs, as AWS Marketplace's own portal
// needs them to list offers and create them with change sets; "offer" stands for the ARN of
// any of the seller's offers.
var offersTabActions = []struct{ action, resource string }{
	{"aws-marketplace:ListEntities", "*"},
	{"aws-marketplace:DescribeEntity", "offer"}, // AWS's offer-management policy names entities by ARN
	{"aws-marketplace:StartChangeSet", "offer"},
}

// offersDenied returns AWS's AccessDeniedException message for the first permission of the
// Offers tab that the session's key lacks, or "" when it has them all.
func (c *Console) offersDenied(r *http.Request, u *user) string {
	for _, p := range offersTabActions {
		resource := p.resource
		if resource == "offer" {
			resource = "arn:aws:aws-marketplace:us-east-1:" + u.ID + ":AWSMarketplace/Offer/*"
		}
		err := c.authorize(r, u, p.action, resource)
		if mercato.ErrorCodeOf(err) == mercato.EForbidden {
			return err.Error()
		}
	}
	return ""
}
