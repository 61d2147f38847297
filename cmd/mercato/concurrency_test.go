package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	_ "github.com/jackc/pgx/v5/stdlib"

	"mercato"
	"mercato/storetest"
)

// refundScenario has one private agreement, accepted at start, whose upfront invoice of 1000.00
// is refunded concurrently.
func refundScenario(start time.Time) string {
	return fmt.Sprintf(`clock: %[1]s
accounts:
  - {id: "111122223333", name: Seller, roles: [seller], accessKeys: [{id: AKIASELLER0000000001, secret: seller-secret-key}]}
  - {id: "444455556666", name: Buyer, roles: [buyer], accessKeys: [{id: AKIABUYER00000000001, secret: buyer-secret-key}]}
products:
  - {id: prod-x, seller: "111122223333", type: SaaS, title: X, refundPolicy: "By agreement."}
offers:
  - id: offer-x
    product: prod-x
    visibility: private
    buyers: ["444455556666"]
    expires: %[2]s
    terms:
      - validityTerm: {agreementDuration: P12M}
      - fixedUpfrontPricingTerm: {currencyCode: USD, price: "1000.00"}
agreements:
  - {id: agmt-x, offer: offer-x, buyer: "444455556666", acceptedAt: %[1]s}
`, start.Format(time.RFC3339), start.AddDate(0, 5, 0).Format(time.RFC3339))
}

// bufferedClient hands net/http a buffered copy of the signed body (see the Go SDK quirk in the
// AWS wire reference): the bytes on the wire are unchanged.
type bufferedClient struct{ http.Client }

func (c *bufferedClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return c.Client.Do(r)
}

func agreementClient(url, key, secret string) *marketplaceagreement.Client {
	return marketplaceagreement.New(marketplaceagreement.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, nil
		}),
		HTTPClient: &bufferedClient{},
	})
}

// TestConcurrentAdjustmentsThroughHTTP sends 200 billing adjustments of random amounts for one
// invoice at once through the real server: the completed ones never add up to more than the
// invoice, and every request is accounted for as completed, failed or refused. In the sandbox
// they are all accepted, then completed; in production the processor completes them while
// others are being accepted.
func TestConcurrentAdjustmentsThroughHTTP(t *testing.T) {
	for _, sandbox := range []bool{true, false} {
		mode := map[bool]string{true: "sandbox", false: "production"}[sandbox]
		t.Run("sqlite/"+mode, func(t *testing.T) {
			concurrentAdjustments(t, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), sandbox)
		})
		t.Run("postgres/"+mode, func(t *testing.T) {
			base := os.Getenv("MERCATO_TEST_POSTGRES")
			if base == "" {
				t.Skip("MERCATO_TEST_POSTGRES is not set")
			}
			concurrentAdjustments(t, storetest.PostgresSchema(t, base), sandbox)
		})
	}
}

