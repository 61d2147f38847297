package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"

	"mercato"
	"mercato/sqlite"
)

// `mercato clock advance` prints what the move did and, when a job failed on the way, says
// which and why and exits non-zero, so that a script or CI step stops there.
func TestClockAdvanceFailsWhenAJobFailed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "clock.db")
	// A job of a kind this version has no handler for, due in an hour: every attempt fails.
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().UTC().Add(time.Hour)
	err = store.Update(context.Background(), func(tx mercato.Tx) error {
		_, err := tx.PutJobs(mercato.Job{Kind: "retired-kind", Key: "retired:1", DueAt: due, RunAt: due, Status: mercato.JobPending})
		return err
	})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + db, sandbox: true})

	out, err := cli(t, url, "clock", "advance", "2h")
	if err == nil || !strings.Contains(err.Error(), "1 job failed") ||
		!strings.Contains(err.Error(), `retired:1 (retired-kind) failed after 5 attempts: no handler for job kind "retired-kind"`) {
		t.Errorf("advance with a failing job: %v", err)
	}
	if !strings.Contains(out, "business time is now") || !strings.Contains(out, "jobs failed: 1") {
		t.Errorf("advance printed %q", out)
	}
	if out, err := cli(t, url, "clock", "advance", "1h", "--json"); err != nil || !strings.Contains(out, `"failed":[]`) {
		t.Errorf("quiet advance = %q, %v", out, err)
	}
}

// `mercato clock advance` says what ran: the documents issued and the jobs done, by what they
// do, over a month of the demo marketplace.
func TestClockAdvancePrintsWhatRan(t *testing.T) {
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "demo.db"),
		sandbox: true, scenario: demoScenario})
	out, err := cli(t, url, "clock", "advance", "P1M")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"business time is now 2026-02-01T00:00:00Z\n",
		"daily settlements (collections and payouts)",
		"jobs failed: none\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("advance printed %q, which lacks %q", out, want)
		}
	}
	// The demo's private offer invoices its first installment on 15 January.
	if !regexp.MustCompile(`issued: [1-9]\d* invoices, \d+ credit memos \(refunds\), [1-9]\d* payments, \d+ payouts`).MatchString(out) {
		t.Errorf("advance printed %q: no invoices or payments counted", out)
	}
}

// `mercato clock advance 0s` completes the pending billing adjustments, and counts their credit
// memos, which are dated at the time the move started from.
func TestClockAdvanceZeroCountsItsRefunds(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	scenarioFile := filepath.Join(t.TempDir(), "refunds.yaml")
	if err := writeFile(scenarioFile, refundScenario(start)); err != nil {
		t.Fatal(err)
	}
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "z.db"),
		sandbox: true, manualJobs: true, scenario: scenarioFile}) // the adjustments wait for the move
	seller := agreementClient(url, "AKIASELLER0000000001", "seller-secret-key")
	invoice := firstInvoice(t, seller)
	for i := range 3 {
		out, err := seller.BatchCreateBillingAdjustmentRequest(context.Background(), &marketplaceagreement.BatchCreateBillingAdjustmentRequestInput{
			BillingAdjustmentRequestEntries: []types.BatchCreateBillingAdjustmentRequestEntry{{
				AgreementId: aws.String("agmt-x"), OriginalInvoiceId: aws.String(invoice), AdjustmentAmount: aws.String("1.00"),
				CurrencyCode: aws.String("USD"), AdjustmentReasonCode: types.BillingAdjustmentReasonCodeOther,
				ClientToken: aws.String("zero-" + strconv.Itoa(i))}}})
		if err != nil || len(out.Items) != 1 {
			t.Fatalf("adjustment %d: %+v %v", i, out, err)
		}
	}
	out, err := cli(t, url, "clock", "advance", "0s")
	if err != nil || !strings.Contains(out, "3 credit memos") {
		t.Errorf("advance 0s printed %q, %v; want 3 credit memos", out, err)
	}
	// A second move does not count them again.
	if out, err := cli(t, url, "clock", "advance", "0s"); err != nil || !strings.Contains(out, "0 credit memos") {
		t.Errorf("a second advance 0s printed %q, %v", out, err)
	}
}
