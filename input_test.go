package mercato

import "testing"

func TestMinorUnitsProblem(t *testing.T) {
	tests := []struct {
		amount string
		c      Currency
		want   string
	}{
		{"0.01", "USD", ""},
		{"123.45", "USD", ""},
		{"1000", "JPY", ""},
		{"0.125", "KWD", ""},
		{"0.00999999", "USD", "amount 0.00999999 USD has more decimals than USD allows: at most 2 (ISO 4217)"},
		{"123.45678901", "USD", "amount 123.45678901 USD has more decimals than USD allows: at most 2 (ISO 4217)"},
		{"0.001", "USD", "amount 0.001 USD has more decimals than USD allows: at most 2 (ISO 4217)"},
		{"10.5", "JPY", "amount 10.5 JPY has decimals; JPY has none (ISO 4217)"},
		{"0.1255", "KWD", "amount 0.1255 KWD has more decimals than KWD allows: at most 3 (ISO 4217)"},
	}
	for _, tt := range tests {
		if got := MinorUnitsProblem(MustAmount(tt.amount), tt.c); got != tt.want {
			t.Errorf("MinorUnitsProblem(%s %s) = %q, want %q", tt.amount, tt.c, got, tt.want)
		}
	}
}

func TestCheckClientToken(t *testing.T) {
	for token, ok := range map[string]bool{"": true, "abc-123": true, "a b": false, "x_y": false,
		"0123456789012345678901234567890123456789012345678901234567890123":  true,
		"01234567890123456789012345678901234567890123456789012345678901234": false} {
		var p Problems
		CheckClientToken(&p, "clientToken", token)
		if (len(p) == 0) != ok {
			t.Errorf("CheckClientToken(%q): %v, want ok=%v", token, p, ok)
		}
	}
}
