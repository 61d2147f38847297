package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	agreementtypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering/types"
)

// meteringScenario is a seller of a SaaS product billed by the API call (0.01 USD each), a
// buyer subscribed since Mar 1 (Texas: 6.25% sales tax), a buyer who is not, and another seller.
// The clock is Mar 20, 12:30.
const meteringScenario = `clock: 2026-03-20T12:30:00Z
accounts:
  - {id: "111122223333", name: Seller, roles: [seller], accessKeys: [{id: AKIASELLER0000000001, secret: seller-secret-key}]}
  - {id: "444455556666", name: Buyer, roles: [buyer], taxJurisdiction: US-TX, accessKeys: [{id: AKIABUYER00000000001, secret: buyer-secret-key}]}
  - {id: "777788889999", name: Stranger, roles: [buyer], accessKeys: [{id: AKIASTRANGER00000001, secret: stranger-secret-key}]}
  - {id: "555566667777", name: Rival, roles: [seller], accessKeys: [{id: AKIARIVAL00000000001, secret: rival-secret-key}]}
products:
  - id: prod-api
    seller: "111122223333"
    type: SaaS
    title: API
    productCode: pc-api
    refundPolicy: None.
    dimensions: [{key: calls, metered: true}, {key: seats}]
offers:
  - id: offer-api
    product: prod-api
    visibility: public
    terms:
      - usageBasedPricingTerm: {currencyCode: USD, rateCards: [{rateCard: [{dimensionKey: calls, price: "0.01"}]}]}
agreements:
  - {id: agmt-api, offer: offer-api, buyer: "444455556666", acceptedAt: 2026-03-01T00:00:00Z}
`

func meteringClient(url, key, secret string) *marketplacemetering.Client {
	return marketplacemetering.New(marketplacemetering.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, nil
		}),
		HTTPClient:       &bufferedClient{},
		RetryMaxAttempts: 1,
	})
}

// wantAPIError checks that err is the typed exception T with the HTTP status.
func wantAPIError[T error](t *testing.T, what string, err error, status int) {
	t.Helper()
	if _, ok := errors.AsType[T](err); !ok {
		var zero T
		t.Errorf("%s: error %v, want %T", what, err, zero)
		return
	}
	if re, ok := errors.AsType[*awshttp.ResponseError](err); !ok || re.HTTPStatusCode() != status {
		t.Errorf("%s: error %v, want HTTP %d", what, err, status)
	}
}

func usageRecord(customer string, at time.Time, q int32) types.UsageRecord {
	return types.UsageRecord{CustomerAWSAccountId: aws.String(customer), Dimension: aws.String("calls"),
		Timestamp: aws.Time(at), Quantity: aws.Int32(q)}
}

