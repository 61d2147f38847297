package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"mercato/storetest"
)

// benchAgreements is how many agreements (one invoice each) the adjustment benchmark spreads
// its refunds over, so that PostgreSQL transactions do not all contend for one row.
const benchAgreements = 64

// benchScenario returns a scenario with a seller, a buyer and n agreements, accepted at start,
// whose upfront invoices are large enough for every refund of a benchmark.
func benchScenario(n int, start time.Time) string {
	var b strings.Builder
	at := start.Format(time.RFC3339)
	fmt.Fprintf(&b, `clock: %s
accounts:
  - {id: "111122223333", name: Seller, roles: [seller], accessKeys: [{id: AKIASELLER0000000001, secret: seller-secret-key}]}
  - {id: "444455556666", name: Buyer, roles: [buyer], accessKeys: [{id: AKIABUYER00000000001, secret: buyer-secret-key}]}
`, at)
	section := func(name, format string) {
		b.WriteString(name + ":\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, format, i, i)
		}
	}
	section("products", "  - {id: prod-%d, seller: \"111122223333\", type: SaaS, title: P%d, refundPolicy: \"By agreement.\"}\n")
	section("offers", "  - {id: offer-%d, product: prod-%d, visibility: public, terms: [{fixedUpfrontPricingTerm: {currencyCode: USD, price: \"10000000.00\"}}]}\n")
	section("agreements", "  - {id: agmt-%d, offer: offer-%d, buyer: \"444455556666\", acceptedAt: "+at+"}\n")
	return b.String()
}

// signedClient sends SigV4-signed Agreement API requests over JSON, as the SDKs do, with less
// client-side work than the full SDK so that the load measures the server.
type signedClient struct {
	url    string
	http   *http.Client
	signer *v4.Signer
	creds  aws.Credentials
}

