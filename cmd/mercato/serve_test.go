package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
	"mercato/sqlite"
)

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs serve in the background until the test ends and waits for its health check.
// When the test ends it stops the server and checks that the database's ledger balances.
func startServer(t testing.TB, o serveOptions) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, o) }()
	t.Cleanup(func() {
		// A connection the clients dialed but never used keeps a graceful shutdown waiting for
		// 5 s (net/http's grace for connections yet to send a request); the SDK clients of the
		// tests share the default transport.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if vs, err := checkBooks(context.Background(), o.db); err != nil || len(vs) > 0 {
			t.Errorf("after the test: %v %v", vs, err)
		}
	})
	url := "http://" + o.addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		if resp, err := http.Get(url + "/_mercato/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
	}
	t.Fatal("server not healthy after 10s")
	return ""
}

// cli runs a mercato command against the server and returns its output.
func cli(t *testing.T, server string, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs(append(args, "--server", server))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestSandboxYearOfDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	func() {
		url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + db, sandbox: true,
			scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
		if out, err := cli(t, url, "clock"); err != nil || !strings.Contains(out, `"now":"2026-01-01T00:00:00Z"`) {
			t.Fatalf("clock = %q, %v", out, err)
		}
		if out, err := cli(t, url, "clock", "advance", "8760h"); err != nil || !strings.Contains(out, "business time is now 2027-01-01T00:00:00Z") {
			t.Fatalf("advance = %q, %v", out, err)
		}
		if _, err := cli(t, url, "clock", "set", "2026-06-01T00:00:00Z"); err == nil || !strings.Contains(err.Error(), "only moves forward") {
			t.Errorf("moving back: %v", err)
		}
		// applying the demo again changes nothing
		if _, err := cli(t, url, "scenario", "apply", filepath.Join("..", "..", "examples", "demo.yaml")); err != nil {
			t.Errorf("re-apply: %v", err)
		}
	}()
	t.Run("after a year", func(t *testing.T) {
		store, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		svc := service.New(store, mercato.NewSimClock(time.Time{}))
		if err := svc.CheckBooks(context.Background()); err != nil {
			t.Error(err)
		}
		// private: 3 installments; public from Jan 5: Jan..Nov closed by Jan 1 2027 (11);
		// trial from Feb 1, paid from Feb 11: Feb..Nov (10)
		want := map[string]int{"agmt-demo-private": 3, "agmt-demo-public": 11, "agmt-demo-trial": 10}
		for id, n := range want {
			inv, err := svc.Invoices(context.Background(), mercato.InvoiceFilter{AgreementID: id})
			if err != nil || len(inv) != n {
				t.Errorf("%s: %d invoices (%v), want %d", id, len(inv), err, n)
			}
		}
	})
}

func TestServeRefusesABadScenario(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := writeFile(bad, "accounts:\n  - {id: \"1\", name: x, roles: [seller]}\n"); err != nil {
		t.Fatal(err)
	}
	err := serve(context.Background(), serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "x.db"),
		sandbox: true, scenario: bad})
	if err == nil || !strings.Contains(err.Error(), "accounts[0] (line 2)") {
		t.Errorf("serve = %v, want an error naming accounts[0] (line 2)", err)
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// TestTrustAccountKeysNeedsSandbox checks that the flag is refused before the database is
// created or the scenario applied.
func TestTrustAccountKeysNeedsSandbox(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	err := serve(context.Background(), serveOptions{addr: freeAddr(t), db: "sqlite:" + db, trustAccountKeys: true,
		scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
	if err == nil || !strings.Contains(err.Error(), "--trust-account-keys needs --sandbox") {
		t.Errorf("serve = %v, want the flag refused", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the database was created (%v)", err)
	}
}

// TestManualJobsNeedsSandbox checks that --manual-jobs is refused in production, where jobs
// always run as they fall due, before the database is created.
func TestManualJobsNeedsSandbox(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	err := serve(context.Background(), serveOptions{addr: freeAddr(t), db: "sqlite:" + db, manualJobs: true})
	if err == nil || !strings.Contains(err.Error(), "--manual-jobs needs --sandbox") {
		t.Errorf("serve = %v, want the flag refused", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the database was created (%v)", err)
	}
}

// TestWebhookAllowNetworkIsParsed checks that a bad --webhook-allow-network is refused, named,
// before the database is created.
func TestWebhookAllowNetworkIsParsed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	err := serve(context.Background(), serveOptions{addr: freeAddr(t), db: "sqlite:" + db, webhookNetworks: []string{"10.0.0.0/8", "intranet"}})
	if err == nil || !strings.Contains(err.Error(), `--webhook-allow-network "intranet"`) {
		t.Errorf("serve = %v, want the flag refused", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the database was created (%v)", err)
	}
}

// TestCheck checks that mercato check passes sound books, and names the currency and amount of
// an imbalance.
func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	record := func(id string, postings ...mercato.Posting) {
		err := store.Update(context.Background(), func(tx mercato.Tx) error {
			return tx.InsertLedgerTxns(mercato.LedgerTxn{ID: id, Time: at, Kind: "test", Ref: id, Postings: postings})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	usd := func(account, amount string) mercato.Posting {
		return mercato.Posting{Account: account, Currency: "USD", Amount: mercato.MustAmount(amount)}
	}
	record("lt-1", usd("a", "10.00"), usd("b", "-10.00"))
	store.Close()
	check := func() (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs([]string{"check", "--db", "sqlite:" + path})
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	if out, err := check(); err != nil || out != "books sound: ledger balanced, every invariant holds\n" {
		t.Errorf("balanced ledger: %q, %v", out, err)
	}
	if store, err = sqlite.Open(path); err != nil {
		t.Fatal(err)
	}
	record("lt-2", usd("a", "0.01"))
	store.Close()
	if out, err := check(); err == nil || out != "ledger-balanced: currency USD: the postings sum to 0.01 USD, not 0\n" {
		t.Errorf("unbalanced ledger: %q, %v", out, err)
	}
	cmd := rootCmd()
	cmd.SetArgs([]string{"check", "--db", "sqlite:" + filepath.Join(t.TempDir(), "missing.db")})
	if err := cmd.ExecuteContext(context.Background()); err == nil {
		t.Error("check of a missing database passed")
	}
}
