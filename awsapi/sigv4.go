package awsapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"mercato"
	"mercato/forwarded"
)

// Authenticator identifies the caller of a request. body is the complete request body,
// already read; the Authenticator must not retain it. It returns the caller's 12-digit
// account ID, or an error: an *Exception is sent as is, any other error is a server fault.
type Authenticator interface {
	Authenticate(r *http.Request, body []byte) (accountID string, err error)
}

// AuthenticatorFunc adapts a function to the Authenticator interface.
type AuthenticatorFunc func(r *http.Request, body []byte) (string, error)

// Authenticate calls f(r, body).
func (f AuthenticatorFunc) Authenticate(r *http.Request, body []byte) (string, error) {
	return f(r, body)
}

// Credentials looks up the secret of an access key and the account it acts for. An unknown
// key is an error with code mercato.ENotFound.
type Credentials interface {
	Lookup(ctx context.Context, accessKeyID string) (accountID, secret string, err error)
}

// CredentialsFunc adapts a function to the Credentials interface.
type CredentialsFunc func(ctx context.Context, accessKeyID string) (accountID, secret string, err error)

// Lookup calls f(ctx, accessKeyID).
func (f CredentialsFunc) Lookup(ctx context.Context, accessKeyID string) (string, string, error) {
	return f(ctx, accessKeyID)
}

// AccountKeys returns Credentials holding the access keys of the given accounts, as a
// fixed in-memory table.
func AccountKeys(accounts ...mercato.Account) Credentials {
	type entry struct{ account, secret string }
	keys := make(map[string]entry)
	for _, a := range accounts {
		for _, k := range a.AccessKeys {
			keys[k.ID] = entry{a.ID, k.Secret}
		}
	}
	return CredentialsFunc(func(_ context.Context, id string) (string, string, error) {
		e, ok := keys[id]
		if !ok {
			return "", "", mercato.NotFound("access key", id)
		}
		return e.account, e.secret, nil
	})
}

// SigningName is the SigV4 service name of every AWS Marketplace API.
const SigningName = "aws-marketplace"

// DefaultMaxSkew is how far X-Amz-Date may be from the server's wall clock, as on AWS.
const DefaultMaxSkew = 15 * time.Minute

const (
	sigAlgorithm  = "AWS4-HMAC-SHA256"
	amzDateFormat = "20060102T150405Z"
)

// Verifier authenticates requests signed with AWS Signature Version 4 in the Authorization
// header. It implements Authenticator.
type Verifier struct {
	// Credentials resolves access key IDs. Required unless every caller uses Sandbox keys.
	Credentials Credentials
	// Permissions checks keys' policies (see Authorize); nil allows every key everything.
	Permissions Permissions
	// Sandbox lets an access key ID of exactly 12 digits act as that account without any
	// verification (LocalStack style). Off by default; never enable it in production.
	Sandbox bool
	// Now is the wall clock used to check X-Amz-Date; time.Now if nil. It must not be a
	// simulated business clock: signatures are made with the client's real clock.
	Now func() time.Time
	// MaxSkew defaults to DefaultMaxSkew.
	MaxSkew time.Duration
	// Proxies are the declared reverse proxies in front of the server, whose X-Forwarded-For
	// and X-Forwarded-Proto give policies' aws:SourceIp and aws:SecureTransport.
	Proxies forwarded.Proxies

	keys signingKeys // derived keys, by access key and scope
}

var sandboxKey = regexp.MustCompile(`^[0-9]{12}$`)

// Authenticate verifies the signature of r over body and returns the account of the key.
// Failures are *Exception values with status 403: MissingAuthenticationTokenException (no
// Authorization header), IncompleteSignatureException (malformed header),
// UnrecognizedClientException (unknown key), InvalidSignatureException (wrong signature,
// scope or date).
func (v *Verifier) Authenticate(r *http.Request, body []byte) (string, error) {
	a, amzDate, ex := v.checkHeaders(r)
	if ex != nil {
		return "", ex
	}
	if amzDate == "" { // a sandbox account key, trusted as it is
		return a.accessKey, nil
	}
	if v.Credentials == nil {
		return "", unrecognizedClient()
	}
	account, secret, err := v.Credentials.Lookup(r.Context(), a.accessKey)
	if err != nil {
		if mercato.ErrorCodeOf(err) == mercato.ENotFound {
			return "", unrecognizedClient()
		}
		return "", err
	}
	key, cached := v.keys.get(a, secret)
	if ex := verifySignature(r, body, a, amzDate, key); ex != nil {
		return "", ex
	}
	if !cached {
		v.keys.put(a, secret, key) // only keys that verified a request are kept
	}
	return account, nil
}

