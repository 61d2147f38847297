package awsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"

	"mercato/awsapi"
)

const (
	agreementPrefix = "AWSMPCommerceService_v20200301."
	cborPath        = "/service/AWSMPCommerceService_v20200301/operation/"
)

// call sends a request signed by the buyer to path (relative to the base path).
func (e *testEnv) call(t *testing.T, path string, hdr http.Header, body []byte) (int, http.Header, []byte) {
	t.Helper()
	r := signedRequest(t, e.endpoint()+path, hdr, body, keyOf(buyer), "aws-marketplace", "us-east-1", time.Now())
	return do(t, r)
}

func (e *testEnv) callJSON(t *testing.T, op, body string) (int, http.Header, []byte) {
	t.Helper()
	return e.call(t, "/", jsonHeaders(agreementPrefix+op), []byte(body))
}

func (e *testEnv) callCBOR(t *testing.T, op string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	return e.call(t, cborPath+op, cborHeaders(), body)
}

// errorBody is an error response decoded from either protocol.
type errorBody struct {
	Type      string `json:"__type"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	Reason    string `json:"reason"`
	Fields    []struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"fields"`
}

func decodeError(t *testing.T, hdr http.Header, body []byte) errorBody {
	t.Helper()
	var e errorBody
	var err error
	if hdr.Get("Content-Type") == "application/cbor" {
		err = cbor.Unmarshal(body, &e)
	} else {
		err = json.Unmarshal(body, &e)
	}
	if err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e
}

// wantError checks an error response: status, exception name in the body (and the header
// for JSON), content type and request ID.
func wantError(t *testing.T, status int, hdr http.Header, body []byte, wantStatus int, wantType string) errorBody {
	t.Helper()
	e := decodeError(t, hdr, body)
	if status != wantStatus || e.Type != wantType {
		t.Fatalf("got %d %s (%s), want %d %s", status, e.Type, e.Message, wantStatus, wantType)
	}
	if hdr.Get("Content-Type") != "application/cbor" && hdr.Get("X-Amzn-ErrorType") != wantType {
		t.Errorf("X-Amzn-ErrorType = %q", hdr.Get("X-Amzn-ErrorType"))
	}
	if id := hdr.Get("X-Amzn-RequestId"); !uuidPattern.MatchString(id) || e.RequestID != id {
		t.Errorf("request ID header %q, body %q", id, e.RequestID)
	}
	return e
}

func TestJSONResponseShape(t *testing.T) {
	env := newEnv(t, "/aws")
	status, hdr, body := env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-1"}`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
		t.Errorf("Content-Type = %q", ct)
	}
	if id := hdr.Get("X-Amzn-RequestId"); !uuidPattern.MatchString(id) {
		t.Errorf("request ID %q", id)
	}
	for _, want := range []string{
		`"startTime":1768473000,`,         // whole seconds: an integer
		`"acceptanceTime":1768381201.25,`, // fractional seconds
		`"agreementValue":"1200.50"`,      // money is a string
		`"endTime":1800009000,`,           // Timestamp value with omitzero
		`"proposer":{"accountId":"444455556666"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), "null") {
		t.Errorf("body has nulls: %s", body)
	}

	_, _, body = env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-minimal"}`)
	if string(body) != `{"agreementId":"agmt-minimal"}` {
		t.Errorf("minimal body %s", body)
	}
	_, _, body = env.callJSON(t, "CancelAgreement", `{"agreementId":"agmt-1"}`)
	if string(body) != `{}` {
		t.Errorf("empty output %s", body)
	}
}

