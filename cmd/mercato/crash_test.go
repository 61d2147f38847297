package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	agreementtypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering/types"

	"mercato"
	"mercato/internal/proc"
	"mercato/storetest"
)

// crashBuyers is how many buyers meter usage in the crash test, each on two dimensions.
const crashBuyers = 40

// crashScenario is refundScenario's seller and buyer with its 1000.00 upfront agreement, and
// crashBuyers buyers of a SaaS product billed by the call and by the GB, all accepted at start.
func crashScenario(start time.Time) string {
	var accounts, agreements strings.Builder
	for i := range crashBuyers {
		fmt.Fprintf(&accounts, "  - {id: \"%s\", name: Buyer %d, roles: [buyer]}\n", crashBuyer(i), i)
		fmt.Fprintf(&agreements, "  - {id: %s, offer: offer-m, buyer: \"%s\", acceptedAt: %s}\n", crashAgreement(i), crashBuyer(i),
			start.Format(time.RFC3339))
	}
	return fmt.Sprintf(`clock: %[1]s
accounts:
  - {id: "111122223333", name: Seller, roles: [seller], accessKeys: [{id: AKIASELLER0000000001, secret: seller-secret-key}]}
  - {id: "444455556666", name: Buyer, roles: [buyer], accessKeys: [{id: AKIABUYER00000000001, secret: buyer-secret-key}]}
%[3]sproducts:
  - {id: prod-x, seller: "111122223333", type: SaaS, title: X, refundPolicy: "By agreement."}
  - id: prod-m
    seller: "111122223333"
    type: SaaS
    title: M
    productCode: pc-m
    refundPolicy: None.
    dimensions: [{key: calls, metered: true}, {key: gb, metered: true}]
offers:
  - id: offer-x
    product: prod-x
    visibility: private
    buyers: ["444455556666"]
    expires: %[2]s
    terms:
      - validityTerm: {agreementDuration: P12M}
      - fixedUpfrontPricingTerm: {currencyCode: USD, price: "1000.00"}
  - id: offer-m
    product: prod-m
    visibility: public
    terms:
      - usageBasedPricingTerm: {currencyCode: USD, rateCards: [{rateCard: [{dimensionKey: calls, price: "0.01"}, {dimensionKey: gb, price: "0.10"}]}]}
agreements:
  - {id: agmt-x, offer: offer-x, buyer: "444455556666", acceptedAt: %[1]s}
%[4]s`, start.Format(time.RFC3339), start.AddDate(0, 5, 0).Format(time.RFC3339), accounts.String(), agreements.String())
}

func crashBuyer(i int) string     { return fmt.Sprintf("5000000000%02d", i) }
func crashAgreement(i int) string { return fmt.Sprintf("agmt-m-%02d", i) }

// TestKilledServerKeepsAcknowledgedWrites runs the real binary in production mode, sends it
// billing adjustments and metered usage from several clients at once, kills it (SIGKILL) in
// the middle and starts it again on the same database: every adjustment answered 200 and every
// usage record acknowledged is there, the adjustments the killed server held are completed by
// the restarted one, the books balance and mercato check passes. Once under -short, three
// times otherwise; on SQLite, and on PostgreSQL when MERCATO_TEST_POSTGRES is set.
func TestKilledServerKeepsAcknowledgedWrites(t *testing.T) {
	bin := buildMercato(t)
	kills := 3
	if testing.Short() {
		kills = 1
	}
	t.Run("sqlite", func(t *testing.T) {
		crashUnderLoad(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "crash.db"), kills)
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("MERCATO_TEST_POSTGRES")
		if base == "" {
			t.Skip("MERCATO_TEST_POSTGRES is not set")
		}
		crashUnderLoad(t, bin, storetest.PostgresSchema(t, base), kills)
	})
}

// buildMercato builds the mercato binary into the test's temporary directory.
func buildMercato(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mercato")
	goBin := "go"
	if root := os.Getenv("GOROOT"); root != "" { // go test sets it for the tests it runs
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			goBin = p
		}
	}
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build mercato: %v\n%s", err, out)
	}
	return bin
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// process is a mercato serve process.
type process struct{ *proc.Server }

// startProcess runs bin serve in production mode on db, applying the scenario file if any, with
// the extra flags, and waits until it is healthy; it is killed when the test ends if still up.
func startProcess(t *testing.T, bin, db, scenario string, extra ...string) *process {
	t.Helper()
	args := []string{"serve", "--db", db}
	if scenario != "" {
		args = append(args, "--scenario", scenario)
	}
	p, err := proc.Start(bin, append(args, extra...)...)
	if err != nil {
		t.Fatalf("start mercato: %v", err)
	}
	t.Cleanup(func() { _ = p.Kill() })
	return &process{p}
}

// kill ends the process with SIGKILL, as a crash or the OOM killer would.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
}

// stop asks the process to finish (SIGTERM) and fails the test unless it does within 15 s.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.Stop(15 * time.Second); err != nil {
		t.Errorf("mercato stopped with %v:\n%s", err, p.Output)
	}
}

