package scenario

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"mercato"
)

const orgFile = `accounts:
  - {id: "121212121212", name: Payer, roles: [buyer]}
  - {id: "343434343434", name: Linked, roles: [buyer], payer: "121212121212"}
  - {id: "999900001111", name: IT, roles: [privateMarketplaceAdmin]}
privateMarketplaces:
  - id: exp-corp
    administrator: "999900001111"
    accounts: ["343434343434"]
    products: [prod-a]
`

func TestParseOrganisationAndPrivateMarketplace(t *testing.T) {
	sc, err := Parse([]byte(orgFile))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Accounts[1].Payer != "121212121212" || sc.Accounts[1].BilledTo() != "121212121212" || sc.Accounts[0].BilledTo() != "121212121212" {
		t.Errorf("accounts = %+v", sc.Accounts)
	}
	want := mercato.PrivateMarketplace{ID: "exp-corp", AdminID: "999900001111", Accounts: []string{"343434343434"}, Products: []string{"prod-a"}}
	if len(sc.PrivateMarketplaces) != 1 || !equalMarketplace(sc.PrivateMarketplaces[0], want) {
		t.Errorf("private marketplaces = %+v", sc.PrivateMarketplaces)
	}
	if sc.Where["privateMarketplaces[0]"] != "line 6" {
		t.Errorf("where = %q", sc.Where["privateMarketplaces[0]"])
	}
}

func equalMarketplace(a, b mercato.PrivateMarketplace) bool {
	return a.ID == b.ID && a.AdminID == b.AdminID && slices.Equal(a.Accounts, b.Accounts) && slices.Equal(a.Products, b.Products)
}

func TestParseOrganisationErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"payer not 12 digits", "accounts:\n  - {id: \"343434343434\", name: L, roles: [buyer], payer: \"12\"}\n",
			"accounts[0] (line 2): invalid account 343434343434 (payer: must be a 12-digit account ID)"},
		{"own payer", "accounts:\n  - {id: \"343434343434\", name: L, roles: [buyer], payer: \"343434343434\"}\n",
			"accounts[0] (line 2): invalid account 343434343434 (payer: an account cannot be its own payer)"},
		{"payer is linked", "accounts:\n  - {id: \"121212121212\", name: P, roles: [buyer], payer: \"565656565656\"}\n" +
			"  - {id: \"343434343434\", name: L, roles: [buyer], payer: \"121212121212\"}\n",
			"accounts[1] (line 3): invalid account 343434343434 (payer: 121212121212 is itself a linked account of 565656565656"},
		{"administrator without the role", strings.Replace(orgFile, "roles: [privateMarketplaceAdmin]", "roles: [buyer]", 1),
			"privateMarketplaces[0] (line 6): invalid private marketplace exp-corp (administrator (line 7): account 999900001111 has no privateMarketplaceAdmin role)"},
		{"governed account not a buyer", strings.Replace(orgFile, `accounts: ["343434343434"]`, `accounts: ["999900001111"]`, 1),
			"privateMarketplaces[0] (line 6): invalid private marketplace exp-corp (accounts (line 8): account 999900001111 has no buyer role)"},
		{"bad product", strings.Replace(orgFile, "products: [prod-a]", `products: ["no spaces"]`, 1),
			`(products (line 9): entry 0 ("no spaces") must be a product ID)`},
		{"governed twice", orgFile + "  - {id: exp-2, administrator: \"999900001111\", accounts: [\"343434343434\"], products: []}\n",
			"privateMarketplaces[1] (line 10): invalid private marketplace exp-2 (accounts: account 343434343434 is already governed by privateMarketplaces[0] (line 6))"},
		{"unknown key", strings.Replace(orgFile, "products: [prod-a]", "product: [prod-a]", 1), "product"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			var e *mercato.Error
			if !errors.As(err, &e) || e.Code != mercato.EInvalid {
				t.Fatalf("Parse error = %v; want EInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}
