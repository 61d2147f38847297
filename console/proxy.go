package console

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr returns the address of the client: the peer's, or, when the peer is a declared
// proxy, the last address it added to X-Forwarded-For. Only a declared proxy is believed, so a
// client cannot pick an address to get round the throttle.
func (c *Console) clientAddr(r *http.Request) string {
	peer := peerAddr(r)
	if !c.trusted(peer) {
		return peer.String()
	}
	fwd := r.Header.Values("X-Forwarded-For")
	if len(fwd) == 0 {
		return peer.String()
	}
	parts := strings.Split(fwd[len(fwd)-1], ",")
	if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
		return a.Unmap().String()
	}
	return peer.String()
}

// peerAddr returns the address of the connection's other end.
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// trusted reports whether the address is a proxy the operator declared.
func (c *Console) trusted(a netip.Addr) bool {
	for _, p := range c.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// overTLS reports whether the browser reached the console over HTTPS: directly, or through a
// declared proxy that says so in X-Forwarded-Proto.
func (c *Console) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return c.trusted(peerAddr(r)) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}
