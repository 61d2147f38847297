package iam

import (
	"fmt"
	"testing"
)

// holds evaluates one condition block, written as a policy writes it, against a context.
func holds(t *testing.T, cond string, c Context) bool {
	t.Helper()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":%s}]}`, cond)
	p, err := Parse(doc)
	if err != nil {
		t.Fatalf("%s: %v", cond, err)
	}
	return p.EvaluateRequest(Request{Action: "a:b", Resource: "*", Context: c}) == Allowed
}

// Each row's expectation is worked out by hand from IAM's documentation of condition operators
// and multivalued context keys.
func TestConditionOperators(t *testing.T) {
	one := func(k string, v ...string) Keys { ks := Keys{}; ks.Set(k, v...); return ks }
	none := Keys{}
	tests := []struct {
		name, cond string
		ctx        Context
		want       bool
	}{
		// Strings: exact and case-sensitive; several values are OR-ed.
		{"StringEquals matches", `{"StringEquals":{"k":"Abc"}}`, one("k", "Abc"), true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"k":"Abc"}}`, one("k", "abc"), false},
		{"key names are not case-sensitive", `{"StringEquals":{"AWS:PrincipalAccount":"1"}}`, one("aws:principalaccount", "1"), true},
		{"StringEquals values OR-ed", `{"StringEquals":{"k":["x","y"]}}`, one("k", "y"), true},
		{"StringEquals on a missing key is false", `{"StringEquals":{"k":"x"}}`, none, false},
		{"no context at all is a missing key", `{"StringEquals":{"k":"x"}}`, nil, false},
		// A negated operator with several values holds only if the request matches none of them.
		{"StringNotEquals one of the values", `{"StringNotEquals":{"k":["x","y"]}}`, one("k", "y"), false},
		{"StringNotEquals none of the values", `{"StringNotEquals":{"k":["x","y"]}}`, one("k", "z"), true},
		{"StringNotEquals on a missing key is true", `{"StringNotEquals":{"k":"x"}}`, none, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"k":"ABC"}}`, one("k", "abc"), true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"k":"ABC"}}`, one("k", "abc"), false},
		{"StringLike with *", `{"StringLike":{"k":"Create*"}}`, one("k", "CreateOffer"), true},
		{"StringLike with ?", `{"StringLike":{"k":"a?c"}}`, one("k", "abbc"), false},
		{"StringLike is case-sensitive", `{"StringLike":{"k":"create*"}}`, one("k", "CreateOffer"), false},
		{"StringNotLike", `{"StringNotLike":{"k":["Create*","Update*"]}}`, one("k", "ReleaseOffer"), true},
		{"StringNotLike matching one", `{"StringNotLike":{"k":["Create*","Update*"]}}`, one("k", "UpdateInformation"), false},
		// ARNs: part by part, with wildcards; ArnEquals and ArnLike alike.
		{"ArnLike", `{"ArnLike":{"k":"arn:aws:iam::*:user/*"}}`, one("k", "arn:aws:iam::111122223333:user/AKIA1"), true},
		{"ArnLike: * stays within its part", `{"ArnLike":{"k":"arn:aws:*:*:1:x"}}`, one("k", "arn:aws:iam:us-east-1:1:user:x"), false},
		{"ArnEquals", `{"ArnEquals":{"k":"arn:aws:iam::1:user/x"}}`, one("k", "arn:aws:iam::1:user/x"), true},
		{"ArnNotEquals", `{"ArnNotEquals":{"k":"arn:aws:iam::1:user/x"}}`, one("k", "arn:aws:iam::1:user/y"), true},
		{"ArnNotLike", `{"ArnNotLike":{"k":"arn:aws:iam::1:*"}}`, one("k", "arn:aws:iam::1:user/y"), false},
		{"ArnLike on a value that is no ARN", `{"ArnLike":{"k":"arn:aws:iam::1:*"}}`, one("k", "user/y"), false},
		// Bool and numbers, which policies may write as JSON booleans and numbers.
		{"Bool true", `{"Bool":{"aws:SecureTransport":true}}`, one("aws:SecureTransport", "true"), true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"true"}}`, one("aws:SecureTransport", "false"), false},
		{"NumericEquals 10 = 10.0", `{"NumericEquals":{"n":10}}`, one("n", "10.0"), true},
		{"NumericNotEquals", `{"NumericNotEquals":{"n":[1,2]}}`, one("n", "2"), false},
		{"NumericLessThan 9.99 < 10", `{"NumericLessThan":{"n":"10"}}`, one("n", "9.99"), true},
		{"NumericLessThan 10 < 10", `{"NumericLessThan":{"n":"10"}}`, one("n", "10"), false},
		{"NumericLessThanEquals 10 <= 10", `{"NumericLessThanEquals":{"n":"10"}}`, one("n", "10"), true},
		{"NumericGreaterThan 0.1+0.2 > 0.3 exactly? no", `{"NumericGreaterThan":{"n":"0.3"}}`, one("n", "0.30000000000000000001"), true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"n":"5"}}`, one("n", "4"), false},
		{"Numeric on a value that is no number", `{"NumericLessThan":{"n":"5"}}`, one("n", "four"), false},
		{"Numeric on a fraction, which IAM does not write", `{"NumericLessThan":{"n":"5"}}`, one("n", "1/3"), false},
		{"Numeric on an exponent", `{"NumericGreaterThan":{"n":"5"}}`, one("n", "1e9"), false},
		{"NumericEquals with signs", `{"NumericEquals":{"n":"-0.50"}}`, one("n", "-.5"), true},
		// Dates: ISO 8601 or epoch seconds on either side.
		{"DateLessThan before", `{"DateLessThan":{"aws:CurrentTime":"2026-07-01T00:00:00Z"}}`, one("aws:CurrentTime", "2026-06-30T23:59:59Z"), true},
		{"DateLessThan at", `{"DateLessThan":{"aws:CurrentTime":"2026-07-01T00:00:00Z"}}`, one("aws:CurrentTime", "2026-07-01T00:00:00Z"), false},
		{"DateLessThanEquals at", `{"DateLessThanEquals":{"aws:CurrentTime":"2026-07-01"}}`, one("aws:CurrentTime", "2026-07-01T00:00:00Z"), true},
		{"DateGreaterThan across zones", `{"DateGreaterThan":{"t":"2026-07-01T00:00:00+02:00"}}`, one("t", "2026-06-30T22:30:00Z"), true},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"t":"2026-07-01"}}`, one("t", "2026-06-30T23:00:00Z"), false},
		{"DateEquals epoch against ISO", `{"DateEquals":{"aws:EpochTime":"2026-01-01T00:00:00Z"}}`, one("aws:EpochTime", "1767225600"), true},
		{"DateNotEquals", `{"DateNotEquals":{"t":"2026-01-01"}}`, one("t", "2026-01-02"), true},
		// IP addresses and ranges.
		{"IpAddress in range", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress outside", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","10.0.0.1"]}}`, one("aws:SourceIp", "10.0.0.2"), false},
		{"IpAddress v6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, one("aws:SourceIp", "2001:db8::1"), true},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}`, one("aws:SourceIp", "127.0.0.1"), false},
		// ...IfExists: a missing key passes; a present one is compared.
		{"IfExists with the key missing", `{"StringEqualsIfExists":{"k":"x"}}`, none, true},
		{"IfExists with the key present", `{"StringEqualsIfExists":{"k":"x"}}`, one("k", "y"), false},
		{"DateLessThanIfExists missing", `{"DateLessThanIfExists":{"t":"2026-01-01"}}`, none, true},
		// Null: true means the key is absent, false that it is present.
		{"Null true, key missing", `{"Null":{"k":"true"}}`, none, true},
		{"Null true, key present", `{"Null":{"k":"true"}}`, one("k", "v"), false},
		{"Null false, key present", `{"Null":{"k":false}}`, one("k", "v"), true},
		{"Null false, key missing", `{"Null":{"k":"false"}}`, none, false},
		{"Null true, empty multivalued key", `{"Null":{"k":"true"}}`, one("k"), true},
		// Set qualifiers on multivalued keys.
		{"ForAllValues all in the list", `{"ForAllValues:StringEquals":{"catalog:ChangeType":["CreateOffer","UpdateInformation"]}}`,
			one("catalog:ChangeType", "CreateOffer", "UpdateInformation"), true},
		{"ForAllValues one outside the list", `{"ForAllValues:StringEquals":{"catalog:ChangeType":["CreateOffer","UpdateInformation"]}}`,
			one("catalog:ChangeType", "CreateOffer", "ReleaseOffer"), false},
		{"ForAllValues on an empty set is true", `{"ForAllValues:StringEquals":{"k":"x"}}`, one("k"), true},
		{"ForAllValues on a missing key is true", `{"ForAllValues:StringEquals":{"k":"x"}}`, none, true},
		{"ForAnyValue one in the list", `{"ForAnyValue:StringEquals":{"k":["a","b"]}}`, one("k", "z", "b"), true},
		{"ForAnyValue none in the list", `{"ForAnyValue:StringEquals":{"k":["a","b"]}}`, one("k", "z", "y"), false},
		{"ForAnyValue on an empty set is false", `{"ForAnyValue:StringEquals":{"k":"x"}}`, one("k"), false},
		{"ForAllValues:StringNotEquals: none of the request's values listed", `{"ForAllValues:StringNotEquals":{"k":["a","b"]}}`, one("k", "c", "d"), true},
		{"ForAllValues:StringNotEquals: one listed", `{"ForAllValues:StringNotEquals":{"k":["a","b"]}}`, one("k", "c", "a"), false},
		{"ForAnyValue:StringNotEquals: one not listed", `{"ForAnyValue:StringNotEquals":{"k":["a","b"]}}`, one("k", "a", "c"), true},
		{"ForAllValues:StringLike", `{"ForAllValues:StringLike":{"aws:TagKeys":"team-*"}}`, one("aws:TagKeys", "team-a", "team-b"), true},
		{"plain StringEquals on a multivalued key: any value", `{"StringEquals":{"k":"CreateOfferOnProduct"}}`, one("k", "CreateOfferOnProduct", "UpdateInformation"), true},
		{"plain StringNotEquals on a multivalued key: none may match", `{"StringNotEquals":{"k":"ReleaseOffer"}}`, one("k", "CreateOffer", "ReleaseOffer"), false},
		// Several keys of one operator, and several operators, are AND-ed.
		{"two keys, both hold", `{"StringEquals":{"a":"1","b":"2"}}`, Keys{"a": {"1"}, "b": {"2"}}, true},
		{"two keys, one fails", `{"StringEquals":{"a":"1","b":"2"}}`, Keys{"a": {"1"}, "b": {"3"}}, false},
		{"two operators, one fails", `{"StringEquals":{"a":"1"},"Bool":{"b":"true"}}`, Keys{"a": {"1"}, "b": {"false"}}, false},
		// Contexts merge, and a ContextFunc is asked only for what it is asked.
		{"merged contexts", `{"StringEquals":{"a":"1","b":"2"}}`, Merge(Keys{"a": {"1"}}, nil, ContextFunc(func(k string) ([]string, bool) {
			if k == "b" {
				return []string{"2"}, true
			}
			return nil, false
		})), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := holds(t, tt.cond, tt.ctx); got != tt.want {
				t.Errorf("%s = %v, want %v", tt.cond, got, tt.want)
			}
		})
	}
}

