package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches url's metrics and parses them with Prometheus's own text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	return fams
}

// value returns the value of the series of family name whose labels include want, and whether
// there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsAfterAFlow runs a sandbox server through a scripted flow (describe an agreement,
// ask for a missing one, refund part of an invoice, move the clock a month, with the seller's
// events delivered to a webhook) and checks, with Prometheus's text parser, that /metrics
// counts each of these in the expected series.
func TestMetricsAfterAFlow(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	scenarioFile := filepath.Join(t.TempDir(), "refunds.yaml")
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer hook.Close()
	destinations := fmt.Sprintf("eventDestinations:\n  - {account: \"111122223333\", url: %q}\n", hook.URL)
	if err := writeFile(scenarioFile, refundScenario(start)+destinations); err != nil {
		t.Fatal(err)
	}
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "m.db"),
		sandbox: true, scenario: scenarioFile})
	ctx := context.Background()
	seller := agreementClient(url, "AKIASELLER0000000001", "seller-secret-key")
	if _, err := seller.DescribeAgreement(ctx, &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := seller.DescribeAgreement(ctx, &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-nope")}); err == nil {
		t.Fatal("describing a missing agreement succeeded")
	}
	items, err := seller.ListAgreementInvoiceLineItems(ctx, &marketplaceagreement.ListAgreementInvoiceLineItemsInput{
		AgreementId: aws.String("agmt-x"), GroupBy: types.LineItemGroupByInvoiceId})
	if err != nil || len(items.AgreementInvoiceLineItemGroupSummaries) != 1 {
		t.Fatalf("invoices: %+v, %v", items, err)
	}
	for i, tok := range []string{"a", "b"} {
		out, err := seller.BatchCreateBillingAdjustmentRequest(ctx, &marketplaceagreement.BatchCreateBillingAdjustmentRequestInput{
			BillingAdjustmentRequestEntries: []types.BatchCreateBillingAdjustmentRequestEntry{{
				AgreementId: aws.String("agmt-x"), OriginalInvoiceId: items.AgreementInvoiceLineItemGroupSummaries[0].InvoiceId,
				AdjustmentAmount: aws.String("10.00"), CurrencyCode: aws.String("USD"),
				AdjustmentReasonCode: types.BillingAdjustmentReasonCodeOther, ClientToken: aws.String("tok-" + tok)}}})
		if err != nil || len(out.Items) != 1 {
			t.Fatalf("adjustment %d: %+v %v", i, out, err)
		}
	}
	post(t, url+"/_mercato/clock", `{"advance":"744h"}`) // completes the refunds, settles, closes March

	fams := scrape(t, url+"/metrics")
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		// Deliveries follow the clock's move within a second or so.
		if v, _ := value(fams, "mercato_event_delivery_attempts_total", map[string]string{"outcome": "delivered"}); v >= 1 {
			break
		}
		time.Sleep(100 * time.Millisecond)
		fams = scrape(t, url+"/metrics")
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"mercato_aws_requests_total", map[string]string{"service": "agreement", "operation": "DescribeAgreement", "status": "200"}, 1},
		{"mercato_aws_requests_total", map[string]string{"service": "agreement", "operation": "DescribeAgreement", "status": "404"}, 1},
		{"mercato_aws_requests_total", map[string]string{"operation": "BatchCreateBillingAdjustmentRequest", "status": "200"}, 2},
		{"mercato_aws_request_duration_seconds", map[string]string{"operation": "DescribeAgreement"}, 2},
		{"mercato_billing_adjustments_total", map[string]string{"outcome": "accepted"}, 2},
		{"mercato_billing_adjustments_total", map[string]string{"outcome": "completed"}, 2},
		{"mercato_jobs_total", map[string]string{"kind": "process-adjustment", "outcome": "done"}, 1},
		{"mercato_jobs_total", map[string]string{"kind": "settle", "outcome": "done"}, 28},
		{"mercato_job_lag_seconds", map[string]string{"kind": "settle"}, 28},
		{"mercato_db_connections_max", map[string]string{"pool": "writer"}, 1},
		{"mercato_db_connections", map[string]string{"pool": "reader", "state": "idle"}, 0},
		{"mercato_business_time_seconds", map[string]string{"sandbox": "true"}, float64(start.Add(744 * time.Hour).Unix())},
		{"mercato_event_delivery_attempts_total", map[string]string{"outcome": "delivered"}, 1},
		{"mercato_outbox_backlog", nil, 0},
		{"go_goroutines", nil, 1},
	} {
		v, ok := value(fams, c.name, c.labels)
		if !ok || v < c.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", c.name, c.labels, v, ok, c.min)
		}
	}
	if v, _ := value(fams, "mercato_billing_adjustments_total", map[string]string{"outcome": "failed"}); v != 0 {
		t.Errorf("failed adjustments = %v, want 0", v)
	}
	// No series is labelled with an account, a key or a raw path.
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), "111122223333") || strings.Contains(l.GetValue(), "AKIA") ||
					strings.Contains(l.GetValue(), "/") {
					t.Errorf("%s has label %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
}

// TestMetricsApartAndOff checks --metrics-addr: on its own address /metrics leaves the main
// port, and "off" serves it nowhere.
func TestMetricsApartAndOff(t *testing.T) {
	apart := freeAddr(t)
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "a.db"),
		sandbox: true, metricsAddr: apart})
	if fams := scrape(t, "http://"+apart+"/metrics"); fams["mercato_business_time_seconds"] == nil {
		t.Errorf("the metrics address lacks business time: %v", fams)
	}
	if resp, err := http.Get(url + "/metrics"); err != nil || resp.StatusCode == http.StatusOK {
		t.Errorf("the main port still serves /metrics: %v %v", resp.StatusCode, err)
	}
	off := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "o.db"),
		sandbox: true, metricsAddr: metricsOff})
	if resp, err := http.Get(off + "/metrics"); err != nil || resp.StatusCode == http.StatusOK {
		t.Errorf("metrics off, /metrics answers: %v %v", resp.StatusCode, err)
	}
}