// TestMeteringWithTheSDK drives the Metering API through the official Go SDK against the real
// server: a batch of 25 records with every outcome, replays, the time window, callers who may
// not meter, MeterUsage with its idempotency, ResolveCustomer, and then a simulated month whose
// consolidated invoice bills the usage stored.
func TestMeteringWithTheSDK(t *testing.T) {
	scenarioFile := filepath.Join(t.TempDir(), "metering.yaml")
	if err := writeFile(scenarioFile, meteringScenario); err != nil {
		t.Fatal(err)
	}
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "m.db"),
		sandbox: true, scenario: scenarioFile})
	ctx := context.Background()
	seller := meteringClient(server, "AKIASELLER0000000001", "seller-secret-key")
	buyer := meteringClient(server, "AKIABUYER00000000001", "buyer-secret-key")
	now := time.Date(2026, 3, 20, 12, 30, 0, 0, time.UTC)

	// The buyer's registration token resolves, for the seller, to the buyer and its license.
	ents, err := agreementClient(server, "AKIABUYER00000000001", "buyer-secret-key").GetAgreementEntitlements(ctx,
		&marketplaceagreement.GetAgreementEntitlementsInput{AgreementId: aws.String("agmt-api")})
	if err != nil || len(ents.AgreementEntitlements) != 1 {
		t.Fatalf("entitlements: %+v, %v", ents, err)
	}
	customer, err := seller.ResolveCustomer(ctx, &marketplacemetering.ResolveCustomerInput{
		RegistrationToken: ents.AgreementEntitlements[0].RegistrationToken})
	if err != nil || aws.ToString(customer.CustomerAWSAccountId) != "444455556666" || aws.ToString(customer.ProductCode) != "pc-api" ||
		aws.ToString(customer.LicenseArn) != aws.ToString(ents.AgreementEntitlements[0].LicenseArn) {
		t.Fatalf("ResolveCustomer = %+v, %v", customer, err)
	}
	_, err = buyer.ResolveCustomer(ctx, &marketplacemetering.ResolveCustomerInput{RegistrationToken: ents.AgreementEntitlements[0].RegistrationToken})
	wantAPIError[*types.InvalidTokenException](t, "ResolveCustomer by the buyer", err, 400)

	// 25 records: 20 hours of the buyer, one of them also by license (the same record), a
	// second report of one hour with the same quantity (the same record) and one with another
	// (a duplicate), and 2 hours of a customer without an agreement.
	var records []types.UsageRecord
	var wantTotal int32
	for h := 1; h <= 20; h++ {
		records = append(records, usageRecord("444455556666", now.Add(-time.Duration(h)*time.Hour), int32(100*h)))
		wantTotal += int32(100 * h)
	}
	byLicense := usageRecord("444455556666", now.Add(-time.Hour), 100)
	byLicense.LicenseArn = customer.LicenseArn
	records = append(records, byLicense,
		usageRecord("444455556666", now.Add(-2*time.Hour+time.Minute), 200),
		usageRecord("444455556666", now.Add(-3*time.Hour+time.Minute), 7),
		usageRecord("777788889999", now.Add(-time.Hour), 5), usageRecord("777788889999", now.Add(-2*time.Hour), 5))
	out, err := seller.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-api"), UsageRecords: records})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("Success,", 22) + "DuplicateRecord,CustomerNotSubscribed,CustomerNotSubscribed,"
	if got := resultStatuses(out.Results); got != want {
		t.Fatalf("statuses:\n got %s\nwant %s", got, want)
	}
	if len(out.UnprocessedRecords) != 0 || aws.ToInt32(out.Results[4].UsageRecord.Quantity) != 500 ||
		!aws.ToTime(out.Results[4].UsageRecord.Timestamp).Equal(now.Add(-5*time.Hour)) {
		t.Errorf("result echo: %+v, unprocessed %d", out.Results[4].UsageRecord, len(out.UnprocessedRecords))
	}
	ids := map[string]bool{}
	for _, r := range out.Results[:20] {
		ids[aws.ToString(r.MeteringRecordId)] = true
	}
	if len(ids) != 20 || aws.ToString(out.Results[20].MeteringRecordId) != aws.ToString(out.Results[0].MeteringRecordId) ||
		aws.ToString(out.Results[21].MeteringRecordId) != aws.ToString(out.Results[1].MeteringRecordId) {
		t.Errorf("record IDs: %d distinct of 20; by license %s, replayed hour %s", len(ids),
			aws.ToString(out.Results[20].MeteringRecordId), aws.ToString(out.Results[21].MeteringRecordId))
	}
	// The same batch again: the same outcomes, the same record IDs.
	again, err := seller.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-api"), UsageRecords: records})
	if err != nil || resultStatuses(again.Results) != want ||
		aws.ToString(again.Results[7].MeteringRecordId) != aws.ToString(out.Results[7].MeteringRecordId) {
		t.Errorf("replay: %v, %v", resultStatuses(again.Results), err)
	}

	// Out of the window: the whole batch is refused.
	_, err = seller.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-api"),
		UsageRecords: []types.UsageRecord{usageRecord("444455556666", now.Add(-30*time.Minute), 1), usageRecord("444455556666", now.Add(-25*time.Hour), 1)}})
	wantAPIError[*types.TimestampOutOfBoundsException](t, "a record 25 hours old", err, 400)
	_, err = seller.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-api"),
		UsageRecords: []types.UsageRecord{usageRecord("444455556666", now.Add(time.Hour), 1)}})
	wantAPIError[*types.TimestampOutOfBoundsException](t, "a record an hour ahead", err, 400)
	// Only the product's seller meters it.
	for name, c := range map[string]*marketplacemetering.Client{"the buyer": buyer,
		"another seller": meteringClient(server, "AKIARIVAL00000000001", "rival-secret-key")} {
		_, err = c.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-api"),
			UsageRecords: []types.UsageRecord{usageRecord("444455556666", now.Add(-30*time.Minute), 1)}})
		wantAPIError[*types.InvalidProductCodeException](t, "BatchMeterUsage by "+name, err, 400)
	}
	_, err = seller.BatchMeterUsage(ctx, &marketplacemetering.BatchMeterUsageInput{ProductCode: aws.String("pc-api"),
		UsageRecords: []types.UsageRecord{{CustomerAWSAccountId: aws.String("444455556666"), Dimension: aws.String("seats"),
			Timestamp: aws.Time(now), Quantity: aws.Int32(1)}}})
	wantAPIError[*types.InvalidUsageDimensionException](t, "a dimension that is not metered", err, 400)

	// MeterUsage, signed by the buyer (the software runs in its account).
	meter := func(c *marketplacemetering.Client, token string, at time.Time, q int32) (string, error) {
		out, err := c.MeterUsage(ctx, &marketplacemetering.MeterUsageInput{ProductCode: aws.String("pc-api"), Timestamp: aws.Time(at),
			UsageDimension: aws.String("calls"), UsageQuantity: aws.Int32(q), ClientToken: aws.String(token)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.MeteringRecordId), nil
	}
	id, err := meter(buyer, "tok-1", now, 9)
	wantTotal += 9
	if err != nil || id == "" {
		t.Fatalf("MeterUsage = %q, %v", id, err)
	}
	if again, err := meter(buyer, "tok-1", now, 9); err != nil || again != id {
		t.Errorf("the same token and request = %q, %v", again, err)
	}
	if again, err := meter(buyer, "tok-2", now.Add(-10*time.Minute), 9); err != nil || again != id {
		t.Errorf("the same hour and quantity = %q, %v", again, err)
	}
	_, err = meter(buyer, "tok-3", now, 10)
	wantAPIError[*types.DuplicateRequestException](t, "the same hour with another quantity", err, 400)
	_, err = meter(buyer, "tok-1", now, 11)
	wantAPIError[*types.IdempotencyConflictException](t, "tok-1 with another request", err, 409)
	_, err = meter(buyer, "tok-4", now.Add(-7*time.Hour), 1)
	wantAPIError[*types.TimestampOutOfBoundsException](t, "MeterUsage 7 hours old", err, 400)
	_, err = meter(meteringClient(server, "AKIASTRANGER00000001", "stranger-secret-key"), "tok-5", now, 1)
	wantAPIError[*types.CustomerNotEntitledException](t, "MeterUsage without an agreement", err, 400)

	// A month later March's consolidated invoice (issued Apr 2) bills every call stored.
	if _, err := cli(t, server, "clock", "set", "2026-04-02T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	items, err := agreementClient(server, "AKIASELLER0000000001", "seller-secret-key").ListAgreementInvoiceLineItems(ctx,
		&marketplaceagreement.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String("agmt-api"), GroupBy: agreementtypes.LineItemGroupByInvoiceId})
	if err != nil || len(items.AgreementInvoiceLineItemGroupSummaries) != 1 {
		t.Fatalf("invoices: %+v, %v", items, err)
	}
	wantAmount := fmt.Sprintf("%d.%02d", wantTotal/100, wantTotal%100) // calls at 0.01
	if got := aws.ToString(items.AgreementInvoiceLineItemGroupSummaries[0].PricingCurrencyAmount.Amount); got != wantAmount {
		t.Errorf("March's invoice = %s, want %d calls at 0.01 = %s", got, wantTotal, wantAmount)
	}
	report, err := cli(t, server, "report", "billed", "--seller", "111122223333", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var billed struct {
		Rows []map[string]string `json:"rows"`
	}
	if err := json.Unmarshal([]byte(report), &billed); err != nil || len(billed.Rows) != 1 || billed.Rows[0]["gross"] != wantAmount ||
		billed.Rows[0]["billing_period"] != "2026-03" {
		t.Errorf("billed report: %s (%v)", report, err)
	}
}

