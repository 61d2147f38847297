package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Clause is one condition of a statement: an operator applied to one context key with the
// policy's values. A statement's clauses must all hold; a clause holds when the request's
// value matches any of the policy's values (for a negated operator such as StringNotEquals:
// matches none of them).
type Clause struct {
	Operator string   // as the policy writes it, e.g. "ForAllValues:StringEqualsIfExists"
	Key      string   // the context key, lower-cased (keys match regardless of case)
	Values   []string // the policy's values
	op       *operator
	set      setQualifier
	ifExists bool
}

type setQualifier int

const (
	single       setQualifier = iota
	forAnyValue               // some request value matches
	forAllValues              // every request value matches (true for none)
)

// operator is one of IAM's condition operators, without qualifier or IfExists.
type operator struct {
	negated bool
	check   func(policyValue string) error              // a policy value's form
	match   func(requestValue, policyValue string) bool // the un-negated comparison
}

var operators = map[string]*operator{
	"StringEquals":              {match: stringEquals},
	"StringNotEquals":           {match: stringEquals, negated: true},
	"StringEqualsIgnoreCase":    {match: strings.EqualFold},
	"StringNotEqualsIgnoreCase": {match: strings.EqualFold, negated: true},
	"StringLike":                {match: stringLike},
	"StringNotLike":             {match: stringLike, negated: true},
	"ArnEquals":                 {match: arnLike, check: checkARN},
	"ArnLike":                   {match: arnLike, check: checkARN},
	"ArnNotEquals":              {match: arnLike, check: checkARN, negated: true},
	"ArnNotLike":                {match: arnLike, check: checkARN, negated: true},
	"Bool":                      {match: strings.EqualFold, check: checkBool},
	"Null":                      {check: checkBool},
	"NumericEquals":             numeric(func(c int) bool { return c == 0 }, false),
	"NumericNotEquals":          numeric(func(c int) bool { return c == 0 }, true),
	"NumericLessThan":           numeric(func(c int) bool { return c < 0 }, false),
	"NumericLessThanEquals":     numeric(func(c int) bool { return c <= 0 }, false),
	"NumericGreaterThan":        numeric(func(c int) bool { return c > 0 }, false),
	"NumericGreaterThanEquals":  numeric(func(c int) bool { return c >= 0 }, false),
	"DateEquals":                date(func(c int) bool { return c == 0 }, false),
	"DateNotEquals":             date(func(c int) bool { return c == 0 }, true),
	"DateLessThan":              date(func(c int) bool { return c < 0 }, false),
	"DateLessThanEquals":        date(func(c int) bool { return c <= 0 }, false),
	"DateGreaterThan":           date(func(c int) bool { return c > 0 }, false),
	"DateGreaterThanEquals":     date(func(c int) bool { return c >= 0 }, false),
	"IpAddress":                 {match: inPrefix, check: checkPrefix},
	"NotIpAddress":              {match: inPrefix, check: checkPrefix, negated: true},
}

// parseCondition reads a statement's Condition block: operator -> key -> value or values.
func parseCondition(raw json.RawMessage, at string) ([]Clause, error) {
	var block map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil || block == nil {
		return nil, fieldErr(at, "must be an object of condition operators")
	}
	var out []Clause
	for _, name := range sortedKeys(block) {
		field := at + "." + name
		c, err := parseOperator(name, field)
		if err != nil {
			return nil, err
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(block[name], &keys); err != nil || len(keys) == 0 {
			return nil, fieldErr(field, "must be a non-empty object of condition keys and values")
		}
		for _, key := range sortedKeys(keys) {
			k := c
			k.Key = strings.ToLower(key)
			if k.Values, err = conditionValues(keys[key], field+"."+key, c.op); err != nil {
				return nil, err
			}
			out = append(out, k)
		}
	}
	return out, nil
}

// parseOperator reads an operator's name with its ForAnyValue:/ForAllValues: qualifier and
// IfExists suffix.
func parseOperator(name, field string) (Clause, error) {
	c := Clause{Operator: name}
	base := name
	if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
		base, c.set = rest, forAnyValue
	} else if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
		base, c.set = rest, forAllValues
	}
	if rest, ok := strings.CutSuffix(base, "IfExists"); ok {
		base, c.ifExists = rest, true
	}
	c.op = operators[base]
	switch {
	case c.op == nil:
		return c, fieldErr(field, "%q is not a condition operator", name)
	case base == "Null" && (c.ifExists || c.set != single):
		return c, fieldErr(field, "Null takes neither IfExists nor a set qualifier")
	}
	return c, nil
}

