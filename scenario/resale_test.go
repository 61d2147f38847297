package scenario

import (
	"os"
	"strings"
	"testing"

	"mercato"
)

// TestParseCPPOExample: the example's authorization is read with its defaults, and its offer
// names it and is the reseller's.
func TestParseCPPOExample(t *testing.T) {
	data, err := os.ReadFile("../examples/cppo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(cppo): %v", err)
	}
	if len(sc.ResaleAuthorizations) != 1 {
		t.Fatalf("%d resale authorizations", len(sc.ResaleAuthorizations))
	}
	r := sc.ResaleAuthorizations[0]
	if r.ID != "resaleauthz-cppo-demo" || r.ManufacturerID != "111122223333" || r.ResellerID != "222233334444" ||
		r.Wholesale != amount(1000_00000000) || !r.ExpiresAt.Equal(date(2026, 7, 1)) || r.MaxOffers != 2 ||
		r.ContractDuration() != (mercato.Period{Months: 12}) || r.State != "" {
		t.Errorf("the authorization: %+v", r)
	}
	o := sc.Offers[0]
	if o.Resale == nil || o.Resale.AuthorizationID != "resaleauthz-cppo-demo" || o.SellerID != "222233334444" {
		t.Errorf("the offer: seller %s, resale %+v", o.SellerID, o.Resale)
	}
}

// TestParseResaleErrors: each problem of an authorization or an offer naming one is reported
// naming the entry and its field.
func TestParseResaleErrors(t *testing.T) {
	const accounts = `accounts:
  - {id: "111122223333", name: Maker, roles: [seller]}
  - {id: "222233334444", name: Partner, roles: [channelPartner]}
  - {id: "333344445555", name: Plain, roles: [seller]}
products:
  - {id: prod-x, seller: "111122223333", type: SaaS, title: X, refundPolicy: None}
`
	for _, c := range []struct {
		name, yaml string
		want       []string
	}{
		{"fields", `resaleAuthorizations:
  - {manufacturer: "1", reseller: "222233334444", product: prod-x, wholesale: 0, state: open}`,
			[]string{"resaleAuthorizations[0]", "manufacturer", "wholesale", "expiresAt", "state", `"open" is not draft, active or restricted`}},
		{"unknown key", `resaleAuthorizations:
  - {manufacturer: "111122223333", reseller: "222233334444", product: prod-x, wholesale: 10, expiresAt: 2026-06-01, price: 12}`,
			[]string{"resaleAuthorizations[0]", "unknown key", "maxOffers"}},
		{"not a partner, not the maker", `resaleAuthorizations:
  - {manufacturer: "333344445555", reseller: "333344445555", product: prod-x, wholesale: 10, expiresAt: 2026-06-01}
  - {manufacturer: "222233334444", reseller: "333344445555", product: prod-x, wholesale: 10, expiresAt: 2026-06-01}`,
			[]string{"resaleAuthorizations[0]", "is the manufacturer", "resaleAuthorizations[1]", "is not the seller of product prod-x", "has no channelPartner role"}},
		{"offer with both", `offers:
  - {id: o1, product: prod-x, seller: "222233334444", resaleAuthorization: ra-1, resale: {wholesale: 1, price: 2}, visibility: private, buyers: ["444455556666"], expires: 2026-06-01}`,
			[]string{"offers[0]", "resaleAuthorization", "not both"}},
		{"offer without seller", `offers:
  - {id: o1, product: prod-y, resaleAuthorization: ra-elsewhere, visibility: private, buyers: ["444455556666"], expires: 2026-06-01}`,
			[]string{"offers[0]", "ra-elsewhere is not in this file"}},
	} {
		_, err := Parse([]byte(accounts + c.yaml))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v\nwant it to say %q", c.name, err, w)
			}
		}
	}
}
