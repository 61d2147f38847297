package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mercato"
)

// user is the signed-in account of a request.
type user struct {
	mercato.Account
	CSRF    string  // the token every form of this session carries
	session session // the session signedIn read, so that sign-out need not read it again
}

// Is reports whether the account has the role.
func (u *user) Is(r mercato.Role) bool { return u != nil && u.HasRole(r) }

// IsSeller reports whether the account sells.
func (u *user) IsSeller() bool { return u.Is(mercato.RoleSeller) }

// IsBuyer reports whether the account buys.
func (u *user) IsBuyer() bool { return u.Is(mercato.RoleBuyer) }

// IsPMPAdmin reports whether the account administers private marketplaces.
func (u *user) IsPMPAdmin() bool { return u.Is(mercato.RolePrivateMarketplaceAdmin) }

// IsOperator reports whether the account operates the marketplace.
func (u *user) IsOperator() bool { return u.Is(mercato.RoleOperator) }

// signedIn serves h to a signed-in account; a POST must carry the session's CSRF token. Without a
// session, a GET goes to the sign-in page and a POST is refused.
func (c *Console) signedIn(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.readSession(r)
		if !ok {
			c.noSession(w, r)
			return
		}
		acct, err := c.account(r.Context(), s.Account)
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		u := &user{Account: acct, CSRF: c.keys.csrf(s.ID), session: s}
		if r.Method == http.MethodPost && !equal(r.PostFormValue("csrf"), u.CSRF) {
			c.renderError(w, r, u, http.StatusForbidden, "Form not accepted",
				"The form's security token was missing or wrong, so nothing was changed. Reload the page and try again.")
			return
		}
		h(w, r, u)
	}
}

// noSession answers a request without a valid session.
func (c *Console) noSession(w http.ResponseWriter, r *http.Request) {
	c.setCookie(w, r, sessionCookie, "", -1)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		c.renderError(w, r, nil, http.StatusForbidden, "Signed out",
			"Your session has ended, so the form was not sent. Sign in and try again.")
		return
	}
	http.Redirect(w, r, "/console/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// signInView is the data of the sign-in page.
type signInView struct {
	KeyID string
	Next  string
	Token string
	Demo  bool
}

// signInPage shows the sign-in form with a fresh form token.
func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.readSession(r); ok {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	c.showSignIn(w, r, http.StatusOK, signInView{Next: r.URL.Query().Get("next")}, "")
}

// showSignIn renders the sign-in form with the token of the browser's nonce cookie, made if it has
// none, so that sign-in forms open in several tabs all work.
func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request, status int, v signInView, problem string) {
	nonce := ""
	if ck, err := r.Cookie(signInCookie); err == nil && len(ck.Value) == 32 {
		nonce = ck.Value
	} else {
		nonce = randomHex(16)
		c.setCookie(w, r, signInCookie, nonce, 3600)
	}
	v.Token, v.Demo = c.keys.signInToken(nonce), c.svc.Sandbox()
	c.render(w, r, status, page{Name: "signin", Title: "Sign in", Error: problem, Data: v})
}

// signIn checks an access key ID and secret and starts a session.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	v := signInView{KeyID: strings.TrimSpace(r.PostFormValue("access_key_id")), Next: r.PostFormValue("next")}
	nonce, err := r.Cookie(signInCookie)
	if err != nil || !equal(r.PostFormValue("csrf"), c.keys.signInToken(nonce.Value)) {
		c.showSignIn(w, r, http.StatusForbidden, v, "The sign-in form had expired or was not sent from this page. Please try again.")
		return
	}
	tries := c.throttleKeys(r, v.KeyID)
	if wait := c.tries.wait(c.wall(), tries...); wait > 0 {
		c.refuseSignIn(w, r, v, wait)
		return
	}
	secret := r.PostFormValue("secret")
	account, ok := c.checkKey(r, v.KeyID, secret)
	if !ok {
		c.tries.fail(c.wall(), tries...)
		// The key ID is an identifier, not a secret, and is cut short: it is the client's text.
		c.log.Warn("console sign-in failed", "key", truncate(v.KeyID, maxLoggedKeyID), "client", c.clientAddr(r))
		c.showSignIn(w, r, http.StatusUnauthorized, v, "The access key ID or the secret is not correct.")
		return
	}
	if err := c.startSession(w, r, account, v.KeyID, secret); err != nil {
		c.fail(w, r, nil, err)
		return
	}
	c.setCookie(w, r, signInCookie, "", -1)
	c.log.Info("console sign-in", "account", account, "key", v.KeyID)
	http.Redirect(w, r, localPath(v.Next), http.StatusSeeOther)
}

// maxLoggedKeyID bounds the access key ID a failed sign-in logs (IDs are 16 to 128 characters).
const maxLoggedKeyID = 128

// truncate returns s cut to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	return strings.ToValidUTF8(s, "")
}

// refuseSignIn answers a sign-in while its key or its client address is throttled, without
// checking the secret: 429 with a Retry-After of whole seconds.
func (c *Console) refuseSignIn(w http.ResponseWriter, r *http.Request, v signInView, wait time.Duration) {
	secs := int(wait.Round(time.Second) / time.Second)
	secs = max(secs, 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	c.log.Warn("console sign-in throttled", "key", v.KeyID, "client", c.clientAddr(r))
	c.showSignIn(w, r, http.StatusTooManyRequests, v, fmt.Sprintf("Too many failed sign-ins for this access key "+
		"or from your address. Wait %d seconds and try again.", secs))
}

// checkKey returns the account of an access key if the secret is the key's, compared in
// constant time. An unknown key costs the same comparison, so timing tells nothing.
func (c *Console) checkKey(r *http.Request, keyID, secret string) (string, bool) {
	account, want, err := c.svc.AccessKey(r.Context(), keyID)
	if err != nil {
		if mercato.ErrorCodeOf(err) != mercato.ENotFound {
			c.log.Error("console sign-in", "err", err)
		}
		want = "\x00not a secret\x00"
	}
	match := equal(secret, want)
	return account, match && err == nil && keyID != ""
}

// signOut ends the session on the server as well as in the browser, so that a copy of the
// cookie no longer works.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request, u *user) {
	s := u.session
	if err := c.endSession(w, r, s); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.log.Info("console sign-out", "account", s.Account, "key", s.KeyID)
	http.Redirect(w, r, "/console/signin?signedout=1", http.StatusSeeOther)
}

// localPath returns p if it is a console path, so that a sign-in never redirects off the site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/console/") || strings.ContainsAny(p, "\\\r\n") || strings.HasPrefix(p, "/console/signin") {
		return "/console/"
	}
	return p
}
