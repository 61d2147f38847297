package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// postJSON sends a JSON body to the server and returns the status and the decoded answer.
func postJSON(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %s", url, b)
	}
	return resp.StatusCode, out
}

// TestDemoYearThroughTheCLI runs the demo for a year through the server: simulated payments set
// over HTTP, a refund through the Agreement API after its invoice was disbursed, the clock moved
// by the CLI, and the reports read by the CLI, whose reconciliation must balance.
func TestDemoYearThroughTheCLI(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "y.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
	payments := server + "/_mercato/payments"
	for body, want := range map[string]int{
		`{"buyer":"777788889999","behavior":"late","days":5}`:            200,
		`{"buyer":"444455556666","behavior":"partial","fraction":"0.5"}`: 200,
		`{"buyer":"444455556666","behavior":"late"}`:                     400, // no days
		`{"buyer":"444455556666","behavior":"partial","fraction":"1.5"}`: 400,
		`{"buyer":"000000000000","behavior":"never"}`:                    404,
		`{"buyer":"444455556666","invoiceId":"inv-1"}`:                   400, // both forms
		`{"invoiceId":"inv-none"}`:                                       404,
	} {
		if status, out := postJSON(t, payments, body); status != want {
			t.Errorf("POST %s = %d %v, want %d", body, status, out, want)
		}
	}
	// Buyer Corp pays on time after all.
	if status, out := postJSON(t, payments, `{"buyer":"444455556666","behavior":"on-time"}`); status != 200 || out["behavior"] != "on-time" {
		t.Errorf("on-time: %d %v", status, out)
	}
	resp, err := http.Get(payments + "?buyer=777788889999")
	if err != nil {
		t.Fatal(err)
	}
	var behavior map[string]any
	json.NewDecoder(resp.Body).Decode(&behavior)
	resp.Body.Close()
	if behavior["behavior"] != "late" || behavior["days"] != float64(5) {
		t.Errorf("GET behavior = %v", behavior)
	}

	// On Mar 1, the first installment (Jan 15) was disbursed on Feb 10: refund 300.00 of it.
	if _, err := cli(t, server, "clock", "set", "2026-03-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	seller := agreementClient(server, "AKIAACMESELLER000001", "acme-seller-secret")
	items, err := seller.ListAgreementInvoiceLineItems(ctx, &marketplaceagreement.ListAgreementInvoiceLineItemsInput{
		AgreementId: aws.String("agmt-demo-private"), GroupBy: types.LineItemGroupByInvoiceId})
	if err != nil || len(items.AgreementInvoiceLineItemGroupSummaries) != 1 {
		t.Fatalf("invoices of the private agreement: %+v, %v", items, err)
	}
	refund, err := seller.BatchCreateBillingAdjustmentRequest(ctx, &marketplaceagreement.BatchCreateBillingAdjustmentRequestInput{
		BillingAdjustmentRequestEntries: []types.BatchCreateBillingAdjustmentRequestEntry{{
			AgreementId: aws.String("agmt-demo-private"), OriginalInvoiceId: items.AgreementInvoiceLineItemGroupSummaries[0].InvoiceId,
			AdjustmentAmount: aws.String("300.00"), CurrencyCode: aws.String("USD"), ClientToken: aws.String("refund-after"),
			AdjustmentReasonCode: types.BillingAdjustmentReasonCodeBuyerDissatisfaction}}})
	if err != nil || len(refund.Items) != 1 {
		t.Fatalf("refund: %+v, %v", refund, err)
	}
	if out, err := cli(t, server, "clock", "advance", "8760h"); err != nil || !strings.Contains(out, "2027-03-01") {
		t.Fatalf("advance a year: %q, %v", out, err)
	}

	out, err := cli(t, server, "report", "reconcile", "--seller", "111122223333", "--to", "2027-03-01")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("reconcile: %q, %v", out, err)
	}
	got := map[string]string{}
	for i, c := range rows[0] {
		got[c] = rows[1][i]
	}
	if got["currency"] != "USD" || got["difference"] != "0.00" || got["balanced"] != "true" || got["refunds"] != "300.00" ||
		got["disbursed"] == "0.00" {
		t.Errorf("reconciliation: %v", got)
	}
	// The refund left the seller owing on Mar 10 (February's proceeds are smaller): nothing is
	// paid in March, and a later disbursement carries the refund as a negative line.
	if out, err := cli(t, server, "report", "disbursements", "--seller", "111122223333", "--from", "2026-03-01",
		"--to", "2026-04-01"); err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("March's disbursements: %q, %v", out, err)
	}
	out, err = cli(t, server, "report", "disbursements", "--seller", "111122223333")
	if err != nil || !strings.Contains(out, ",credit-memo,") || !strings.Contains(out, ",-291.00\n") {
		t.Errorf("the disbursements should carry the refund, less its 9.00 fee, as a credit-memo line: %q, %v", out, err)
	}
	if out, err := cli(t, server, "report", "collections", "--seller", "111122223333", "--format", "json"); err != nil ||
		!strings.Contains(out, `"kind":"refund"`) {
		t.Errorf("collections should show the refund to the buyer: %v", err)
	}
	// Refused by the CLI, naming what it accepts.
	if _, err := cli(t, server, "report", "profits", "--seller", "111122223333"); err == nil ||
		!strings.Contains(err.Error(), `report "profits": want billed, collections, disbursements or reconcile`) {
		t.Errorf("an unknown report: %v", err)
	}
	if _, err := cli(t, server, "report", "billed", "--format", "xml"); err == nil || !strings.Contains(err.Error(), `--format "xml": want csv or json`) {
		t.Errorf("an unknown format: %v", err)
	}
}
