package control

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"mercato"
)

// sameOrigin refuses the state-changing requests (any method but GET, HEAD and OPTIONS) that a
// web page on another site could make a developer's browser send: those a browser marks as
// cross-site (Origin of another host, or Sec-Fetch-Site: cross-site or same-site) answer 403,
// and those whose body is not JSON (or, for a scenario, YAML) answer 415. A browser sends
// text/plain and form bodies to another site without asking it first, but asks (a CORS preflight,
// which these endpoints never grant) before sending JSON, so requiring JSON keeps even browsers
// that send no Origin out. Clients that are not browsers (the CLI, the SDKs, curl) send no Origin
// and are served.
func (h *Handler) sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if err := crossSite(r); err != nil {
			h.failStatus(w, http.StatusForbidden, err)
			return
		}
		if err := bodyType(r); err != nil {
			h.failStatus(w, http.StatusUnsupportedMediaType, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossSite returns an EForbidden error when the request comes from a page of another origin.
// The origin's host (with its port) is compared with the Host the request was sent to, not
// its scheme: behind a proxy that ends TLS the server sees http while the page is https.
func crossSite(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return mercato.Errorf(mercato.EForbidden,
			"cross-site requests to /_mercato/ are refused (Sec-Fetch-Site: %s): send them from the CLI, an SDK or a script", site)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return mercato.Errorf(mercato.EForbidden,
			"cross-site requests to /_mercato/ are refused (Origin %q is not this server's %q): send them from the CLI, an SDK or a script",
			origin, r.Host)
	}
	return nil
}

// bodyType returns an EInvalid error naming Content-Type unless the request declares a JSON
// body, or a YAML one for a scenario.
func bodyType(r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		return nil
	}
	want := "application/json"
	if strings.HasSuffix(r.URL.Path, "/_mercato/scenario") {
		if mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" {
			return nil
		}
		want = "application/json or application/yaml"
	}
	got := r.Header.Get("Content-Type")
	if got == "" {
		got = "none"
	}
	return &mercato.Error{Code: mercato.EInvalid, Message: "unsupported content type " + got,
		Fields: []mercato.FieldError{{Name: "Content-Type", Message: "must be " + want}}}
}
