package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"mercato/service"
)

// Cookie names. Both are scoped to /console/.
const (
	sessionCookie = "mercato_console"
	signInCookie  = "mercato_console_signin" // the nonce that the sign-in form's token derives from
)

var b64 = base64.RawURLEncoding

// signer signs and verifies session cookies and derives tokens, with one key.
type signer struct{ key []byte }

// mac returns the HMAC-SHA256 of the parts, separated so that no two lists collide.
func (s signer) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// token returns a printable token derived from the parts.
func (s signer) token(parts ...string) string { return b64.EncodeToString(s.mac(parts...)) }

// seal encodes v as JSON and signs it: base64(json) "." base64(mac).
func (s signer) seal(v any) (string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	enc := b64.EncodeToString(body)
	return enc + "." + s.token("cookie", enc), nil
}

var errBadCookie = errors.New("console: bad or forged cookie")

// open verifies a sealed value and decodes it into v.
func (s signer) open(sealed string, v any) error {
	enc, sig, ok := strings.Cut(sealed, ".")
	if !ok || !equal(sig, s.token("cookie", enc)) {
		return errBadCookie
	}
	body, err := b64.DecodeString(enc)
	if err != nil {
		return errBadCookie
	}
	return json.Unmarshal(body, v)
}

// equal compares two secrets in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// session is what the session cookie carries. It is signed, not encrypted: it holds nothing
// secret.
type session struct {
	Account string `json:"a"`
	KeyID   string `json:"k"` // the access key signed in with: removing the key ends the session
	KeyTag  string `json:"t"` // a tag of the key's secret: changing the secret ends the session
	ID      string `json:"s"` // random; the CSRF token derives from it
	Expires int64  `json:"e"` // wall clock, Unix seconds
}

// keyTag tags an access key's secret, so a session can tell when it changed without carrying it.
func (s signer) keyTag(keyID, secret string) string {
	return b64.EncodeToString(s.mac("key", keyID, secret)[:12])
}

// csrf returns the CSRF token of a session.
func (s signer) csrf(sessionID string) string { return s.token("csrf", sessionID) }

// signInToken returns the token of the sign-in form for a nonce.
func (s signer) signInToken(nonce string) string { return s.token("signin", nonce) }

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms
	return hex.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie under /console/, Secure when the browser came
// over HTTPS (directly or through a declared proxy) or when configured. maxAge < 0 deletes it.
func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/console/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.secure || c.overTLS(r), SameSite: http.SameSiteLaxMode})
}

// startSession signs the account in: a new session with a fresh ID.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, account, keyID, secret string) error {
	s := session{Account: account, KeyID: keyID, KeyTag: c.keys.keyTag(keyID, secret), ID: randomHex(16),
		Expires: c.wall().Add(c.ttl).Unix()}
	v, err := c.keys.seal(s)
	if err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, v, int(c.ttl.Seconds()))
	return nil
}

// readSession returns the request's session if its cookie is genuine and not expired, its
// access key still belongs to the account with the same secret, and it was not signed out.
func (c *Console) readSession(r *http.Request) (session, bool) {
	var s session
	ck, err := r.Cookie(sessionCookie)
	if err != nil || c.keys.open(ck.Value, &s) != nil || c.wall().Unix() >= s.Expires {
		return s, false
	}
	account, secret, err := c.svc.AccessKey(r.Context(), s.KeyID)
	if err != nil || account != s.Account || !equal(c.keys.keyTag(s.KeyID, secret), s.KeyTag) {
		return s, false
	}
	// The revocation is read from the database on every request, so a sign-out on one node ends
	// the session on all of them.
	revoked, err := c.svc.SessionRevoked(r.Context(), s.ID)
	if err != nil {
		c.log.Error("console session", "err", err)
	}
	return s, err == nil && !revoked
}

// endSession revokes the request's session on the server, so its cookie is refused from now on
// wherever it is kept, and deletes the cookie.
func (c *Console) endSession(w http.ResponseWriter, r *http.Request, s session) error {
	err := c.svc.RevokeSession(r.Context(), service.RevokeSessionInput{Account: s.Account, SessionID: s.ID,
		Expires: time.Unix(s.Expires, 0)})
	if err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, "", -1)
	return nil
}
