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

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Name + ": " + f.Message
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
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

// Problems collects field errors so that Validate methods report every bad field at once.
type Problems []FieldError

// Add records a problem with the named field.
func (p *Problems) Add(name, format string, args ...any) {
	*p = append(*p, FieldError{Name: name, Message: fmt.Sprintf(format, args...)})
}

// Err returns an EInvalid *Error listing the problems, or nil if there are none.
func (p Problems) Err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Reason: "OTHER", Message: message, Fields: p}
}
