package console

import (
	"encoding/json"
	"testing"

	"mercato"
)

// The pages say what an authorization pays its maker: the contract's price, or each per-unit
// rate with its dimension, to its last decimal.
func TestWholesaleText(t *testing.T) {
	usage := json.RawMessage(`{"Type": "ResaleUsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard": [{"DimensionKey": "api_calls", "Price": "0.00333333"}]}]}`)
	fixed := json.RawMessage(`{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "1000.00", "Duration": "P12M"}`)
	tests := []struct {
		name  string
		terms []json.RawMessage
		price string
		want  string
	}{
		{"a contract", []json.RawMessage{fixed}, "1000", "1,000.00 USD"},
		{"usage", []json.RawMessage{usage}, "0", "api_calls 0.00333333 USD per unit"},
		{"both", []json.RawMessage{fixed, usage}, "1000", "1,000.00 USD; api_calls 0.00333333 USD per unit"},
	}
	for _, tt := range tests {
		a := mercato.ResaleAuthorization{Terms: tt.terms, Wholesale: mercato.MustAmount(tt.price), Currency: "USD"}
		if got := wholesaleText(&a); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