// CheckHeaders refuses, before the body is read, what Authenticate would refuse from the
// headers alone: a missing or malformed Authorization header, a wrong scope, a missing or
// stale X-Amz-Date. It implements HeaderChecker; its errors are Authenticate's.
func (v *Verifier) CheckHeaders(r *http.Request) error {
	if _, _, ex := v.checkHeaders(r); ex != nil {
		return ex
	}
	return nil
}

// checkHeaders parses the Authorization header and checks its scope and X-Amz-Date. The date
// is "" for a sandbox account key, which is trusted without either check.
func (v *Verifier) checkHeaders(r *http.Request) (a authorization, amzDate string, ex *Exception) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return a, "", authError("MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	if a, ex = parseAuthorization(authz); ex != nil {
		return a, "", ex
	}
	if v.Sandbox && sandboxKey.MatchString(a.accessKey) {
		return a, "", nil
	}
	amzDate, ex = v.checkScopeAndDate(r, a)
	return a, amzDate, ex
}

func authError(name, message string) *Exception {
	return NewException(http.StatusForbidden, name, message)
}

func unrecognizedClient() *Exception {
	return authError("UnrecognizedClientException", "The security token included in the request is invalid.")
}

func invalidSignature(message string) *Exception {
	return authError("InvalidSignatureException", message)
}

func incompleteSignature(message string) *Exception {
	return authError("IncompleteSignatureException", message)
}

// authorization is a parsed Authorization header.
type authorization struct {
	accessKey, date, region, service string // from Credential=
	scope                            string // date/region/service/aws4_request
	signedHeaders                    []string
	signedHeadersRaw                 string
	signature                        [sha256.Size]byte
}

func parseAuthorization(h string) (authorization, *Exception) {
	var a authorization
	rest, ok := strings.CutPrefix(h, sigAlgorithm+" ")
	if !ok {
		return a, incompleteSignature("Authorization header must use the " + sigAlgorithm + " algorithm")
	}
	var credential, signature string
	var seen int
	for part := range strings.SplitSeq(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, incompleteSignature("Authorization header requires Credential, SignedHeaders and Signature, each as key=value")
		}
		switch k {
		case "Credential":
			credential, seen = val, seen|1
		case "SignedHeaders":
			a.signedHeadersRaw, seen = val, seen|2
		case "Signature":
			signature, seen = val, seen|4
		}
	}
	if seen != 7 {
		return a, incompleteSignature("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
	}
	if ex := a.parseCredential(credential); ex != nil {
		return a, ex
	}
	if ex := a.parseSignedHeaders(); ex != nil {
		return a, ex
	}
	if len(signature) != 2*sha256.Size {
		return a, incompleteSignature("Signature must be 64 hexadecimal digits")
	}
	if _, err := hex.Decode(a.signature[:], []byte(signature)); err != nil {
		return a, incompleteSignature("Signature must be 64 hexadecimal digits")
	}
	return a, nil
}

func (a *authorization) parseCredential(c string) *Exception {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[0] == "" || parts[2] == "" || parts[4] != "aws4_request" {
		return incompleteSignature("Credential must have the form <AccessKeyId>/<date>/<region>/<service>/aws4_request")
	}
	a.accessKey, a.date, a.region, a.service = parts[0], parts[1], parts[2], parts[3]
	a.scope = c[len(parts[0])+1:]
	return nil
}

func (a *authorization) parseSignedHeaders() *Exception {
	if a.signedHeadersRaw == "" {
		return incompleteSignature("SignedHeaders must not be empty")
	}
	a.signedHeaders = strings.Split(a.signedHeadersRaw, ";")
	for _, h := range a.signedHeaders {
		if h == "" || strings.ToLower(h) != h {
			return incompleteSignature("SignedHeaders must be lower-case header names separated by ';'")
		}
	}
	for _, required := range [...]string{"host", "x-amz-date"} {
		if !slices.Contains(a.signedHeaders, required) {
			return incompleteSignature("SignedHeaders must include '" + required + "'")
		}
	}
	return nil
}

