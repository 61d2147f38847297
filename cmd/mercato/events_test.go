package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato/storetest"
)

const hookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// hookReceiver is a webhook endpoint that checks signatures as standardwebhooks.com says a
// receiver does, and keeps the ids and detail types of the events it accepted, in order. While
// hanging, it holds every request unanswered until released, then refuses it.
type hookReceiver struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	ids      []string
	types    []string
	arrived  int
	hanging  bool
	released chan struct{}
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{t: t, released: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() { r.release(); r.srv.Close() })
	return r
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(hookSecret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !slices.Contains(strings.Fields(req.Header.Get("webhook-signature")), want) {
		r.t.Errorf("bad signature on %s", id)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev struct {
		DetailType string `json:"detail-type"`
	}
	_ = json.Unmarshal(body, &ev)
	r.mu.Lock()
	r.arrived++
	hanging := r.hanging
	r.mu.Unlock()
	if hanging {
		<-r.released
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.mu.Lock()
	r.ids, r.types = append(r.ids, id), append(r.types, ev.DetailType)
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (r *hookReceiver) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hanging = false
	select {
	case <-r.released:
	default:
		close(r.released)
	}
}

// await waits up to d for cond to hold on the receiver's state.
func (r *hookReceiver) await(d time.Duration, cond func(r *hookReceiver) bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r.mu.Lock()
		ok := cond(r)
		r.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}

// eventsCLI runs mercato events signed as the demo's seller.
func eventsCLIRun(t *testing.T, server string, args ...string) (string, error) {
	t.Helper()
	return cli(t, server, append(append([]string{"events"}, args...),
		"--access-key", "AKIAACMESELLER000001", "--secret-key", "acme-seller-secret")...)
}

// TestEventsThroughTheCLI: the seller registers a destination; bad URLs and secrets are refused
// with the field named; an acceptance reaches the receiver within a second of the clock move,
// signed; tail prints it; the log shows the attempt; a redelivery comes again.
func TestEventsThroughTheCLI(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "e.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
	rcv := newHookReceiver(t)
	if _, err := eventsCLIRun(t, server, "destinations", "add", "ftp://example.com"); err == nil || !strings.Contains(err.Error(), "url") {
		t.Errorf("ftp URL: %v", err)
	}
	if _, err := eventsCLIRun(t, server, "destinations", "add", rcv.srv.URL, "--secret", "secret"); err == nil ||
		!strings.Contains(err.Error(), `secret: must start with "whsec_"`) {
		t.Errorf("bad secret: %v", err)
	}
	out, err := eventsCLIRun(t, server, "destinations", "add", rcv.srv.URL+"/hooks", "--secret", hookSecret,
		"--type", "Purchase Agreement Created - Proposer")
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ ID, Status, Secret string }
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Status != "active" || d.Secret != hookSecret {
		t.Fatalf("added %q: %v", out, err)
	}

	moved := time.Now()
	if _, err := cli(t, server, "clock", "set", "2026-01-06T00:00:00Z"); err != nil { // agmt-demo-public is accepted
		t.Fatal(err)
	}
	if !rcv.await(5*time.Second, func(r *hookReceiver) bool { return len(r.ids) == 1 }) {
		t.Fatalf("nothing delivered within 5 s")
	}
	t.Logf("delivered %v after the clock move", time.Since(moved))
	if rcv.types[0] != "Purchase Agreement Created - Proposer" {
		t.Errorf("got %v", rcv.types)
	}

	tail, err := eventsCLIRun(t, server, "tail", "--from-start", "--limit", "1")
	if err != nil || !strings.Contains(tail, `"id":"`+rcv.ids[0]+`"`) {
		t.Errorf("tail printed %q, %v; want event %s", tail, err, rcv.ids[0])
	}
	var log string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(log, `"statusCode":200`); {
		log, err = eventsCLIRun(t, server, "destinations", "attempts", d.ID) // recorded just after the answer
	}
	if err != nil || !strings.Contains(log, `"statusCode":200`) {
		t.Errorf("attempts: %q, %v", log, err)
	}
	if _, err := eventsCLIRun(t, server, "destinations", "redeliver", d.ID, rcv.ids[0]); err != nil {
		t.Fatal(err)
	}
	if !rcv.await(5*time.Second, func(r *hookReceiver) bool { return len(r.ids) == 2 && r.ids[1] == r.ids[0] }) {
		t.Errorf("the redelivery did not come: %v", rcv.ids)
	}
	if _, err := eventsCLIRun(t, server, "destinations", "delete", d.ID); err != nil {
		t.Fatal(err)
	}
	if out, _ := eventsCLIRun(t, server, "destinations", "list"); !strings.Contains(out, `"eventDestinations":[]`) {
		t.Errorf("after delete: %s", out)
	}
}

// deliveryScenario is a seller with a webhook destination at url for its Created events, and
// n buyers who accepted its public offer at start.
func deliveryScenario(url string, n int, start time.Time) string {
	var accounts, agreements strings.Builder
	for i := range n {
		fmt.Fprintf(&accounts, "  - {id: \"%s\", name: Buyer %d, roles: [buyer]}\n", crashBuyer(i), i)
		fmt.Fprintf(&agreements, "  - {id: %s, offer: offer-m, buyer: \"%s\", acceptedAt: %s}\n", crashAgreement(i), crashBuyer(i),
			start.Format(time.RFC3339))
	}
	return fmt.Sprintf(`accounts:
  - {id: "111122223333", name: Seller, roles: [seller]}
%[2]sproducts:
  - {id: prod-m, seller: "111122223333", type: SaaS, title: M, refundPolicy: None., dimensions: [{key: calls, metered: true}]}
offers:
  - id: offer-m
    product: prod-m
    visibility: public
    terms:
      - usageBasedPricingTerm: {currencyCode: USD, rateCards: [{rateCard: [{dimensionKey: calls, price: "0.01"}]}]}
eventDestinations:
  - {account: "111122223333", url: "%[1]s", secret: %[4]s, eventTypes: ["Purchase Agreement Created - Proposer"]}
agreements:
%[3]s`, url, accounts.String(), agreements.String(), hookSecret)
}

// TestKilledNodeDeliversAfterRestart runs the real binary in production mode: its scenario's
// acceptances are committed, their deliveries are in flight to a receiver that does not answer,
// and the node is killed (SIGKILL). Restarted on the same database, it delivers every event,
// each at least once. On SQLite, and on PostgreSQL when MERCATO_TEST_POSTGRES is set.
func TestKilledNodeDeliversAfterRestart(t *testing.T) {
	bin := buildMercato(t)
	t.Run("SQLite", func(t *testing.T) { killedDelivery(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "k.db")) })
	t.Run("PostgreSQL", func(t *testing.T) {
		base := os.Getenv("MERCATO_TEST_POSTGRES")
		if base == "" {
			t.Skip("MERCATO_TEST_POSTGRES is not set")
		}
		killedDelivery(t, bin, storetest.PostgresSchema(t, base))
	})
}

