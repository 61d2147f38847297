package awsapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/smithy-go"
	"pgregory.net/rapid"

	"mercato"
	"mercato/awsapi"
)

// TestSDKAuthFailures drives the real client into every authentication failure.
func TestSDKAuthFailures(t *testing.T) {
	flipLast := func(s string) string {
		c := s[len(s)-1]
		if c == '0' {
			c = '1'
		} else {
			c = '0'
		}
		return s[:len(s)-1] + string(c)
	}
	tests := []struct {
		name      string
		opts      []clientOpt
		clock     time.Duration // server clock offset
		wantCode  string
		wantInMsg string
	}{
		{name: "tampered body", opts: []clientOpt{withTamper(func(_ *http.Request, b []byte) []byte {
			return bytes.Replace(b, []byte("agmt-123"), []byte("agmt-124"), 1)
		})}, wantCode: "InvalidSignatureException", wantInMsg: "does not match"},
		{name: "tampered signed header", opts: []clientOpt{withTamper(func(r *http.Request, b []byte) []byte {
			r.Header.Set("Amz-Sdk-Invocation-Id", "forged")
			return b
		})}, wantCode: "InvalidSignatureException"},
		{name: "tampered signature", opts: []clientOpt{withTamper(func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", flipLast(r.Header.Get("Authorization")))
			return b
		})}, wantCode: "InvalidSignatureException"},
		{name: "wrong secret", opts: []clientOpt{withKey(mercato.AccessKey{ID: keyOf(buyer).ID, Secret: "guessed"})},
			wantCode: "InvalidSignatureException"},
		{name: "unknown key", opts: []clientOpt{withKey(mercato.AccessKey{ID: "AKIDUNKNOWN00001", Secret: "x"})},
			wantCode: "UnrecognizedClientException"},
		{name: "expired", clock: 20 * time.Minute, wantCode: "InvalidSignatureException", wantInMsg: "Signature expired"},
		{name: "from the future", clock: -20 * time.Minute, wantCode: "InvalidSignatureException", wantInMsg: "not yet current"},
		{name: "anonymous", opts: []clientOpt{func(o *marketplaceagreement.Options) { o.Credentials = aws.AnonymousCredentials{} }},
			wantCode: "MissingAuthenticationTokenException"},
	}
	for _, p := range protocols {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				env := newEnv(t, "/aws")
				env.verifier.Now = func() time.Time { return time.Now().Add(tt.clock) }
				c := newClient(env.endpoint(), append(append([]clientOpt{}, p.opts...), tt.opts...)...)
				_, err := c.DescribeAgreement(context.Background(),
					&marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-123")})
				var ae smithy.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("got %T %v, want an API error", err, err)
				}
				if ae.ErrorCode() != tt.wantCode || !strings.Contains(ae.ErrorMessage(), tt.wantInMsg) {
					t.Errorf("got %s %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), tt.wantCode, tt.wantInMsg)
				}
				checkStatus(t, err, http.StatusForbidden)
			})
		}
	}
}

// TestSDKUnsignedHeadersMayChange: headers outside SignedHeaders (the Go client adds
// Accept-Encoding after signing) do not affect verification; the skew tolerance is
// honoured.
func TestSDKUnsignedHeadersMayChange(t *testing.T) {
	env := newEnv(t, "")
	env.verifier.Now = func() time.Time { return time.Now().Add(14 * time.Minute) }
	c := newClient(env.endpoint(), withTamper(func(r *http.Request, b []byte) []byte {
		r.Header.Set("X-Forwarded-For", "10.0.0.1")
		r.Header.Set("X-Unsigned-Extra", "yes")
		return b
	}))
	if _, err := c.DescribeAgreement(context.Background(),
		&marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-1")}); err != nil {
		t.Fatal(err)
	}
}

// handAuth sends a hand-signed DescribeAgreement request and returns status and body.
func handAuth(t *testing.T, env *testEnv, r *http.Request) (int, errorBody) {
	t.Helper()
	status, hdr, body := do(t, r)
	if status == http.StatusOK {
		return status, errorBody{}
	}
	return status, decodeError(t, hdr, body)
}

