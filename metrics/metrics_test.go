package metrics_test

import (
	"database/sql"
	"encoding/json"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"mercato"
	"mercato/awsapi"
	"mercato/metrics"
)

// exercised returns metrics with every series family present: watchers set and one of each
// observation made.
func exercised(t *testing.T) *metrics.Metrics {
	t.Helper()
	m := metrics.New()
	m.WatchClock(func() time.Time { return time.Unix(1_800_000_000, 0) }, true)
	m.WatchPools(func() map[string]sql.DBStats {
		return map[string]sql.DBStats{"writer": {MaxOpenConnections: 1, InUse: 1}}
	})
	m.WatchOutbox(func() (int, error) { return 7, nil })
	m.ObserveRequest(awsapi.RequestLog{Service: awsapi.AgreementTarget, Operation: "DescribeAgreement", Status: 200, Latency: time.Millisecond})
	m.JobFinished(mercato.Job{Kind: "settle", Status: mercato.JobDone}, time.Second)
	m.AdjustmentsAccepted(3)
	m.AdjustmentsFinished(2, 1)
	m.EventDelivery(true)
	return m
}

// scrape serves m's handler and parses the answer with Prometheus's text parser.
func scrape(t *testing.T, m *metrics.Metrics) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, s := range f.GetMetric() {
			key := name
			for _, l := range s.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case s.Counter != nil:
				out[key] = s.Counter.GetValue()
			case s.Gauge != nil:
				out[key] = s.Gauge.GetValue()
			case s.Histogram != nil:
				out[key] = float64(s.Histogram.GetSampleCount())
			}
		}
	}
	return out
}

func TestSeries(t *testing.T) {
	got := scrape(t, exercised(t))
	for key, want := range map[string]float64{
		"mercato_aws_requests_total,operation=DescribeAgreement,service=agreement,status=200": 1,
		"mercato_aws_request_duration_seconds,operation=DescribeAgreement,service=agreement":  1,
		"mercato_jobs_total,kind=settle,outcome=done":                                         1,
		"mercato_job_lag_seconds,kind=settle":                                                 1,
		"mercato_billing_adjustments_total,outcome=accepted":                                  3,
		"mercato_billing_adjustments_total,outcome=completed":                                 2,
		"mercato_billing_adjustments_total,outcome=failed":                                    1,
		"mercato_event_delivery_attempts_total,outcome=delivered":                             1,
		"mercato_outbox_backlog":                                                              7,
		"mercato_business_time_seconds,sandbox=true":                                          1_800_000_000,
		"mercato_db_connections,pool=writer,state=in_use":                                     1,
		"mercato_db_connections_max,pool=writer":                                              1,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
}

// TestDashboardUsesServedMetrics checks that every metric the Grafana dashboard queries is
// one the server exports, so that a renamed metric cannot leave a panel empty.
func TestDashboardUsesServedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../deploy/grafana/mercato-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for key := range scrape(t, exercised(t)) {
		served[strings.SplitN(key, ",", 2)[0]] = true
	}
	name := regexp.MustCompile(`\b(mercato|go|process)_[a-z_]+`)
	seen := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				seen++
				base := strings.TrimSuffix(n, "_bucket")
				if !served[base] && !served[n] {
					t.Errorf("panel %q queries %s, which the server does not export", p.Title, n)
				}
			}
		}
	}
	if seen < 10 {
		t.Errorf("the dashboard queries only %d metrics", seen)
	}
}

// BenchmarkObserveRequest measures what counting one request costs the request path.
//
//	go test ./metrics -run '^$' -bench ObserveRequest
func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New()
	rl := awsapi.RequestLog{Service: awsapi.AgreementTarget, Operation: "DescribeAgreement", Status: 200, Latency: 3 * time.Millisecond}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveRequest(rl)
		}
	})
}

// BenchmarkScrape measures one scrape of /metrics with the series of a busy server.
func BenchmarkScrape(b *testing.B) {
	m := metrics.New()
	m.WatchPools(func() map[string]sql.DBStats { return map[string]sql.DBStats{"writer": {}, "reader": {}} })
	for _, op := range []string{"DescribeAgreement", "SearchAgreements", "BatchCreateBillingAdjustmentRequest", "BatchMeterUsage"} {
		for _, status := range []int{200, 400, 403, 404, 500} {
			m.ObserveRequest(awsapi.RequestLog{Service: awsapi.AgreementTarget, Operation: op, Status: status, Latency: time.Millisecond})
		}
	}
	h := m.Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	}
}
