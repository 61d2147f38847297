// Package metrics exposes mercato's Prometheus metrics: AWS API requests, background jobs,
// billing adjustments, event deliveries, database pools and business time. It owns its own
// registry (never the global one) and serves it with Handler.
//
// Labels come from fixed sets only (service and operation names the API registers, job kinds,
// outcomes, pool names, HTTP statuses), never from a request's raw path or from an account,
// so that the number of series stays bounded; no label holds a secret.
//
// Other parts of the server add what they know through the methods of Metrics (the service
// calls it as its service.Observer; the event outbox reports deliveries with EventDelivery and
// its backlog through WatchOutbox), or register collectors of their own with Register.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"mercato"
	"mercato/awsapi"
)

// latencyBuckets are the request latency histogram's bounds, in seconds: from half a
// millisecond (a read on SQLite) to ten seconds (a request that waited for a lock).
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// lagBuckets are the job lag histogram's bounds, in seconds of business time: a job runs
// within a second of its due time when all is well, minutes late after failed attempts.
var lagBuckets = []float64{.01, .1, .5, 1, 2, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400}

// Metrics holds the server's metrics. The zero value is not usable; call New.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	jobs        *prometheus.CounterVec
	jobLag      *prometheus.HistogramVec
	adjustments *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
}

// New returns the metrics, registered with a registry of their own together with the Go
// runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mercato_aws_requests_total",
			Help: "AWS API requests answered, by service, operation and HTTP status.",
		}, []string{"service", "operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mercato_aws_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by service and operation.",
			Buckets: latencyBuckets,
		}, []string{"service", "operation"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mercato_jobs_total",
			Help: "Attempts of background jobs, by kind and outcome: done, retry (will be tried again) or failed (gave up).",
		}, []string{"kind", "outcome"}),
		jobLag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mercato_job_lag_seconds",
			Help:    "Business time from a job's due time to the end of its attempt, by kind.",
			Buckets: lagBuckets,
		}, []string{"kind"}),
		adjustments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mercato_billing_adjustments_total",
			Help: "Billing adjustments by outcome: accepted, completed (credit memo issued) or failed (their job gave up).",
		}, []string{"outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mercato_event_delivery_attempts_total",
			Help: "Attempts to deliver events from the outbox, by outcome: delivered or failed.",
		}, []string{"outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.jobs, m.jobLag, m.adjustments, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{"accepted", "completed", "failed"} {
		m.adjustments.WithLabelValues(o) // present at zero, so that rates work from the start
	}
	return m
}

// Handler serves the metrics in the Prometheus text format (or OpenMetrics when asked).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{EnableOpenMetrics: true})
}

// Register adds collectors of another part of the server, such as an outbox's delivery loop.
// It fails if a collector's metrics clash with registered ones.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// ObserveRequest counts an answered AWS API request; it is an awsapi.Config.Observe.
func (m *Metrics) ObserveRequest(rl awsapi.RequestLog) {
	svc, op := serviceLabel(rl.Service), rl.Operation
	if op == "" {
		op = "none"
	}
	m.requests.WithLabelValues(svc, op, statusLabel(rl.Status)).Inc()
	m.latency.WithLabelValues(svc, op).Observe(rl.Latency.Seconds())
}

// serviceLabel names a service target shortly; "none" when the request named no served one.
func serviceLabel(target string) string {
	switch target {
	case awsapi.AgreementTarget:
		return "agreement"
	case awsapi.MeteringTarget:
		return "metering"
	case awsapi.EntitlementTarget:
		return "entitlement"
	case "":
		return "none"
	}
	return target // a registered target: a fixed set
}

// statusLabel returns the HTTP status as a label, from a fixed set of strings for the usual ones.
func statusLabel(code int) string {
	switch code {
	case 200:
		return "200"
	case 400:
		return "400"
	case 403:
		return "403"
	case 404:
		return "404"
	}
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code)
}

// JobFinished counts an attempt of a job; part of service.Observer.
func (m *Metrics) JobFinished(j mercato.Job, lag time.Duration) {
	outcome := "retry"
	switch j.Status {
	case mercato.JobDone:
		outcome = "done"
	case mercato.JobFailed:
		outcome = "failed"
	}
	kind := string(j.Kind)
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobLag.WithLabelValues(kind).Observe(max(0, lag.Seconds()))
}

// AdjustmentsAccepted counts accepted billing adjustments; part of service.Observer.
func (m *Metrics) AdjustmentsAccepted(n int) {
	m.adjustments.WithLabelValues("accepted").Add(float64(n))
}

// AdjustmentsFinished counts billing adjustments completed and given up on; part of
// service.Observer.
func (m *Metrics) AdjustmentsFinished(completed, failed int) {
	if completed > 0 {
		m.adjustments.WithLabelValues("completed").Add(float64(completed))
	}
	if failed > 0 {
		m.adjustments.WithLabelValues("failed").Add(float64(failed))
	}
}

// EventDelivery counts an attempt to deliver an event from the outbox (for the delivery loop).
func (m *Metrics) EventDelivery(delivered bool) {
	outcome := "failed"
	if delivered {
		outcome = "delivered"
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}

// DeliveryAttempted counts an attempt to deliver an event (as the service's Observer).
func (m *Metrics) DeliveryAttempted(delivered bool) { m.EventDelivery(delivered) }

// WatchOutbox exports the outbox's backlog, the events waiting for delivery, as a gauge read
// at each scrape from backlog (which must be quick: a count on an index). Call it once.
func (m *Metrics) WatchOutbox(backlog func() (int, error)) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mercato_outbox_backlog",
		Help: "Events in the outbox waiting for delivery.",
	}, func() float64 {
		n, err := backlog()
		if err != nil {
			return -1 // unknown; a panel shows it, an alert on > threshold does not fire falsely
		}
		return float64(n)
	}))
}

// WatchClock exports business time (the sandbox's simulated clock, else the wall clock) as a
// gauge of Unix seconds. Call it once.
func (m *Metrics) WatchClock(now func() time.Time, sandbox bool) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "mercato_business_time_seconds",
		Help:        "Business time as Unix seconds: the sandbox's simulated clock, or the wall clock.",
		ConstLabels: prometheus.Labels{"sandbox": strconv.FormatBool(sandbox)},
	}, func() float64 { return float64(now().UnixNano()) / 1e9 }))
}

// WatchPools exports the use of database connection pools, read at each scrape from stats
// (pool name -> statistics, as sqlstore.Store.PoolStats gives them). Call it once.
func (m *Metrics) WatchPools(stats func() map[string]sql.DBStats) {
	m.reg.MustRegister(&poolCollector{stats: stats})
}

// poolCollector turns database/sql pool statistics into metrics at each scrape.
type poolCollector struct {
	stats func() map[string]sql.DBStats
}

var (
	poolOpen = prometheus.NewDesc("mercato_db_connections",
		"Connections of a database pool, by pool and state (in_use, idle).", []string{"pool", "state"}, nil)
	poolMax = prometheus.NewDesc("mercato_db_connections_max",
		"The most connections a database pool may open.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("mercato_db_connection_waits_total",
		"Times a caller waited for a free connection of a database pool.", []string{"pool"}, nil)
	poolWaited = prometheus.NewDesc("mercato_db_connection_wait_seconds_total",
		"Time callers waited for a free connection of a database pool.", []string{"pool"}, nil)
)

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolMax, poolWaits, poolWaited} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, s := range c.stats() {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.InUse), name, "in_use")
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.Idle), name, "idle")
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxOpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, s.WaitDuration.Seconds(), name)
	}
}