func killedDelivery(t *testing.T, bin, db string) {
	const buyers = 5
	rcv := newHookReceiver(t)
	rcv.hanging = true
	file := filepath.Join(t.TempDir(), "hooks.yaml")
	if err := os.WriteFile(file, []byte(deliveryScenario(rcv.srv.URL, buyers, time.Now().UTC().Add(-time.Hour))), 0o600); err != nil {
		t.Fatal(err)
	}
	// A production server: its receiver on loopback must be allowed.
	hooks := []string{"--lease", "1s", "--webhook-allow-network", "127.0.0.0/8"}
	p := startProcess(t, bin, db, file, hooks...)
	if !rcv.await(10*time.Second, func(r *hookReceiver) bool { return r.arrived > 0 }) {
		t.Fatalf("no delivery started:\n%s", p.Output)
	}
	p.kill(t)
	rcv.release()

	p = startProcess(t, bin, db, "", hooks...)
	restarted := time.Now()
	if !rcv.await(20*time.Second, func(r *hookReceiver) bool { return len(slices.Compact(slices.Sorted(slices.Values(r.ids)))) == buyers }) {
		t.Fatalf("after the restart, got %d events, want %d:\n%s", len(rcv.ids), buyers, p.Output)
	}
	t.Logf("all %d delivered %v after the restart", buyers, time.Since(restarted))
	for _, typ := range rcv.types {
		if typ != "Purchase Agreement Created - Proposer" {
			t.Errorf("got %s", typ)
		}
	}
	p.stop(t)
}