func TestCBORResponseShape(t *testing.T) {
	env := newEnv(t, "")
	in, _ := cbor.Marshal(map[string]any{"agreementId": "agmt-1"})
	status, hdr, body := env.callCBOR(t, "DescribeAgreement", in)
	if status != http.StatusOK {
		t.Fatalf("status %d: %x", status, body)
	}
	if hdr.Get("Content-Type") != "application/cbor" || hdr.Get("Smithy-Protocol") != "rpc-v2-cbor" {
		t.Errorf("headers %v", hdr)
	}
	var out map[string]cbor.RawMessage
	if err := cbor.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	// tag 1 + unsigned int for whole seconds, tag 1 + float64 otherwise.
	if got := out["startTime"]; !bytes.Equal(got, []byte{0xc1, 0x1a, 0x69, 0x68, 0xc1, 0xa8}) {
		t.Errorf("startTime = %x", []byte(got))
	}
	if got := out["acceptanceTime"]; len(got) != 10 || got[0] != 0xc1 || got[1] != 0xfb {
		t.Errorf("acceptanceTime = %x", []byte(got))
	}
	var value string
	if err := cbor.Unmarshal(out["estimatedCharges"], &map[string]*string{"agreementValue": &value}); err != nil {
		t.Fatal(err)
	}
	for k, v := range out {
		if bytes.Equal(v, []byte{0xf6}) {
			t.Errorf("member %s is null", k)
		}
	}

	_, _, body = env.callCBOR(t, "CancelAgreement", in)
	if !bytes.Equal(body, []byte{0xa0}) {
		t.Errorf("empty output %x", body)
	}
}

// TestCBORIndefiniteAndUnknownMembers sends what the Go SDK sends: indefinite-length maps
// and arrays, plus members the server does not know.
func TestCBORIndefiniteAndUnknownMembers(t *testing.T) {
	env := newEnv(t, "")
	var b []byte
	b = append(b, 0xbf)                                          // indefinite map
	b = append(b, 0x6b)                                          // text(11)
	b = append(b, "agreementId"...)                              //
	b = append(b, 0x66)                                          // text(6)
	b = append(b, "agmt-9"...)                                   //
	b = append(b, 0x66)                                          // text(6)
	b = append(b, "future"...)                                   //
	b = append(b, 0x9f, 0x01, 0xbf, 0x61, 'x', 0xf5, 0xff, 0xff) // [_ 1, {_ "x": true}]
	b = append(b, 0xff)
	status, _, body := env.callCBOR(t, "DescribeAgreement", b)
	if status != http.StatusOK {
		t.Fatalf("status %d %x", status, body)
	}
	var out struct {
		AgreementID string `json:"agreementId"`
	}
	if err := cbor.Unmarshal(body, &out); err != nil || out.AgreementID != "agmt-9" {
		t.Errorf("out %+v %v", out, err)
	}
}

func TestJSONUnknownMembersAreIgnored(t *testing.T) {
	env := newEnv(t, "")
	status, _, body := env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-1","someday":{"a":[1,2,null]}}`)
	if status != http.StatusOK {
		t.Fatalf("status %d %s", status, body)
	}
}

func TestEmptyBodyIsEmptyInput(t *testing.T) {
	env := newEnv(t, "")
	for name, call := range map[string]func() (int, http.Header, []byte){
		"json": func() (int, http.Header, []byte) { return env.callJSON(t, "DescribeAgreement", "") },
		"cbor": func() (int, http.Header, []byte) { return env.callCBOR(t, "DescribeAgreement", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			status, hdr, body := call()
			e := wantError(t, status, hdr, body, http.StatusBadRequest, "ValidationException")
			const want = "Value null at 'agreementId' failed to satisfy constraint: Member must not be null"
			if len(e.Fields) != 1 || e.Fields[0].Name != "agreementId" || e.Fields[0].Message != want {
				t.Errorf("fields %+v", e.Fields)
			}
			if e.Message != "1 validation error detected: "+want {
				t.Errorf("message %q", e.Message)
			}
		})
	}
}

