package mercato

import "testing"

// Worked by hand: MulFracExact rounds a × num / den to 8 decimals, half away from zero, never
// to a currency's minor unit: a per-unit rate keeps its fraction of a cent.
func TestMulFracExactHandWorked(t *testing.T) {
	tests := []struct {
		name     string
		a        string
		num, den int64
		want     string
	}{
		// 25% of a third of a cent: 0.00333333 × 25 / 100 = 0.0008333325 -> 0.00083333.
		{"a quarter of a third of a cent", "0.00333333", 25 * AmountScale, 100 * AmountScale, "0.00083333"},
		// 12.5% of 0.10 = 0.0125, exact: no rounding to the cent (which would give 0.01).
		{"fraction of a cent kept", "0.10", 125, 1000, "0.0125"},
		// 0.00000002 / 4 = 0.000000005 -> 0.00000001: half rounds away from zero.
		{"half up", "0.00000002", 1, 4, "0.00000001"},
		{"half away from zero, negative", "-0.00000002", 1, 4, "-0.00000001"},
		// 0.00000001 / 4 = 0.0000000025 -> 0; 0.00000003 / 4 = 0.0000000075 -> 0.00000001.
		{"below half", "0.00000001", 1, 4, "0"},
		{"above half", "0.00000003", 1, 4, "0.00000001"},
		// A product past int64 that divides back in range: 92,233,720,368.54775807 × 3 / 3.
		{"wide product", "92233720368.54775807", 3, 3, "92233720368.54775807"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAmount(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseAmount(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.MulFracExact(tt.num, tt.den); got != want {
				t.Errorf("%s × %d / %d = %s, want %s", tt.a, tt.num, tt.den, got, tt.want)
			}
		})
	}
}
