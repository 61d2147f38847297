package awsapi

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
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
// characters (Unicode code points), as Smithy does. Problems read as AWS words them: "Value
// 'x' at 'name' failed to satisfy constraint: Member must ...".

// Required checks that v is not empty.
func Required(p *mercato.Problems, name, v string) bool {
	if v == "" {
		Missing(p, name)
		return false
	}
	return true
}

// Missing records that the required member name is absent.
func Missing(p *mercato.Problems, name string) {
	p.Add(name, "Value null at '%s' failed to satisfy constraint: Member must not be null", name)
}

// Violation records that the value of member name breaks constraint, a sentence such as
// "Member must not be negative". value is quoted, shortened and escaped (see quoteValue).
func Violation(p *mercato.Problems, name, value, constraint string) {
	if p.Full() {
		p.Add(name, "") // counted only: spare quoting the value
		return
	}
	p.Add(name, "Value %s at '%s' failed to satisfy constraint: %s", quoteValue(value), name, constraint)
}

// Length checks that v has between min and max characters.
func Length(p *mercato.Problems, name, v string, min, max int) bool {
	if v == "" {
		return true
	}
	switch n := utf8.RuneCountInString(v); {
	case n > max:
		Violation(p, name, v, "Member must have length less than or equal to "+strconv.Itoa(max))
	case n < min:
		Violation(p, name, v, "Member must have length greater than or equal to "+strconv.Itoa(min))
	default:
		return true
	}
	return false
}

// ListLength checks that a list member holds between min and max elements. The message
// gives the list's size rather than its elements.
func ListLength(p *mercato.Problems, name string, n, min, max int) bool {
	var constraint string
	switch {
	case n > max:
		constraint = "Member must have length less than or equal to " + strconv.Itoa(max)
	case n < min:
		constraint = "Member must have length greater than or equal to " + strconv.Itoa(min)
	default:
		return true
	}
	p.Add(name, "Value with %d elements at '%s' failed to satisfy constraint: %s", n, name, constraint)
	return false
}

// Pattern checks that v matches re.
func Pattern(p *mercato.Problems, name, v string, re *regexp.Regexp) bool {
	if v == "" || re.MatchString(v) {
		return true
	}
	Violation(p, name, v, "Member must satisfy regular expression pattern: "+re.String())
	return false
}

// IntRange checks that min <= v <= max.
func IntRange[T ~int | ~int32 | ~int64](p *mercato.Problems, name string, v, min, max T) bool {
	switch {
	case v > max:
		Violation(p, name, strconv.FormatInt(int64(v), 10), "Member must have value less than or equal to "+strconv.FormatInt(int64(max), 10))
	case v < min:
		Violation(p, name, strconv.FormatInt(int64(v), 10), "Member must have value greater than or equal to "+strconv.FormatInt(int64(min), 10))
	default:
		return true
	}
	return false
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
	Violation(p, name, string(v), "Member must satisfy enum value set: ["+strings.Join(names, ", ")+"]")
	return false
}

// maxQuotedValue is the most characters of a value that a message quotes: enough to recognise
// it, and a megabyte-long value still gives a short message.
const maxQuotedValue = 64

// quoteValue returns v in single quotes as a message shows it: its first maxQuotedValue
// characters, then "..." if there were more, with control characters and invalid UTF-8
// escaped as in Go string literals so that the message stays one readable line.
func quoteValue(v string) string {
	cut, n := len(v), 0
	for i := range v {
		if n == maxQuotedValue {
			cut = i
			break
		}
		n++
	}
	q := strconv.Quote(v[:cut])
	q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
	if cut < len(v) {
		q += "..."
	}
	return "'" + q + "'"
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

// Invalid is p.Err with an AWS ValidationExceptionReason, e.g. "INVALID_CLIENT_TOKEN", and
// AWS's message (see ValidationMessage): it returns an EInvalid *mercato.Error listing the
// problems, or nil if there are none.
func Invalid(p mercato.Problems, reason string) error {
	if len(p) == 0 {
		return nil
	}
	return &mercato.Error{Code: mercato.EInvalid, Reason: cmp.Or(reason, "OTHER"), Message: ValidationMessage(p), Fields: p}
}

// ValidationMessage returns the message of a ValidationException as AWS words it: "2
// validation errors detected: " and each problem, separated by "; ", with the number of
// problems not kept at the end ("; and 5 more"). A problem whose message does not name its
// field, as the service's own may not, is shown after the field's name.
func ValidationMessage(p mercato.Problems) string {
	var b strings.Builder
	n := p.Count()
	b.WriteString(strconv.Itoa(n))
	if n == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, f := range p {
		if i > 0 {
			b.WriteString("; ")
		}
		if !strings.Contains(f.Message, "'"+f.Name+"'") {
			b.WriteString(f.Name + ": ")
		}
		b.WriteString(f.Message)
	}
	if more := p.Omitted(); more > 0 {
		b.WriteString("; and " + strconv.Itoa(more) + " more")
	}
	return b.String()
}