// A Deny applies only when its conditions hold; AWS's managed offer-management policy allows a
// change set on products only for CreateOfferOnProduct.
func TestConditionalStatements(t *testing.T) {
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:*","Resource":"*"},
		{"Effect":"Deny","Action":"a:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	p, err := Parse(deny)
	if err != nil {
		t.Fatal(err)
	}
	insecure, secure := Keys{}, Keys{}
	insecure.Set("aws:SecureTransport", "false")
	secure.Set("aws:SecureTransport", "true")
	if d := p.EvaluateRequest(Request{Action: "a:b", Resource: "*", Context: insecure}); d != ExplicitDeny {
		t.Errorf("over plain HTTP: %v, want ExplicitDeny", d)
	}
	if d := p.EvaluateRequest(Request{Action: "a:b", Resource: "*", Context: secure}); d != Allowed {
		t.Errorf("over TLS: %v, want Allowed", d)
	}

	om, _ := Managed("AWSMarketplaceSellerOfferManagement")
	product := "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-1"
	for _, tt := range []struct {
		types []string
		want  Decision
	}{{[]string{"CreateOfferOnProduct"}, Allowed}, {[]string{"UpdateInformation"}, ImplicitDeny}, {nil, ImplicitDeny}} {
		k := Keys{}
		k.Set("catalog:ChangeType", tt.types...)
		if d := om.EvaluateRequest(Request{Action: "aws-marketplace:StartChangeSet", Resource: product, Context: k}); d != tt.want {
			t.Errorf("offer management, change types %v on a product: %v, want %v", tt.types, d, tt.want)
		}
	}
	if !om.HasConditions() {
		t.Error("HasConditions: false for a policy with conditions")
	}
	if ro, _ := Managed("AWSMarketplaceSellerProductsReadOnly"); ro.HasConditions() {
		t.Error("HasConditions: true for a policy without conditions")
	}
}
