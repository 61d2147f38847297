// Package forwarded tells, for a request that may have come through reverse proxies the
// operator declared (serve --trusted-proxy), the client's address and whether the client used
// TLS. Only a declared proxy is believed: anyone else could write X-Forwarded-For or
// X-Forwarded-Proto to pick an address or feign a secure transport.
package forwarded

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks of the declared reverse proxies.
type Proxies []netip.Prefix

// trusted reports whether the address is a declared proxy's.
func (p Proxies) trusted(a netip.Addr) bool {
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the client's address: the peer's, or, when the peer is a declared proxy,
// the last address it added to X-Forwarded-For.
func (p Proxies) ClientAddr(r *http.Request) netip.Addr {
	peer := peerAddr(r)
	if !p.trusted(peer) {
		return peer
	}
	fwd := r.Header.Values("X-Forwarded-For")
	if len(fwd) == 0 {
		return peer
	}
	parts := strings.Split(fwd[len(fwd)-1], ",")
	if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
		return a.Unmap()
	}
	return peer
}

// OverTLS reports whether the client reached the server over HTTPS: directly, or through a
// declared proxy that says so in X-Forwarded-Proto.
func (p Proxies) OverTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return p.trusted(peerAddr(r)) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// peerAddr returns the address of the connection's other end (invalid if it has none).
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}
