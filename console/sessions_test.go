package console_test

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato"
	"mercato/console"
	"mercato/service"
)

// sessionCookieOf returns the client's session cookie.
func sessionCookieOf(t *testing.T, c *client) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(c.base + "/console/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "mercato_console" {
			return &http.Cookie{Name: ck.Name, Value: ck.Value, Path: "/console/"}
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// A cookie kept from before sign-out (by the browser, a proxy log or a thief) no longer reads
// pages or sends forms: the session ended on the server, not only in the browser.
func TestSignedOutSessionIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	old := sessionCookieOf(t, c)
	token := c.csrf("/console/seller/agreements/" + privateAgmt)
	if r := c.post("/console/signout", c.form(token)); r.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", r.status)
	}

	u, _ := url.Parse(e.srv.URL + "/console/")
	c.http.Jar.SetCookies(u, []*http.Cookie{old})
	if r := c.get("/console/seller/agreements"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/console/signin") {
		t.Errorf("the signed-out cookie reads the agreements: %d to %q, want a redirect to sign in", r.status, r.location)
	}
	c.http.Jar.SetCookies(u, []*http.Cookie{old})
	path := "/console/seller/agreements/" + privateAgmt + "/cancellation"
	if r := c.post(path, c.form(token, "reason_code", "OTHER")); r.status != http.StatusForbidden {
		t.Errorf("the signed-out cookie sends a cancellation: %d, want 403", r.status)
	}
	if n := e.cancellations(acme); n != 0 {
		t.Fatalf("%d cancellation requests made with a signed-out session", n)
	}

	// Signing out ends only that session: a new sign-in with the same key works.
	c2 := e.client()
	c2.signIn(acmeKey, acmeSecret)
	if r := c2.get("/console/seller/agreements"); r.status != http.StatusOK {
		t.Errorf("a new session after sign-out: %d, want 200", r.status)
	}
}

// wallClock is a wall clock the test moves.
type wallClock struct {
	mu  sync.Mutex
	now time.Time
}

func (w *wallClock) Now() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }

func (w *wallClock) add(d time.Duration) { w.mu.Lock(); w.now = w.now.Add(d); w.mu.Unlock() }

// proxied serves a second console on e's service behind a declared proxy (this host), with a
// wall clock the test moves.
func proxied(e *env, proxies ...string) (*httptest.Server, *wallClock) {
	e.t.Helper()
	var nets []netip.Prefix
	for _, p := range proxies {
		nets = append(nets, netip.MustParsePrefix(p))
	}
	c, err := console.New(e.ctx, console.Config{Service: e.svc, Directory: storeDirectory{e.store}, TrustedProxies: nets})
	if err != nil {
		e.t.Fatal(err)
	}
	clock := &wallClock{now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
	console.SetWallClock(c, clock.Now)
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	srv := httptest.NewServer(mux)
	e.t.Cleanup(srv.Close)
	return srv, clock
}

// clientOf returns a browser-like client of srv.
func clientOf(t *testing.T, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: srv.URL, http: &http.Client{Jar: jar, Transport: srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// trySignIn posts the sign-in form from a client address (sent by the declared proxy).
func trySignIn(c *client, from, keyID, secret string) response {
	c.t.Helper()
	form := url.Values{"csrf": {c.csrf("/console/signin")}, "access_key_id": {keyID}, "secret": {secret}}
	return c.post("/console/signin", form, "X-Forwarded-For", from)
}

// 300 wrong secrets for one key, each from a different address: after the fifth failure within
// a minute the key is refused, even with its right secret, until a minute has passed.
func TestSignInIsThrottledPerKey(t *testing.T) {
	e := newEnv(t)
	srv, clock := proxied(e, "127.0.0.0/8")
	c := clientOf(t, srv)
	counts := map[int]int{}
	for i := range 300 {
		counts[trySignIn(c, fmt.Sprintf("10.0.%d.%d", i/250, i%250), acmeKey, "wrong").status]++
	}
	if counts[http.StatusUnauthorized] != 5 || counts[http.StatusTooManyRequests] != 295 {
		t.Fatalf("300 wrong secrets answered %v, want 5 × 401 then 295 × 429", counts)
	}
	r := trySignIn(c, "10.9.9.9", acmeKey, acmeSecret)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many failed sign-ins") {
		t.Fatalf("the right secret while the key is throttled: %d, want 429 with an explanation\n%s", r.status, r.body)
	}
	if r := trySignIn(c, "10.9.9.9", buyerKey, buyerSecret); r.status != http.StatusSeeOther {
		t.Fatalf("another key from another address: %d, want 303", r.status)
	}

	clock.add(61 * time.Second)
	if r := trySignIn(clientOf(t, srv), "10.9.9.8", acmeKey, acmeSecret); r.status != http.StatusSeeOther {
		t.Fatalf("the right secret a minute later: %d, want 303\n%s", r.status, r.body)
	}
}

// Five wrong secrets from one address, each for another key, throttle that address for every
// key, but not other addresses.
func TestSignInIsThrottledPerAddress(t *testing.T) {
	e := newEnv(t)
	srv, clock := proxied(e, "127.0.0.0/8")
	c := clientOf(t, srv)
	for i, key := range []string{"AKIAUNKNOWN000000001", "AKIAUNKNOWN000000002", buyerKey, beispielKey, otherKey} {
		if r := trySignIn(c, "203.0.113.7", key, "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, r.status)
		}
	}
	if r := trySignIn(c, "203.0.113.7", acmeKey, acmeSecret); r.status != http.StatusTooManyRequests {
		t.Fatalf("the right secret from the throttled address: %d, want 429", r.status)
	}
	if r := trySignIn(clientOf(t, srv), "203.0.113.8", acmeKey, acmeSecret); r.status != http.StatusSeeOther {
		t.Fatalf("the right secret from another address: %d, want 303", r.status)
	}
	clock.add(61 * time.Second)
	if r := trySignIn(c, "203.0.113.7", operatorKey, operatorSec); r.status != http.StatusSeeOther {
		t.Fatalf("from the address a minute later: %d, want 303", r.status)
	}
}

// A client that is not a declared proxy cannot pick its address with X-Forwarded-For to get
// round the throttle.
func TestForwardedForIsIgnoredFromUndeclaredProxies(t *testing.T) {
	e := newEnv(t)
	srv, _ := proxied(e) // no proxy declared
	c := clientOf(t, srv)
	for i := range 5 {
		trySignIn(c, fmt.Sprintf("198.51.100.%d", i), "AKIAUNKNOWN000000001", "wrong")
	}
	if r := trySignIn(c, "198.51.100.99", acmeKey, acmeSecret); r.status != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures from this host under 5 claimed addresses: %d, want 429", r.status)
	}
}

// setCookies returns the Set-Cookie headers of a GET of the sign-in page.
func setCookies(t *testing.T, hc *http.Client, url string, headers ...string) []*http.Cookie {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/console/signin", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if len(res.Cookies()) == 0 {
		t.Fatal("no cookie set")
	}
	return res.Cookies()
}

