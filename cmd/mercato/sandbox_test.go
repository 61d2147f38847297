package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var demoScenario = filepath.Join("..", "..", "examples", "demo.yaml")

// runServer runs serve in the background and waits for its health check; stop shuts it down
// and returns serve's error. The test stops it itself, which lets it start another server on
// the same database.
func runServer(t *testing.T, o serveOptions) (url string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, o) }()
	stop = func() error {
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		cancel()
		return <-done
	}
	url = "http://" + o.addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		if resp, err := http.Get(url + "/_mercato/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url, stop
			}
		}
	}
	_ = stop()
	t.Fatal("server not healthy after 10s")
	return "", nil
}

// controlPost posts body to a /_mercato/ endpoint with the headers given and returns the status
// and the error code of the answer, if any.
func controlPost(t *testing.T, url, body string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	if resp.StatusCode != http.StatusOK && e.Error.Message == "" {
		t.Errorf("POST %s %v: %d with no JSON error message: %s", url, headers, resp.StatusCode, b)
	}
	return resp.StatusCode, e.Error.Code
}

// clockNow returns the server's business time as the CLI prints it.
func clockNow(t *testing.T, url string) string {
	t.Helper()
	out, err := cli(t, url, "clock")
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Now string }
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("clock: %q: %v", out, err)
	}
	return c.Now
}

// A web page the developer visits must not drive the sandbox: the control endpoints refuse
// cross-site requests and bodies a browser may send cross-site without asking (text/plain, forms),
// while the CLI and scripts (no Origin) keep working.
func TestControlRefusesCrossSiteRequests(t *testing.T) {
	addr := freeAddr(t)
	url := startServer(t, serveOptions{addr: addr, db: "sqlite:" + filepath.Join(t.TempDir(), "x.db"), sandbox: true,
		scenario: demoScenario})
	clock, payments := url+"/_mercato/clock", url+"/_mercato/payments"
	advance, pay := `{"advance":"720h"}`, `{"buyer":"444455556666","behavior":"never"}`
	json, text := "application/json", "text/plain"
	for _, c := range []struct {
		name, url, body string
		headers         map[string]string
		status          int
		code            string
	}{
		{"text/plain from another site", clock, advance, map[string]string{"Content-Type": text, "Origin": "http://evil.example"}, 403, "forbidden"},
		{"JSON from another site", clock, advance, map[string]string{"Content-Type": json, "Origin": "http://evil.example"}, 403, "forbidden"},
		{"JSON from another port", clock, advance, map[string]string{"Content-Type": json, "Origin": "http://127.0.0.1:1"}, 403, "forbidden"},
		{"opaque origin", clock, advance, map[string]string{"Content-Type": json, "Origin": "null"}, 403, "forbidden"},
		{"fetch metadata cross-site", clock, advance, map[string]string{"Content-Type": json, "Sec-Fetch-Site": "cross-site"}, 403, "forbidden"},
		{"payments from another site", payments, pay, map[string]string{"Content-Type": text, "Origin": "http://evil.example"}, 403, "forbidden"},
		{"scenario from another site", url + "/_mercato/scenario", "clock: 2027-01-01T00:00:00Z\n",
			map[string]string{"Content-Type": text, "Origin": "http://evil.example"}, 403, "forbidden"},
		{"text/plain without an origin", clock, advance, map[string]string{"Content-Type": text}, 415, "invalid"},
		{"a form", payments, "buyer=444455556666", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "invalid"},
		{"no content type", clock, advance, nil, 415, "invalid"},
	} {
		if status, code := controlPost(t, c.url, c.body, c.headers); status != c.status || code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
	if now := clockNow(t, url); now != "2026-01-01T00:00:00Z" {
		t.Fatalf("after the refused requests the clock is at %s, want 2026-01-01T00:00:00Z", now)
	}

	// The server's own pages, scripts and the CLI are served.
	own := map[string]string{"Content-Type": "application/json; charset=utf-8", "Origin": "http://" + addr, "Sec-Fetch-Site": "same-origin"}
	if status, _ := controlPost(t, clock, `{"advance":"24h"}`, own); status != 200 {
		t.Errorf("same-origin move: %d", status)
	}
	if status, _ := controlPost(t, clock, `{"advance":"24h"}`, map[string]string{"Content-Type": json}); status != 200 {
		t.Errorf("move without an origin: %d", status)
	}
	if out, err := cli(t, url, "clock", "advance", "24h"); err != nil || !strings.Contains(out, "business time is now 2026-01-04T00:00:00Z") {
		t.Errorf("clock advance through the CLI: %q, %v", out, err)
	}
	if _, err := cli(t, url, "scenario", "apply", demoScenario); err != nil {
		t.Errorf("scenario apply through the CLI: %v", err)
	}
}

// A restarted sandbox resumes its business time exactly where it stopped, with or without its
// scenario, and re-applying the scenario never takes the clock back.
func TestSandboxResumesBusinessTime(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "resume.db")
	start := func(scenario string) (string, func()) {
		url, stop := runServer(t, serveOptions{addr: freeAddr(t), db: db, sandbox: true, scenario: scenario})
		return url, func() {
			if err := stop(); err != nil {
				t.Fatalf("serve: %v", err)
			}
		}
	}

	url, stop := start(demoScenario)
	if out, err := cli(t, url, "clock", "advance", "48h"); err != nil || !strings.Contains(out, "business time is now 2026-01-03T00:00:00Z") {
		t.Fatalf("advance: %q, %v", out, err)
	}
	stop()

	for _, scenario := range []string{"", demoScenario} {
		url, stop := start(scenario)
		if now := clockNow(t, url); now != "2026-01-03T00:00:00Z" {
			t.Errorf("restarted with scenario %q: clock at %s, want 2026-01-03T00:00:00Z", scenario, now)
		}
		// Nothing was left to do at the time the last run stopped.
		if out, err := cli(t, url, "clock", "advance", "0s", "--json"); err != nil ||
			out != `{"now":"2026-01-03T00:00:00Z","done":{},"failed":[],"issued":{"invoices":0,"creditMemos":0,"payments":0,"payouts":0}}`+"\n" {
			t.Errorf("restarted with scenario %q: advance 0s = %q, %v", scenario, out, err)
		}
		// Applying the scenario again, whose clock is earlier, leaves the clock where it is.
		if _, err := cli(t, url, "scenario", "apply", demoScenario); err != nil {
			t.Errorf("re-apply: %v", err)
		}
		if now := clockNow(t, url); now != "2026-01-03T00:00:00Z" {
			t.Errorf("after re-applying the scenario: clock at %s, want 2026-01-03T00:00:00Z", now)
		}
		stop()
	}
	if vs, err := checkBooks(context.Background(), db); err != nil || len(vs) > 0 {
		t.Errorf("after the restarts: %v %v", vs, err)
	}
}

