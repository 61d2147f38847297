package iam

import (
	"errors"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	const agreement = "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/Agreement/agmt-1"
	readOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:Describe*","aws-marketplace:SearchAgreements"],"Resource":"*"}]}`
	denyWins := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"},
		{"Effect":"Deny","Action":"aws-marketplace:BatchCreateBillingAdjustmentRequest","Resource":"*"}]}`
	notAction := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"aws-marketplace:Accept*","Resource":"*"}}`
	byARN := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:DescribeAgreement","Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/Agreement/agmt-?"}]}`
	tests := []struct {
		name, policy, action, resource string
		want                           Decision
	}{
		{"no policy is full access", "", "aws-marketplace:AcceptAgreementRequest", "*", Allowed},
		{"prefix wildcard allows", readOnly, "aws-marketplace:DescribeAgreement", "*", Allowed},
		{"listed action allows", readOnly, "aws-marketplace:SearchAgreements", "*", Allowed},
		{"unlisted action is an implicit deny", readOnly, "aws-marketplace:AcceptAgreementRequest", "*", ImplicitDeny},
		{"action names fold case", readOnly, "AWS-MARKETPLACE:describeagreement", "*", Allowed},
		{"deny wins over a wildcard allow", denyWins, "aws-marketplace:BatchCreateBillingAdjustmentRequest", "*", ExplicitDeny},
		{"what the deny misses stays allowed", denyWins, "aws-marketplace:DescribeAgreement", "*", Allowed},
		{"NotAction allows the rest", notAction, "aws-marketplace:DescribeAgreement", "*", Allowed},
		{"NotAction excludes its match", notAction, "aws-marketplace:AcceptAgreementRequest", "*", ImplicitDeny},
		{"resource ARN wildcard matches", byARN, "aws-marketplace:DescribeAgreement", agreement, Allowed},
		{"resource ARN of another agreement", byARN, "aws-marketplace:DescribeAgreement", agreement + "0", ImplicitDeny},
		{"another service's wildcard does not match", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
			"aws-marketplace:DescribeAgreement", "*", ImplicitDeny},
		{"managed read-only refuses a write", "AWSMarketplaceSellerProductsReadOnly", "aws-marketplace:BatchCreateBillingAdjustmentRequest", "*", ImplicitDeny},
		{"managed read-only describes entities", "arn:aws:iam::aws:policy/AWSMarketplaceSellerProductsReadOnly", "aws-marketplace:DescribeEntity", "*", Allowed},
		{"managed read-only, as AWS publishes it, reads no agreements", "AWSMarketplaceSellerProductsReadOnly", "aws-marketplace:DescribeAgreement", "*", ImplicitDeny},
		{"managed full access starts change sets", "AWSMarketplaceSellerFullAccess", "aws-marketplace:StartChangeSet", "*", Allowed},
		{"managed full access is a seller's: no buyer actions", "AWSMarketplaceSellerFullAccess", "aws-marketplace:AcceptAgreementRequest", "*", ImplicitDeny},
		{"managed full access reads agreements only with the party type", "AWSMarketplaceSellerFullAccess", "aws-marketplace:DescribeAgreement", "*", ImplicitDeny},
		{"metering only meters", "AWSMarketplaceMeteringFullAccess", "aws-marketplace:MeterUsage", "*", Allowed},
		{"metering only reads nothing", "AWSMarketplaceMeteringFullAccess", "aws-marketplace:SearchAgreements", "*", ImplicitDeny},
		{"offer management starts change sets on offers", "AWSMarketplaceSellerOfferManagement", "aws-marketplace:StartChangeSet",
			"arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/Offer/offer-1", Allowed},
		{"offer management cannot refund", "AWSMarketplaceSellerOfferManagement", "aws-marketplace:BatchCreateBillingAdjustmentRequest", "*", ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Resolve(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Evaluate(tt.action, tt.resource); got != tt.want {
				t.Errorf("Evaluate(%s, %s) = %v, want %v", tt.action, tt.resource, got, tt.want)
			}
		})
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct{ doc, field string }{
		{`not json`, "policy"},
		{`{"Version":"2012-10-17","Statement":[],"Extra":1}`, "policy"},
		{`{"Version":"2020-01-01","Statement":[]}`, "Version"},
		{`{"Version":"2012-10-17","Statement":[]}`, "Statement"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"a:b","Resource":"*"}]}`, "Statement[0].Effect"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Statement[0].Action"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"a:c","Resource":"*"}]}`, "Statement[0]"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Effect":"Allow","Action":"DescribeAgreement","Resource":"*"}]}`, "Statement[1].Action[0]"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, "Statement[0].Action"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b"}]}`, "Statement[0].Resource"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":[]}]}`, "Statement[0].Condition"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}]}`, "Statement[1].Condition.StringEqualz"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}]}`, "Statement[0].Condition.DateLessThan.aws:CurrentTime"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"NumericLessThan":{"k":"ten"}}}]}`, "Statement[0].Condition.NumericLessThan.k"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"NumericLessThan":{"k":"1/3"}}}]}`, "Statement[0].Condition.NumericLessThan.k"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}`, "Statement[0].Condition.Bool.aws:SecureTransport"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`, "Statement[0].Condition.IpAddress.aws:SourceIp"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"user/x"}}}]}`, "Statement[0].Condition.ArnLike.aws:PrincipalArn"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]}`, "Statement[0].Condition.StringEquals.k"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{"k":{"a":1}}}}]}`, "Statement[0].Condition.StringEquals.k"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{}}}]}`, "Statement[0].Condition.StringEquals"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"ForAllValues:NullIfExists":{"k":"true"}}}]}`, "Statement[0].Condition.ForAllValues:NullIfExists"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Principal":"*"}]}`, "Statement[0].Principal"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":3,"Resource":"*"}]}`, "Statement[0].Action"},
		{`AWSMarketplaceNoSuchPolicy`, "policy"},
		{`{"Version":"2012-10-17","Statement":[` + strings.Repeat(" ", MaxPolicyBytes) + `]}`, "policy"},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.doc)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Resolve(%.60q) = %v, want an *Error", tt.doc, err)
			continue
		}
		if e.Field != tt.field {
			t.Errorf("Resolve(%.60q) names %q (%v), want %q", tt.doc, e.Field, e, tt.field)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		p, v string
		want bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*b*", "abc", true}, {"", "a", false},
		{strings.Repeat("*a", 50), strings.Repeat("a", 49) + "b", false},
	}
	for _, tt := range tests {
		if got := Match(tt.p, tt.v); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.p, tt.v, got, tt.want)
		}
	}
}

func TestDeniedMessage(t *testing.T) {
	got := DeniedMessage("arn:aws:iam::123456789012:user/AKIAEXAMPLE", "aws-marketplace:StartChangeSet", "*", ImplicitDeny)
	want := "User: arn:aws:iam::123456789012:user/AKIAEXAMPLE is not authorized to perform: aws-marketplace:StartChangeSet on resource: * because no identity-based policy allows the aws-marketplace:StartChangeSet action"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := DeniedMessage("u", "a:b", "*", ExplicitDeny); !strings.HasSuffix(got, "with an explicit deny in an identity-based policy") {
		t.Errorf("explicit deny worded %q", got)
	}
}
