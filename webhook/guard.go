package webhook

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// internalNetworks are the addresses a marketplace's webhooks must not reach on a seller's
// say-so: this host, private and link-local networks (the cloud metadata service among them),
// carrier-grade NAT, and the reserved, benchmarking and documentation ranges.
var internalNetworks = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/3"), // multicast, reserved and broadcast
	netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64: an IPv4 address inside IPv6
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("ff00::/8"),
}

// Internal reports whether ip is in one of the internal networks.
func Internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, n := range internalNetworks {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// AddressPolicy decides which addresses webhooks may be sent to. Its zero value refuses every
// internal address: a destination URL is a seller's input, and a marketplace that POSTs
// wherever it is told can be made to reach its own network.
type AddressPolicy struct {
	// AllowInternal lets every address through: the sandbox, whose receivers run beside the
	// seller's tests.
	AllowInternal bool
	// Allowed are internal networks permitted all the same, for an operator whose receivers
	// are inside its own network.
	Allowed []netip.Prefix
}

// Check returns an error naming ip if the policy refuses it.
func (p AddressPolicy) Check(ip netip.Addr) error {
	ip = ip.Unmap()
	if p.AllowInternal || !Internal(ip) {
		return nil
	}
	for _, n := range p.Allowed {
		if n.Contains(ip) {
			return nil
		}
	}
	return fmt.Errorf("%s is an internal address; webhooks go to public addresses only unless the server allows its network", ip)
}

// CheckHost is Check for a URL's host when it is an address literal or localhost, which can be
// refused before anything is sent; a name is resolved, and checked, at each connection.
func (p AddressPolicy) CheckHost(host string) error {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return p.Check(netip.IPv6Loopback())
	}
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return p.Check(ip)
	}
	return nil
}

// control runs after a name is resolved and before each connection, so that a name which
// resolves to an internal address (or is re-pointed to one later) is refused as well.
func (p AddressPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: unexpected dial address %q: %w", address, err)
	}
	return p.Check(ap.Addr())
}

func (p AddressPolicy) dialer() *net.Dialer {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowInternal {
		d.Control = p.control
	}
	return d
}
