package awsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"mercato"
	"mercato/awsapi"
)

type echoIn struct {
	Catalog  string `query:"catalog"`
	EntityID string `query:"entityId"`
	Name     string `json:"Name"`
	Fail     string `json:"Fail"`
}

type echoOut struct {
	Caller   string `json:"Caller"`
	Catalog  string `json:"Catalog"`
	EntityID string `json:"EntityId"`
	Name     string `json:"Name,omitempty"`
}

// echo returns what it was given, or fails as its input asks.
func echo(ctx context.Context, in *echoIn) (*echoOut, error) {
	switch in.Fail {
	case "invalid":
		return nil, &mercato.Error{Code: mercato.EInvalid, Reason: "INVALID_PARAMETER", Message: "bad name",
			Fields: []mercato.FieldError{{Name: "Name", Message: "must be short"}}}
	case "conflict":
		return nil, mercato.Errorf(mercato.EConflict, "entity in use")
	case "panic":
		panic("boom")
	}
	caller, _ := awsapi.CallerFrom(ctx)
	return &echoOut{Caller: caller, Catalog: in.Catalog, EntityID: in.EntityID, Name: in.Name}, nil
}

func restEnv(t *testing.T) string {
	t.Helper()
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(buyer, seller)}
	h, err := awsapi.NewRestHandler(awsapi.Config{Auth: v, Logger: slog.New(slog.DiscardHandler)},
		awsapi.RestService{Name: "catalog", Errors: awsapi.CatalogErrors, CapitalMessage: true, Operations: []awsapi.RestOperation{
			awsapi.RestOp("Describe", http.MethodGet, "/Describe", echo),
			awsapi.RestOp("Start", http.MethodPost, "/Start", echo)}},
		awsapi.RestService{Name: "discovery", Errors: awsapi.DiscoveryErrors, Operations: []awsapi.RestOperation{
			awsapi.RestOp("Get", http.MethodPost, "/2026-02-05/get", echo)}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, p := range h.Patterns() {
		mux.Handle(p, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// restCall sends a request signed as k (unsigned if k is nil) and returns the status, the error
// type header and the decoded body.
func restCall(t *testing.T, method, url string, body []byte, k *mercato.AccessKey) (int, string, map[string]any) {
	t.Helper()
	r, _ := http.NewRequest(method, url, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if k != nil {
		creds := aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, sha256Hex(body), "aws-marketplace", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	status, hdr, raw := do(t, r)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: body %q is not JSON", method, url, raw)
	}
	if hdr.Get("Content-Type") != "application/json" || hdr.Get("X-Amzn-Requestid") == "" {
		t.Errorf("%s %s: headers %v", method, url, hdr)
	}
	return status, hdr.Get("X-Amzn-Errortype"), out
}

func TestRestJSONRoutesAndBindsQueryAndBody(t *testing.T) {
	url := restEnv(t)
	k := keyOf(seller)
	status, _, out := restCall(t, http.MethodGet, url+"/Describe?catalog=AWSMarketplace&entityId=offer-1%40a", nil, &k)
	if status != 200 || out["Caller"] != seller.ID || out["Catalog"] != "AWSMarketplace" || out["EntityId"] != "offer-1@a" {
		t.Errorf("GET with a query: %d %v", status, out)
	}
	status, _, out = restCall(t, http.MethodPost, url+"/Start", []byte(`{"Name": "n"}`), &k)
	if status != 200 || out["Name"] != "n" {
		t.Errorf("POST with a body: %d %v", status, out)
	}
}

func TestRestJSONErrors(t *testing.T) {
	url := restEnv(t)
	k := keyOf(seller)
	for _, tc := range []struct {
		name, method, path, body string
		key                      *mercato.AccessKey
		status                   int
		errType                  string
		members                  []string // the body's members besides the message
		messageKey               string
	}{
		{"catalog validation", "POST", "/Start", `{"Fail": "invalid"}`, &k, 422, "ValidationException", nil, "Message"},
		{"catalog conflict is a resource in use", "POST", "/Start", `{"Fail": "conflict"}`, &k, 423, "ResourceInUseException", nil, "Message"},
		{"catalog fault", "POST", "/Start", `{"Fail": "panic"}`, &k, 500, "InternalServiceException", nil, "Message"},
		{"discovery validation", "POST", "/2026-02-05/get", `{"Fail": "invalid"}`, &k, 400, "ValidationException", []string{"reason"}, "message"},
		{"malformed body", "POST", "/Start", `{"Name": `, &k, 400, "SerializationException", nil, "Message"},
		{"unsigned", "POST", "/Start", `{}`, nil, 403, "MissingAuthenticationTokenException", nil, "Message"},
		{"wrong method", "PUT", "/Start", `{}`, &k, 405, "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.errType == "" {
				r, _ := http.NewRequest(tc.method, url+tc.path, nil)
				if status, _, _ := do(t, r); status != http.StatusMethodNotAllowed {
					t.Errorf("status %d", status)
				}
				return
			}
			status, typ, out := restCall(t, tc.method, url+tc.path, []byte(tc.body), tc.key)
			if status != tc.status || typ != tc.errType {
				t.Errorf("got %d %s, want %d %s (%v)", status, typ, tc.status, tc.errType, out)
			}
			if _, ok := out[tc.messageKey]; !ok || len(out) != 1+len(tc.members) {
				t.Errorf("body %v, want %s and %v", out, tc.messageKey, tc.members)
			}
		})
	}
}