func TestMalformedBodies(t *testing.T) {
	env := newEnv(t, "")
	for _, body := range []string{`[]`, `"agmt-1"`, `null`, `1`, `{"agreementId":`, `{"agreementId":5}`, `{} {}`} {
		status, hdr, resp := env.callJSON(t, "DescribeAgreement", body)
		e := wantError(t, status, hdr, resp, http.StatusBadRequest, "SerializationException")
		if body == `{"agreementId":5}` && e.Message != "Unexpected JSON number for member agreementId" {
			t.Errorf("message %q", e.Message)
		}
	}
	for _, body := range [][]byte{
		{0x80},            // array
		{0xf6},            // null
		{0x61, 'x'},       // text
		{0xbf, 0x61, 'x'}, // truncated
		{0xa1, 0x6b},      // truncated key
		{0xa0, 0xa0},      // trailing data
		{0xa1, 0x6b, 'a', 'g', 'r', 'e', 'e', 'm', 'e', 'n', 't', 'I', 'd', 0x05}, // wrong type
	} {
		status, hdr, resp := env.callCBOR(t, "DescribeAgreement", body)
		e := wantError(t, status, hdr, resp, http.StatusBadRequest, "SerializationException")
		if body[len(body)-1] == 0x05 && e.Message != "Unexpected CBOR positive integer for member agreementId" {
			t.Errorf("message %q", e.Message)
		}
	}
	// A timestamp sent as a string.
	status, hdr, resp := env.call(t, "/", http.Header{"Content-Type": {"application/x-amz-json-1.1"},
		"X-Amz-Target": {"AWSMPMeteringService.MeterUsage"}}, []byte(`{"ProductCode":"p","Timestamp":"2026-01-01T00:00:00Z"}`))
	wantError(t, status, hdr, resp, http.StatusBadRequest, "SerializationException")
}

func TestRouting(t *testing.T) {
	env := newEnv(t, "/aws")
	tests := []struct {
		name       string
		path       string
		hdr        http.Header
		wantStatus int
		wantType   string
		wantCT     string
	}{
		{"json unknown op", "/", jsonHeaders(agreementPrefix + "Nope"), 400, "UnknownOperationException", "application/x-amz-json-1.0"},
		{"json unknown service", "/", jsonHeaders("AWSMPSeymour.DescribeEntity"), 400, "UnknownOperationException", "application/x-amz-json-1.0"},
		{"json no target", "/", http.Header{"Content-Type": {"application/x-amz-json-1.0"}}, 400, "UnknownOperationException", "application/x-amz-json-1.0"},
		{"json 1.1 unknown op", "/", http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"AWSMPMeteringService.Nope"}}, 400, "UnknownOperationException", "application/x-amz-json-1.1"},
		{"metering over cbor", "/service/AWSMPMeteringService/operation/MeterUsage", cborHeaders(), 400, "UnknownOperationException", "application/cbor"},
		{"cbor unknown op", cborPath + "Nope", cborHeaders(), 400, "UnknownOperationException", "application/cbor"},
		{"cbor bad path", "/service/AWSMPCommerceService_v20200301/op/DescribeAgreement", cborHeaders(), 400, "UnknownOperationException", "application/cbor"},
		{"cbor no Smithy-Protocol", cborPath + "DescribeAgreement", http.Header{"Content-Type": {"application/cbor"}}, 400, "UnknownOperationException", "application/cbor"},
		{"outside base path", "/../elsewhere", jsonHeaders(agreementPrefix + "DescribeAgreement"), 404, "UnknownOperationException", "application/x-amz-json-1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := env.call(t, tt.path, tt.hdr, []byte("{}"))
			wantError(t, status, hdr, body, tt.wantStatus, tt.wantType)
			if ct := hdr.Get("Content-Type"); ct != tt.wantCT {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantCT)
			}
		})
	}

	r, _ := http.NewRequest(http.MethodGet, env.endpoint()+"/", nil)
	status, hdr, body := do(t, r)
	wantError(t, status, hdr, body, http.StatusMethodNotAllowed, "UnknownOperationException")
}