func resultStatuses(rs []types.UsageRecordResult) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(string(r.Status) + ",")
	}
	return b.String()
}

// TestReportsNeedASignatureOutsideTheSandbox checks that a production server answers reports to
// the seller itself (signed with its key) and to operators only.
func TestReportsNeedASignatureOutsideTheSandbox(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	scenarioFile := filepath.Join(t.TempDir(), "metering.yaml")
	if err := writeFile(scenarioFile, strings.Replace(meteringScenario, "clock: 2026-03-20T12:30:00Z\n", "", 1)); err != nil {
		t.Fatal(err)
	}
	server := startServer(t, serveOptions{addr: freeAddr(t), db: db, scenario: scenarioFile})
	if _, err := cli(t, server, "report", "reconcile", "--seller", "111122223333"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("unsigned: %v", err)
	}
	out, err := cli(t, server, "report", "reconcile", "--seller", "111122223333", "--access-key", "AKIASELLER0000000001",
		"--secret-key", "seller-secret-key")
	if err != nil || !strings.HasPrefix(out, "seller_id,currency,opening_balance") {
		t.Errorf("signed by the seller: %q, %v", out, err)
	}
	if _, err := cli(t, server, "report", "billed", "--seller", "111122223333", "--access-key", "AKIARIVAL00000000001",
		"--secret-key", "rival-secret-key"); err == nil || !strings.Contains(err.Error(), fmt.Sprint(http.StatusForbidden)) {
		t.Errorf("signed by another seller: %v", err)
	}
	if resp, err := http.Post(server+"/_mercato/payments", "application/json", strings.NewReader(`{}`)); err != nil ||
		resp.StatusCode == http.StatusOK {
		t.Errorf("simulated payments outside the sandbox: %v", err)
	} else {
		resp.Body.Close()
	}
}

