package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestMalformedBatchAnswersSmall sends a signed BatchCreateBillingAdjustmentRequest of 300,000
// empty entries (about 900 KB, under the body limit) to the real server: it must be refused
// for its length alone, before its entries are decoded, quickly, with an answer under 64 KiB
// (it once answered 162 MB).
func TestMalformedBatchAnswersSmall(t *testing.T) {
	file := filepath.Join(t.TempDir(), "one.yaml")
	if err := writeFile(file, benchScenario(1, scenarioStart(true))); err != nil {
		t.Fatal(err)
	}
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "v.db"), sandbox: true, scenario: file})
	client := &signedClient{url: url, http: &http.Client{}, signer: v4.NewSigner(),
		creds: aws.Credentials{AccessKeyID: "AKIASELLER0000000001", SecretAccessKey: "seller-secret-key"}}

	const entries = 300_000
	body := `{"billingAdjustmentRequestEntries":[` + strings.Repeat(`{},`, entries-1) + `{}]}`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	status, out, err := client.call(context.Background(), "BatchCreateBillingAdjustmentRequest", body)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}

	if status != http.StatusBadRequest || len(out) >= 64<<10 {
		t.Fatalf("HTTP %d with %d bytes: %.300s", status, len(out), out)
	}
	var ex struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
		Fields  []struct{ Name, Message string }
	}
	if err := json.Unmarshal(out, &ex); err != nil {
		t.Fatal(err)
	}
	const want = "1 validation error detected: a list in the request has 1001 elements or more; " +
		"Member must have length less than or equal to 1000"
	if ex.Type != "ValidationException" || ex.Message != want {
		t.Errorf("answer %s", out)
	}
	// What the request may cost: the body, read and signed (about 1 MB, several times over in
	// the client's side of the test, in the same process). Decoding the 300,000 entries cost
	// about 160 MB before lists were counted before decoding, and a problem per entry several
	// times that, with an answer of 162 MB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("the request allocated %d MB", alloc>>20)
	}
	if elapsed > 5*time.Second {
		t.Errorf("answered in %v", elapsed)
	}
	t.Logf("%d bytes in %v, %d MB allocated", len(out), elapsed, (after.TotalAlloc-before.TotalAlloc)>>20)
}
