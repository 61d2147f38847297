package console

import (
	"net/http"

	"mercato/iam"
)

// clientAddr returns the address of the client (see forwarded.Proxies.ClientAddr): only a
// declared proxy is believed, so a client cannot pick an address to get round the throttle.
func (c *Console) clientAddr(r *http.Request) string { return c.proxies.ClientAddr(r).String() }

// overTLS reports whether the browser reached the console over HTTPS, directly or through a
// declared proxy.
func (c *Console) overTLS(r *http.Request) bool { return c.proxies.OverTLS(r) }

// authorize checks the session key's policy for the action on the resource, as the signed API
// checks it, with the condition keys the request's transport tells (the client's address, TLS).
func (c *Console) authorize(r *http.Request, u *user, action, resource string) error {
	keys := iam.Keys{}
	keys.SetTransport(c.proxies.ClientAddr(r), c.overTLS(r), "")
	return c.svc.Authorize(iam.WithRequestKeys(r.Context(), keys), u.session.KeyID, action, resource)
}
