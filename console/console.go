// Package console serves mercato's web console under /console/: server-rendered pages for
// sellers (agreements, billing adjustments, cancellation requests), buyers (agreements, invoices
// and credit memos, requests to answer, offers to accept) and operators (the simulated clock,
// failed jobs, ledger health).
//
// The console is a transport: it calls the service and nothing below it. An account signs in
// with one of its access keys; the session lives in a signed cookie, tied to that key and revoked
// in the database at sign-out, every form carries a per-session CSRF token and cross-origin POSTs
// are refused. Failed sign-ins are throttled per access key and per client address. Every page
// shows only what the signed-in account may see, and the service enforces the same rules again.
package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"mercato"
	"mercato/forwarded"
	"mercato/service"
)

// Directory looks up accounts and products by ID, for names and roles. *service.Service
// implements it (cmd/mercato passes the service itself). Lookups return ENotFound for unknown IDs.
type Directory interface {
	Account(ctx context.Context, id string) (mercato.Account, error)
	Product(ctx context.Context, id string) (mercato.Product, error)
}

// Config configures the console.
type Config struct {
	// Service is the marketplace the console shows. Required.
	Service *service.Service
	// Directory names accounts and products and tells account roles. Without it, roles are
	// inferred from what an account did (see inferAccount) and the operator pages are closed.
	Directory Directory
	// Logger logs faults (the default discards).
	Logger *slog.Logger
	// SecureCookies sets the Secure flag on cookies even on plain-HTTP requests, for a console
	// behind a TLS-terminating proxy. Requests over TLS always get it.
	SecureCookies bool
	// TrustedProxies are the networks of the reverse proxies in front of the console. From them
	// only, X-Forwarded-Proto: https makes cookies Secure and X-Forwarded-For names the client
	// whose failed sign-ins are counted.
	TrustedProxies []netip.Prefix
	// SessionTTL is how long a sign-in lasts (default 8 hours, wall-clock time).
	SessionTTL time.Duration
}

// Console is the web console's http.Handler. It serves paths under /console/.
type Console struct {
	svc     *service.Service
	dir     Directory
	log     *slog.Logger
	keys    signer
	secure  bool
	ttl     time.Duration
	proxies forwarded.Proxies
	tries   *throttle        // failed sign-ins per key and per client address
	wall    func() time.Time // the wall clock sessions and throttling count on
	pages   map[string]*template.Template
	static  *staticFiles
	handler http.Handler
}

const defaultSessionTTL = 8 * time.Hour

// New returns the console. It reads the marketplace's signing key from the service, and derives
// the key that signs sessions and CSRF tokens from it.
func New(ctx context.Context, cfg Config) (*Console, error) {
	if cfg.Service == nil {
		return nil, errors.New("console: a service is required")
	}
	secret, err := cfg.Service.Secret(ctx)
	if err != nil {
		return nil, err
	}
	c := &Console{svc: cfg.Service, dir: cfg.Directory, log: cfg.Logger, secure: cfg.SecureCookies,
		ttl: cfg.SessionTTL, proxies: cfg.TrustedProxies, tries: newThrottle(), wall: time.Now,
		keys: signer{key: deriveKey(secret, "mercato console sessions v1")}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.ttl <= 0 {
		c.ttl = defaultSessionTTL
	}
	if c.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if c.pages, err = c.parsePages(); err != nil {
		return nil, err
	}
	c.handler = c.protect(c.routes())
	return c, nil
}

// deriveKey derives a key for one purpose from the marketplace secret, so that the console never
// signs with the key the service uses for its own tokens.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// ServeHTTP serves the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// protect adds the headers every response carries and refuses cross-origin POSTs.
func (c *Console) protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.renderError(w, r, nil, http.StatusForbidden, "Request refused",
			"This form was sent from another site, so it was not accepted. Open the console and try again.")
	}))
	inner := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		inner.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is every console page's policy: nothing from, or posted to, another
// origin (the page that sends a new subscriber to the seller's registration page names that
// origin too; see fulfillment.go).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// maxFormBytes bounds a form post.
const maxFormBytes = 64 << 10
