package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key to dir, and returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mercato test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// startTLSServer runs serve with TLS until the test ends and waits for its health check over
// HTTPS, with a browser-like client that trusts the certificate and does not follow redirects.
func startTLSServer(t *testing.T, o serveOptions, pool *x509.CertPool) (string, *http.Client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, o) }()
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	hc := &http.Client{Jar: jar, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "https://" + o.addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		if resp, err := hc.Get(base + "/_mercato/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, hc
			}
		}
	}
	t.Fatal("server not healthy over HTTPS after 10s")
	return "", nil
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken returns the CSRF token of the first form of the page.
func formToken(t *testing.T, hc *http.Client, page string) string {
	t.Helper()
	res, err := hc.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := csrfInput.FindSubmatch(b)
	if m == nil {
		t.Fatalf("GET %s: %d, no form token", page, res.StatusCode)
	}
	return strings.ReplaceAll(string(m[1]), "&#43;", "+")
}

// post sends a form and returns the response, its body read and closed.
func postForm(t *testing.T, hc *http.Client, page string, form url.Values) (*http.Response, string) {
	t.Helper()
	res, err := hc.PostForm(page, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// The real server over HTTPS: its cookies are Secure, a signed-out session's cookie is refused
// afterwards, and sign-in is throttled after wrong secrets, even for the right one.
func TestServeTLSConsole(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	o := serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(dir, "tls.db"), sandbox: true,
		scenario: "../../examples/demo.yaml", tlsCert: certFile, tlsKey: keyFile}
	base, hc := startTLSServer(t, o, pool)

	// Sign in: the session cookie is Secure.
	signin := base + "/console/signin"
	res, body := postForm(t, hc, signin, url.Values{"csrf": {formToken(t, hc, signin)},
		"access_key_id": {"AKIAACMESELLER000001"}, "secret": {"acme-seller-secret"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in over HTTPS: %d\n%s", res.StatusCode, body)
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "mercato_console" {
			session = ck
		}
	}
	if session == nil || !session.Secure {
		t.Fatalf("session cookie over HTTPS: %+v, want Secure", session)
	}

	// Sign out, then try the old cookie.
	agreements := base + "/console/seller/agreements"
	if res, _ := postForm(t, hc, base+"/console/signout", url.Values{"csrf": {formToken(t, hc, agreements)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, agreements, nil)
	req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
	old := &http.Client{Transport: hc.Transport, CheckRedirect: hc.CheckRedirect}
	res, err := old.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/signin") {
		t.Fatalf("the signed-out cookie: %d to %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}

	// 300 wrong secrets, then the right one.
	token := formToken(t, hc, signin)
	counts := map[int]int{}
	for range 300 {
		res, _ := postForm(t, hc, signin, url.Values{"csrf": {token}, "access_key_id": {"AKIABUYERCORP0000001"}, "secret": {"guess"}})
		counts[res.StatusCode]++
	}
	if counts[http.StatusUnauthorized] != 5 || counts[http.StatusTooManyRequests] != 295 {
		t.Fatalf("300 wrong secrets: %v, want 5 × 401 then 295 × 429", counts)
	}
	res, body = postForm(t, hc, signin, url.Values{"csrf": {token}, "access_key_id": {"AKIABUYERCORP0000001"}, "secret": {"buyer-corp-secret"}})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("the right secret while throttled: %d, Retry-After %q, want 429 with an explanation\n%s",
			res.StatusCode, res.Header.Get("Retry-After"), body)
	}
}

func TestServeRefusesBadTLSAndProxyFlags(t *testing.T) {
	dir := t.TempDir()
	certFile, _, _ := selfSigned(t, dir)
	db := "sqlite:" + filepath.Join(dir, "x.db")
	tests := []struct {
		name string
		o    serveOptions
		want string
	}{
		{"cert without key", serveOptions{tlsCert: certFile}, "--tls-cert and --tls-key go together"},
		{"key that is no key", serveOptions{tlsCert: certFile, tlsKey: certFile}, "--tls-key"},
		{"bad proxy", serveOptions{trustedProxies: []string{"10.0.0.0/33"}}, "--trusted-proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.addr, tt.o.db = freeAddr(t), db
			err := serve(context.Background(), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("serve: %v, want an error naming %s", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("the database was opened before the flags were checked")
	}
}