// checkScopeAndDate checks the credential scope and X-Amz-Date against the wall clock.
func (v *Verifier) checkScopeAndDate(r *http.Request, a authorization) (string, *Exception) {
	if a.service != SigningName {
		return "", invalidSignature("Credential should be scoped to correct service: '" + SigningName + "'.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return "", incompleteSignature("X-Amz-Date header is missing or not in the form YYYYMMDDThhmmssZ")
	}
	if a.date != amzDate[:8] {
		return "", invalidSignature("Credential should be scoped to a valid date: '" + amzDate[:8] + "'.")
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	n := now().UTC()
	minutes := strconv.Itoa(int(skew / time.Minute))
	switch {
	case t.Before(n.Add(-skew)):
		return "", invalidSignature("Signature expired: " + amzDate + " is now earlier than " +
			n.Add(-skew).Format(amzDateFormat) + " (" + n.Format(amzDateFormat) + " - " + minutes + " min.)")
	case t.After(n.Add(skew)):
		return "", invalidSignature("Signature not yet current: " + amzDate + " is still later than " +
			n.Add(skew).Format(amzDateFormat) + " (" + n.Format(amzDateFormat) + " + " + minutes + " min.)")
	}
	return amzDate, nil
}

const signatureMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func verifySignature(r *http.Request, body []byte, a authorization, amzDate string, key []byte) *Exception {
	sum := sha256.Sum256(body)
	var payloadHash [2 * sha256.Size]byte
	hex.Encode(payloadHash[:], sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && h != string(payloadHash[:]) {
		return invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	creq := canonicalRequest(r, a, payloadHash[:])
	crHash := sha256.Sum256(creq)

	sts := make([]byte, 0, 128)
	sts = append(sts, sigAlgorithm+"\n"...)
	sts = append(sts, amzDate...)
	sts = append(sts, '\n')
	sts = append(sts, a.scope...)
	sts = append(sts, '\n')
	sts = hex.AppendEncode(sts, crHash[:])

	if !hmac.Equal(hmacSHA256(key, sts), a.signature[:]) {
		return invalidSignature(signatureMismatch)
	}
	return nil
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// signingKeys caches derived signing keys: deriving one takes four HMACs, and a key
// serves every request of an access key in a day and region. An entry is reused only for
// the same secret, so a rotated secret takes effect at once. The cache is bounded by
// starting afresh when full.
type signingKeys struct {
	mu sync.Mutex
	m  map[string]signingKey // access key + "/" + scope
}

type signingKey struct {
	secret string
	key    []byte
}

const maxSigningKeys = 4096

// get returns the signing key of a's scope, and whether it came from the cache.
func (c *signingKeys) get(a authorization, secret string) ([]byte, bool) {
	c.mu.Lock()
	e, ok := c.m[a.accessKey+"/"+a.scope]
	c.mu.Unlock()
	if ok && e.secret == secret {
		return e.key, true
	}
	return deriveKey(secret, a.date, a.region, a.service), false
}

func (c *signingKeys) put(a authorization, secret string, key []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxSigningKeys {
		c.m = make(map[string]signingKey)
	}
	c.m[a.accessKey+"/"+a.scope] = signingKey{secret: secret, key: key}
}

func deriveKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

// canonicalRequest builds the SigV4 canonical request from exactly the signed headers.
func canonicalRequest(r *http.Request, a authorization, payloadHash []byte) []byte {
	b := make([]byte, 0, 512)
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, r.URL.EscapedPath())
	b = append(b, '\n')
	b = appendCanonicalQuery(b, r.URL.RawQuery)
	b = append(b, '\n')
	for _, name := range a.signedHeaders {
		b = append(b, name...)
		b = append(b, ':')
		b = appendHeaderValue(b, r, name)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, a.signedHeadersRaw...)
	b = append(b, '\n')
	return append(b, payloadHash...)
}

func appendHeaderValue(b []byte, r *http.Request, name string) []byte {
	switch name {
	case "host":
		return appendTrimmed(b, r.Host)
	case "content-length":
		if r.ContentLength >= 0 {
			return strconv.AppendInt(b, r.ContentLength, 10)
		}
	}
	for i, v := range r.Header.Values(name) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTrimmed(b, v)
	}
	return b
}

// appendTrimmed appends v with surrounding whitespace removed and inner runs of spaces
// collapsed to one, as SigV4 (and the SDK signers) do.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.TrimSpace(v)
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b = append(b, v[i])
	}
	return b
}

// appendCanonicalURI URI-encodes each segment of the path as sent, as for every service
// but S3 (so an already escaped path is escaped twice, like the SDK signers do).
func appendCanonicalURI(b []byte, path string) []byte {
	if path == "" {
		return append(b, '/')
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c == '/' {
			b = append(b, c)
		} else {
			b = appendEscaped(b, c)
		}
	}
	return b
}

func appendEscaped(b []byte, c byte) []byte {
	if unreserved(c) {
		return append(b, c)
	}
	const hexUpper = "0123456789ABCDEF"
	return append(b, '%', hexUpper[c>>4], hexUpper[c&15])
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// appendCanonicalQuery decodes the query parameters, re-encodes them the SigV4 way and sorts
// them by name, then value.
func appendCanonicalQuery(b []byte, rawQuery string) []byte {
	if rawQuery == "" {
		return b
	}
	var params []string
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		params = append(params, escapeQuery(k)+"="+escapeQuery(v))
	}
	slices.SortFunc(params, func(x, y string) int {
		xk, xv, _ := strings.Cut(x, "=")
		yk, yv, _ := strings.Cut(y, "=")
		if c := strings.Compare(xk, yk); c != 0 {
			return c
		}
		return strings.Compare(xv, yv)
	})
	for i, p := range params {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p...)
	}
	return b
}

func escapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		s = u
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = appendEscaped(out, s[i])
	}
	return string(out)
}
