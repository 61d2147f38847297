package forwarded_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"mercato/forwarded"
)

func TestClientAddrAndTLS(t *testing.T) {
	proxies := forwarded.Proxies{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name, peer, xff, proto string
		tls                    bool
		client                 string
		secure                 bool
	}{
		{"direct", "203.0.113.9:5000", "", "", false, "203.0.113.9", false},
		{"direct over TLS", "203.0.113.9:5000", "", "", true, "203.0.113.9", true},
		{"a stranger's headers are not believed", "203.0.113.9:5000", "198.51.100.1", "https", false, "203.0.113.9", false},
		{"through the proxy", "10.1.2.3:5000", "198.51.100.1", "https", false, "198.51.100.1", true},
		{"the proxy's own entry is the last", "10.1.2.3:5000", "1.2.3.4, 198.51.100.1", "http", false, "198.51.100.1", false},
		{"a proxy that says nothing", "10.1.2.3:5000", "", "", false, "10.1.2.3", false},
		{"an IPv4 peer in IPv6 form", "[::ffff:203.0.113.9]:5000", "", "", false, "203.0.113.9", false},
		{"a forwarded address that is no address", "10.1.2.3:5000", "unknown", "", false, "10.1.2.3", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := proxies.ClientAddr(r).String(); got != c.client {
			t.Errorf("%s: client %s, want %s", c.name, got, c.client)
		}
		if got := proxies.OverTLS(r); got != c.secure {
			t.Errorf("%s: over TLS %v, want %v", c.name, got, c.secure)
		}
	}
}