// usageKey names one usage record: a buyer's agreement, a dimension and an hour.
type usageKey struct {
	agreement, dimension string
	hour                 time.Time
}

// acked gathers what the server acknowledged: adjustment IDs answered 200, and usage records
// whose batch answered Success for them, with their quantity.
type acked struct {
	mu          sync.Mutex
	adjustments []string
	usage       map[usageKey]int64
}

func (a *acked) adjustmentCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.adjustments)
}

// usageBatch is a batch of records to meter and the keys they are stored under.
type usageBatch struct {
	records []types.UsageRecord
	keys    []usageKey
}

// usageBatches are 5-record batches of the crash buyers' usage: each buyer, dimension and
// hour from start to the last whole hour once, with a quantity that differs for each.
func usageBatches(start, now time.Time) []usageBatch {
	var all usageBatch
	q := int32(1)
	for h := start.Add(time.Hour); h.Add(10 * time.Minute).Before(now); h = h.Add(time.Hour) {
		for i := range crashBuyers {
			for _, dim := range []string{"calls", "gb"} {
				all.records = append(all.records, types.UsageRecord{CustomerAWSAccountId: aws.String(crashBuyer(i)),
					Dimension: aws.String(dim), Timestamp: aws.Time(h.Add(10 * time.Minute)), Quantity: aws.Int32(q)})
				all.keys = append(all.keys, usageKey{crashAgreement(i), dim, h})
				q++
			}
		}
	}
	var out []usageBatch
	for i := 0; i < len(all.records); i += 5 {
		j := min(i+5, len(all.records))
		out = append(out, usageBatch{all.records[i:j], all.keys[i:j]})
	}
	return out
}

// crashUnderLoad starts the server on db, and kills it under load kills times, restarting it on
// the same database each time; then it checks what the server acknowledged.
func crashUnderLoad(t *testing.T, bin, db string, kills int) {
	now := time.Now().UTC()
	start := now.Truncate(time.Hour).Add(-5 * time.Hour) // metering accepts the last 6 hours
	scenarioFile := filepath.Join(t.TempDir(), "crash.yaml")
	if err := writeFile(scenarioFile, crashScenario(start)); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, bin, db, scenarioFile)
	ctx := context.Background()
	items, err := agreementClient(p.URL, "AKIASELLER0000000001", "seller-secret-key").ListAgreementInvoiceLineItems(ctx,
		&marketplaceagreement.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String("agmt-x"), GroupBy: agreementtypes.LineItemGroupByInvoiceId})
	if err != nil || len(items.AgreementInvoiceLineItemGroupSummaries) != 1 {
		t.Fatalf("invoices: %+v, %v", items, err)
	}
	invoiceID := *items.AgreementInvoiceLineItemGroupSummaries[0].InvoiceId

	ack := &acked{usage: map[usageKey]int64{}}
	batches := make(chan usageBatch, 1000)
	for _, b := range usageBatches(start, now) {
		batches <- b
	}
	close(batches)
	for kill := 0; kill < kills; kill++ {
		loadCtx, stopLoad := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				adjustUntilStopped(loadCtx, p.URL, invoiceID, fmt.Sprintf("k%d-w%d", kill, w), ack)
			}()
		}
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				meterUntilStopped(loadCtx, p.URL, batches, ack)
			}()
		}
		// Kill it once it has acknowledged some work and is in the middle of more.
		for before := ack.adjustmentCount(); ack.adjustmentCount() < before+10; time.Sleep(5 * time.Millisecond) {
		}
		time.Sleep(time.Duration(50+kill*70) * time.Millisecond)
		p.kill(t)
		stopLoad()
		wg.Wait()
		p = startProcess(t, bin, db, "")
	}
	t.Logf("%d kills: %d adjustments and %d usage records acknowledged", kills, len(ack.adjustments), len(ack.usage))
	if len(ack.adjustments) == 0 || len(ack.usage) == 0 {
		t.Fatal("the server acknowledged no adjustment or no usage: the load did not run")
	}

	// The jobs the killed server held are the restarted server's once their lease runs out.
	seller := agreementClient(p.URL, "AKIASELLER0000000001", "seller-secret-key")
	restarted := time.Now()
	awaitNonePending(t, seller)
	t.Logf("no adjustment pending %v after the last restart", time.Since(restarted).Round(time.Millisecond))
	var completed int
	statuses := map[string]agreementtypes.BillingAdjustmentStatus{}
	paginator := marketplaceagreement.NewListBillingAdjustmentRequestsPaginator(seller,
		&marketplaceagreement.ListBillingAdjustmentRequestsInput{AgreementId: aws.String("agmt-x")})
	for paginator.HasMorePages() {
		page, err := paginator.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ba := range page.Items {
			statuses[*ba.BillingAdjustmentRequestId] = ba.Status
			if ba.Status == agreementtypes.BillingAdjustmentStatusCompleted {
				completed++
			}
		}
	}
	for _, id := range ack.adjustments {
		if s, ok := statuses[id]; !ok || s != agreementtypes.BillingAdjustmentStatusCompleted {
			t.Errorf("acknowledged adjustment %s: %q after the restart, want COMPLETED", id, s)
		}
	}
	// Every adjustment is 1.00 of the 1000.00 invoice: what remains is 1000.00 less one per
	// completed adjustment, acknowledged or not (a write may commit before its answer is lost).
	items, err = seller.ListAgreementInvoiceLineItems(ctx, &marketplaceagreement.ListAgreementInvoiceLineItemsInput{
		AgreementId: aws.String("agmt-x"), GroupBy: agreementtypes.LineItemGroupByInvoiceId, InvoiceType: agreementtypes.InvoiceTypeInvoice})
	if err != nil {
		t.Fatal(err)
	}
	left := mercato.MustAmount(*items.AgreementInvoiceLineItemGroupSummaries[0].PricingCurrencyAmount.MaxAdjustmentAmount)
	if want := mercato.MustAmount("1000") - mercato.Amount(completed)*mercato.MustAmount("1"); left != want {
		t.Errorf("max adjustment %s after %d completed adjustments of 1.00, want %s", left, completed, want)
	}
	p.stop(t)

	checkUsage(t, db, start, now, ack.usage)
	if out, err := exec.Command(bin, "check", "--db", db).CombinedOutput(); err != nil {
		t.Errorf("mercato check after %d kills: %v: %s", kills, err, out)
	}
}

