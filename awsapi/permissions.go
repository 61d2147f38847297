package awsapi

import (
	"context"
	"net/http"
	"reflect"

	"mercato"
)

// Authorizer decides whether the caller of an authenticated request may perform an IAM action
// (e.g. "aws-marketplace:DescribeAgreement") on a resource (an ARN, or "*"). The Handler asks
// it, when its Authenticator implements it, after routing and before decoding the input: a call
// outside the caller's permissions learns nothing of what its input would have done. Errors are
// mapped by the service's error table; mercato.EForbidden is AccessDeniedException.
type Authorizer interface {
	Authorize(r *http.Request, action, resource string) error
}

// Permissions checks an access key's policy.
type Permissions interface {
	Authorize(ctx context.Context, accessKeyID, action, resource string) error
}

// ActionPrefix starts the IAM action name of every AWS Marketplace operation.
const ActionPrefix = SigningName + ":"

// Authorize implements Authorizer with v.Permissions: every key is allowed everything when it is
// nil, and so are sandbox account keys, which carry no policy.
func (v *Verifier) Authorize(r *http.Request, action, resource string) error {
	if v.Permissions == nil {
		return nil
	}
	a, ex := parseAuthorization(r.Header.Get("Authorization"))
	if ex != nil {
		return ex
	}
	if v.Sandbox && sandboxKey.MatchString(a.accessKey) {
		return nil
	}
	err := v.Permissions.Authorize(r.Context(), a.accessKey, action, resource)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound { // revoked since the signature was checked
		return unrecognizedClient()
	}
	return err
}

// PermissionsFunc adapts a function to the Permissions interface.
type PermissionsFunc func(ctx context.Context, accessKeyID, action, resource string) error

// Authorize calls f.
func (f PermissionsFunc) Authorize(ctx context.Context, accessKeyID, action, resource string) error {
	return f(ctx, accessKeyID, action, resource)
}

// authorizer returns the permission check of a call of op: the Authenticator's, if it is also an
// Authorizer, for the operation's action on the resource its input names.
func (h *Handler) authorizer(r *http.Request, op *Operation, caller string) func(in any) error {
	az, ok := h.auth.(Authorizer)
	if !ok {
		return func(any) error { return nil }
	}
	return func(in any) error { return az.Authorize(r, op.Action, resourceOf(in, caller)) }
}

// resourceOf is the ARN of the resource a call acts on, as IAM policies name it: the agreement
// an input names by its AgreementID field, else "*" (operations without a resource type).
func resourceOf(in any, caller string) string {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return "*"
	}
	f := v.Elem().FieldByName("AgreementID")
	if !f.IsValid() || f.Kind() != reflect.String || f.String() == "" {
		return "*"
	}
	return AgreementARN(caller, f.String())
}

// AgreementARN is the ARN of an agreement as IAM policies name it.
func AgreementARN(account, agreementID string) string {
	return "arn:aws:aws-marketplace:us-east-1:" + account + ":AWSMarketplace/Agreement/" + agreementID
}
