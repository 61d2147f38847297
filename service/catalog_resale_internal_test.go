package service

import (
	"testing"

	"mercato"
)

// TestMarkedUp: a partner's markup, worked by hand: the wholesale amount plus the percentage
// of it, rounded to the minor unit half away from zero.
func TestMarkedUp(t *testing.T) {
	for _, c := range []struct {
		amount, pct string
		currency    mercato.Currency
		want        string
	}{
		{"1000.00", "20", "USD", "1200.00"},             // 200.00 exactly
		{"333.33", "7.5", "USD", "358.33"},              // 24.99975 rounds to 25.00
		{"0.01", "50", "USD", "0.02"},                   // 0.005 rounds half away from zero to 0.01
		{"0.01", "49.99", "USD", "0.01"},                // 0.004999 rounds to 0.00
		{"1001", "2.5", "JPY", "1026"},                  // 25.025 yen rounds to 25
		{"19.999", "10", "BHD", "21.999"},               // three minor digits: 1.9999 rounds to 2.000
		{"1000.00", "0", "USD", "1000.00"},              // no markup: the wholesale price
		{"99999999.99", "1000", "USD", "1099999999.89"}, // the largest markup, exactly
	} {
		got := markedUp(mercato.MustAmount(c.amount), mercato.MustAmount(c.pct), c.currency)
		if got != mercato.MustAmount(c.want) {
			t.Errorf("%s %s marked up %s%% = %s, want %s", c.amount, c.currency, c.pct, got.FormatIn(c.currency), c.want)
		}
	}
}
