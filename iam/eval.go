package iam

import "strings"

// Decision is the outcome of evaluating a request against a policy.
type Decision int

// Decisions. ImplicitDeny is "no statement allows it"; ExplicitDeny is "a Deny statement matches".
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

// Request is what a policy decides on: an action on a resource (an ARN, or "*"), with the
// request's condition keys.
type Request struct {
	Action   string
	Resource string
	Context  Context // nil: the request has no condition keys
}

// Evaluate decides whether the policy allows action on resource for a request without
// condition keys (see EvaluateRequest).
func (p *Policy) Evaluate(action, resource string) Decision {
	return p.EvaluateRequest(Request{Action: action, Resource: resource})
}

// EvaluateRequest decides whether the policy allows the request: a statement applies when its
// action, resource and every condition match; an explicit Deny wins over any Allow, and what
// nothing allows is an implicit deny. A nil policy allows everything (a key without a policy
// has its role's full access).
func (p *Policy) EvaluateRequest(r Request) Decision {
	if p == nil {
		return Allowed
	}
	d := ImplicitDeny
	action := strings.ToLower(r.Action) // patterns are lower-cased when the policy is read
	for _, s := range p.Statement {
		if !s.matches(action, r.Resource) || !s.holds(r.Context) {
			continue
		}
		if s.Effect == Deny {
			return ExplicitDeny
		}
		d = Allowed
	}
	return d
}

func (s *Statement) matches(action, resource string) bool {
	if s.Action != nil && !anyMatch(s.Action, action) {
		return false
	}
	if s.NotAction != nil && anyMatch(s.NotAction, action) {
		return false
	}
	return anyMatch(s.Resource, resource)
}

// holds reports whether every condition of the statement holds.
func (s *Statement) holds(c Context) bool {
	for i := range s.Condition {
		if !s.Condition[i].Holds(c) {
			return false
		}
	}
	return true
}

// HasConditions reports whether a statement of the policy has a condition, so that a caller
// builds the request's context only for a policy that reads it.
func (p *Policy) HasConditions() bool {
	if p == nil {
		return false
	}
	for _, s := range p.Statement {
		if len(s.Condition) > 0 {
			return true
		}
	}
	return false
}

func anyMatch(patterns []string, v string) bool {
	for _, p := range patterns {
		if Match(p, v) {
			return true
		}
	}
	return false
}

// foldActions lower-cases the action patterns once, since IAM matches actions regardless of case.
func (p *Policy) foldActions() *Policy {
	for i := range p.Statement {
		s := &p.Statement[i]
		for j := range s.Action {
			s.Action[j] = strings.ToLower(s.Action[j])
		}
		for j := range s.NotAction {
			s.NotAction[j] = strings.ToLower(s.NotAction[j])
		}
	}
	return p
}

// Match reports whether v matches the IAM pattern p, where * matches any run of characters
// (none included) and ? any one character. It runs in O(len(p)·len(v)) without recursion, so a
// hostile pattern cannot make it slow.
func Match(p, v string) bool {
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
