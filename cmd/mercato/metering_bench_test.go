package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering/types"

	"mercato"
	"mercato/service"
	"mercato/storetest"
)

// The metering benchmark's marketplace: one seller, meterCustomers buyers subscribed to a
// product with meterDimensions metered dimensions, and the clock at meterNow. Every (customer,
// dimension, hour of the last 24) is one record key: 480,000 of them.
const (
	meterCustomers  = 2000
	meterDimensions = 10
	meterKeys       = meterCustomers * meterDimensions * 24
	meterClients    = 32
)

// meterNow is later than any wall clock the benchmark runs on: the server, started without a
// scenario, restores the clock the seeding left only if it is later than the wall clock.
var meterNow = time.Date(2030, 3, 20, 12, 0, 0, 0, time.UTC)

func meterCustomer(i int) string { return fmt.Sprintf("5%011d", i) }

// seedMetering stores the benchmark's marketplace in a new database at path, through the
// service (as a scenario), and returns the --db value.
func seedMetering(b *testing.B, db string) {
	store, err := openStore(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	var dims []mercato.Dimension
	var prices []mercato.RateCardItem
	for d := range meterDimensions {
		dims = append(dims, mercato.Dimension{Key: "d" + strconv.Itoa(d), Metered: true})
		prices = append(prices, mercato.RateCardItem{DimensionKey: "d" + strconv.Itoa(d), Price: mercato.MustAmount("0.0001")})
	}
	sc := mercato.Scenario{Clock: meterNow,
		Accounts: []mercato.Account{{ID: "111122223333", Name: "Seller", Roles: []mercato.Role{mercato.RoleSeller},
			AccessKeys: []mercato.AccessKey{{ID: "AKIASELLER0000000001", Secret: "seller-secret-key"}}}},
		Products: []mercato.Product{{ID: "prod-bench", SellerID: "111122223333", Type: mercato.ProductSaaS, Title: "Bench",
			ProductCode: "pc-bench", RefundPolicy: "None.", Visibility: "public", Dimensions: dims}},
		Offers: []mercato.Offer{{ID: "offer-bench", ProductID: "prod-bench", Visibility: "public", Terms: mercato.Terms{
			{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{{RateCard: prices}}}}}}},
	}
	for i := range meterCustomers {
		sc.Accounts = append(sc.Accounts, mercato.Account{ID: meterCustomer(i), Name: "Buyer", Roles: []mercato.Role{mercato.RoleBuyer}})
		sc.Agreements = append(sc.Agreements, mercato.ScenarioAgreement{ID: fmt.Sprintf("agmt-%05d", i), OfferID: "offer-bench",
			BuyerID: meterCustomer(i), AcceptedAt: time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)})
	}
	svc := service.New(store, mercato.NewSimClock(meterNow))
	if err := svc.ApplyScenario(context.Background(), sc); err != nil {
		b.Fatal(err)
	}
}

type wireRecord struct {
	CustomerAWSAccountID string `json:"CustomerAWSAccountId"`
	Dimension            string `json:"Dimension"`
	Quantity             int    `json:"Quantity"`
	Timestamp            int64  `json:"Timestamp"`
}

// meterBatch returns the records of request i: 25 keys never used by another request.
func meterBatch(i int) []wireRecord {
	out := make([]wireRecord, 25)
	for j := range out {
		k := i*25 + j
		hour := meterNow.Add(-time.Duration(k/(meterCustomers*meterDimensions)) * time.Hour)
		out[j] = wireRecord{CustomerAWSAccountID: meterCustomer(k % meterCustomers), Dimension: "d" + strconv.Itoa(k/meterCustomers%meterDimensions),
			Quantity: 1 + k%1000, Timestamp: hour.Add(-time.Minute).Unix()}
	}
	return out
}

// signedRequest is a request signed ahead of time: its body and headers, replayed as sent.
type signedRequest struct {
	body   []byte
	header http.Header
}

func signMeterBatches(b *testing.B, url string, n int) []signedRequest {
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: "AKIASELLER0000000001", SecretAccessKey: "seller-secret-key"}
	out := make([]signedRequest, n)
	for i := range out {
		body, err := json.Marshal(map[string]any{"ProductCode": "pc-bench", "UsageRecords": meterBatch(i)})
		if err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSMPMeteringService.BatchMeterUsage")
		sum := sha256.Sum256(body)
		if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "aws-marketplace", "us-east-1", time.Now()); err != nil {
			b.Fatal(err)
		}
		out[i] = signedRequest{body: body, header: req.Header}
	}
	return out
}