func TestHandSignedRequests(t *testing.T) {
	env := newEnv(t, "/aws")
	body := []byte(`{"agreementId":"agmt-1"}`)
	url := env.endpoint() + "/"
	hdr := jsonHeaders(agreementPrefix + "DescribeAgreement")
	now := time.Now()
	sign := func(h http.Header, service, region string, at time.Time) *http.Request {
		return signedRequest(t, url, h, body, keyOf(buyer), service, region, at)
	}
	withHeader := func(name, value string) http.Header {
		h := hdr.Clone()
		h.Set(name, value)
		return h
	}
	editAuth := func(r *http.Request, old, new string) *http.Request {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
		return r
	}

	tests := []struct {
		name      string
		req       *http.Request
		wantCode  string // "" means success
		wantInMsg string
	}{
		{"valid", sign(hdr, "aws-marketplace", "us-east-1", now), "", ""},
		{"any region", sign(hdr, "aws-marketplace", "eu-central-1", now), "", ""},
		{"correct content sha256", sign(withHeader("X-Amz-Content-Sha256", sha256Hex(body)), "aws-marketplace", "us-east-1", now), "", ""},
		{"wrong content sha256", sign(withHeader("X-Amz-Content-Sha256", sha256Hex([]byte("other"))), "aws-marketplace", "us-east-1", now),
			"InvalidSignatureException", "x-amz-content-sha256"},
		{"wrong service", sign(hdr, "execute-api", "us-east-1", now), "InvalidSignatureException", "scoped to correct service"},
		{"credential date mismatch", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), "/"+now.UTC().Format("20060102")+"/",
			"/"+now.UTC().AddDate(0, 0, -1).Format("20060102")+"/"), "InvalidSignatureException", "valid date"},
		{"expired", sign(hdr, "aws-marketplace", "us-east-1", now.Add(-16*time.Minute)), "InvalidSignatureException", "Signature expired"},
		{"host not signed", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), "SignedHeaders=content-length;content-type;host;",
			"SignedHeaders=content-length;content-type;"), "IncompleteSignatureException", "'host'"},
		{"x-amz-date not signed", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), ";x-amz-date;", ";"),
			"IncompleteSignatureException", "'x-amz-date'"},
		{"other algorithm", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
			"IncompleteSignatureException", ""},
		{"short signature", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), "Signature=", "Signature=0"),
			"IncompleteSignatureException", ""},
		{"no signature", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), ", Signature=", ", Sig="),
			"IncompleteSignatureException", ""},
		{"bad credential", editAuth(sign(hdr, "aws-marketplace", "us-east-1", now), "/aws4_request", "/aws5_request"),
			"IncompleteSignatureException", ""},
	}
	missing, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	missing.Header = hdr.Clone()
	tests = append(tests, struct {
		name      string
		req       *http.Request
		wantCode  string
		wantInMsg string
	}{"no authorization", missing, "MissingAuthenticationTokenException", ""})

	tampered := sign(hdr, "aws-marketplace", "us-east-1", now)
	tampered.Body = io.NopCloser(bytes.NewReader([]byte(`{"agreementId":"agmt-2"}`)))
	tests = append(tests, struct {
		name      string
		req       *http.Request
		wantCode  string
		wantInMsg string
	}{"tampered body", tampered, "InvalidSignatureException", "does not match"})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e := handAuth(t, env, tt.req)
			if tt.wantCode == "" {
				if status != http.StatusOK {
					t.Fatalf("status %d %+v", status, e)
				}
				return
			}
			if status != http.StatusForbidden || e.Type != tt.wantCode || !strings.Contains(e.Message, tt.wantInMsg) {
				t.Errorf("got %d %s %q, want 403 %s containing %q", status, e.Type, e.Message, tt.wantCode, tt.wantInMsg)
			}
		})
	}
}