// conditionValues reads a key's value or list of values (strings, numbers or booleans, as
// IAM accepts them) and checks each has the operator's form.
func conditionValues(raw json.RawMessage, field string, op *operator) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fieldErr(field, "is not a JSON value: %v", err)
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	if len(list) == 0 {
		return nil, fieldErr(field, "must have at least one value")
	}
	out := make([]string, len(list))
	for i, e := range list {
		switch e := e.(type) {
		case string:
			out[i] = e
		case json.Number:
			out[i] = e.String()
		case bool:
			out[i] = strconv.FormatBool(e)
		default:
			return nil, fieldErr(field, "must be a string, a number, a boolean or a list of them")
		}
		if op.check != nil {
			if err := op.check(out[i]); err != nil {
				return nil, fieldErr(field, "%q %v", out[i], err)
			}
		}
	}
	return out, nil
}

// Holds reports whether the clause holds for the request context c (nil: a request that has
// no keys). A key the request lacks makes a clause false, except that it makes true a negated
// operator, an ...IfExists operator, ForAllValues, and Null with "true", as IAM documents.
func (cl *Clause) Holds(c Context) bool {
	var vals []string
	if c != nil {
		vals, _ = c.Value(cl.Key)
	}
	present := len(vals) > 0
	if cl.op.match == nil { // Null
		return slices.ContainsFunc(cl.Values, func(v string) bool { return strings.EqualFold(v, "true") != present })
	}
	switch cl.set {
	case forAllValues:
		return !slices.ContainsFunc(vals, func(v string) bool { return !cl.matches(v) })
	case forAnyValue:
		return slices.ContainsFunc(vals, cl.matches)
	}
	if !present {
		return cl.ifExists || cl.op.negated
	}
	if cl.op.negated { // no request value equals any of the policy's values
		return !slices.ContainsFunc(vals, func(v string) bool { return !cl.matches(v) })
	}
	return slices.ContainsFunc(vals, cl.matches)
}

// matches compares one request value with the policy's values: for a positive operator it
// matches one of them, for a negated one it matches none (IAM ANDs a negated operator's values).
func (cl *Clause) matches(v string) bool {
	hit := slices.ContainsFunc(cl.Values, func(p string) bool { return cl.op.match(v, p) })
	return hit != cl.op.negated
}

func stringEquals(v, p string) bool { return v == p }

func stringLike(v, p string) bool { return Match(p, v) }

// arnLike compares the six colon-separated parts of two ARNs one by one, each with wildcards,
// as ArnEquals and ArnLike do.
func arnLike(v, p string) bool {
	vs, ps := strings.SplitN(v, ":", 6), strings.SplitN(p, ":", 6)
	if len(vs) != 6 || len(ps) != 6 {
		return false
	}
	for i := range ps {
		if !Match(ps[i], vs[i]) {
			return false
		}
	}
	return true
}

func checkARN(p string) error {
	if p != "*" && len(strings.SplitN(p, ":", 6)) != 6 {
		return fmt.Errorf("is not an ARN (arn:partition:service:region:account:resource)")
	}
	return nil
}

func checkBool(p string) error {
	if !strings.EqualFold(p, "true") && !strings.EqualFold(p, "false") {
		return fmt.Errorf("must be true or false")
	}
	return nil
}

// numeric is a Numeric... operator; cmp holds for the sign of request - policy. Numbers are
// compared exactly.
func numeric(cmp func(int) bool, negated bool) *operator {
	return &operator{negated: negated,
		check: func(p string) error {
			if _, ok := parseNumber(p); !ok {
				return fmt.Errorf("is not a number")
			}
			return nil
		},
		match: func(v, p string) bool {
			a, ok := parseNumber(v)
			b, _ := parseNumber(p)
			return ok && cmp(a.Cmp(b))
		}}
}

// decimalNumber is how IAM writes a number: an optional sign, digits, an optional fraction.
// big.Rat would also take fractions (1/3), exponents and hexadecimal, which IAM refuses.
var decimalNumber = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// parseNumber reads a decimal number exactly.
func parseNumber(s string) (*big.Rat, bool) {
	if !decimalNumber.MatchString(s) {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

// date is a Date... operator; cmp holds for the sign of request - policy.
func date(cmp func(int) bool, negated bool) *operator {
	return &operator{negated: negated,
		check: func(p string) error {
			_, err := parseDate(p)
			return err
		},
		match: func(v, p string) bool {
			a, err := parseDate(v)
			b, _ := parseDate(p)
			return err == nil && cmp(a.Compare(b))
		}}
}

// dateLayouts are the ISO 8601 forms IAM reads a date in; a whole number is epoch seconds.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02"}

func parseDate(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("is not a date (ISO 8601, e.g. 2026-01-31T00:00:00Z, or epoch seconds)")
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func checkPrefix(p string) error {
	if _, err := parsePrefix(p); err != nil {
		return fmt.Errorf("is not an IP address or CIDR range")
	}
	return nil
}

func inPrefix(v, p string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil {
		return false
	}
	pfx, _ := parsePrefix(p)
	return pfx.Contains(a.Unmap())
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
