package service_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/sqlite"
	"mercato/storetest"
	"mercato/webhook"
)

// BenchmarkWebhookDelivery measures events delivered per second to a local receiver, and the
// time from an event's commit to its arrival (p50, p99), on a production node (real clock): a
// producer commits b.N events from 4 goroutines in transactions of 50 each, spread over 256 agreements (deliveries of
// one agreement go one at a time, in order), either as fast as it can ("max") or paced at 5,000
// or 1,000 events/s ("paced5000", "paced1000"), while the node's deliverer, woken by each commit, delivers them. On SQLite,
// and on PostgreSQL with MERCATO_TEST_POSTGRES. The baseline ("http") is what the same sender
// and receiver do with no database: b.N signed POSTs, 64 at once, on the same machine in the
// same run.
//
//	go test ./service -run '^$' -bench WebhookDelivery -benchtime 50000x
func BenchmarkWebhookDelivery(b *testing.B) {
	b.Run("http", benchPosts)
	for _, rate := range []struct {
		name string
		per  time.Duration // between transactions; 0 for as fast as the store commits
	}{{"max", 0}, {"paced5000", 50 * 4 * time.Second / 5000}, {"paced1000", 50 * 4 * time.Second / 1000}} {
		b.Run("sqlite/"+rate.name, func(b *testing.B) {
			store, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			benchDelivery(b, store, rate.per)
		})
		if base := os.Getenv("MERCATO_TEST_POSTGRES"); base != "" {
			b.Run("postgres/"+rate.name, func(b *testing.B) {
				store, err := postgres.Open(context.Background(), storetest.PostgresSchema(b, base))
				if err != nil {
					b.Fatal(err)
				}
				benchDelivery(b, store, rate.per)
			})
		}
	}
}

// arrivals records when each event (by webhook-id) first arrived.
type arrivals struct {
	mu    sync.Mutex
	at    map[string]time.Time
	count atomic.Int64
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	id := r.Header.Get("webhook-id")
	if r.Header.Get("webhook-signature") == "" || id == "" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	if _, seen := a.at[id]; !seen {
		a.at[id] = now
		a.count.Add(1)
	}
	a.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func benchDelivery(b *testing.B, store mercato.Store, per time.Duration) {
	defer store.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc := service.New(store, mercato.RealClock{}, service.WithDestinationPolicy(webhook.AddressPolicy{AllowInternal: true}))
	const account = "111122223333"
	if err := svc.ApplyScenario(ctx, mercato.Scenario{Accounts: []mercato.Account{{ID: account, Name: "A", Roles: []mercato.Role{mercato.RoleSeller}}}}); err != nil {
		b.Fatal(err)
	}
	rcv := &arrivals{at: map[string]time.Time{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	if _, err := svc.CreateEventDestination(ctx, account, service.EventDestinationInput{URL: srv.URL, Secret: testSecret}); err != nil {
		b.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() {
		svc.RunDeliveries(ctx, webhook.NewSender(webhook.AddressPolicy{AllowInternal: true}))
		close(stopped)
	}()
	defer func() { cancel(); <-stopped }() // before the store closes: no transaction is left open

	const perTx, producers = 50, 4
	committed := make([]map[string]time.Time, producers)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for p := range producers {
		committed[p] = map[string]time.Time{}
		wg.Go(func() {
			next := start
			for i := p * perTx; i < b.N; i += perTx * producers {
				es := make([]mercato.Event, 0, perTx)
				for j := i; j < min(i+perTx, b.N); j++ {
					es = append(es, mercato.Event{UID: uuid.NewString(), Time: start, AccountID: account, Source: "aws.agreement-marketplace",
						DetailType: "Purchase Agreement Amended - Proposer", ResourceID: fmt.Sprintf("agmt-%03d", j%256),
						Detail: []byte(`{"agreement":{"id":"agmt-x","status":"ACTIVE"}}`)})
				}
				if err := service.CommitEvents(ctx, svc, es...); err != nil {
					b.Error(err)
					return
				}
				now := time.Now()
				for _, e := range es {
					committed[p][e.UID] = now
				}
				if per > 0 {
					next = next.Add(per)
					time.Sleep(time.Until(next))
				}
			}
		})
	}
	wg.Wait()
	produced := time.Since(start)
	for deadline := time.Now().Add(2 * time.Minute); rcv.count.Load() < int64(b.N); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d events delivered", rcv.count.Load(), b.N)
		}
	}
	total := time.Since(start)
	b.StopTimer()

	lat := make([]time.Duration, 0, b.N)
	rcv.mu.Lock()
	for _, m := range committed {
		for id, c := range m {
			lat = append(lat, rcv.at[id].Sub(c))
		}
	}
	rcv.mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/produced.Seconds(), "committed/s")
	b.ReportMetric(float64(b.N)/total.Seconds(), "delivered/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// benchPosts sends b.N signed webhooks straight to a local receiver, 64 at once: the rate the
// HTTP part alone reaches.
func benchPosts(b *testing.B) {
	rcv := &arrivals{at: map[string]time.Time{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	key, err := mercato.WebhookKey(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	sender := webhook.NewSender(webhook.AddressPolicy{AllowInternal: true})
	body := []byte(`{"version":"0","id":"x","detail-type":"Purchase Agreement Amended - Proposer","detail":{"agreement":{"id":"agmt-x"}}}`)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range 64 {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if res := sender.Send(context.Background(), webhook.Request{URL: srv.URL, Key: key, ID: uuid.NewString(), Body: body}); res.Err != nil {
					b.Error(res.Err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "posted/s")
}