func TestAuthFailuresInCBOR(t *testing.T) {
	env := newEnv(t, "")
	r, _ := http.NewRequest(http.MethodPost, env.endpoint()+cborPath+"DescribeAgreement", bytes.NewReader([]byte{0xa0}))
	r.Header = cborHeaders()
	status, hdr, body := do(t, r)
	wantError(t, status, hdr, body, http.StatusForbidden, "MissingAuthenticationTokenException")
	if hdr.Get("Content-Type") != "application/cbor" || hdr.Get("Smithy-Protocol") != "rpc-v2-cbor" {
		t.Errorf("headers %v", hdr)
	}
}

// sandboxHeaders returns well-formed SigV4 headers with a made-up signature.
func sandboxHeaders(h http.Header, accessKey string, at time.Time) http.Header {
	h = h.Clone()
	h.Set("X-Amz-Date", at.UTC().Format("20060102T150405Z"))
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/"+at.UTC().Format("20060102")+
		"/us-east-1/aws-marketplace/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
	return h
}

func TestSandbox(t *testing.T) {
	request := func(env *testEnv, key string) (int, []byte) {
		r, _ := http.NewRequest(http.MethodPost, env.endpoint()+"/", strings.NewReader(`{"agreementId":"agmt-1"}`))
		r.Header = sandboxHeaders(jsonHeaders(agreementPrefix+"DescribeAgreement"), key, time.Now())
		status, _, body := do(t, r)
		return status, body
	}
	off := newEnv(t, "")
	if status, body := request(off, "123456789012"); status != http.StatusForbidden ||
		!bytes.Contains(body, []byte("UnrecognizedClientException")) {
		t.Errorf("sandbox off: %d %s", status, body)
	}
	on := newEnv(t, "")
	on.verifier.Sandbox = true
	status, body := request(on, "123456789012")
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"acceptor":{"accountId":"123456789012"}`)) {
		t.Errorf("sandbox on: %d %s", status, body)
	}
	for _, key := range []string{"12345678901", "1234567890123", "AKIDUNKNOWN00001"} {
		if status, body := request(on, key); status != http.StatusForbidden {
			t.Errorf("sandbox on, key %s: %d %s", key, status, body)
		}
	}
	// Real keys are still verified in sandbox mode.
	c := newClient(on.endpoint(), withKey(mercato.AccessKey{ID: keyOf(buyer).ID, Secret: "wrong"}))
	_, err := c.DescribeAgreement(context.Background(), &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("a")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidSignatureException" {
		t.Errorf("sandbox on, wrong secret: %v", err)
	}
}

// TestSecretRotation checks that a cached signing key does not outlive its secret.
func TestSecretRotation(t *testing.T) {
	env := newEnv(t, "")
	secret := "first-secret-000"
	env.verifier.Credentials = awsapi.CredentialsFunc(func(_ context.Context, id string) (string, string, error) {
		if id != "AKIDROTATING0001" {
			return "", "", mercato.NotFound("access key", id)
		}
		return "777788889999", secret, nil
	})
	call := func(s string) error {
		c := newClient(env.endpoint(), withKey(mercato.AccessKey{ID: "AKIDROTATING0001", Secret: s}))
		_, err := c.DescribeAgreement(context.Background(), &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("a")})
		return err
	}
	for range 2 { // the second call uses the cached key
		if err := call("first-secret-000"); err != nil {
			t.Fatal(err)
		}
	}
	secret = "second-secret-00"
	var ae smithy.APIError
	if err := call("first-secret-000"); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidSignatureException" {
		t.Fatalf("old secret after rotation: %v", err)
	}
	if err := call("second-secret-00"); err != nil {
		t.Fatalf("new secret: %v", err)
	}
}

func TestCredentialStoreFailureIsServerFault(t *testing.T) {
	env := newEnv(t, "")
	env.verifier.Credentials = awsapi.CredentialsFunc(func(context.Context, string) (string, string, error) {
		return "", "", errors.New("database is down")
	})
	status, hdr, body := env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-1"}`)
	e := wantError(t, status, hdr, body, http.StatusInternalServerError, "InternalServerException")
	if strings.Contains(e.Message, "database") || !strings.Contains(env.log.String(), "database is down") {
		t.Errorf("message %q, log %s", e.Message, env.log)
	}
}

