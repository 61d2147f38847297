package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"mercato/webhook"
)

func TestInternal(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.9.9.9": true, "10.0.0.1": true, "172.16.0.1": true, "172.31.255.255": true,
		"192.168.1.1": true, "169.254.169.254": true, "100.64.0.1": true, "0.0.0.0": true, "224.0.0.1": true,
		"255.255.255.255": true, "::1": true, "::": true, "fd00::1": true, "fe80::1": true,
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "64:ff9b::a00:1": true,
		"8.8.8.8": false, "172.32.0.1": false, "100.128.0.1": false, "1.1.1.1": false,
		"2606:4700:4700::1111": false, "::ffff:8.8.8.8": false,
	} {
		if got := webhook.Internal(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Internal(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestAddressPolicy(t *testing.T) {
	var refuseAll webhook.AddressPolicy
	ten := webhook.AddressPolicy{Allowed: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}
	for _, c := range []struct {
		p     webhook.AddressPolicy
		host  string
		allow bool
	}{
		{refuseAll, "10.1.2.3", false},
		{refuseAll, "localhost", false},
		{refuseAll, "api.localhost", false},
		{refuseAll, "[::1]", false},
		{refuseAll, "::1", false},
		{refuseAll, "example.com", true}, // a name is checked when it resolves, at each connection
		{refuseAll, "93.184.215.14", true},
		{ten, "10.1.2.3", true},
		{ten, "10.2.0.1", false},
		{ten, "127.0.0.1", false},
		{webhook.AddressPolicy{AllowInternal: true}, "127.0.0.1", true},
		{webhook.AddressPolicy{AllowInternal: true}, "localhost", true},
	} {
		err := c.p.CheckHost(c.host)
		if (err == nil) != c.allow {
			t.Errorf("%+v.CheckHost(%s) = %v, want allowed %v", c.p, c.host, err, c.allow)
		}
	}
}

// TestSenderRefusesInternalAddresses: a sender that may not reach internal addresses does not
// connect to a receiver on loopback, even through a name that resolves there; allowing the
// network lets the same request through.
func TestSenderRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	req := func(u string) webhook.Request {
		return webhook.Request{URL: u, Key: []byte("0123456789abcdef01234567"), ID: "evt-1", Body: []byte(`{}`)}
	}
	refusing := webhook.NewSender(webhook.AddressPolicy{})
	for _, u := range []string{srv.URL, byName} {
		res := refusing.Send(context.Background(), req(u))
		if res.Err == nil || res.StatusCode != 0 || !strings.Contains(res.Err.Error(), "internal address") {
			t.Errorf("refusing sender, %s: %+v", u, res)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the receiver was reached %d times", n)
	}
	allowing := webhook.NewSender(webhook.AddressPolicy{Allowed: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	if res := allowing.Send(context.Background(), req(byName)); res.Err != nil || res.StatusCode != http.StatusNoContent {
		t.Errorf("sender allowing loopback: %+v", res)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the receiver was reached %d times, want 1", n)
	}
}

// TestGuardedSenderIgnoresProxies: a proxy named in the environment (HTTPS_PROXY) would hide
// the destination's address from the policy, which would judge the proxy's instead; a guarded
// sender connects directly, the sandbox's unguarded one keeps the environment's proxy.
func TestGuardedSenderIgnoresProxies(t *testing.T) {
	proxy := func(p webhook.AddressPolicy) bool {
		return webhook.NewSender(p).Client.Transport.(*http.Transport).Proxy != nil
	}
	if proxy(webhook.AddressPolicy{}) || proxy(webhook.AddressPolicy{Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}) {
		t.Error("a guarded sender goes through the environment's proxy")
	}
	if !proxy(webhook.AddressPolicy{AllowInternal: true}) {
		t.Error("the unguarded sender ignores the environment's proxy")
	}
}