// adjustUntilStopped sends billing adjustments of 1.00, one at a time, until ctx ends, and
// records the IDs of those answered.
func adjustUntilStopped(ctx context.Context, url, invoiceID, prefix string, ack *acked) {
	c := marketplaceagreement.New(marketplaceagreement.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1, HTTPClient: &bufferedClient{},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIASELLER0000000001", SecretAccessKey: "seller-secret-key"}, nil
		}),
	})
	for i := 0; ctx.Err() == nil; i++ {
		out, err := c.BatchCreateBillingAdjustmentRequest(ctx, &marketplaceagreement.BatchCreateBillingAdjustmentRequestInput{
			BillingAdjustmentRequestEntries: []agreementtypes.BatchCreateBillingAdjustmentRequestEntry{{
				AgreementId: aws.String("agmt-x"), OriginalInvoiceId: aws.String(invoiceID), AdjustmentAmount: aws.String("1.00"),
				CurrencyCode: aws.String("USD"), AdjustmentReasonCode: agreementtypes.BillingAdjustmentReasonCodeOther,
				ClientToken: aws.String(fmt.Sprintf("%s-%d", prefix, i))}},
		})
		if err != nil {
			return // the server is gone
		}
		ack.mu.Lock()
		for _, it := range out.Items {
			ack.adjustments = append(ack.adjustments, *it.BillingAdjustmentRequestId)
		}
		ack.mu.Unlock()
	}
}

// meterUntilStopped meters the batches until there are none left or ctx ends, and records the
// records acknowledged. A batch whose answer was lost is not sent again: whether it was stored
// is what the test does not know.
func meterUntilStopped(ctx context.Context, url string, batches <-chan usageBatch, ack *acked) {
	c := meteringClient(url, "AKIASELLER0000000001", "seller-secret-key")
	for b := range batches {
		if ctx.Err() != nil {
			return
		}
		out, err := c.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-m"), UsageRecords: b.records})
		if err != nil {
			return
		}
		ack.mu.Lock()
		for _, r := range out.Results {
			if r.Status != types.UsageRecordResultStatusSuccess {
				continue
			}
			for i, rec := range b.records {
				if *rec.CustomerAWSAccountId == *r.UsageRecord.CustomerAWSAccountId && *rec.Dimension == *r.UsageRecord.Dimension &&
					rec.Timestamp.Equal(*r.UsageRecord.Timestamp) {
					ack.usage[b.keys[i]] = int64(*rec.Quantity)
				}
			}
		}
		ack.mu.Unlock()
		time.Sleep(20 * time.Millisecond) // spread the batches over the kills
	}
}

// checkUsage reads the usage stored in db and checks that every acknowledged record is there
// with its quantity.
func checkUsage(t *testing.T, db string, start, now time.Time, want map[usageKey]int64) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := map[usageKey]int64{}
	var agreements []string
	for i := range crashBuyers {
		agreements = append(agreements, crashAgreement(i))
	}
	for h := start; h.Before(now); h = h.Add(time.Hour) {
		err := st.View(ctx, func(tx mercato.Tx) error {
			totals, err := tx.UsageTotals(agreements, h, h.Add(time.Hour))
			for _, u := range totals {
				got[usageKey{u.AgreementID, u.Dimension, h}] = u.Quantity
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for k, q := range want {
		if got[k] != q {
			t.Errorf("acknowledged usage %s %s at %s: %d stored, want %d", k.agreement, k.dimension, k.hour.Format(time.RFC3339), got[k], q)
		}
	}
}
