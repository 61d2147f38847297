package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"

	"mercato/awsapi"
)

// The Entitlement API answers about prod-e2e-backup of the main scenario: Buyer Two's
// agreement agmt-e2e-fixed grants 5 workspaces until 2027-02-20 (a year from its acceptance);
// Buyer One's contract there is paid by schedule and grants nothing.
const backupProduct = "prod-e2e-backup"

// entitlementResponse is a response of the Entitlement service as the test received it.
type entitlementResponse struct {
	status int
	ctype  string
	body   []byte
}

// exception returns the __type of an error body, in either protocol.
func (r entitlementResponse) exception(t *testing.T, proto string) (string, string) {
	t.Helper()
	var e struct {
		Type    string `json:"__type" cbor:"__type"`
		Message string `json:"message" cbor:"message"`
	}
	var err error
	if proto == "cbor" {
		err = cbor.Unmarshal(r.body, &e)
	} else {
		err = json.Unmarshal(r.body, &e)
	}
	if err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return e.Type, e.Message
}

// callEntitlement posts body to GetEntitlements in proto ("json": awsJson1_1 as boto3, the
// CLI and the JS SDK send it; "cbor": RPC v2 CBOR as the Go SDK does), signed as a.
func callEntitlement(t *testing.T, srv *server, a account, proto string, body []byte) entitlementResponse {
	t.Helper()
	url, ctype := srv.URL+"/", "application/x-amz-json-1.1"
	if proto == "cbor" {
		url, ctype = srv.URL+"/service/"+awsapi.EntitlementTarget+"/operation/GetEntitlements", "application/cbor"
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if proto == "cbor" {
		req.Header.Set("Accept", "application/cbor")
		req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	} else {
		req.Header.Set("X-Amz-Target", awsapi.EntitlementTarget+".GetEntitlements")
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: a.KeyID, SecretAccessKey: a.Secret}
	if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), awsapi.SigningName, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return entitlementResponse{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: raw}
}

// sdkCBOR writes CBOR as the Go SDK's RPC v2 serializer does (smithy-go's ShapeSerializer):
// structures and maps as indefinite-length maps, lists as indefinite-length arrays, strings
// and integers in their shortest definite form.
type sdkCBOR struct{ b []byte }

func (e *sdkCBOR) head(major byte, n uint64) {
	switch {
	case n < 24:
		e.b = append(e.b, major<<5|byte(n))
	case n < 1<<8:
		e.b = append(e.b, major<<5|24, byte(n))
	default:
		e.b = append(e.b, major<<5|25, byte(n>>8), byte(n))
	}
}
func (e *sdkCBOR) str(s string)  { e.head(3, uint64(len(s))); e.b = append(e.b, s...) }
func (e *sdkCBOR) uint(n uint64) { e.head(0, n) }
func (e *sdkCBOR) openMap()      { e.b = append(e.b, 0xbf) }
func (e *sdkCBOR) openList()     { e.b = append(e.b, 0x9f) }
func (e *sdkCBOR) close()        { e.b = append(e.b, 0xff) }

// sdkGetEntitlements is GetEntitlements{ProductCode, Filter{CUSTOMER_AWS_ACCOUNT_ID: [account]},
// MaxResults} as the Go SDK encodes it, members in the model's order.
func sdkGetEntitlements(product, account string, maxResults uint64) []byte {
	var e sdkCBOR
	e.openMap()
	e.str("ProductCode")
	e.str(product)
	e.str("Filter")
	e.openMap()
	e.str("CUSTOMER_AWS_ACCOUNT_ID")
	e.openList()
	e.str(account)
	e.close()
	e.close()
	e.str("MaxResults")
	e.uint(maxResults)
	e.close()
	return e.b
}

// checkGolden compares text with testdata/golden/name (rewritten under -update).
func checkGolden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./e2e -run TestGetEntitlementsWire -update to write it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(text, "\n")); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestGetEntitlementsWire pins GetEntitlements on the wire: the request the Go SDK sends in
// CBOR and its answer, and the same request in awsJson1_1.
func TestGetEntitlementsWire(t *testing.T) {
	srv := startServer(t)
	req := sdkGetEntitlements(backupProduct, buyer2.ID, 10)
	diag, err := cbor.DiagOptions{}.DiagMode()
	if err != nil {
		t.Fatal(err)
	}
	reqText, err := diag.Diagnose(req)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "GetEntitlements.request.cbor.txt", reqText+"\n")

	for _, proto := range []string{"cbor", "json"} {
		body := req
		if proto == "json" {
			body = []byte(`{"ProductCode":"prod-e2e-backup","Filter":{"CUSTOMER_AWS_ACCOUNT_ID":["777788889999"]},"MaxResults":10}`)
		}
		r := callEntitlement(t, srv, seller, proto, body)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", proto, r.status, r.body)
		}
		text, err := render(proto, r.body)
		if err != nil {
			t.Fatal(err)
		}
		name := "GetEntitlements.json"
		if proto == "cbor" {
			name = "GetEntitlements.cbor.txt"
		}
		checkGolden(t, name, normalize(text))
	}
}

