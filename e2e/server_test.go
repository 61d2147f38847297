package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mercato/storetest"
)

// envPostgres names a PostgreSQL database (postgres://...) for the benchmarks to run on, each
// in a fresh schema; without it they run on SQLite.
const envPostgres = "MERCATO_TEST_POSTGRES"

// server is a mercato binary serving the test scenario in sandbox mode.
type server struct {
	URL    string // http://127.0.0.1:port
	db     string
	cmd    *exec.Cmd
	output *lockedBuffer // the server's stdout and stderr, shown when a test fails
	done   chan error
}

// lockedBuffer is a bytes.Buffer safe for the writes of the server's output copier and the
// reads of the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
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
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port may be taken before the server binds it
		s, err := launch(t, db, scenario, flags...)
		if err == nil {
			return s
		}
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	t.Fatalf("start mercato: %v", lastErr)
	return nil
}

func launch(t testing.TB, db, scenario string, flags ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &server{URL: "http://" + addr, db: db, output: &lockedBuffer{}, done: make(chan error, 1)}
	if !filepath.IsAbs(scenario) {
		scenario = filepath.Join(moduleRoot, "e2e", "testdata", scenario)
	}
	args := append([]string{"serve", "--sandbox", "--db", db, "--addr", addr, "--scenario", scenario}, flags...)
	s.cmd = exec.Command(binary, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.output, s.output
	s.cmd.Env = append(os.Environ(), "MERCATO_ADDR=", "MERCATO_DB=")
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("mercato exited before it was healthy (%v):\n%s", err, s.output)
		default:
		}
		if resp, err := http.Get(s.URL + "/_mercato/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("mercato not healthy after 20s:\n%s", s.output)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("mercato did not stop cleanly: %v\n%s", err, s.output)
		}
		if out, err := exec.Command(binary, "check", "--db", db).CombinedOutput(); err != nil {
			t.Errorf("after the test: %v: %s", err, out)
		}
		if t.Failed() {
			t.Logf("mercato output:\n%s", s.output)
		}
	})
	return s, nil
}

// stop asks the server to finish (SIGTERM) and kills it if it has not within 10 seconds.
func (s *server) stop() error {
	if s.cmd.ProcessState != nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("killed after 10s")
	}
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
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
