package mercato

import (
	"math/big"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		ok   bool
	}{
		{"100", 100 * AmountScale, true},
		{"100.00", 100 * AmountScale, true},
		{"0.00000001", 1, true},
		{"-12.5", -1_250_000_000, true},
		{".5", 50_000_000, true},
		{"5.", 5 * AmountScale, true},
		{"92233720368.54775807", 9223372036854775807, true},
		{"92233720368.54775808", 0, false},
		{"0.000000001", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
		{".", 0, false},
		{"-", 0, false},
		{"1,000", 0, false},
		{" 1", 0, false},
		{"+1", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && ErrorCodeOf(err) != EInvalid {
			t.Errorf("ParseAmount(%q) error code = %s, want invalid", tt.in, ErrorCodeOf(err))
		}
	}
}

func TestAmountFormat(t *testing.T) {
	tests := []struct {
		a    Amount
		c    Currency
		want string
	}{
		{MustAmount("100"), "USD", "100.00"},
		{MustAmount("0.001"), "USD", "0.001"},
		{MustAmount("-45.1"), "USD", "-45.10"},
		{MustAmount("1500"), "JPY", "1500"},
		{MustAmount("1.5"), "KWD", "1.500"},
		{0, "USD", "0.00"},
	}
	for _, tt := range tests {
		if got := tt.a.FormatIn(tt.c); got != tt.want {
			t.Errorf("%d.FormatIn(%s) = %q, want %q", tt.a, tt.c, got, tt.want)
		}
	}
}

func TestRounding(t *testing.T) {
	tests := []struct {
		name     string
		got      Amount
		want     string
		currency Currency
	}{
		{"pro-ration 100 x 22/31", MustAmount("100").MulFrac(22, 31, "USD"), "70.97", "USD"},
		{"pro-ration 100 x 14/31", MustAmount("100").MulFrac(14, 31, "USD"), "45.16", "USD"},
		{"half rounds away from zero", MustAmount("0.125").Round("USD"), "0.13", "USD"},
		{"negative half away from zero", MustAmount("-0.125").Round("USD"), "-0.13", "USD"},
		{"tax 6.5% of 70.97", MustAmount("70.97").MulRate(Percent(650), "USD"), "4.61", "USD"},
		{"fee 3% of 0.50", MustAmount("0.50").MulRate(Percent(300), "USD"), "0.02", "USD"},
		{"yen rounds to whole", MustAmount("1000").MulFrac(1, 3, "JPY"), "333", "JPY"},
		{"usage 1500 x 0.001", MustAmount("0.001").MulFrac(1500, 1, "USD"), "1.50", "USD"},
	}
	for _, tt := range tests {
		if s := tt.got.FormatIn(tt.currency); s != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, s, tt.want)
		}
	}
}

func TestRateString(t *testing.T) {
	if got := Percent(325).String(); got != "3.25%" {
		t.Errorf("Percent(325) = %s", got)
	}
	if got := Percent(2000).String(); got != "20%" {
		t.Errorf("Percent(2000) = %s", got)
	}
}

// TestMulFracMatchesBig checks the 128-bit fast path against math/big on edge values.
func TestMulFracMatchesBig(t *testing.T) {
	vals := []int64{0, 1, -1, 5, -5, 49, 50, 51, 99_999_999, 1 << 40, -(1 << 40), 1<<62 + 12345, -(1<<62 + 12345)}
	nums := []int64{0, 1, -1, 2, 3, 7, 22, 1 << 30, 100_000_000, -3}
	dens := []int64{1, 2, 3, 7, 31, 100, 1 << 20}
	for _, a := range vals {
		for _, n := range nums {
			for _, d := range dens {
				for _, c := range []Currency{"USD", "JPY", "KWD"} {
					unit := c.minorUnitScale()
					p := new(big.Int).Mul(big.NewInt(a), big.NewInt(n))
					want := new(big.Int).Mul(divRound(p, new(big.Int).Mul(big.NewInt(d), big.NewInt(unit))), big.NewInt(unit))
					if !want.IsInt64() {
						continue
					}
					if got := Amount(a).MulFrac(n, d, c); int64(got) != want.Int64() {
						t.Fatalf("%d x %d / %d in %s = %d, want %s", a, n, d, c, got, want)
					}
				}
			}
		}
	}
}
