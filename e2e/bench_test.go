package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/fxamacker/cbor/v2"

	"mercato/awsapi"
)

// benchClients is the number of concurrent clients of the load; client i works on the
// agreement agmt-bench-<i> of testdata/bench.yaml.
const benchClients = 32

// BenchmarkAWSWire measures the real server (the mercato binary: HTTP, SigV4 verification
// against the access keys in the database, the service, and SQLite or, with
// MERCATO_TEST_POSTGRES, PostgreSQL in a fresh schema) under 32 concurrent clients sending
// signed RPC v2 CBOR requests, as the Go SDK does, and, as the reference of the same run, a
// bare net/http handler doing SigV4 verification only (awsapi.Verifier with a static key).
// Each reports requests/s and latency percentiles, and how many requests were throttled
// (see runLoad).
//
//	go test ./e2e -run '^$' -bench AWSWire -benchtime 3s
func BenchmarkAWSWire(b *testing.B) {
	// --manual-jobs: the adjustments created are not completed meanwhile, which would share the
	// CPU with the requests measured.
	srv := startServerWith(b, databaseFor(b), "bench.yaml", "--manual-jobs")
	invoices := benchInvoices(b, srv)

	b.Run("DescribeAgreement", func(b *testing.B) {
		bodies := make([][]byte, benchClients)
		for i := range bodies {
			bodies[i] = cborBody(b, map[string]any{"agreementId": benchAgreement(i)})
		}
		runLoad(b, srv.URL, "DescribeAgreement", func(w int, _ int64) []byte { return bodies[w] }, func(w int, resp []byte) error {
			var out struct {
				AgreementID string `cbor:"agreementId"`
				Status      string `cbor:"status"`
			}
			if err := cbor.Unmarshal(resp, &out); err != nil || out.AgreementID != benchAgreement(w) || out.Status != "ACTIVE" {
				return fmt.Errorf("unexpected response %x (%v)", resp, err)
			}
			return nil
		})
	})

	var seq atomic.Int64 // client tokens stay unique across the rounds of the benchmark
	b.Run("BatchCreateBillingAdjustmentRequest", func(b *testing.B) {
		// Each request refunds 0.01 of the client's own invoice (10000.00) under a new client
		// token, so that every one creates a billing adjustment request.
		runLoad(b, srv.URL, "BatchCreateBillingAdjustmentRequest", func(w int, _ int64) []byte {
			return cborBody(b, map[string]any{"billingAdjustmentRequestEntries": []map[string]any{{
				"agreementId": benchAgreement(w), "originalInvoiceId": invoices[w], "adjustmentAmount": "0.01",
				"currencyCode": "USD", "adjustmentReasonCode": "OTHER", "clientToken": fmt.Sprintf("bench-%d", seq.Add(1)),
			}}})
		}, func(_ int, resp []byte) error {
			var out struct {
				Items  []map[string]any `cbor:"items"`
				Errors []map[string]any `cbor:"errors"`
			}
			if err := cbor.Unmarshal(resp, &out); err != nil || len(out.Items) != 1 || len(out.Errors) != 0 {
				return fmt.Errorf("unexpected response %+v (%v)", out, err)
			}
			return nil
		})
	})

	b.Run("BareSigV4Handler", func(b *testing.B) {
		verifier := &awsapi.Verifier{Credentials: awsapi.CredentialsFunc(func(context.Context, string) (string, string, error) {
			return seller.ID, seller.Secret, nil
		})}
		bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if _, err := verifier.Authenticate(r, body); err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
			w.Header().Set("Content-Type", "application/cbor")
			w.Write([]byte{0xa0}) // {}
		}))
		defer bare.Close()
		body := cborBody(b, map[string]any{"agreementId": benchAgreement(0)})
		runLoad(b, bare.URL, "DescribeAgreement", func(int, int64) []byte { return body }, func(int, []byte) error { return nil })
	})
}

func benchAgreement(i int) string { return fmt.Sprintf("agmt-bench-%02d", i) }

// benchInvoices returns the ID of the invoice of each bench agreement.
func benchInvoices(b *testing.B, srv *server) []string {
	ids := make([]string, benchClients)
	for i := range ids {
		req := signedRequest(b, srv.URL, "ListAgreementInvoiceLineItems",
			cborBody(b, map[string]any{"agreementId": benchAgreement(i), "groupBy": "INVOICE_ID"}))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var out struct {
			Groups []struct {
				InvoiceID string `cbor:"invoiceId"`
			} `cbor:"agreementInvoiceLineItemGroupSummaries"`
		}
		if err := cbor.Unmarshal(raw, &out); err != nil || len(out.Groups) != 1 {
			b.Fatalf("ListAgreementInvoiceLineItems %s: %s %x (%v)", benchAgreement(i), resp.Status, raw, err)
		}
		ids[i] = out.Groups[0].InvoiceID
	}
	return ids
}

func cborBody(b *testing.B, v any) []byte {
	data, err := cbor.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

var signer = v4.NewSigner()

// signedRequest returns an RPC v2 CBOR request for operation, signed now as the seller.
func signedRequest(b *testing.B, base, operation string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, base+"/service/"+awsapi.AgreementTarget+"/operation/"+operation, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/cbor")
	req.Header.Set("Accept", "application/cbor")
	req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: seller.KeyID, SecretAccessKey: seller.Secret}
	if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), awsapi.SigningName, "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}

// runLoad sends b.N signed requests from benchClients concurrent clients (body gives client
// w's n-th request; check checks its response) and reports the rate of requests answered (a
// request given up on is not counted) and latency percentiles.
// A 429 (ThrottlingException) is retried after a jittered backoff, up to 3 attempts as the
// SDK does: throttled/op counts the retries, failed/op the requests still throttled at the
// third attempt (left out of the latencies). Any other failure stops the benchmark.
func runLoad(b *testing.B, base, operation string, body func(w int, n int64) []byte, check func(w int, resp []byte) error) {
	transport := &http.Transport{MaxIdleConns: 2 * benchClients, MaxIdleConnsPerHost: 2 * benchClients, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	var next, throttled, gaveUp atomic.Int64
	var failed atomic.Value
	latencies := make([][]time.Duration, benchClients)
	call := func(w int, n int64) error {
		payload := body(w, n)
		t0 := time.Now()
		for attempt := 1; ; attempt++ {
			resp, err := client.Do(signedRequest(b, base, operation, payload))
			if err != nil {
				return err
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case err != nil:
				return err
			case resp.StatusCode == http.StatusTooManyRequests && attempt < 3:
				throttled.Add(1)
				time.Sleep(rand.N(time.Duration(50<<attempt) * time.Millisecond)) // jittered backoff, as the SDK's
				continue
			case resp.StatusCode == http.StatusTooManyRequests:
				gaveUp.Add(1)
				return nil
			case resp.StatusCode != http.StatusOK:
				return fmt.Errorf("%s: %s %x", operation, resp.Status, raw)
			}
			latencies[w] = append(latencies[w], time.Since(t0))
			return check(w, raw)
		}
	}
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range benchClients {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) || failed.Load() != nil {
					return
				}
				if err := call(w, n); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(int64(b.N)-gaveUp.Load())/elapsed.Seconds(), "req/s") // answered with 200 only
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(throttled.Load())/float64(b.N), "throttled/op")
	b.ReportMetric(float64(gaveUp.Load())/float64(b.N), "failed/op")
}
