package mercato

import (
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Input rules that every transport shares: the service checks them, so that the console, the
// CLI and the AWS API accept and refuse the same requests.

// clientTokenPattern is the form of an idempotency (client) token, as the AWS APIs define it.
var clientTokenPattern = regexp.MustCompile(`^[a-zA-Z0-9-]{1,64}$`)

// CheckClientToken adds a problem unless token is empty (none given) or 1 to 64 letters, digits
// and hyphens.
func CheckClientToken(p *Problems, field, token string) {
	if token != "" && !clientTokenPattern.MatchString(token) {
		p.Add(field, "must be 1 to 64 letters, digits and hyphens")
	}
}

// ValidClientToken reports whether token is a client token: 1 to 64 letters, digits and hyphens.
func ValidClientToken(token string) bool { return clientTokenPattern.MatchString(token) }

// CheckText adds a problem if s has more than max characters.
func CheckText(p *Problems, field, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, "has %d characters; at most %d are allowed", n, max)
	}
}

// CheckMinorUnits adds a problem unless a is a whole number of c's minor units: what is
// invoiced, credited or paid is never finer than the currency allows (ISO 4217).
func CheckMinorUnits(p *Problems, field string, a Amount, c Currency) {
	if msg := MinorUnitsProblem(a, c); msg != "" {
		p.Add(field, "%s", msg)
	}
}

// MinorUnitsProblem says why a cannot be an amount of money in c, or "" if it can.
func MinorUnitsProblem(a Amount, c Currency) string {
	if a.IsMinorUnits(c) {
		return ""
	}
	if c.MinorDigits() == 0 {
		return "amount " + a.Format(0) + " " + string(c) + " has decimals; " + string(c) + " has none (ISO 4217)"
	}
	return "amount " + a.Format(0) + " " + string(c) + " has more decimals than " + string(c) + " allows: at most " +
		strconv.Itoa(c.MinorDigits()) + " (ISO 4217)"
}
