package mercato

import (
	"strings"
	"testing"
)

// A maker's rate below zero would make it owe its partner on every line it prices: Validate
// refuses one in its usage rates and in a configurable contract's rate cards, naming the field.
func TestResaleValidateRefusesNegativeRates(t *testing.T) {
	const maker, partner = "111122223333", "222233334444"
	tests := []struct {
		name  string
		rates ResaleRates
		field string // "" when valid
	}{
		{"usage", ResaleRates{Usage: []RateCardItem{{DimensionKey: "calls", Price: -1}}}, "resale.rates.usage[0].price"},
		{"contract", ResaleRates{Contract: []ConfigurableUpfrontRateCard{{Selector: Selector{Type: "Duration", Value: "P12M"},
			RateCard: []RateCardItem{{DimensionKey: "users", Price: 100}, {DimensionKey: "admins", Price: -1}}}}},
			"resale.rates.contract[0].rateCard[1].price"},
		{"free", ResaleRates{Usage: []RateCardItem{{DimensionKey: "calls", Price: 0}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Resale{ManufacturerID: maker, Rates: &tt.rates}
			err := r.Validate(partner)
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("valid rates refused: %v", err)
			case tt.field != "" && (err == nil || !strings.Contains(err.Error(), tt.field)):
				t.Errorf("error %v, want one naming %s", err, tt.field)
			}
		})
	}
}
