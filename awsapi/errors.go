package awsapi

import (
	"cmp"
	"errors"
	"net/http"

	"mercato"
)

// Exception is an AWS error response: the exception's shape name, the HTTP status and the
// members of its body. An operation may return an *Exception (possibly wrapped) to name its
// exception explicitly, e.g. Metering's DuplicateRequestException; any other error goes
// through the service's ErrorTable.
type Exception struct {
	Name    string         // shape name, e.g. "ValidationException"; sent as __type
	Status  int            // HTTP status
	Message string         // sent as "message"
	Members map[string]any // further members, e.g. "reason"; values encode by their json tags
}

// NewException returns an Exception without members.
func NewException(status int, name, message string) *Exception {
	return &Exception{Name: name, Status: status, Message: message}
}

func (e *Exception) Error() string { return e.Name + ": " + e.Message }

// With sets the member name to value and returns e.
func (e *Exception) With(name string, value any) *Exception {
	if e.Members == nil {
		e.Members = make(map[string]any, 2)
	}
	e.Members[name] = value
	return e
}

// ExceptionType is the name and HTTP status of an exception.
type ExceptionType struct {
	Name   string
	Status int
}

// ErrorTable maps mercato error codes to the exceptions of one service. Codes it lacks, and
// errors that are not a *mercato.Error, become its EInternal entry.
type ErrorTable map[mercato.ErrorCode]ExceptionType

// AgreementErrors is the error table of the Agreement service. EUnauthorized is normally
// answered by the Authenticator before any operation runs.
var AgreementErrors = ErrorTable{
	mercato.EInvalid:      {"ValidationException", http.StatusBadRequest},
	mercato.EForbidden:    {"AccessDeniedException", http.StatusForbidden},
	mercato.EUnauthorized: {"UnrecognizedClientException", http.StatusForbidden},
	mercato.ENotFound:     {"ResourceNotFoundException", http.StatusNotFound},
	mercato.EConflict:     {"ConflictException", http.StatusConflict},
	mercato.EQuota:        {"ServiceQuotaExceededException", http.StatusPaymentRequired},
	mercato.EThrottled:    {"ThrottlingException", http.StatusTooManyRequests},
	mercato.EInternal:     {"InternalServerException", http.StatusInternalServerError},
}

// internalMessage replaces the message of every server fault: details go to the log only.
const internalMessage = "An internal error occurred. Please retry later."

// Exception returns the exception for err: err's own *Exception if it carries one, else
// the table's entry for its mercato error code. The members follow the Agreement model:
// ValidationException gets reason (default OTHER) and fields, AccessDeniedException its
// reason, ResourceNotFound/Conflict/ServiceQuotaExceeded resourceId and resourceType.
func (t ErrorTable) Exception(err error) *Exception {
	if ex, ok := errors.AsType[*Exception](err); ok {
		return ex
	}
	me, ok := errors.AsType[*mercato.Error](err)
	if !ok || me.Code == mercato.EInternal {
		return t.internal()
	}
	typ, ok := t[me.Code]
	if !ok {
		return t.internal()
	}
	ex := &Exception{Name: typ.Name, Status: typ.Status, Message: me.Message}
	switch me.Code {
	case mercato.EInvalid:
		ex.With("reason", cmp.Or(me.Reason, "OTHER"))
		if len(me.Fields) > 0 {
			ex.Message = validationMessage(me)
			ex.With("fields", []mercato.FieldError(capped(me.Fields)))
		}
	case mercato.EForbidden:
		if me.Reason != "" {
			ex.With("reason", me.Reason)
		}
	case mercato.ENotFound, mercato.EConflict, mercato.EQuota:
		if me.ResourceID != "" {
			ex.With("resourceId", me.ResourceID)
		}
		if me.ResourceType != "" {
			ex.With("resourceType", me.ResourceType)
		}
	}
	return ex
}

// validationMessage is the message of a ValidationException: the error's own if it tells every
// field's problem, else AWS's list of them, so that clients that print only the message (the
// SDKs, the CLI) still say what to fix.
func validationMessage(me *mercato.Error) string {
	if me.ListsFields() {
		return me.Message
	}
	return ValidationMessage(capped(me.Fields))
}

// capped keeps MaxProblems of the fields and counts the others (theirs included) as omitted,
// so that the message's "and N more" counts every problem.
func capped(fs []mercato.FieldError) mercato.Problems {
	var p mercato.Problems
	p.Append(fs...)
	return p
}

func (t ErrorTable) internal() *Exception {
	typ, ok := t[mercato.EInternal]
	if !ok {
		typ = ExceptionType{"InternalServerException", http.StatusInternalServerError}
	}
	return &Exception{Name: typ.Name, Status: typ.Status, Message: internalMessage}
}

// Exceptions of the protocol layer, common to every service.
func unknownOperation(message string) *Exception {
	return NewException(http.StatusBadRequest, "UnknownOperationException", message)
}

func serializationException(message string) *Exception {
	return NewException(http.StatusBadRequest, "SerializationException", message)
}

func bodyTooLarge(limit int64) *Exception {
	return NewException(http.StatusRequestEntityTooLarge, "ValidationException",
		"Request body is larger than the limit of "+itoa(limit)+" bytes").With("reason", "OTHER")
}

// busyReadingBodies is the answer when the body budget has no room: 503 and a throttling
// name, which the AWS SDKs retry with backoff.
func busyReadingBodies() *Exception {
	return NewException(http.StatusServiceUnavailable, "ThrottlingException",
		"The server is receiving too many request bodies at once; retry shortly")
}

func methodNotAllowed() *Exception {
	return NewException(http.StatusMethodNotAllowed, "UnknownOperationException",
		"Operations are invoked with POST")
}