func concurrentAdjustments(t *testing.T, db string, sandbox bool) {
	scenarioFile := filepath.Join(t.TempDir(), "refunds.yaml")
	if err := writeFile(scenarioFile, refundScenario(scenarioStart(sandbox))); err != nil {
		t.Fatal(err)
	}
	server := startServer(t, serveOptions{addr: freeAddr(t), db: db, sandbox: sandbox, scenario: scenarioFile})
	ctx := context.Background()
	sellerClient := agreementClient(server, "AKIASELLER0000000001", "seller-secret-key")
	items, err := sellerClient.ListAgreementInvoiceLineItems(ctx, &marketplaceagreement.ListAgreementInvoiceLineItemsInput{
		AgreementId: aws.String("agmt-x"), GroupBy: types.LineItemGroupByInvoiceId})
	if err != nil || len(items.AgreementInvoiceLineItemGroupSummaries) != 1 {
		t.Fatalf("invoices: %+v, %v", items, err)
	}
	invoiceID := *items.AgreementInvoiceLineItemGroupSummaries[0].InvoiceId

	const n = 200
	var mu sync.Mutex
	var accepted, refused int
	asked := map[string]mercato.Amount{}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		cents, _ := rand.Int(rand.Reader, big.NewInt(1901))
		amount := mercato.Amount((100 + cents.Int64()) * 1_000_000) // 1.00 to 20.00
		token := fmt.Sprintf("tok-%03d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := sellerClient.BatchCreateBillingAdjustmentRequest(ctx, &marketplaceagreement.BatchCreateBillingAdjustmentRequestInput{
				BillingAdjustmentRequestEntries: []types.BatchCreateBillingAdjustmentRequestEntry{{
					AgreementId: aws.String("agmt-x"), OriginalInvoiceId: aws.String(invoiceID), AdjustmentAmount: aws.String(amount.String()),
					CurrencyCode: aws.String("USD"), AdjustmentReasonCode: types.BillingAdjustmentReasonCodeOther, ClientToken: aws.String(token)}},
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("request %s: %v", token, err)
				return
			}
			accepted += len(out.Items)
			refused += len(out.Errors)
			for _, it := range out.Items {
				asked[*it.BillingAdjustmentRequestId] = amount
			}
		}()
	}
	wg.Wait()
	if accepted+refused != n {
		t.Fatalf("%d accepted + %d refused != %d", accepted, refused, n)
	}
	if sandbox {
		post(t, server+"/_mercato/clock", `{"advance":"0s"}`) // process the accepted adjustments
	} else {
		awaitNonePending(t, sellerClient)
	}

	var completed, failed int
	var total mercato.Amount
	paginator := marketplaceagreement.NewListBillingAdjustmentRequestsPaginator(sellerClient, &marketplaceagreement.ListBillingAdjustmentRequestsInput{AgreementId: aws.String("agmt-x")})
	for paginator.HasMorePages() {
		page, err := paginator.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ba := range page.Items {
			switch ba.Status {
			case types.BillingAdjustmentStatusCompleted:
				completed++
				total += asked[*ba.BillingAdjustmentRequestId]
			case types.BillingAdjustmentStatusValidationFailed:
				failed++
			default:
				t.Errorf("%s is still %s", *ba.BillingAdjustmentRequestId, ba.Status)
			}
		}
	}
	if completed+failed != accepted || completed+failed+refused != n {
		t.Errorf("%d completed + %d failed + %d refused; %d accepted of %d", completed, failed, refused, accepted, n)
	}
	if total > mercato.MustAmount("1000") || refused == 0 {
		t.Errorf("completed adjustments total %s of a 1000.00 invoice, %d refused", total, refused)
	}
	items, err = sellerClient.ListAgreementInvoiceLineItems(ctx, &marketplaceagreement.ListAgreementInvoiceLineItemsInput{
		AgreementId: aws.String("agmt-x"), GroupBy: types.LineItemGroupByInvoiceId, InvoiceType: types.InvoiceTypeInvoice})
	if err != nil {
		t.Fatal(err)
	}
	left := mercato.MustAmount(*items.AgreementInvoiceLineItemGroupSummaries[0].PricingCurrencyAmount.MaxAdjustmentAmount)
	if left != mercato.MustAmount("1000")-total {
		t.Errorf("max adjustment %s, want 1000.00 - %s", left, total)
	}
}

// scenarioStart is when a test's agreements are accepted: the sandbox's new year, or in
// production an hour ago, so that the scheduler has no months of past work to catch up with
// while the test runs.
func scenarioStart(sandbox bool) time.Time {
	if sandbox {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
}

// awaitNonePending waits until the seller has no billing adjustment pending, for at most a
// minute.
func awaitNonePending(t testing.TB, c *marketplaceagreement.Client) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		out, err := c.ListBillingAdjustmentRequests(context.Background(), &marketplaceagreement.ListBillingAdjustmentRequestsInput{
			Status: types.BillingAdjustmentStatusPending, MaxResults: aws.Int32(1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("billing adjustment %s still pending after a minute", *out.Items[0].BillingAdjustmentRequestId)
		}
	}
}

func post(t testing.TB, url, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %s %s", url, resp.Status, b)
	}
}
