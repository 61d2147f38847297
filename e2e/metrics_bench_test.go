package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// metricsRounds is how many pairs of runs BenchmarkMetricsCost makes.
const metricsRounds = 6

// BenchmarkMetricsCost measures what the metrics cost DescribeAgreement: two real servers on
// databases of the same scenario, one with metrics (its /metrics scraped every second, 15
// times as often as Prometheus's default) and one with --metrics-addr off, loaded in turn,
// metricsRounds times each, so that the machine's drift falls on both alike (go test's -count
// would run all of one before the other):
//
//	go test ./e2e -run '^$' -bench MetricsCost -benchtime 20000x
func BenchmarkMetricsCost(b *testing.B) {
	off := startServerWith(b, databaseFor(b), "bench.yaml", "--metrics-addr", "off")
	on := startServerWith(b, databaseFor(b), "bench.yaml")
	bodies := make([][]byte, benchClients)
	for i := range bodies {
		bodies[i] = cborBody(b, map[string]any{"agreementId": benchAgreement(i)})
	}
	describe := func(b *testing.B, srv *server) {
		cpu0 := processCPU(srv)
		defer func() {
			if cpu0 >= 0 {
				b.ReportMetric(float64((processCPU(srv)-cpu0).Microseconds())/float64(b.N), "server-cpu-µs/op")
			}
		}()
		runLoad(b, srv.URL, "DescribeAgreement", func(w int, _ int64) []byte { return bodies[w] }, func(w int, resp []byte) error {
			var out struct {
				AgreementID string `cbor:"agreementId"`
			}
			if err := cbor.Unmarshal(resp, &out); err != nil || out.AgreementID != benchAgreement(w) {
				return fmt.Errorf("unexpected response %x (%v)", resp, err)
			}
			return nil
		})
	}
	for round := range metricsRounds {
		// Alternate which goes first, so that neither always runs on a warmer machine.
		first, second := "off", "on"
		if round%2 == 1 {
			first, second = second, first
		}
		for _, mode := range []string{first, second} {
			b.Run(fmt.Sprintf("%s/round-%d", mode, round), func(b *testing.B) {
				if mode == "off" {
					describe(b, off)
					return
				}
				stop := make(chan struct{})
				scraped := make(chan int)
				go func() { scraped <- scrapeEvery(b, on.URL+"/metrics", time.Second, stop) }()
				describe(b, on)
				close(stop)
				b.ReportMetric(float64(<-scraped), "scrapes")
			})
		}
	}
}

// processCPU returns the CPU time (user and system) the server's process has used, from
// /proc; -1 where there is none. Unlike the rate of requests, the CPU time a request costs the
// server hardly depends on what else the machine runs.
func processCPU(srv *server) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", srv.Cmd.Process.Pid))
	if err != nil {
		return -1
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(fields) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is the unit of /proc's CPU times per second (USER_HZ, 100 on Linux).
const clockTicks = 100

// scrapeEvery fetches url at every interval until stop is closed, failing b on an error, and
// returns how many scrapes it made.
func scrapeEvery(b *testing.B, url string, interval time.Duration, stop <-chan struct{}) int {
	t := time.NewTicker(interval)
	defer t.Stop()
	n := 0
	for {
		resp, err := http.Get(url)
		if err != nil {
			b.Error(err)
			return n
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Errorf("GET %s: %s", url, resp.Status)
			return n
		}
		n++
		select {
		case <-stop:
			return n
		case <-t.C:
		}
	}
}
