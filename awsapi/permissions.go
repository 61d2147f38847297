package awsapi

import (
	"context"
	"net/http"
	"reflect"

	"mercato"
	"mercato/iam"
)

// Authorizer decides whether the caller of an authenticated request may perform an IAM action
// (e.g. "aws-marketplace:DescribeAgreement") on a resource (an ARN, or "*"). The handlers ask
// it, when their Authenticator implements it, once the input is decoded (it names the resources
// and states the condition keys) and before the input is validated or run: a call outside the
// caller's permissions learns nothing of what its input would have done. Errors are
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
	if v.policyless(a) {
		return nil
	}
	ctx := iam.WithRequestKeys(r.Context(), v.transportKeys(r, a.region))
	err := v.Permissions.Authorize(ctx, a.accessKey, action, resource)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound { // revoked since the signature was checked
		return unrecognizedClient()
	}
	return err
}

// checksPolicy reports whether the request's key may have a policy to check: not when
// Permissions is nil, nor for a sandbox account key. A malformed Authorization header is left
// for Authorize to refuse.
func (v *Verifier) checksPolicy(r *http.Request) bool {
	if v.Permissions == nil {
		return false
	}
	a, ex := parseAuthorization(r.Header.Get("Authorization"))
	return ex != nil || !v.policyless(a)
}

// policyless reports whether the request was signed with a sandbox account key, which carries
// no policy.
func (v *Verifier) policyless(a authorization) bool {
	return v.Sandbox && sandboxKey.MatchString(a.accessKey)
}

// conditionKeys states aws-marketplace:PartyType and aws-marketplace:AgreementType as the
// search's filters give them.
func (in *searchInput) conditionKeys(k iam.Keys) {
	for _, f := range in.Filters {
		switch f.Name {
		case "PartyType":
			k.Set("aws-marketplace:PartyType", f.Values...)
		case "AgreementType":
			k.Set("aws-marketplace:AgreementType", f.Values...)
		}
	}
}

// PermissionsFunc adapts a function to the Permissions interface.
type PermissionsFunc func(ctx context.Context, accessKeyID, action, resource string) error

// Authorize calls f.
func (f PermissionsFunc) Authorize(ctx context.Context, accessKeyID, action, resource string) error {
	return f(ctx, accessKeyID, action, resource)
}

// authorizer returns the permission check of a call of op: the Authenticator's, if it is also an
// Authorizer, for the operation's action on the resources its input names (all must be
// allowed), with the condition keys its input states.
func (h *Handler) authorizer(r *http.Request, op *Operation, caller string) func(in any) error {
	az, ok := h.auth.(Authorizer)
	if !ok {
		return func(any) error { return nil }
	}
	return func(in any) error {
		return authorizeAll(az, r, op.Action, []string{resourceOf(in, caller)}, in)
	}
}

// authorizeAll asks az for action on each resource in turn, with the condition keys in states
// (see conditionKeyer) in the request's context; the first refusal is the answer.
func authorizeAll(az Authorizer, r *http.Request, action string, resources []string, in any) error {
	if ck, ok := in.(conditionKeyer); ok {
		keys := iam.Keys{}
		ck.conditionKeys(keys)
		r = r.WithContext(iam.WithRequestKeys(r.Context(), keys))
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, res := range resources {
		if err := az.Authorize(r, action, res); err != nil {
			return err
		}
	}
	return nil
}

// conditionKeyer is an input that states condition keys of its request (e.g. the change types
// of a change set, the tags it asks for).
type conditionKeyer interface {
	conditionKeys(iam.Keys)
}

// transportKeys adds to the keys already in r's context the global condition keys its
// transport tells truthfully (iam.Keys.SetTransport): the client's address and whether it used
// TLS, believing X-Forwarded-For and X-Forwarded-Proto from the declared proxies only, and the
// region the request was signed for.
func (v *Verifier) transportKeys(r *http.Request, region string) iam.Keys {
	keys := iam.Keys{}
	for k, v := range iam.RequestKeys(r.Context()) {
		keys[k] = v
	}
	keys.SetTransport(v.Proxies.ClientAddr(r), v.Proxies.OverTLS(r), region)
	return keys
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

// authorizer returns the permission check of a call of a restJson1 operation: the
// Authenticator's, if it is also an Authorizer, for aws-marketplace:<operation> on each
// resource the service finds in the input.
func (h *RestHandler) authorizer(r *http.Request, rt *restRoute, caller string) func(in any) error {
	az, ok := h.rpc.auth.(Authorizer)
	if !ok {
		return func(any) error { return nil }
	}
	return func(in any) error {
		if v, ok := az.(*Verifier); ok && !v.checksPolicy(r) {
			return nil // no policy to check: spare the reads that find the resources
		}
		var resources []string
		if rt.svc.Resources != nil {
			resources = rt.svc.Resources(r.Context(), caller, in)
		}
		return authorizeAll(az, r, ActionPrefix+rt.op.Name, resources, in)
	}
}
