package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"

	"mercato"
	"mercato/sqlite"
)

// TestBackupUnderWriteLoad takes backups of a production server's SQLite database while
// clients refund an invoice as fast as they can (each refund a credit memo, ledger postings,
// audit records and events, completed by the server's own processor), then checks that each
// backup is a database on which every invariant of `mercato check` holds, that later backups
// hold more of the writes, and that a backup restored in place of the database serves again.
func TestBackupUnderWriteLoad(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	scenarioFile := filepath.Join(dir, "refunds.yaml")
	if err := writeFile(scenarioFile, refundScenario(scenarioStart(false))); err != nil {
		t.Fatal(err)
	}
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + db, scenario: scenarioFile})
	seller := agreementClient(url, "AKIASELLER0000000001", "seller-secret-key")
	invoice := firstInvoice(t, seller)

	ctx, stop := context.WithCancel(context.Background())
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() { refundUntilStopped(ctx, seller, invoice, w, &accepted) })
	}
	var backups []string
	for i := range 3 {
		for n := accepted.Load(); accepted.Load() < n+20; time.Sleep(10 * time.Millisecond) {
		}
		to := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		out, err := runCLI(t, "backup", "--db", "sqlite:"+db, "--to", to)
		if err != nil || !strings.Contains(out, "backed up") {
			t.Fatalf("backup %d: %q %v", i, out, err)
		}
		backups = append(backups, to)
	}
	stop()
	wg.Wait()
	if accepted.Load() < 60 {
		t.Fatalf("only %d refunds accepted during the backups", accepted.Load())
	}

	prev := -1
	for _, b := range backups {
		if vs, err := checkBooks(context.Background(), "sqlite:"+b); err != nil || len(vs) > 0 {
			t.Errorf("mercato check on %s: %v %v", b, vs, err)
		}
		n := countAdjustments(t, b)
		if n <= prev {
			t.Errorf("%s holds %d adjustments, the backup before it %d", b, n, prev)
		}
		prev = n
	}
	if _, err := runCLI(t, "backup", "--db", "sqlite:"+db, "--to", backups[0]); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over an existing file: %v", err)
	}

	// Restore the last backup as a new database and serve it.
	restored := filepath.Join(dir, "restored.db")
	copyFile(t, backups[len(backups)-1], restored)
	url2 := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + restored})
	out, err := agreementClient(url2, "AKIASELLER0000000001", "seller-secret-key").DescribeAgreement(context.Background(),
		&marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-x")})
	if err != nil || out.Status != types.AgreementStatusActive {
		t.Fatalf("the restored database serves %+v, %v", out, err)
	}
}

// firstInvoice returns the ID of agmt-x's invoice.
func firstInvoice(t *testing.T, c *marketplaceagreement.Client) string {
	t.Helper()
	items, err := c.ListAgreementInvoiceLineItems(context.Background(), &marketplaceagreement.ListAgreementInvoiceLineItemsInput{
		AgreementId: aws.String("agmt-x"), GroupBy: types.LineItemGroupByInvoiceId})
	if err != nil || len(items.AgreementInvoiceLineItemGroupSummaries) != 1 {
		t.Fatalf("invoices: %+v, %v", items, err)
	}
	return *items.AgreementInvoiceLineItemGroupSummaries[0].InvoiceId
}

// refundUntilStopped refunds 0.01 of the invoice under new client tokens until ctx ends,
// counting what was accepted.
func refundUntilStopped(ctx context.Context, c *marketplaceagreement.Client, invoice string, w int, accepted *atomic.Int64) {
	for i := 0; ctx.Err() == nil; i++ {
		out, err := c.BatchCreateBillingAdjustmentRequest(ctx, &marketplaceagreement.BatchCreateBillingAdjustmentRequestInput{
			BillingAdjustmentRequestEntries: []types.BatchCreateBillingAdjustmentRequestEntry{{
				AgreementId: aws.String("agmt-x"), OriginalInvoiceId: aws.String(invoice), AdjustmentAmount: aws.String("0.01"),
				CurrencyCode: aws.String("USD"), AdjustmentReasonCode: types.BillingAdjustmentReasonCodeOther,
				ClientToken: aws.String(fmt.Sprintf("b-%d-%d", w, i))}}})
		if err == nil {
			accepted.Add(int64(len(out.Items)))
		}
	}
}

// countAdjustments returns how many billing adjustments the database file holds.
func countAdjustments(t *testing.T, path string) int {
	t.Helper()
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var n int
	err = store.View(context.Background(), func(tx mercato.Tx) error {
		as, err := tx.ListAdjustments(mercato.AdjustmentFilter{})
		n = len(as)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
