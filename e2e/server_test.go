package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"mercato/internal/proc"
	"mercato/storetest"
)

// envPostgres names a PostgreSQL database (postgres://...) for the benchmarks to run on, each
// in a fresh schema; without it they run on SQLite.
const envPostgres = "MERCATO_TEST_POSTGRES"

// server is a mercato binary serving the test scenario in sandbox mode.
type server struct {
	*proc.Server
	db string
}

// startServer starts the mercato binary with --sandbox on a new SQLite database and the e2e
// scenario (testdata/scenario.yaml) and the serve flags given, if any, waits until
// /_mercato/health answers, and when the test ends stops it and checks that the database's
// ledger balances (mercato check).
func startServer(t testing.TB, flags ...string) *server {
	t.Helper()
	return startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "scenario.yaml", flags...)
}

// startServerWith is startServer on the database db (a --db value) with the scenario file of
// testdata named scenario, or at the absolute path scenario, and the serve flags given, if any
// (such as --manual-jobs).
func startServerWith(t testing.TB, db, scenario string, flags ...string) *server {
	t.Helper()
	if !filepath.IsAbs(scenario) {
		scenario = filepath.Join(moduleRoot, "e2e", "testdata", scenario)
	}
	p, err := proc.Start(binary, append([]string{"serve", "--sandbox", "--db", db, "--scenario", scenario}, flags...)...)
	if err != nil {
		t.Fatalf("start mercato: %v", err)
	}
	s := &server{Server: p, db: db}
	t.Cleanup(func() {
		if err := s.Stop(10 * time.Second); err != nil {
			t.Errorf("mercato did not stop cleanly: %v\n%s", err, s.Output)
		}
		if out, err := exec.Command(binary, "check", "--db", db).CombinedOutput(); err != nil {
			t.Errorf("after the test: %v: %s", err, out)
		}
		if t.Failed() {
			t.Logf("mercato output:\n%s", s.Output)
		}
	})
	return s
}

// advance moves the sandbox clock forward by d (a Go duration such as "0s" or "168h"),
// running every job that falls due, and returns the new business time.
func (s *server) advance(t testing.TB, d string) time.Time {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"advance": d})
	resp, err := http.Post(s.URL+"/_mercato/clock", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("advance the clock by %s: %v", d, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Now time.Time `json:"now"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("advance the clock by %s: %s %s", d, resp.Status, raw)
	}
	return out.Now
}

// now returns the sandbox's business time.
func (s *server) now(t testing.TB) time.Time {
	t.Helper()
	resp, err := http.Get(s.URL + "/_mercato/clock")
	if err != nil {
		t.Fatalf("read the clock: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Now time.Time `json:"now"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("read the clock: %s %v", resp.Status, err)
	}
	return out.Now
}

// databaseFor returns the --db value for a benchmark's server: a fresh schema of the
// PostgreSQL database named by MERCATO_TEST_POSTGRES (dropped at the end), or else a new
// SQLite file.
func databaseFor(t testing.TB) string {
	t.Helper()
	if base := os.Getenv(envPostgres); base != "" {
		return storetest.PostgresSchema(t, base)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "x.db")
}
