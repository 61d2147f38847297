package service

import (
	"testing"

	"mercato"
)

// TestProductVisibleTo is the rule of limited listings: who sees a product, by its visibility,
// its allow-list and the account asking.
func TestProductVisibleTo(t *testing.T) {
	const seller, listed, other = "111122223333", "444455556666", "777788889999"
	tests := []struct {
		name       string
		visibility string
		allowed    []string
		account    string
		want       bool
	}{
		{"public, anyone", "public", nil, other, true},
		{"public keeps an allow-list for later but ignores it", "public", []string{listed}, other, true},
		{"limited, allow-listed buyer", "limited", []string{listed}, listed, true},
		{"limited, buyer outside the allow-list", "limited", []string{listed}, other, false},
		{"limited, empty allow-list", "limited", nil, listed, false},
		{"limited, its seller", "limited", nil, seller, true},
		{"limited, no account", "limited", []string{listed}, "", false},
		{"restricted, even allow-listed", "restricted", []string{listed}, listed, false},
		{"restricted, its seller", "restricted", nil, seller, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mercato.Product{ID: "prod-ami", SellerID: seller, Visibility: tt.visibility, AllowedBuyers: tt.allowed}
			if got := productVisibleTo(&p, tt.account); got != tt.want {
				t.Errorf("productVisibleTo(%s) = %v, want %v", tt.account, got, tt.want)
			}
		})
	}
}