// TestSigV4Property signs random requests (bodies, paths, queries, multi-valued headers
// with odd spacing, regions, times within the skew) with the SDK signer and checks that
// the Verifier accepts them over a real connection, and rejects them after any change to a
// signed part.
func TestSigV4Property(t *testing.T) {
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(buyer, seller)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		account, err := v.Authenticate(r, body)
		if err != nil {
			var ex *awsapi.Exception
			errors.As(err, &ex)
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, ex.Name+": "+ex.Message)
			return
		}
		io.WriteString(w, account)
	}))
	defer srv.Close()

	segment := rapid.StringOfN(rapid.SampledFrom([]rune("aZ09-_.~ %+!$&'()*,;=:@é€/")), 1, 12, -1)
	headerValue := rapid.StringMatching(`[ -~]{0,30}`)
	rapid.Check(t, func(rt *rapid.T) {
		body := rapid.SliceOfN(rapid.Byte(), 0, 512).Draw(rt, "body")
		u, _ := url.Parse(srv.URL)
		u.Path = "/" + strings.Join(rapid.SliceOfN(segment, 0, 3).Draw(rt, "path"), "/")
		q := url.Values{}
		for range rapid.IntRange(0, 3).Draw(rt, "params") {
			q.Add(segment.Draw(rt, "key"), rapid.StringMatching(`[ -~é]{0,10}`).Draw(rt, "value"))
		}
		u.RawQuery = q.Encode()
		hdr := http.Header{}
		for range rapid.IntRange(0, 4).Draw(rt, "headers") {
			name := "X-P-" + rapid.StringMatching(`[a-z][a-z0-9-]{0,10}`).Draw(rt, "name")
			for range rapid.IntRange(1, 3).Draw(rt, "values") {
				hdr.Add(name, headerValue.Draw(rt, "value"))
			}
		}
		if rapid.Bool().Draw(rt, "contentSha") {
			hdr.Set("X-Amz-Content-Sha256", sha256Hex(body))
		}
		region := rapid.SampledFrom([]string{"us-east-1", "eu-west-1", "ap-southeast-2", "local"}).Draw(rt, "region")
		at := time.Now().Add(time.Duration(rapid.IntRange(-14*60, 14*60).Draw(rt, "skewSeconds")) * time.Second)
		key := rapid.SampledFrom([]mercato.Account{buyer, seller}).Draw(rt, "account")

		r := signedRequest(rt, u.String(), hdr, body, keyOf(key), "aws-marketplace", region, at)
		status, _, resp := do(rt, r)
		if status != http.StatusOK || string(resp) != key.ID {
			rt.Fatalf("valid request rejected: %d %s (path %q query %q headers %q)", status, resp, u.EscapedPath(), u.RawQuery, hdr)
		}

		// Any change to a signed part must be caught.
		r = signedRequest(rt, u.String(), hdr, body, keyOf(key), "aws-marketplace", region, at)
		switch rapid.IntRange(0, 3).Draw(rt, "tamper") {
		case 0:
			tampered := append(append([]byte(nil), body...), 'x')
			r.Body = io.NopCloser(bytes.NewReader(tampered))
			r.ContentLength = int64(len(tampered))
		case 1:
			r.Header.Set("X-Amz-Date", at.Add(time.Second).UTC().Format("20060102T150405Z"))
			for name := range hdr {
				if name != "X-Amz-Content-Sha256" {
					r.Header.Del("X-Amz-Date") // restore the date, change this header instead
					r.Header.Set("X-Amz-Date", at.UTC().Format("20060102T150405Z"))
					r.Header[name][0] += "x"
					break
				}
			}
		case 2:
			r.URL.Path += "x"
		case 3:
			r.URL.RawQuery += "&extra=1"
		}
		status, _, resp = do(rt, r)
		if status != http.StatusForbidden || !bytes.HasPrefix(resp, []byte("InvalidSignatureException")) {
			rt.Fatalf("tampered request: %d %s", status, resp)
		}
	})
}
