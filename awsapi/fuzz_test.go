package awsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"mercato"
	"mercato/awsapi"
)

// The fuzz targets drive the real Handler. Its operations have no server faults of their
// own, so any 5xx or panic is a bug of the protocol layer.

// fuzzService is agreementService without the sample's deliberate faults.
func fuzzServices() []awsapi.Service {
	describe := func(ctx context.Context, in *describeAgreementInput) (*describeAgreementOutput, error) {
		if in.AgreementID == "agmt-boom" || in.AgreementID == "agmt-panic" {
			return nil, mercato.NotFound("Agreement", in.AgreementID)
		}
		return describeAgreement(ctx, in)
	}
	meter := func(ctx context.Context, in *meterUsageInput) (*meterUsageOutput, error) {
		if in.ProductCode == "boom" {
			return nil, mercato.Errorf(mercato.EInvalid, "no")
		}
		return meterUsage(ctx, in)
	}
	return []awsapi.Service{
		awsapi.Agreement(
			awsapi.Op("DescribeAgreement", describe),
			awsapi.Op("SearchAgreements", searchAgreements),
			awsapi.Op("SendAgreementPaymentRequest", sendPaymentRequest),
			awsapi.Op("CancelAgreement", cancelAgreement),
		),
		awsapi.Metering(meteringErrors, awsapi.Op("MeterUsage", meter)),
	}
}

var fuzzOps = []string{"DescribeAgreement", "SearchAgreements", "SendAgreementPaymentRequest", "CancelAgreement", "MeterUsage"}

// sandboxHandler accepts any 12-digit access key without verification.
func sandboxHandler(t testing.TB) http.Handler {
	h, err := awsapi.NewHandler(awsapi.Config{Auth: &awsapi.Verifier{Sandbox: true}, MaxBodyBytes: 64 << 10}, fuzzServices()...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// checkResponse asserts the invariants of every response: no server fault, a request ID,
// and a body that decodes in the protocol of the request, with __type on errors.
func checkResponse(t *testing.T, w *httptest.ResponseRecorder, cborProto bool) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("status %d: %q", w.Code, w.Body.Bytes())
	}
	if w.Header().Get("X-Amzn-RequestId") == "" {
		t.Fatal("no request ID")
	}
	var m map[string]any
	var err error
	if cborProto {
		err = cbor.Unmarshal(w.Body.Bytes(), &m)
	} else {
		err = json.Unmarshal(w.Body.Bytes(), &m)
	}
	if err != nil {
		t.Fatalf("response %q does not decode: %v", w.Body.Bytes(), err)
	}
	if _, ok := m["__type"]; ok != (w.Code != http.StatusOK) {
		t.Fatalf("status %d with body %v", w.Code, m)
	}
}

func FuzzJSONDecode(f *testing.F) {
	f.Add(uint8(0), []byte(`{"agreementId":"agmt-1"}`))
	f.Add(uint8(1), []byte(`{"maxResults":2,"filters":[{"name":"AgreementType","values":["PurchaseAgreement"]}]}`))
	f.Add(uint8(4), []byte(`{"ProductCode":"pc","Timestamp":1735689600.5,"UsageDimension":"d"}`))
	h := sandboxHandler(f)
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := fuzzOps[int(op)%len(fuzzOps)]
		target, ct := agreementPrefix+name, "application/x-amz-json-1.0"
		if name == "MeterUsage" {
			target, ct = "AWSMPMeteringService."+name, "application/x-amz-json-1.1"
		}
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header = sandboxHeaders(http.Header{"Content-Type": {ct}, "X-Amz-Target": {target}}, "123456789012", time.Now())
		checkResponse(t, serve(h, r), false)
	})
}

func FuzzCBORDecode(f *testing.F) {
	f.Add(uint8(0), []byte{0xbf, 0x6b, 'a', 'g', 'r', 'e', 'e', 'm', 'e', 'n', 't', 'I', 'd', 0x66, 'a', 'g', 'm', 't', '-', '1', 0xff})
	f.Add(uint8(3), []byte{0xbf, 0xff})
	h := sandboxHandler(f)
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := fuzzOps[int(op)%(len(fuzzOps)-1)] // Metering has no CBOR
		r := httptest.NewRequest(http.MethodPost, cborPath+name, bytes.NewReader(body))
		r.Header = sandboxHeaders(cborHeaders(), "123456789012", time.Now())
		checkResponse(t, serve(h, r), true)
	})
}

// fuzzSigV4Time is the wall clock of FuzzSigV4; its seeds are signed at this time.
var fuzzSigV4Time = time.Date(2026, 11, 22, 4, 22, 29, 0, time.UTC)

// validSigV4Seed returns the headers and body of a correctly signed FuzzSigV4 input.
func validSigV4Seed(t tb) (authz, amzDate string, body []byte) {
	body = []byte(`{"agreementId":"agmt-1"}`)
	r := signedRequest(t, "http://example.com/", jsonHeaders(agreementPrefix+"DescribeAgreement"), body,
		keyOf(buyer), "aws-marketplace", "us-east-1", fuzzSigV4Time)
	return r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), body
}

func sigV4Handler(t tb, sandbox bool) http.Handler {
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(buyer, seller), Sandbox: sandbox,
		Now: func() time.Time { return fuzzSigV4Time }}
	h, err := awsapi.NewHandler(awsapi.Config{Auth: v}, fuzzServices()...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func sigV4Request(authz, amzDate, contentSHA string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://example.com/", bytes.NewReader(body))
	r.Header = jsonHeaders(agreementPrefix + "DescribeAgreement")
	for name, v := range map[string]string{"Authorization": authz, "X-Amz-Date": amzDate, "X-Amz-Content-Sha256": contentSHA} {
		if v != "" {
			r.Header.Set(name, v)
		}
	}
	return r
}

func FuzzSigV4(f *testing.F) {
	authz, date, body := validSigV4Seed(f)
	f.Add(authz, date, "", body, false)
	f.Add("", "", "", []byte(`{}`), false)
	f.Add(sandboxHeaders(http.Header{}, "123456789012", fuzzSigV4Time).Get("Authorization"), date, "", []byte(`{}`), true)
	handlers := map[bool]http.Handler{false: sigV4Handler(f, false), true: sigV4Handler(f, true)}
	f.Fuzz(func(t *testing.T, authz, amzDate, contentSHA string, body []byte, sandbox bool) {
		w := serve(handlers[sandbox], sigV4Request(authz, amzDate, contentSHA, body))
		checkResponse(t, w, false)
		if w.Code == http.StatusForbidden {
			switch typ := w.Header().Get("X-Amzn-ErrorType"); typ {
			case "MissingAuthenticationTokenException", "IncompleteSignatureException",
				"InvalidSignatureException", "UnrecognizedClientException":
			default:
				t.Fatalf("403 with %s", typ)
			}
		}
	})
}

// TestFuzzSigV4ValidSeed makes sure the fuzzer starts from the success path too.
func TestFuzzSigV4ValidSeed(t *testing.T) {
	authz, date, body := validSigV4Seed(t)
	h := sigV4Handler(t, false)
	if w := serve(h, sigV4Request(authz, date, "", body)); w.Code != http.StatusOK {
		t.Fatalf("valid seed: %d %s", w.Code, w.Body)
	}
	if w := serve(h, sigV4Request(authz, date, "", append(body, ' '))); w.Code != http.StatusForbidden {
		t.Fatalf("altered seed: %d %s", w.Code, w.Body)
	}
}