// TestGetEntitlementsRefusals: bad input gets a ValidationException naming the member, a
// product that is not the caller's an InvalidParameterException, in both protocols.
func TestGetEntitlementsRefusals(t *testing.T) {
	srv := startServer(t)
	many := make([]string, 26)
	for i := range many {
		many[i] = "workspaces"
	}
	tests := []struct {
		name      string
		caller    account
		in        map[string]any
		exception string
		mentions  string
	}{
		{"no ProductCode", seller, map[string]any{}, "ValidationException", "'ProductCode'"},
		{"an unknown filter", seller, map[string]any{"ProductCode": backupProduct, "Filter": map[string][]string{"COLOR": {"red"}}},
			"ValidationException", "'Filter'"},
		{"too many values", seller, map[string]any{"ProductCode": backupProduct, "Filter": map[string][]string{"DIMENSION": many}},
			"ValidationException", "'Filter.DIMENSION'"},
		{"no values", seller, map[string]any{"ProductCode": backupProduct, "Filter": map[string][]string{"LICENSE_ARN": {}}},
			"ValidationException", "'Filter.LICENSE_ARN'"},
		{"MaxResults 26", seller, map[string]any{"ProductCode": backupProduct, "MaxResults": 26}, "ValidationException", "'MaxResults'"},
		{"MaxResults 0", seller, map[string]any{"ProductCode": backupProduct, "MaxResults": 0}, "ValidationException", "'MaxResults'"},
		{"a forged NextToken", seller, map[string]any{"ProductCode": backupProduct, "NextToken": "AXh4eHh4eHh4eHh4eHh4eHh4eHh4"},
			"ValidationException", "nextToken"},
		{"a buyer", buyer2, map[string]any{"ProductCode": backupProduct}, "InvalidParameterException", backupProduct},
		{"another seller", stranger, map[string]any{"ProductCode": backupProduct}, "InvalidParameterException", backupProduct},
		{"an unknown product", seller, map[string]any{"ProductCode": "prod-nope"}, "InvalidParameterException", "prod-nope"},
		{"both customer filters", seller, map[string]any{"ProductCode": backupProduct,
			"Filter": map[string][]string{"CUSTOMER_IDENTIFIER": {"x"}, "CUSTOMER_AWS_ACCOUNT_ID": {buyer2.ID}}},
			"InvalidParameterException", "mutually exclusive"},
	}
	for _, proto := range []string{"json", "cbor"} {
		for _, tc := range tests {
			var body []byte
			var err error
			if proto == "cbor" {
				body, err = cbor.Marshal(tc.in)
			} else {
				body, err = json.Marshal(tc.in)
			}
			if err != nil {
				t.Fatal(err)
			}
			r := callEntitlement(t, srv, tc.caller, proto, body)
			name, msg := r.exception(t, proto)
			if r.status != http.StatusBadRequest || name != tc.exception || !strings.Contains(msg, tc.mentions) {
				t.Errorf("%s, %s: %d %s %q; want 400 %s mentioning %s", proto, tc.name, r.status, name, msg, tc.exception, tc.mentions)
			}
		}
	}
}

// tool returns the path of an outside tool the tests run, skipping the test without it,
// except under CI (env CI set), where it fails.
func tool(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is missing (%v): %s", name, err, why)
	}
	t.Skipf("%s is not installed: skipping (the test fails instead when CI is set)", name)
	return ""
}

// awsEnv is the environment of a boto3 or AWS CLI process signing as a: no profile, no
// configuration or credentials file of the machine's.
func awsEnv(srv *server, a account) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") { // an empty AWS_PROFILE names a profile ""
			env = append(env, kv)
		}
	}
	return append(env, "MERCATO_URL="+srv.URL, "AWS_ACCESS_KEY_ID="+a.KeyID, "AWS_SECRET_ACCESS_KEY="+a.Secret,
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
}

// python runs a boto3 script signing as a and decodes the JSON it prints into out.
func python(t *testing.T, srv *server, a account, script string, out any) {
	t.Helper()
	py := tool(t, "python3", "install Python 3 with boto3")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", boto3Prelude+script)
	cmd.Env = awsEnv(srv, a)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "No module named 'boto3'") && os.Getenv("CI") == "" {
			t.Skip("boto3 is not installed: skipping (the test fails instead when CI is set)")
		}
		t.Fatalf("python3: %v\n%s%s", err, stdout, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("python3 printed %q: %v", stdout, err)
	}
}

