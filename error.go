package mercato

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorCode classifies an error for every transport: awsapi maps each code to an AWS exception
// and an HTTP status; the console and the CLI show the message.
type ErrorCode string

// Error codes. The set only grows.
const (
	EInvalid      ErrorCode = "invalid"        // bad input; Fields says which
	ENotFound     ErrorCode = "not_found"      // unknown, or not visible to the caller
	EConflict     ErrorCode = "conflict"       // state forbids the operation now
	EForbidden    ErrorCode = "forbidden"      // the caller may see the resource but not do this
	EUnauthorized ErrorCode = "unauthorized"   // the caller could not be identified
	EQuota        ErrorCode = "quota_exceeded" // a limit of the marketplace was reached
	EThrottled    ErrorCode = "throttled"      // too many requests; retry later
	EInternal     ErrorCode = "internal"       // a fault of ours
)

// ErrCommitUnknown marks the error of a commit whose outcome the store cannot tell, such as a
// connection lost while committing: the transaction may have been committed. Callers must not
// assume it was not (running its work again could do it twice).
var ErrCommitUnknown = errors.New("the commit's outcome is unknown")

// FieldError names one bad input field and what is wrong with it.
type FieldError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
	// Omitted counts the problems found after this one that Problems did not keep (see
	// MaxProblems); it is not part of the field's description on any wire.
	Omitted int `json:"-"`
}

// Error is the error type of the domain and the service. Transports render it; they never
// match on its text.
type Error struct {
	Code         ErrorCode
	Reason       string // a machine-readable reason, e.g. AWS's ValidationExceptionReason
	Message      string
	Fields       []FieldError
	ResourceID   string
	ResourceType string
}

// Error returns the message, followed by the fields' problems that it does not already tell.
func (e *Error) Error() string {
	if e.ListsFields() {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Name + ": " + f.Message
	}
	if n := Problems(e.Fields).Omitted(); n > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", n))
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// ListsFields reports whether the message already tells every field's problem, as the
// message of a single-field error usually does.
func (e *Error) ListsFields() bool {
	for _, f := range e.Fields {
		if !strings.Contains(e.Message, f.Message) {
			return false
		}
	}
	return true
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENotFound error naming the resource.
func NotFound(resourceType, id string) *Error {
	return &Error{Code: ENotFound, Message: fmt.Sprintf("%s %s not found", resourceType, id),
		ResourceID: id, ResourceType: resourceType}
}

// WithReason sets the machine-readable reason and returns e.
func (e *Error) WithReason(reason string) *Error { e.Reason = reason; return e }

// ErrorCodeOf returns the code of the first *Error in err's chain, EInternal for any other
// error and "" for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// MaxProblems is the most problems a Problems keeps. A request can be wrong in many more ways
// (a batch of a hundred thousand empty entries), and a list of every problem would cost the
// server memory and the client a response many times the request's size; the first few say
// what to fix, as AWS's own validation messages do.
const MaxProblems = 10

// Problems collects field errors so that Validate methods report every bad field at once, up to
// MaxProblems; the problems past that are only counted (see Omitted).
type Problems []FieldError

// Add records a problem with the named field, or only counts it once MaxProblems are kept.
func (p *Problems) Add(name, format string, args ...any) {
	if p.Full() {
		(*p)[len(*p)-1].Omitted++ // no message is formatted for a problem that is not kept
		return
	}
	*p = append(*p, FieldError{Name: name, Message: fmt.Sprintf(format, args...)})
}

// Append records problems found elsewhere, such as those of one element named within the
// element, keeping MaxProblems of them at most as Add does.
func (p *Problems) Append(fs ...FieldError) {
	for _, f := range fs {
		if p.Full() {
			(*p)[len(*p)-1].Omitted += 1 + f.Omitted
			continue
		}
		*p = append(*p, f)
	}
}

// Full reports whether p keeps MaxProblems problems already: a Validate may stop looking.
func (p Problems) Full() bool { return len(p) >= MaxProblems }

// Omitted returns the number of problems counted but not kept.
func (p Problems) Omitted() int {
	n := 0
	for _, f := range p {
		n += f.Omitted
	}
	return n
}

// Count returns the number of problems found, kept or not.
func (p Problems) Count() int { return len(p) + p.Omitted() }

// Err returns an EInvalid *Error listing the problems, or nil if there are none.
func (p Problems) Err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Reason: "OTHER", Message: message, Fields: p}
}