func TestBodyLimit(t *testing.T) {
	env := newEnv(t, "", func(c *awsapi.Config) { c.MaxBodyBytes = 64 })
	big := `{"agreementId":"agmt-1","pad":"` + strings.Repeat("x", 100) + `"}`
	status, hdr, body := env.callJSON(t, "DescribeAgreement", big)
	wantError(t, status, hdr, body, http.StatusRequestEntityTooLarge, "ValidationException")

	// Without Content-Length (chunked), the limit applies while reading.
	r := signedRequest(t, env.endpoint()+"/", jsonHeaders(agreementPrefix+"DescribeAgreement"), []byte(big),
		keyOf(buyer), "aws-marketplace", "us-east-1", time.Now())
	r.ContentLength = -1
	r.Body = io.NopCloser(strings.NewReader(big))
	status, hdr, body = do(t, r)
	wantError(t, status, hdr, body, http.StatusRequestEntityTooLarge, "ValidationException")

	status, _, _ = env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-1"}`)
	if status != http.StatusOK {
		t.Errorf("small body: status %d", status)
	}
}

func TestRequestIDsAreFresh(t *testing.T) {
	env := newEnv(t, "")
	seen := map[string]bool{}
	for range 20 {
		_, hdr, _ := env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-1"}`)
		id := hdr.Get("X-Amzn-RequestId")
		if seen[id] || !uuidPattern.MatchString(id) {
			t.Fatalf("request ID %q repeated or malformed", id)
		}
		seen[id] = true
	}
}

// TestMeteringJSON11 checks a Metering operation: awsJson1_1, PascalCase members, explicit
// exceptions and the service's own error table.
func TestMeteringJSON11(t *testing.T) {
	env := newEnv(t, "/aws")
	hdr := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"AWSMPMeteringService.MeterUsage"}}
	call := func(body string) (int, http.Header, []byte) { return env.call(t, "/", hdr, []byte(body)) }

	status, rh, body := call(`{"ProductCode":"pc","Timestamp":1735689600.5,"UsageDimension":"dim","UsageQuantity":3}`)
	if status != http.StatusOK || rh.Get("Content-Type") != "application/x-amz-json-1.1" ||
		string(body) != `{"MeteringRecordId":"pc-1735689600"}` {
		t.Fatalf("got %d %s %s", status, rh.Get("Content-Type"), body)
	}
	for _, tt := range []struct {
		body   string
		status int
		name   string
	}{
		{`{"ProductCode":"bad","UsageDimension":"d"}`, 400, "InvalidProductCodeException"},
		{`{"ProductCode":"pc"}`, 400, "InvalidUsageDimensionException"},
		{`{"ProductCode":"pc","UsageDimension":"d"}`, 400, "InvalidUsageDimensionException"},
		{`{"ProductCode":"pc","UsageDimension":"d","Timestamp":1,"ClientToken":"reused"}`, 409, "IdempotencyConflictException"},
		{`{"ProductCode":"boom","UsageDimension":"d","Timestamp":1}`, 500, "InternalServiceErrorException"},
	} {
		status, rh, body := call(tt.body)
		wantError(t, status, rh, body, tt.status, tt.name)
		if rh.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("%s: Content-Type %q", tt.name, rh.Get("Content-Type"))
		}
	}
}