// BenchmarkBatchMeterUsage measures metering records ingested per second through the real
// server: HTTP, SigV4 verification (key lookup, canonical request, HMAC), awsJson1_1 decoding,
// validation, the business rules (window, product, dimension, customer's agreement, duplicate
// detection) and a durable commit (SQLite WAL, synchronous=FULL, group commit) before each
// answer. 32 clients send BatchMeterUsage requests of 25 new records each, signed ahead of time
// so that the load generator, on the same cores, costs little. With MERCATO_TEST_POSTGRES it
// runs on PostgreSQL too.
//
//	go test ./cmd/mercato -run '^$' -bench 'BatchMeterUsage$' -benchtime 8000x
func BenchmarkBatchMeterUsage(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchMeter(b, "sqlite:"+filepath.Join(b.TempDir(), "m.db")) })
	if base := os.Getenv("MERCATO_TEST_POSTGRES"); base != "" {
		b.Run("postgres", func(b *testing.B) { benchMeter(b, storetest.PostgresSchema(b, base)) })
	}
}

func benchMeter(b *testing.B, db string) {
	if b.N*25 > meterKeys {
		b.Fatalf("at most %d requests: the marketplace has %d record keys", meterKeys/25, meterKeys)
	}
	seedMetering(b, db)
	url := startServer(b, serveOptions{addr: freeAddr(b), db: db, sandbox: true})
	reqs := signMeterBatches(b, url, b.N)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: meterClients}}
	var failures atomic.Int64
	latencies := make([][]time.Duration, meterClients)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	closedLoop(meterClients, b.N, func(w int, i int64) {
		t0 := time.Now()
		ok := sendSigned(client, url, &reqs[i])
		latencies[w] = append(latencies[w], time.Since(t0))
		if !ok {
			failures.Add(1)
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, b.N)
	}
	b.ReportMetric(float64(b.N*25)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(p99(latencies).Microseconds())/1000, "p99-ms")
}

// sendSigned sends a signed request and reports whether all its records succeeded.
func sendSigned(c *http.Client, url string, r *signedRequest) bool {
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(r.body))
	if err != nil {
		return false
	}
	req.Header = r.header.Clone()
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && bytes.Count(out, []byte(`"Status":"Success"`)) == 25
}

// BenchmarkBatchMeterUsageSDK is BenchmarkBatchMeterUsage with the official Go SDK as the
// client, which builds and signs each request while the server runs on the same cores.
//
//	go test ./cmd/mercato -run '^$' -bench BatchMeterUsageSDK -benchtime 6000x
func BenchmarkBatchMeterUsageSDK(b *testing.B) {
	if b.N*25 > meterKeys {
		b.Fatalf("at most %d requests", meterKeys/25)
	}
	db := "sqlite:" + filepath.Join(b.TempDir(), "m.db")
	seedMetering(b, db)
	url := startServer(b, serveOptions{addr: freeAddr(b), db: db, sandbox: true})
	c := meteringClient(url, "AKIASELLER0000000001", "seller-secret-key")
	var failures atomic.Int64
	b.ResetTimer()
	start := time.Now()
	closedLoop(meterClients, b.N, func(_ int, i int64) {
		in := &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-bench")}
		for _, r := range meterBatch(int(i)) {
			in.UsageRecords = append(in.UsageRecords, types.UsageRecord{CustomerAWSAccountId: aws.String(r.CustomerAWSAccountID),
				Dimension: aws.String(r.Dimension), Quantity: aws.Int32(int32(r.Quantity)), Timestamp: aws.Time(time.Unix(r.Timestamp, 0))})
		}
		out, err := c.BatchMeterUsage(context.Background(), in)
		if err != nil || !allSucceeded(out.Results) {
			failures.Add(1)
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, b.N)
	}
	b.ReportMetric(float64(b.N*25)/elapsed.Seconds(), "records/s")
}

// allSucceeded reports whether a response holds the 25 results of a request, each a Success.
func allSucceeded(results []types.UsageRecordResult) bool {
	if len(results) != 25 {
		return false
	}
	for _, r := range results {
		if r.Status != types.UsageRecordResultStatusSuccess {
			return false
		}
	}
	return true
}

// closedLoop sends requests 0 to n-1 from clients concurrent clients, each taking the next
// request as soon as its previous one is answered; do sends request i as client w.
func closedLoop(clients, n int, do func(w int, i int64)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				do(w, i)
			}
		})
	}
	wg.Wait()
}