// signedPost sends a Metering request signed by the seller, as the SDK would, and returns the
// status and the X-Amzn-ErrorType header.
func signedPost(t *testing.T, url, op, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSMPMeteringService."+op)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIASELLER0000000001", SecretAccessKey: "seller-secret-key"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "aws-marketplace", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype")
}

// TestMeteringValidation sends what the SDK would refuse to: the server checks the model's
// constraints itself.
func TestMeteringValidation(t *testing.T) {
	scenarioFile := filepath.Join(t.TempDir(), "metering.yaml")
	if err := writeFile(scenarioFile, meteringScenario); err != nil {
		t.Fatal(err)
	}
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "v.db"),
		sandbox: true, scenario: scenarioFile})
	record := `{"CustomerAWSAccountId":"444455556666","Dimension":"calls","Quantity":1,"Timestamp":1773999000}`
	tests := []struct {
		name, op, body, exception string
	}{
		{"no records", "BatchMeterUsage", `{"ProductCode":"pc-api"}`, "ValidationException"},
		{"26 records", "BatchMeterUsage", `{"ProductCode":"pc-api","UsageRecords":[` + strings.TrimSuffix(strings.Repeat(record+",", 26), ",") + `]}`,
			"ValidationException"},
		{"a record without a timestamp", "BatchMeterUsage", `{"ProductCode":"pc-api","UsageRecords":[{"CustomerAWSAccountId":"444455556666","Dimension":"calls"}]}`,
			"ValidationException"},
		{"a negative quantity", "BatchMeterUsage", `{"ProductCode":"pc-api","UsageRecords":[` + strings.Replace(record, `"Quantity":1`, `"Quantity":-1`, 1) + `]}`,
			"ValidationException"},
		{"a bad product code", "MeterUsage", `{"ProductCode":"pc api","Timestamp":1773999000,"UsageDimension":"calls"}`, "ValidationException"},
		{"a timestamp as a string", "MeterUsage", `{"ProductCode":"pc-api","Timestamp":"2026-03-20T12:00:00Z","UsageDimension":"calls"}`,
			"SerializationException"},
		{"allocations that do not add up", "BatchMeterUsage", `{"ProductCode":"pc-api","UsageRecords":[` +
			strings.Replace(record, `"Quantity":1`, `"Quantity":3,"UsageAllocations":[{"AllocatedUsageQuantity":2,"Tags":[{"Key":"team","Value":"a"}]}]`, 1) + `]}`,
			"InvalidUsageAllocationsException"},
		{"an unknown operation", "MeterEverything", `{}`, "UnknownOperationException"},
	}
	for _, tt := range tests {
		if status, ex := signedPost(t, server, tt.op, tt.body); status != http.StatusBadRequest || ex != tt.exception {
			t.Errorf("%s: %d %s, want 400 %s", tt.name, status, ex, tt.exception)
		}
	}
	if status, ex := signedPost(t, server, "BatchMeterUsage", `{"ProductCode":"pc-api","UsageRecords":[`+record+`]}`); status != 200 {
		t.Errorf("a valid record: %d %s", status, ex)
	}
}
