package iam

// DeniedMessage words a refusal as AWS does in an AccessDeniedException: principal is the
// caller's ARN, e.g. arn:aws:iam::123456789012:user/name.
func DeniedMessage(principal, action, resource string, d Decision) string {
	msg := "User: " + principal + " is not authorized to perform: " + action + " on resource: " + resource
	if d == ExplicitDeny {
		return msg + " with an explicit deny in an identity-based policy"
	}
	return msg + " because no identity-based policy allows the " + action + " action"
}
