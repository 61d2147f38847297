package awsapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"mercato/awsapi"
)

// benchWriter is a reusable ResponseWriter, so that the benchmark measures the Handler.
type benchWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(code int)        { w.code = code }
func (w *benchWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// benchmarkDescribe serves a SigV4-signed DescribeAgreement: read the body, verify the
// signature (key lookup, canonical request, HMAC chain), decode, run, encode.
func benchmarkDescribe(b *testing.B, path string, hdr http.Header, body []byte) {
	at := time.Date(2026, 11, 22, 4, 22, 29, 0, time.UTC)
	signed := signedRequest(b, "http://example.com"+path, hdr, body, keyOf(buyer), "aws-marketplace", "us-east-1", at)
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(buyer, seller), Now: func() time.Time { return at }}
	h, err := awsapi.NewHandler(awsapi.Config{Auth: v}, agreementService())
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse("http://example.com" + path)
	reader := bytes.NewReader(body)
	r := &http.Request{Method: http.MethodPost, URL: u, Host: "example.com", Header: signed.Header,
		Body: io.NopCloser(reader), ContentLength: int64(len(body))}
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		reader.Reset(body)
		clear(w.h)
		w.code, w.n = 0, 0
		h.ServeHTTP(w, r)
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

func BenchmarkDescribeAgreementJSON(b *testing.B) {
	benchmarkDescribe(b, "/", jsonHeaders(agreementPrefix+"DescribeAgreement"), []byte(`{"agreementId":"agmt-123"}`))
}

func BenchmarkDescribeAgreementCBOR(b *testing.B) {
	body, err := cbor.Marshal(map[string]string{"agreementId": "agmt-123"})
	if err != nil {
		b.Fatal(err)
	}
	benchmarkDescribe(b, cborPath+"DescribeAgreement", cborHeaders(), body)
}