// boto3Prelude makes ent, an Entitlement client of the server, and show, which prints a
// value as JSON (timestamps as RFC 3339).
const boto3Prelude = `
import json, os, boto3, botocore.config, botocore.exceptions
ent = boto3.client("marketplace-entitlement", endpoint_url=os.environ["MERCATO_URL"],
    config=botocore.config.Config(retries={"max_attempts": 1}))
def show(v):
    print(json.dumps(v, default=lambda d: d.isoformat()))
def code(fn, **kw):
    try:
        fn(**kw)
        return "no error"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
`

// wireEntitlement is an entitlement as boto3 and the CLI print it.
type wireEntitlement struct {
	ProductCode, Dimension, CustomerIdentifier, CustomerAWSAccountId, LicenseArn string
	Value                                                                        map[string]any
	ExpirationDate                                                               any
}

var fixedWorkspaces = wireEntitlement{ProductCode: backupProduct, Dimension: "workspaces", CustomerAWSAccountId: buyer2.ID,
	LicenseArn: "arn:aws:license-manager::777788889999:license:l-e2e-fixed", Value: map[string]any{"IntegerValue": 5.0}}

// TestGetEntitlementsBoto3 calls GetEntitlements with boto3, as a Python integration would.
func TestGetEntitlementsBoto3(t *testing.T) {
	srv := startServer(t)
	var got struct {
		All, ByAccount, ByDimension []wireEntitlement
		Refused                     []string
	}
	python(t, srv, seller, `
show({
  "All": ent.get_entitlements(ProductCode="prod-e2e-backup")["Entitlements"],
  "ByAccount": ent.get_entitlements(ProductCode="prod-e2e-backup", Filter={"CUSTOMER_AWS_ACCOUNT_ID": ["777788889999"]})["Entitlements"],
  "ByDimension": ent.get_entitlements(ProductCode="prod-e2e-backup", Filter={"DIMENSION": ["seats"]})["Entitlements"],
  "Refused": [
    code(ent.get_entitlements, ProductCode="prod-e2e-backup", MaxResults=26),
    code(ent.get_entitlements, ProductCode="prod-e2e-backup", Filter={"COLOR": ["red"]}),
    code(ent.get_entitlements, ProductCode="prod-e2e-stranger"),
  ],
})`, &got)
	want := fixedWorkspaces
	want.ExpirationDate = "2027-02-20T00:00:00+00:00"
	if diff := cmp.Diff([]wireEntitlement{want}, got.All); diff != "" {
		t.Errorf("all (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got.All, got.ByAccount); diff != "" {
		t.Errorf("by account (-want +got):\n%s", diff)
	}
	if len(got.ByDimension) != 0 {
		t.Errorf("by a dimension no one has: %+v", got.ByDimension)
	}
	for i, prefix := range []string{"ValidationException: 1 validation error detected: Value '26' at 'MaxResults'",
		"ValidationException: 1 validation error detected: Value 'COLOR' at 'Filter'", "InvalidParameterException: "} {
		if i >= len(got.Refused) || !strings.HasPrefix(got.Refused[i], prefix) {
			t.Errorf("refusal %d = %q, want %q...", i, got.Refused, prefix)
		}
	}
}

// aws runs the AWS CLI signing as a, and returns its standard output or, when it fails, its
// standard error.
func awsCLI(t *testing.T, srv *server, a account, args ...string) (string, bool) {
	t.Helper()
	cli := tool(t, "aws", "install the AWS CLI")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, append([]string{"--endpoint-url", srv.URL, "--output", "json"}, args...)...)
	cmd.Env = awsEnv(srv, a)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return stderr.String(), false
	}
	return string(out), true
}

// TestGetEntitlementsCLI calls GetEntitlements with the AWS CLI, as a shell script would.
func TestGetEntitlementsCLI(t *testing.T) {
	srv := startServer(t)
	out, ok := awsCLI(t, srv, seller, "marketplace-entitlement", "get-entitlements", "--product-code", backupProduct,
		"--filter", "CUSTOMER_AWS_ACCOUNT_ID=777788889999")
	if !ok {
		t.Fatalf("aws marketplace-entitlement get-entitlements: %s", out)
	}
	var got struct{ Entitlements []wireEntitlement }
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	want := fixedWorkspaces
	want.ExpirationDate = float64(time.Date(2027, 2, 20, 0, 0, 0, 0, time.UTC).Unix()) // the CLI prints epoch seconds
	if diff := cmp.Diff([]wireEntitlement{want}, got.Entitlements); diff != "" {
		t.Errorf("entitlements (-want +got):\n%s", diff)
	}

	out, ok = awsCLI(t, srv, buyer2, "marketplace-entitlement", "get-entitlements", "--product-code", backupProduct)
	if ok || !strings.Contains(out, "(InvalidParameterException)") {
		t.Errorf("as the buyer: ok=%v %s", ok, out)
	}
}
