package iam

import (
	"slices"
	"strings"
)

// The AWS managed policies for AWS Marketplace that mercato knows by name, with their action
// lists as far as the APIs mercato serves (and the Catalog API) go. Conditions of AWS's
// documents (e.g. on catalog:ChangeType) are left out: mercato does not evaluate conditions.
var managed = map[string]*Policy{
	"AWSMarketplaceSellerFullAccess": allowAll("aws-marketplace:*"),
	"AWSMarketplaceSellerProductsFullAccess": allowAll(
		"aws-marketplace:ListChangeSets", "aws-marketplace:DescribeChangeSet",
		"aws-marketplace:StartChangeSet", "aws-marketplace:CancelChangeSet",
		"aws-marketplace:ListEntities", "aws-marketplace:DescribeEntity",
		"aws-marketplace:GetResourcePolicy", "aws-marketplace:PutResourcePolicy",
		"aws-marketplace:DeleteResourcePolicy", "aws-marketplace:ListTagsForResource",
		"aws-marketplace:TagResource", "aws-marketplace:UntagResource",
		"aws-marketplace:SearchAgreements", "aws-marketplace:DescribeAgreement",
		"aws-marketplace:GetAgreementTerms"),
	"AWSMarketplaceSellerProductsReadOnly": allowAll(
		"aws-marketplace:ListChangeSets", "aws-marketplace:DescribeChangeSet",
		"aws-marketplace:ListEntities", "aws-marketplace:DescribeEntity",
		"aws-marketplace:GetResourcePolicy", "aws-marketplace:ListTagsForResource",
		"aws-marketplace:SearchAgreements", "aws-marketplace:DescribeAgreement",
		"aws-marketplace:GetAgreementTerms"),
	"AWSMarketplaceSellerOfferManagement": {Version: Version2012, Statement: []Statement{
		{Sid: "AWSMarketplaceChangeSetReadAccess", Effect: Allow, Resource: []string{"*"},
			Action: []string{"aws-marketplace:DescribeChangeSet", "aws-marketplace:ListChangeSets"}},
		{Sid: "AWSMarketplaceOfferManagement", Effect: Allow, Action: []string{"aws-marketplace:StartChangeSet"},
			Resource: []string{"arn:aws:aws-marketplace:*:*:AWSMarketplace/Offer/*", "arn:aws:aws-marketplace:*:*:AWSMarketplace/ChangeSet/*"}},
		{Sid: "AWSMarketplaceEntitiesRead", Effect: Allow, Resource: []string{"*"},
			Action: []string{"aws-marketplace:ListEntities", "aws-marketplace:DescribeEntity"}},
		{Sid: "AWSMarketplaceAgreementsAccess", Effect: Allow, Resource: []string{"*"},
			Action: []string{"aws-marketplace:SearchAgreements", "aws-marketplace:DescribeAgreement",
				"aws-marketplace:GetAgreementTerms"}},
	}},
	"AWSMarketplaceMeteringFullAccess":    allowAll("aws-marketplace:MeterUsage"),
	"AWSMarketplaceMeteringRegisterUsage": allowAll("aws-marketplace:RegisterUsage"),
}

func init() {
	for _, p := range managed {
		p.foldActions()
	}
}

func allowAll(actions ...string) *Policy {
	return &Policy{Version: Version2012, Statement: []Statement{{Effect: Allow, Action: actions, Resource: []string{"*"}}}}
}

// Managed returns the built-in managed policy called name (with or without the
// arn:aws:iam::aws:policy/ prefix).
func Managed(name string) (*Policy, bool) {
	p, ok := managed[strings.TrimPrefix(name, ManagedPrefix)]
	return p, ok
}

// ManagedPrefix starts the ARN of an AWS managed policy.
const ManagedPrefix = "arn:aws:iam::aws:policy/"

// ManagedNames lists the built-in managed policies, sorted.
func ManagedNames() []string {
	names := make([]string, 0, len(managed))
	for n := range managed {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Resolve reads a key's policy setting: "" is no policy (nil: full access for the role), a
// managed policy's name or ARN is that policy, anything else must be a JSON policy document.
func Resolve(s string) (*Policy, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if p, ok := Managed(s); ok {
		return p, nil
	}
	if !strings.HasPrefix(s, "{") {
		return nil, fieldErr("policy", "%q is neither a JSON policy document nor a managed policy (%s)",
			s, strings.Join(ManagedNames(), ", "))
	}
	return Parse(s)
}