func TestMarshalHelpers(t *testing.T) {
	type out struct {
		Count    int               `json:"count"`
		Optional int               `json:"optional,omitempty"`
		When     *awsapi.Timestamp `json:"when,omitempty"`
		Absent   *awsapi.Timestamp `json:"absent,omitempty"`
		Zero     awsapi.Timestamp  `json:"zero,omitzero"`
		List     []string          `json:"list,omitempty"`
		Renamed  string            `json:"renamedMember"`
	}
	v := out{Count: 0, When: awsapi.At(time.Unix(1735689600, 500e6)), Renamed: "x"}

	j, err := awsapi.AWSJSON10.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"count":0,"when":1735689600.5,"renamedMember":"x"}`; string(j) != want {
		t.Errorf("JSON %s, want %s", j, want)
	}
	c, err := awsapi.RPCv2CBOR.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// The CBOR codec uses the json tags, with the same omission rules.
	var m map[string]any
	if err := cbor.Unmarshal(c, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"count": uint64(0), "when": time.Unix(1735689600, 500e6), "renamedMember": "x"}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("CBOR members (-want +got):\n%s", diff)
	}
	var back out
	if err := awsapi.RPCv2CBOR.Unmarshal(c, &back); err != nil || !back.When.Equal(v.When.Time) || back.Renamed != "x" {
		t.Errorf("CBOR round trip %+v %v", back, err)
	}

	if b, _ := awsapi.AWSJSON11.Marshal(nil); string(b) != "{}" {
		t.Errorf("nil JSON %s", b)
	}
	if b, _ := awsapi.RPCv2CBOR.Marshal(nil); !bytes.Equal(b, []byte{0xa0}) {
		t.Errorf("nil CBOR %x", b)
	}

	ex := awsapi.NewException(400, "ValidationException", "bad").With("reason", "OTHER")
	b, err := awsapi.AWSJSON10.MarshalError(ex, "rid")
	if want := `{"__type":"ValidationException","message":"bad","reason":"OTHER","requestId":"rid"}`; err != nil || string(b) != want {
		t.Errorf("error JSON %s, want %s", b, want)
	}
}

func TestOutputEncodingFailureIsServerFault(t *testing.T) {
	type badOutput struct {
		C chan int `json:"c"`
	}
	auth := awsapi.AuthenticatorFunc(func(*http.Request, []byte) (string, error) { return "111122223333", nil })
	h, err := awsapi.NewHandler(awsapi.Config{Auth: auth, Logger: slog.New(slog.DiscardHandler)}, awsapi.Agreement(
		awsapi.Op("DescribeAgreement", func(context.Context, *describeAgreementInput) (*badOutput, error) {
			return &badOutput{C: make(chan int)}, nil
		})))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"agreementId":"a"}`)),
		httptest.NewRequest(http.MethodPost, cborPath+"DescribeAgreement", nil),
	} {
		if r.URL.Path == "/" {
			r.Header = jsonHeaders(agreementPrefix + "DescribeAgreement")
		} else {
			r.Header = cborHeaders()
			r.Body = io.NopCloser(bytes.NewReader([]byte{0xa1, 0x6b, 'a', 'g', 'r', 'e', 'e', 'm', 'e', 'n', 't', 'I', 'd', 0x61, 'a'}))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		res := w.Result()
		body, _ := io.ReadAll(res.Body)
		wantError(t, res.StatusCode, res.Header, body, http.StatusInternalServerError, "InternalServerException")
	}
}

func TestNewHandlerRejectsBadConfig(t *testing.T) {
	auth := awsapi.AuthenticatorFunc(func(*http.Request, []byte) (string, error) { return "", nil })
	op := awsapi.Op("DescribeAgreement", describeAgreement)
	for name, tc := range map[string]struct {
		cfg awsapi.Config
		svc []awsapi.Service
	}{
		"no auth":            {awsapi.Config{}, []awsapi.Service{awsapi.Agreement(op)}},
		"relative base":      {awsapi.Config{Auth: auth, BasePath: "aws"}, nil},
		"duplicate op":       {awsapi.Config{Auth: auth}, []awsapi.Service{awsapi.Agreement(op, op)}},
		"duplicate service":  {awsapi.Config{Auth: auth}, []awsapi.Service{awsapi.Agreement(op), awsapi.Agreement()}},
		"two JSON protocols": {awsapi.Config{Auth: auth}, []awsapi.Service{{Target: "X", Protocols: []awsapi.Protocol{awsapi.AWSJSON10, awsapi.AWSJSON11}}}},
		"bad protocol":       {awsapi.Config{Auth: auth}, []awsapi.Service{{Target: "X", Protocols: []awsapi.Protocol{0}}}},
		"dotted target":      {awsapi.Config{Auth: auth}, []awsapi.Service{{Target: "X.Y"}}},
		"incomplete op":      {awsapi.Config{Auth: auth}, []awsapi.Service{awsapi.Agreement(awsapi.Operation{Name: "X"})}},
	} {
		if _, err := awsapi.NewHandler(tc.cfg, tc.svc...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
