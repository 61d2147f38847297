package awsapi_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mercato"
	"mercato/awsapi"
	"mercato/scenario"
	"mercato/service"
	"mercato/sqlite"
)

// The service fuzz target drives every operation mercato serves, as cmd/mercato wires them, over
// a real service on SQLite with the demo marketplace: each operation's decoder and validation
// meet whatever bytes the fuzzer makes, and the operations that pass them run for real. Any
// 5xx, panic or unbalanced ledger is a bug.

// serviceOps are the operations FuzzServiceJSON calls, by X-Amz-Target.
var serviceOps = []string{
	"DescribeAgreement", "SearchAgreements", "GetAgreementTerms", "GetAgreementEntitlements", "ListAgreementCharges",
	"ListAgreementInvoiceLineItems", "BatchCreateBillingAdjustmentRequest", "GetBillingAdjustmentRequest",
	"ListBillingAdjustmentRequests", "SendAgreementCancellationRequest", "GetAgreementCancellationRequest",
	"ListAgreementCancellationRequests", "CancelAgreementCancellationRequest", "AcceptAgreementCancellationRequest",
	"RejectAgreementCancellationRequest", "SendAgreementPaymentRequest", "GetAgreementPaymentRequest",
	"ListAgreementPaymentRequests", "CancelAgreementPaymentRequest", "AcceptAgreementPaymentRequest",
	"RejectAgreementPaymentRequest", "CreateAgreementRequest", "AcceptAgreementRequest", "CancelAgreement",
	"UpdatePurchaseOrders",
	"MeterUsage", "BatchMeterUsage", "ResolveCustomer", "RegisterUsage", // Metering
	"GetEntitlements", // Entitlement
}

// The demo marketplace's seller and buyer (examples/demo.yaml).
var fuzzCallers = []string{"111122223333", "444455556666"}

// serviceHandler serves the real operations over the demo marketplace, its books checked when
// the fuzzing ends.
func serviceHandler(f *testing.F) http.Handler {
	ctx := context.Background()
	store, err := sqlite.Open(filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	svc := service.New(store, mercato.NewSimClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	data, err := os.ReadFile("../examples/demo.yaml")
	if err != nil {
		f.Fatal(err)
	}
	sc, err := scenario.Parse(data)
	if err != nil {
		f.Fatal(err)
	}
	if err := svc.ApplyScenario(ctx, sc); err != nil {
		f.Fatal(err)
	}
	if _, err := svc.Advance(ctx, time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		if err := svc.CheckBooks(ctx); err != nil {
			f.Errorf("ledger after fuzzing: %v", err)
		}
		store.Close()
	})
	pages, err := awsapi.NewPageTokens([]byte("fuzz-page-token-key-0123456789"))
	if err != nil {
		f.Fatal(err)
	}
	h, err := awsapi.NewHandler(awsapi.Config{Auth: &awsapi.Verifier{Sandbox: true}, MaxBodyBytes: 64 << 10},
		awsapi.Agreement(awsapi.AgreementOperations(svc, pages)...),
		awsapi.Metering(awsapi.MeteringErrors, awsapi.MeteringOperations(svc)...),
		awsapi.Entitlement(awsapi.EntitlementErrors, awsapi.EntitlementOperations(svc, pages)...))
	if err != nil {
		f.Fatal(err)
	}
	return h
}

func FuzzServiceJSON(f *testing.F) {
	seeds := []struct {
		op, caller int
		body       string
	}{
		{0, 1, `{"agreementId":"agmt-demo-private"}`},
		{1, 0, `{"catalog":"AWSMarketplace","maxResults":2,"filters":[{"name":"PartyType","values":["Proposer"]},{"name":"AgreementType","values":["PurchaseAgreement"]}]}`},
		{4, 0, `{"agreementId":"agmt-demo-public","maxResults":5}`},
		{6, 0, `{"billingAdjustmentRequestEntries":[{"agreementId":"agmt-demo-private","originalInvoiceId":"inv-1","adjustmentAmount":"0,50","currencyCode":"USD","adjustmentReasonCode":"OTHER","clientToken":"t-1"}]}`},
		{6, 0, `{"billingAdjustmentRequestEntries":[{},{},{}]}`},
		{9, 0, `{"agreementId":"agmt-demo-public","cancellationReasonCode":"OTHER","description":"x","clientToken":"c-1"}`},
		{15, 0, `{"agreementId":"agmt-demo-public","chargeAmount":"12.5","currencyCode":"USD","name":"n","clientToken":"p-1"}`},
		{21, 0, `{}`},
		{25, 1, `{"ProductCode":"prod-acme-analytics","Timestamp":1769990400,"UsageDimension":"api_calls","UsageQuantity":3}`},
		{26, 0, `{"ProductCode":"prod-acme-analytics","UsageRecords":[{"CustomerAWSAccountId":"777788889999","Dimension":"api_calls","Quantity":1,"Timestamp":1769990400}]}`},
		{29, 0, `{"ProductCode":"prod-acme-analytics","Filter":{"DIMENSION":["api_calls"],"CUSTOMER_AWS_ACCOUNT_ID":["777788889999"]},"MaxResults":5}`},
		{29, 1, `{"ProductCode":"prod-acme-backup","Filter":{"LICENSE_ARN":[],"COLOR":["x"]},"NextToken":"AQ"}`},
	}
	for _, s := range seeds {
		f.Add(uint8(s.op), uint8(s.caller), []byte(s.body))
	}
	h := serviceHandler(f)
	f.Fuzz(func(t *testing.T, op, who uint8, body []byte) {
		i := int(op) % len(serviceOps)
		name := serviceOps[i]
		target, ct := agreementPrefix+name, "application/x-amz-json-1.0"
		switch {
		case i >= 29:
			target, ct = awsapi.EntitlementTarget+"."+name, "application/x-amz-json-1.1"
		case i >= 25:
			target, ct = "AWSMPMeteringService."+name, "application/x-amz-json-1.1"
		}
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header = sandboxHeaders(http.Header{"Content-Type": {ct}, "X-Amz-Target": {target}}, fuzzCallers[int(who)%len(fuzzCallers)], time.Now())
		checkResponse(t, serve(h, r), false)
	})
}
