package mercato

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Amount is an exact decimal amount of money with 8 decimal places, stored as an integer count
// of 10⁻⁸ units. Eight places is what the wire allows (PositiveAmountUpto8Decimals); the range,
// ±92 billion currency units, is far above any single invoice. Amounts are never floats.
type Amount int64

// AmountScale is the number of 10⁻⁸ units in one currency unit.
const AmountScale = 100_000_000

const amountDecimals = 8

// ParseAmount parses a decimal string such as "100", "-12.5" or "0.00000001".
// It returns EInvalid for anything else, including more than 8 decimals and overflow.
func ParseAmount(s string) (Amount, error) {
	bad := func() (Amount, error) {
		return 0, Errorf(EInvalid, "%q is not a decimal amount with at most 8 decimal places", s)
	}
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(digits, ".")
	if (whole == "" && frac == "") || len(frac) > amountDecimals || (hasDot && frac == "" && whole == "") {
		return bad()
	}
	if !allDigits(whole) || !allDigits(frac) {
		return bad()
	}
	var w uint64
	if whole != "" {
		var err error
		if w, err = strconv.ParseUint(whole, 10, 64); err != nil {
			return bad()
		}
	}
	frac += strings.Repeat("0", amountDecimals-len(frac))
	f, _ := strconv.ParseUint(frac, 10, 64)
	if w > (math.MaxInt64-f)/AmountScale {
		return bad()
	}
	v := int64(w*AmountScale + f)
	if neg {
		v = -v
	}
	return Amount(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustAmount is ParseAmount for constants in code and tests; it panics on a bad literal.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// String formats a with at least two decimals and no trailing zeros beyond them.
func (a Amount) String() string { return a.Format(2) }

// Format formats a with at least minDecimals decimals (0-8) and no trailing zeros beyond them.
func (a Amount) Format(minDecimals int) string {
	v := int64(a)
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	whole, frac := u/AmountScale, u%AmountScale
	fs := fmt.Sprintf("%08d", frac)
	fs = strings.TrimRight(fs, "0")
	if len(fs) < minDecimals {
		fs += strings.Repeat("0", minDecimals-len(fs))
	}
	if fs == "" {
		return sign + strconv.FormatUint(whole, 10)
	}
	return sign + strconv.FormatUint(whole, 10) + "." + fs
}

// MarshalText renders a as a decimal string, which is how amounts cross every wire.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses a decimal string.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := ParseAmount(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Rate is an exact decimal fraction with 8 decimal places (1.0 = 100,000,000): a tax rate, a
// listing-fee rate or a pro-ration factor.
type Rate int64

// Percent returns the rate of p percent given in hundredths of a percent (Percent(325) = 3.25%).
func Percent(hundredths int64) Rate { return Rate(hundredths * AmountScale / 10_000) }

// String formats r as a percentage, e.g. "3.25%".
func (r Rate) String() string { return Amount(r*100).Format(0) + "%" }

// Round rounds a to the currency's minor unit, half away from zero (the commercial rule used on
// invoices).
func (a Amount) Round(c Currency) Amount {
	unit := c.minorUnitScale()
	return Amount(divRound(big.NewInt(int64(a)), big.NewInt(unit)).Int64() * unit)
}

// MulRate returns a × r rounded to the currency's minor unit, half away from zero.
func (a Amount) MulRate(r Rate, c Currency) Amount {
	return a.MulFrac(int64(r), AmountScale, c)
}

// MulFrac returns a × num / den rounded to the currency's minor unit, half away from zero,
// computed exactly (no intermediate rounding or overflow). den must be positive.
func (a Amount) MulFrac(num, den int64, c Currency) Amount {
	unit := c.minorUnitScale()
	if v, ok := mulFrac64(int64(a), num, den*unit); ok && den <= math.MaxInt64/unit {
		return Amount(v * unit)
	}
	p := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(num))
	q := new(big.Int).Mul(big.NewInt(den), big.NewInt(unit))
	return Amount(divRound(p, q).Int64() * unit)
}

// MulFracExact returns a × num / den rounded to the amount's own precision (8 decimals), half
// away from zero, computed exactly: for per-unit rates, which may be fractions of a minor unit.
// den must be positive.
func (a Amount) MulFracExact(num, den int64) Amount {
	if v, ok := mulFrac64(int64(a), num, den); ok {
		return Amount(v)
	}
	p := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(num))
	return Amount(divRound(p, big.NewInt(den)).Int64())
}

// MulQuantity returns price × quantity, where quantity is a non-negative count with up to 8
// decimals expressed as an Amount, rounded to the currency's minor unit.
func (a Amount) MulQuantity(q Amount, c Currency) Amount {
	return a.MulFrac(int64(q), AmountScale, c)
}

// mulFrac64 returns a × num / q rounded half away from zero, computed in 128 bits, for q > 0; ok
// is false when the result does not fit in an int64 (the caller then uses math/big).
func mulFrac64(a, num, q int64) (int64, bool) {
	if q <= 0 {
		return 0, false
	}
	neg := (a < 0) != (num < 0)
	hi, lo := bits.Mul64(absU(a), absU(num))
	if hi >= uint64(q) {
		return 0, false
	}
	quo, rem := bits.Div64(hi, lo, uint64(q))
	if rem >= uint64(q)-rem { // rem >= q/2, without overflow
		quo++
	}
	if quo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(quo), true
	}
	return int64(quo), true
}

func absU(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// divRound divides p by positive q rounding half away from zero.
func divRound(p, q *big.Int) *big.Int {
	quo, rem := new(big.Int).QuoRem(p, q, new(big.Int))
	twice := new(big.Int).Abs(rem)
	twice.Lsh(twice, 1)
	if twice.Cmp(q) >= 0 {
		if p.Sign() < 0 {
			quo.Sub(quo, big.NewInt(1))
		} else {
			quo.Add(quo, big.NewInt(1))
		}
	}
	return quo
}

// Currency is an ISO 4217 alphabetic code.
type Currency string

// iso4217 holds the minor-unit exponent of the currencies the marketplace accepts, from the ISO
// 4217 list (not CLDR's display digits, which differ for some, e.g. IDR and COP).
var iso4217 = map[Currency]int{
	"USD": 2, "EUR": 2, "GBP": 2, "AUD": 2, "JPY": 0, "INR": 2, "CAD": 2, "CHF": 2, "NZD": 2,
	"SEK": 2, "NOK": 2, "DKK": 2, "SGD": 2, "HKD": 2, "KRW": 0, "BRL": 2, "MXN": 2, "ZAR": 2,
	"IDR": 2, "COP": 2, "CLP": 0, "KWD": 3, "BHD": 3, "ILS": 2, "PLN": 2, "CNY": 2, "TWD": 2,
}

// Valid reports whether c is a currency the marketplace accepts.
func (c Currency) Valid() bool { _, ok := iso4217[c]; return ok }

// MinorDigits returns the ISO 4217 exponent of c (2 for USD, 0 for JPY).
func (c Currency) MinorDigits() int { return iso4217[c] }

func (c Currency) minorUnitScale() int64 {
	s := int64(AmountScale)
	for i := 0; i < c.MinorDigits(); i++ {
		s /= 10
	}
	return s
}

// IsMinorUnits reports whether a is a whole number of c's minor units.
func (a Amount) IsMinorUnits(c Currency) bool { return int64(a)%c.minorUnitScale() == 0 }

// FormatIn formats a with exactly as many decimals as c's minor unit, or more if a has them.
func (a Amount) FormatIn(c Currency) string { return a.Format(c.MinorDigits()) }