func (c *signedClient) call(ctx context.Context, op, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSMPCommerceService_v20200301."+op)
	sum := sha256.Sum256([]byte(body))
	if err := c.signer.SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), "aws-marketplace", "us-east-1", time.Now()); err != nil {
		return 0, nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// BenchmarkBillingAdjustments measures billing adjustments accepted (BatchCreate with one entry,
// through the real HTTP stack with SigV4 verification, 32 concurrent clients) and completed
// (credit memos issued by the processor), per second, on SQLite and, with
// MERCATO_TEST_POSTGRES, on PostgreSQL. The phases run in the sandbox with --manual-jobs, where
// the processor runs only when the clock moves: every adjustment is accepted, then one move of
// the clock completes them all. The pipelined run is in production mode, where the processor
// completes what was accepted while the clients go on, and lasts until the last adjustment is
// completed. The "+webhooks" runs register a webhook destination for the seller and one for the
// buyer, on a local receiver, so that both events of every completed adjustment are delivered
// while the benchmark runs; "+queue" registers one that wants no event the benchmark emits:
// every event is queued for delivery, none delivered.
//
//	go test ./cmd/mercato -run '^$' -bench BillingAdjustments -benchtime 20000x
func BenchmarkBillingAdjustments(b *testing.B) {
	for _, mode := range []struct {
		name    string
		sandbox bool
		hooks   hookMode
	}{{"phases", true, noHooks}, {"phases+webhooks", true, allHooks}, {"pipelined", false, noHooks},
		{"pipelined+queue", false, queueOnly}, {"pipelined+webhooks", false, allHooks}} {
		b.Run("sqlite/"+mode.name, func(b *testing.B) {
			benchAdjustments(b, "sqlite:"+filepath.Join(b.TempDir(), "b.db"), mode.sandbox, mode.hooks)
		})
		if base := os.Getenv("MERCATO_TEST_POSTGRES"); base != "" {
			b.Run("postgres/"+mode.name, func(b *testing.B) {
				benchAdjustments(b, storetest.PostgresSchema(b, base), mode.sandbox, mode.hooks)
			})
		}
	}
}

// hookMode says which webhook destinations a benchmark registers: none, one per party taking
// every event (allHooks), or one taking a detail type never emitted (queueOnly: every event is
// queued for delivery, and none is delivered).
type hookMode int

const (
	noHooks hookMode = iota
	allHooks
	queueOnly
)

// benchReceiver answers every webhook 204 and counts them: the destination of the "+webhooks"
// runs, where the seller's and the buyer's events of every completed adjustment are delivered
// while the benchmark runs.
type benchReceiver struct{ n atomic.Int64 }

func (r *benchReceiver) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r.n.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

func benchAdjustments(b *testing.B, db string, sandbox bool, hooks hookMode) {
	file := filepath.Join(b.TempDir(), "bench.yaml")
	sc := benchScenario(benchAgreements, scenarioStart(sandbox))
	rcv := &benchReceiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	switch hooks {
	case allHooks:
		sc += fmt.Sprintf("eventDestinations:\n  - {account: \"111122223333\", url: %q}\n  - {account: \"444455556666\", url: %q}\n", srv.URL, srv.URL)
	case queueOnly:
		sc += fmt.Sprintf("eventDestinations:\n  - {account: \"111122223333\", url: %q, eventTypes: [Never]}\n", srv.URL)
	}
	if err := writeFile(file, sc); err != nil {
		b.Fatal(err)
	}
	url := startServer(b, serveOptions{addr: freeAddr(b), db: db, sandbox: sandbox, manualJobs: sandbox, scenario: file,
		webhookNetworks: []string{"127.0.0.1"}}) // the receiver; production refuses loopback otherwise
	client := &signedClient{url: url, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		signer: v4.NewSigner(), creds: aws.Credentials{AccessKeyID: "AKIASELLER0000000001", SecretAccessKey: "seller-secret-key"}}
	ctx := context.Background()
	invoices := benchInvoices(b, client)
	const clients = 32
	var failures, throttled atomic.Int64
	latencies := make([][]time.Duration, clients)
	b.ResetTimer()
	start := time.Now()
	closedLoop(clients, b.N, func(w int, i int64) {
		a := i % benchAgreements
		body := fmt.Sprintf(`{"billingAdjustmentRequestEntries":[{"agreementId":"agmt-%d","originalInvoiceId":%q,"adjustmentAmount":"0.01","currencyCode":"USD","adjustmentReasonCode":"OTHER","clientToken":"t-%d"}]}`, a, invoices[a], i)
		t0 := time.Now()
		status, out, err := client.call(ctx, "BatchCreateBillingAdjustmentRequest", body)
		for attempt := 1; attempt < 3 && err == nil && status == http.StatusTooManyRequests; attempt++ {
			throttled.Add(1) // retried as the SDKs retry a ThrottlingException
			time.Sleep(time.Duration(attempt) * 20 * time.Millisecond)
			status, out, err = client.call(ctx, "BatchCreateBillingAdjustmentRequest", body)
		}
		latencies[w] = append(latencies[w], time.Since(t0))
		if err != nil || status != http.StatusOK || !bytes.Contains(out, []byte(`"billingAdjustmentRequestId"`)) {
			failures.Add(1)
		}
	})
	acceptance := time.Since(start)
	if sandbox {
		post(b, url+"/_mercato/clock", `{"advance":"0s"}`) // the processor completes every accepted adjustment
	} else {
		awaitNonePending(b, agreementClient(url, client.creds.AccessKeyID, client.creds.SecretAccessKey))
	}
	total := time.Since(start)
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, b.N)
	}
	b.ReportMetric(float64(b.N)/acceptance.Seconds(), "accepted/s")
	b.ReportMetric(float64(b.N)/total.Seconds(), "accepted+completed/s")
	if sandbox { // pipelined, completion overlaps acceptance: only the whole has a rate
		b.ReportMetric(float64(b.N)/(total-acceptance).Seconds(), "completed/s")
	}
	b.ReportMetric(float64(p99(latencies).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(throttled.Load())/float64(b.N), "retried/op")
	if hooks == allHooks {
		b.ReportMetric(float64(rcv.n.Load())/float64(b.N), "delivered/op") // by the end of the timed part
	}
}

// benchInvoices returns the invoice of each benchmark agreement.
func benchInvoices(b *testing.B, c *signedClient) []string {
	out := make([]string, benchAgreements)
	for i := range out {
		status, body, err := c.call(context.Background(), "ListAgreementInvoiceLineItems", fmt.Sprintf(`{"agreementId":"agmt-%d","groupBy":"INVOICE_ID"}`, i))
		if err != nil || status != http.StatusOK {
			b.Fatalf("invoices of agmt-%d: %d %s %v", i, status, body, err)
		}
		_, rest, _ := strings.Cut(string(body), `"invoiceId":"`)
		id, _, _ := strings.Cut(rest, `"`)
		out[i] = id
	}
	return out
}

func p99(ls [][]time.Duration) time.Duration {
	var all []time.Duration
	for _, l := range ls {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return 0
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all[len(all)*99/100]
}
