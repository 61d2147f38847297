package awsapi

import (
	"context"
	"net/http"
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
	return v.Permissions.Authorize(r.Context(), a.accessKey, action, resource)
}

// PermissionsFunc adapts a function to the Permissions interface.
type PermissionsFunc func(ctx context.Context, accessKeyID, action, resource string) error

// Authorize calls f.
func (f PermissionsFunc) Authorize(ctx context.Context, accessKeyID, action, resource string) error {
	return f(ctx, accessKeyID, action, resource)
}
