package scenario

import (
	"testing"

	"mercato"
)

// A key in a scenario file takes an optional policy: a managed policy's name, or an IAM JSON
// document as a string; a key without one has none (full access for its role), as before.
func TestParseKeyPolicy(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:SearchAgreements","aws-marketplace:DescribeAgreement"],"Resource":"*"}]}`
	sc, err := Parse([]byte(`accounts:
  - id: "111122223333"
    name: Acme
    roles: [channelPartner]
    accessKeys:
      - {id: AKIAFULLACCESS000001, secret: full-secret}
      - {id: AKIAREADONLY00000001, secret: ro-secret, policy: AWSMarketplaceSellerProductsReadOnly}
      - id: AKIAINLINE0000000001
        secret: inline-secret
        policy: '` + doc + `'
`))
	if err != nil {
		t.Fatal(err)
	}
	keys := sc.Accounts[0].AccessKeys
	want := []string{"", "AWSMarketplaceSellerProductsReadOnly", doc}
	for i, k := range keys {
		if k.Policy != want[i] {
			t.Errorf("key %s: policy %q, want %q", k.ID, k.Policy, want[i])
		}
	}
	if !sc.Accounts[0].HasRole(mercato.RoleSeller) {
		t.Error("a channel partner is not a seller")
	}
}