// A fresh sandbox without a scenario starts at the wall clock, and a restart resumes that time,
// not the wall clock of the restart.
func TestSandboxResumesItsFirstTime(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "fresh.db")
	url, stop := runServer(t, serveOptions{addr: freeAddr(t), db: db, sandbox: true})
	first := clockNow(t, url)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the wall clock moves on by a second, the sandbox's must not
	url, stop = runServer(t, serveOptions{addr: freeAddr(t), db: db, sandbox: true})
	defer stop()
	if now := clockNow(t, url); now != first {
		t.Errorf("restarted: clock at %s, want %s", now, first)
	}
}

// Two servers on one SQLite file would each run the same jobs and each hold a clock of their own:
// the second refuses to start, naming the file, and can start once the first has stopped.
func TestSecondServerRefusesTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	_, stop := runServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + path, sandbox: true})

	// A second server that did start would serve until its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := serve(ctx, serveOptions{addr: freeAddr(t), db: "sqlite:" + path, sandbox: true})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "in use by another mercato server") {
		t.Errorf("second server: %v, want a refusal naming %s", err, path)
	}
	// Readers take no lock: mercato check runs beside the server.
	if vs, err := checkBooks(context.Background(), "sqlite:"+path); err != nil || len(vs) > 0 {
		t.Errorf("check beside the server: %v %v", vs, err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// The first server released the file on exit.
	_, stop = runServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + path, sandbox: true})
	if err := stop(); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}
