// Package iam evaluates identity-based policies in the grammar of AWS IAM: a document with a
// Version and Statements, each with an Effect (Allow or Deny), Action or NotAction (a string or
// a list, with * and ? wildcards, matched case-insensitively as IAM does), Resource (ARNs or
// *, with wildcards) and an optional Condition (IAM's condition operators on the request's
// context keys). An explicit Deny wins over any Allow; what no statement allows is denied.
// The package is pure: it parses and decides; what a request's context holds is its caller's.
package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Versions IAM accepts; 2012-10-17 is current, 2008-10-17 the legacy one.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// MaxPolicyBytes bounds a policy document, as IAM bounds a user's inline policies (2,048
// characters for a user; mercato allows more, managed policies being longer).
const MaxPolicyBytes = 10240

// Effect is what a matching statement decides.
type Effect string

// Effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed policy document.
type Policy struct {
	Version   string
	Statement []Statement
}

// Statement is one rule of a policy. Exactly one of Action and NotAction is set.
type Statement struct {
	Sid       string
	Effect    Effect
	Action    []string
	NotAction []string
	Resource  []string
	Condition []Clause // all must hold; none: the statement is unconditional
}

// Error is a malformed policy; Field names the member at fault, e.g. "Statement[1].Effect".
type Error struct {
	Field   string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return "invalid policy: " + e.Field + " " + e.Message }

func fieldErr(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// wire is the JSON shape; Statement, Action, NotAction and Resource may each be one value or
// a list.
type wire struct {
	Version   string          `json:"Version"`
	Id        string          `json:"Id"`
	Statement json.RawMessage `json:"Statement"`
}

type wireStatement struct {
	Sid       string          `json:"Sid"`
	Effect    string          `json:"Effect"`
	Action    json.RawMessage `json:"Action"`
	NotAction json.RawMessage `json:"NotAction"`
	Resource  json.RawMessage `json:"Resource"`
	Principal json.RawMessage `json:"Principal"`
	Condition json.RawMessage `json:"Condition"`
}

// Parse reads a policy document. A malformed one is an *Error naming the field at fault.
func Parse(doc string) (*Policy, error) {
	if len(doc) > MaxPolicyBytes {
		return nil, fieldErr("policy", "must be at most %d bytes", MaxPolicyBytes)
	}
	return parseDocument(doc)
}

// parseDocument reads a policy document of any length (AWS's managed ones are longer than
// MaxPolicyBytes).
func parseDocument(doc string) (*Policy, error) {
	var w wire
	if err := strictUnmarshal([]byte(doc), &w); err != nil {
		return nil, fieldErr("policy", "is not a JSON policy document: %v", err)
	}
	if w.Version != Version2012 && w.Version != Version2008 {
		return nil, fieldErr("Version", "must be %q", Version2012)
	}
	raw, err := oneOrMany[json.RawMessage](w.Statement)
	if err != nil || len(raw) == 0 {
		return nil, fieldErr("Statement", "must be a statement or a non-empty list of statements")
	}
	p := &Policy{Version: w.Version}
	for i, r := range raw {
		s, err := parseStatement(r, fmt.Sprintf("Statement[%d]", i))
		if err != nil {
			return nil, err
		}
		p.Statement = append(p.Statement, s)
	}
	return p.foldActions(), nil
}

func parseStatement(raw json.RawMessage, at string) (Statement, error) {
	var w wireStatement
	if err := strictUnmarshal(raw, &w); err != nil {
		return Statement{}, fieldErr(at, "is not a statement object: %v", err)
	}
	s := Statement{Sid: w.Sid, Effect: Effect(w.Effect)}
	if s.Effect != Allow && s.Effect != Deny {
		return s, fieldErr(at+".Effect", "must be Allow or Deny, not %q", w.Effect)
	}
	// Identity-based policies name no principal.
	if w.Principal != nil {
		return s, fieldErr(at+".Principal", "is not allowed in an identity-based policy")
	}
	var err error
	if w.Condition != nil {
		if s.Condition, err = parseCondition(w.Condition, at+".Condition"); err != nil {
			return s, err
		}
	}
	switch {
	case w.Action != nil && w.NotAction != nil:
		return s, fieldErr(at, "must have Action or NotAction, not both")
	case w.Action != nil:
		s.Action, err = patterns(w.Action, at+".Action", true)
	case w.NotAction != nil:
		s.NotAction, err = patterns(w.NotAction, at+".NotAction", true)
	default:
		return s, fieldErr(at+".Action", "is required")
	}
	if err != nil {
		return s, err
	}
	if w.Resource == nil {
		return s, fieldErr(at+".Resource", "is required")
	}
	s.Resource, err = patterns(w.Resource, at+".Resource", false)
	return s, err
}

// patterns reads a string or a non-empty list of strings; actions must be service:name or *.
func patterns(raw json.RawMessage, at string, action bool) ([]string, error) {
	list, err := oneOrMany[string](raw)
	if err != nil || len(list) == 0 {
		return nil, fieldErr(at, "must be a string or a non-empty list of strings")
	}
	for i, v := range list {
		if v == "" {
			return nil, fieldErr(fmt.Sprintf("%s[%d]", at, i), "must not be empty")
		}
		if action && v != "*" && !strings.Contains(v, ":") {
			return nil, fieldErr(fmt.Sprintf("%s[%d]", at, i), "%q must have the form service:action", v)
		}
	}
	return list, nil
}

// oneOrMany decodes a JSON value that is either a T or a list of T.
func oneOrMany[T any](raw json.RawMessage) ([]T, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("missing")
	}
	if raw[0] == '[' {
		var list []T
		err := json.Unmarshal(raw, &list)
		return list, err
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, err
	}
	return []T{one}, nil
}

func strictUnmarshal(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after the document")
	}
	return nil
}
