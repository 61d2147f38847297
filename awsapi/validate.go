package awsapi

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"mercato"
)

// Patterns of the Agreement model, compiled once.
var (
	AmountPattern      = regexp.MustCompile(`^[0-9]*(\.[0-9]{0,8})?$`) // PositiveAmountUpto8Decimals
	ClientTokenPattern = regexp.MustCompile(`^[a-zA-Z0-9-]+$`)
	ResourceIDPattern  = regexp.MustCompile(`^[A-Za-z0-9_/-]+$`) // agreementId, chargeId, ...
	CurrencyPattern    = regexp.MustCompile(`^[A-Z]{3}$`)
)

// The checks below add a problem to p for a bad value and report whether the value passed.
// For every check but Required an empty string counts as absent and passes, so optional
// members need no extra test; call Required first for mandatory ones. Lengths count
// characters (Unicode code points), as Smithy does.

// Required checks that v is not empty.
func Required(p *mercato.Problems, name, v string) bool {
	if v == "" {
		p.Add(name, "is required")
		return false
	}
	return true
}

// Length checks that v has between min and max characters.
func Length(p *mercato.Problems, name, v string, min, max int) bool {
	if v == "" {
		return true
	}
	if n := utf8.RuneCountInString(v); n < min || n > max {
		if min == max {
			p.Add(name, "must be exactly %d characters long", min)
		} else {
			p.Add(name, "must be between %d and %d characters long", min, max)
		}
		return false
	}
	return true
}

// Pattern checks that v matches re.
func Pattern(p *mercato.Problems, name, v string, re *regexp.Regexp) bool {
	if v == "" || re.MatchString(v) {
		return true
	}
	p.Add(name, "must match the pattern %s", re)
	return false
}

// IntRange checks that min <= v <= max.
func IntRange[T ~int | ~int32 | ~int64](p *mercato.Problems, name string, v, min, max T) bool {
	if v < min || v > max {
		p.Add(name, "must be between %d and %d", min, max)
		return false
	}
	return true
}

// OneOf checks that v is one of the allowed enum values.
func OneOf[T ~string](p *mercato.Problems, name string, v T, allowed ...T) bool {
	if v == "" || slices.Contains(allowed, v) {
		return true
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	p.Add(name, "must be one of %s", strings.Join(names, ", "))
	return false
}

// Amount checks a money amount of a request: a decimal string with at most 8 decimals.
func Amount(p *mercato.Problems, name, v string) bool {
	return Pattern(p, name, v, AmountPattern)
}

// ClientToken checks an idempotency token: 1-64 letters, digits and hyphens.
func ClientToken(p *mercato.Problems, name, v string) bool {
	return Length(p, name, v, 1, 64) && Pattern(p, name, v, ClientTokenPattern)
}

// StringRule is the Smithy constraints of a string member.
type StringRule struct {
	Min, Max int            // length range; Max 0 means no upper bound
	Pattern  *regexp.Regexp // nil means any
}

// Check applies the rule to v, adding at most one problem, and reports whether v passed.
func (r StringRule) Check(p *mercato.Problems, name, v string, required bool) bool {
	if v == "" {
		return !required || Required(p, name, v)
	}
	max := r.Max
	if max == 0 {
		max = int(^uint(0) >> 1)
	}
	if !Length(p, name, v, r.Min, max) {
		return false
	}
	return r.Pattern == nil || Pattern(p, name, v, r.Pattern)
}

// Invalid is p.Err with an AWS ValidationExceptionReason, e.g. "INVALID_CLIENT_TOKEN": it
// returns an EInvalid *mercato.Error listing the problems, or nil if there are none.
func Invalid(p mercato.Problems, reason, message string) error {
	if len(p) == 0 {
		return nil
	}
	return &mercato.Error{Code: mercato.EInvalid, Reason: cmp.Or(reason, "OTHER"), Message: message, Fields: p}
}