// Cookies are Secure when the console is reached over HTTPS: directly, or through a declared
// proxy that says so. A client that is not a declared proxy cannot claim HTTPS.
func TestCookiesAreSecureOverHTTPS(t *testing.T) {
	e := newEnv(t)
	c, err := console.New(e.ctx, console.Config{Service: e.svc, Directory: storeDirectory{e.store}})
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv := httptest.NewTLSServer(c)
	t.Cleanup(tlsSrv.Close)
	behind, _ := proxied(e, "127.0.0.1/32")
	notBehind, _ := proxied(e, "10.0.0.0/8")

	tests := []struct {
		name    string
		srv     *httptest.Server
		headers []string
		secure  bool
	}{
		{"over TLS", tlsSrv, nil, true},
		{"plain HTTP", e.srv, nil, false},
		{"declared proxy, HTTPS", behind, []string{"X-Forwarded-Proto", "https"}, true},
		{"declared proxy, HTTP", behind, []string{"X-Forwarded-Proto", "http"}, false},
		{"undeclared proxy claims HTTPS", notBehind, []string{"X-Forwarded-Proto", "https"}, false},
		{"no proxy declared, claims HTTPS", e.srv, []string{"X-Forwarded-Proto", "https"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ck := range setCookies(t, tt.srv.Client(), tt.srv.URL, tt.headers...) {
				if ck.Secure != tt.secure {
					t.Errorf("cookie %s: Secure = %v, want %v", ck.Name, ck.Secure, tt.secure)
				}
			}
		})
	}

	// The session cookie of a sign-in over TLS is Secure too.
	tc := clientOf(t, tlsSrv)
	form := url.Values{"csrf": {tc.csrf("/console/signin")}, "access_key_id": {acmeKey}, "secret": {acmeSecret}}
	res, err := tc.http.PostForm(tlsSrv.URL+"/console/signin", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	found := false
	for _, ck := range res.Cookies() {
		if ck.Name == "mercato_console" {
			found = true
			if !ck.Secure {
				t.Error("the session cookie of a sign-in over TLS is not Secure")
			}
		}
	}
	if !found {
		t.Fatalf("sign-in over TLS: %d, no session cookie", res.StatusCode)
	}
}

// A session is tied to the access key it signed in with: once the key is removed from the
// account or its secret changed, the session ends. Keys change only in the database today (no
// operation rotates them, and a node remembers the keys it has seen), so a new node on the
// database is what sees it.
func TestSessionEndsWithItsKey(t *testing.T) {
	for name, keys := range map[string][]mercato.AccessKey{
		"key removed":    {{ID: "AKIAACMESELLER000002", Secret: "a-new-secret"}},
		"secret changed": {{ID: acmeKey, Secret: "a-new-secret"}},
		"key kept":       nil, // the control: the new node accepts the session
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			c := e.client()
			c.signIn(acmeKey, acmeSecret)
			err := e.store.Update(e.ctx, func(tx mercato.Tx) error {
				a, err := tx.GetAccount(acme)
				if err != nil {
					return err
				}
				if keys != nil {
					a.AccessKeys = keys
				}
				return tx.PutAccount(a)
			})
			if err != nil {
				t.Fatal(err)
			}
			node := service.New(e.store, mercato.NewSimClock(time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)))
			cons, err := console.New(e.ctx, console.Config{Service: node, Directory: storeDirectory{e.store}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(cons)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/console/seller/agreements", nil)
			req.AddCookie(sessionCookieOf(t, c))
			r := c.do(req)
			if keys == nil {
				if r.status != http.StatusOK {
					t.Fatalf("the session on a new node: %d, want 200", r.status)
				}
				return
			}
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/console/signin") {
				t.Fatalf("the session after its %s: %d to %q, want a redirect to sign in", name, r.status, r.location)
			}
		})
	}
}
