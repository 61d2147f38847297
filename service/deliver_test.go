package service_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato"
	"mercato/service"
	"mercato/sqlite"
	"mercato/webhook"
)

// receiver is a webhook endpoint that checks each request as the Standard Webhooks spec says a
// receiver must, written here from the spec rather than from the sender's code.
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu sync.Mutex
	// got are the events accepted (answered 2xx), in the order they came.
	got []received
	// fail says, for an event's detail type, how many more attempts to answer with 500.
	fail map[string]int
	// down answers every attempt with 500.
	down bool
	// failed counts the attempts answered with 500, by detail type.
	failed map[string]int
}

// received is an event as a receiver saw it.
type received struct {
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{t: t, secret: secret, fail: map[string]int{}, failed: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := r.verify(req, body); err != nil {
		r.t.Errorf("receiver: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ev received
	if err := json.Unmarshal(body, &ev); err != nil {
		r.t.Errorf("receiver: body %s: %v", body, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down || r.fail[ev.DetailType] > 0 {
		r.fail[ev.DetailType]--
		r.failed[ev.DetailType]++
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	r.got = append(r.got, ev)
	w.WriteHeader(http.StatusNoContent)
}

// verify checks the request as standardwebhooks.com describes: the key is the base64 after
// "whsec_"; the signed content is id.timestamp.body; the signature header lists
// space-separated "v1,<base64 HMAC-SHA256>" values, one of which must match; the timestamp
// must be within 5 minutes of the receiver's clock.
func (r *receiver) verify(req *http.Request, body []byte) error {
	id, ts, sigs := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook headers")
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		return errors.New("content type " + ct)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return errors.New("timestamp " + ts + " is not the wall clock's")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, _ := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			var env struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(body, &env) != nil || env.ID != id {
				return errors.New("webhook-id is not the event's id")
			}
			return nil
		}
	}
	return errors.New("no valid signature in " + sigs)
}

func (r *receiver) failNext(detailType string, n int) {
	r.mu.Lock()
	r.fail[detailType] = n
	r.mu.Unlock()
}

func (r *receiver) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

func (r *receiver) events() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// types returns the detail types received about the agreement (named in the resources or
// the detail), in order.
func (r *receiver) types(agreementID string) []string {
	var out []string
	for _, ev := range r.events() {
		if slices.ContainsFunc(ev.Resources, func(s string) bool { return strings.HasSuffix(s, agreementID) }) ||
			strings.Contains(string(ev.Detail), agreementID) {
			out = append(out, ev.DetailType)
		}
	}
	return out
}

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// deliver runs the deliverer until nothing is due.
func (e *env) deliver() {
	e.t.Helper()
	if err := e.svc.DeliverDue(e.ctx, webhook.NewSender(webhook.AddressPolicy{AllowInternal: true})); err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
}

func TestWebhooksInOrderPerAgreementWithRetries(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t, testSecret)
		a, inv := paidInstallment(e)
		// A destination receives what is committed after it was made, not before.
		d, err := e.svc.CreateEventDestination(e.ctx, seller, service.EventDestinationInput{URL: rcv.srv.URL + "/events", Secret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		e.deliver()
		if got := rcv.events(); len(got) != 0 {
			t.Fatalf("events from before the destination was made were delivered: %+v", got)
		}

		// The adjustment's completion fails once: the cancellation request of the same agreement
		// waits for it; another agreement's events do not.
		const completed = "Purchase Agreement Billing Adjustment Completed - Proposer"
		rcv.failNext(completed, 1)
		if _, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "100.00", "adj-1")}); err != nil {
			t.Fatal(err)
		}
		e.advanceTo(e.svc.Now())
		if _, err := e.svc.SendCancellationRequest(e.ctx, seller, service.SendCancellationInput{AgreementID: a.ID,
			ReasonCode: "INCORRECT_TERMS_ACCEPTED", ClientToken: "cancel-1"}); err != nil {
			t.Fatal(err)
		}
		other := e.accept("offer-public", buyer2)
		e.deliver()
		if got := rcv.types(a.ID); len(got) != 0 {
			t.Fatalf("after the failure, %s got %v; want nothing until the retry", a.ID, got)
		}
		if got := rcv.types(other.ID); !slices.Equal(got, []string{"Purchase Agreement Created - Proposer",
			"License Updated - Manufacturer"}) {
			t.Fatalf("the other agreement got %v, want its creation and license at once", got)
		}

		// The retry falls due 30 s later in business time.
		e.advanceTo(e.svc.Now().Add(20 * time.Second))
		e.deliver()
		if got := rcv.types(a.ID); len(got) != 0 {
			t.Fatalf("retried before its time: %v", got)
		}
		e.advanceTo(e.svc.Now().Add(15 * time.Second))
		e.deliver()
		want := []string{completed, "Agreement Cancellation Request Pending Approval - Proposer"}
		if got := rcv.types(a.ID); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}

		// The log shows both attempts of the completion: the 500, then the success.
		log, err := e.svc.DeliveryLog(e.ctx, seller, d.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var codes []int
		for _, at := range log {
			if at.DetailType == completed {
				codes = append(codes, at.StatusCode)
			}
		}
		if !slices.Equal(codes, []int{204, 500}) { // newest first
			t.Errorf("attempts of the completion answered %v, want [204 500]", codes)
		}
		// Only what was not delivered at once was queued: the failed completion (both its
		// attempts name its queued delivery) and the cancellation request held behind it, queued
		// after it; every other event was delivered at its first attempt with no queue row.
		queued := map[string][]int64{}
		for _, at := range log {
			if at.DeliveryID != 0 {
				queued[at.DetailType] = append(queued[at.DetailType], at.DeliveryID)
			}
		}
		held := queued["Agreement Cancellation Request Pending Approval - Proposer"]
		if c := queued[completed]; len(queued) != 2 || len(c) != 2 || c[0] != c[1] || len(held) != 1 || held[0] <= c[0] {
			t.Errorf("attempts of queued deliveries %v; want the completion's two, then the held cancellation request", queued)
		}
		for _, ev := range rcv.events() {
			if ev.Account != seller || ev.Region != "us-east-1" || ev.Source == "" {
				t.Errorf("envelope %+v", ev)
			}
		}
	})
}

func TestWebhooksNothingRolledBack(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, testSecret)
	e.marketplace()
	if _, err := e.svc.CreateEventDestination(e.ctx, buyer, service.EventDestinationInput{URL: rcv.srv.URL, Secret: testSecret}); err != nil {
		t.Fatal(err)
	}
	abort := errors.New("abort")
	err := e.store.Update(e.ctx, func(tx mercato.Tx) error {
		if err := tx.InsertEvents(mercato.Event{UID: "rolled-back", Time: e.svc.Now(), AccountID: buyer,
			Source: "mercato", DetailType: "Test", ResourceID: "x"}); err != nil {
			return err
		}
		return abort
	})
	if !errors.Is(err, abort) {
		t.Fatal(err)
	}
	// An acceptance refused after its checks writes nothing either.
	if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer2}); err == nil {
		t.Fatal("buyer2 accepted buyer's private offer")
	}
	a := e.accept("offer-public", buyer)
	e.deliver()
	got := rcv.events()
	if len(got) != 1 || got[0].DetailType != "Purchase Agreement Created - Acceptor" || !strings.HasSuffix(got[0].Resources[0], a.ID) {
		t.Fatalf("got %+v, want only the acceptance", got)
	}
}

func TestWebhooksGiveUpAfterThreeDays(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, testSecret)
	e.marketplace()
	d, err := e.svc.CreateEventDestination(e.ctx, buyer, service.EventDestinationInput{URL: rcv.srv.URL, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	rcv.setDown(true)
	a := e.accept("offer-public", buyer)
	start := e.svc.Now()
	attempts := 0
	for e.svc.Now().Before(start.Add(80 * time.Hour)) {
		e.deliver()
		rcv.mu.Lock()
		attempts = rcv.failed["Purchase Agreement Created - Acceptor"]
		rcv.mu.Unlock()
		e.advanceTo(e.svc.Now().Add(time.Hour))
	}
	// 30 s, 1, 2, 4 ... min, doubling to 12 h: 16 attempts fit in 72 h. An hourly clock
	// attempts the short ones once an hour, so fewer are made here, and never after 72 h.
	if attempts < 8 || attempts > 16 {
		t.Errorf("%d attempts in 80 h", attempts)
	}
	got, err := e.svc.EventDestination(e.ctx, buyer, d.ID)
	if err != nil || got.Status != mercato.DestinationFailing {
		t.Fatalf("destination %+v, %v: want failing", got, err)
	}
	events, err := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: buyer})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(events, func(ev mercato.Event) bool { return ev.DetailType == service.DestinationFailingEvent }) {
		t.Errorf("the account was not told: %v", events)
	}
	// The account was told through the destination too, now that it answers again; the
	// delivery that gave up is redelivered by hand, and the destination is active again.
	rcv.setDown(false)
	e.advanceTo(e.svc.Now().Add(12 * time.Hour)) // the notice's next retry
	e.deliver()
	if got := rcv.events(); len(got) != 1 || got[0].DetailType != service.DestinationFailingEvent || got[0].Source != "mercato" {
		t.Errorf("once up, the destination got %+v; want the failing notice", got)

	}
	created := events[slices.IndexFunc(events, func(ev mercato.Event) bool { return ev.ResourceID == a.ID })]
	if err := e.svc.RedeliverEvent(e.ctx, buyer, d.ID, created.UID); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if types := rcv.types(a.ID); !slices.Equal(types, []string{"Purchase Agreement Created - Acceptor"}) {
		t.Errorf("after redelivery got %v", types)
	}
	if got, _ := e.svc.EventDestination(e.ctx, buyer, d.ID); got.Status != mercato.DestinationActive {
		t.Errorf("destination %s after a success, want active", got.Status)
	}
}

func TestEventDestinationInput(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	cases := []struct {
		in    service.EventDestinationInput
		field string
	}{
		{service.EventDestinationInput{URL: "ftp://example.com/x"}, "url"},
		{service.EventDestinationInput{URL: "not a url"}, "url"},
		{service.EventDestinationInput{URL: "https://"}, "url"},
		{service.EventDestinationInput{URL: "https://example.com", Secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "secret"},
		{service.EventDestinationInput{URL: "https://example.com", Secret: "whsec_!!!"}, "secret"},
		{service.EventDestinationInput{URL: "https://example.com", Secret: "whsec_c2hvcnQ="}, "secret"},
		{service.EventDestinationInput{URL: "https://example.com", EventTypes: []string{"a", "a"}}, "eventTypes"},
	}
	for _, c := range cases {
		_, err := e.svc.CreateEventDestination(e.ctx, seller, c.in)
		var me *mercato.Error
		if !errors.As(err, &me) || me.Code != mercato.EInvalid || len(me.Fields) != 1 || me.Fields[0].Name != c.field {
			t.Errorf("%+v: got %v, want EInvalid naming %s", c.in, err, c.field)
		}
	}
	if _, err := e.svc.CreateEventDestination(e.ctx, seller, service.EventDestinationInput{AccountID: buyer, URL: "https://example.com"}); mercato.ErrorCodeOf(err) != mercato.EForbidden {
		t.Errorf("a destination for another account: %v", err)
	}
	d, err := e.svc.CreateEventDestination(e.ctx, seller, service.EventDestinationInput{URL: "https://example.com/hook"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mercato.WebhookKey(d.Secret); err != nil {
		t.Errorf("generated secret %q: %v", d.Secret, err)
	}
	if _, err := e.svc.EventDestination(e.ctx, buyer, d.ID); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("another account sees the destination: %v", err)
	}
	r, err := e.svc.RotateDestinationSecret(e.ctx, seller, d.ID, "")
	if err != nil || r.Secret == d.Secret {
		t.Errorf("rotate: %v, %v", r.Secret, err)
	}
	if err := e.svc.DeleteEventDestination(e.ctx, seller, d.ID); err != nil {
		t.Fatal(err)
	}
	if ds, _ := e.svc.EventDestinations(e.ctx, seller); len(ds) != 0 {
		t.Errorf("after delete: %+v", ds)
	}
}

// TestScenarioEventDestinations: the scenario's destinations receive the events of the
// scenario's own agreements; applying it again changes nothing; an unknown account is named.
func TestScenarioEventDestinations(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, testSecret)
	e.marketplace()
	sc := mercato.Scenario{
		EventDestinations: []mercato.ScenarioEventDestination{{AccountID: seller, URL: rcv.srv.URL, Secret: testSecret,
			EventTypes: []string{"Purchase Agreement Created - Proposer"}}},
		Agreements: []mercato.ScenarioAgreement{{ID: "agmt-sc-1", OfferID: "offer-public", BuyerID: buyer, AcceptedAt: e.svc.Now()}},
	}
	e.apply(sc)
	e.apply(sc)
	ds, err := e.svc.EventDestinations(e.ctx, seller)
	if err != nil || len(ds) != 1 || ds[0].Secret != testSecret {
		t.Fatalf("destinations after two applies: %+v, %v", ds, err)
	}
	e.deliver()
	if got := rcv.types("agmt-sc-1"); !slices.Equal(got, []string{"Purchase Agreement Created - Proposer"}) {
		t.Errorf("got %v", got)
	}
	err = e.svc.ApplyScenario(e.ctx, mercato.Scenario{EventDestinations: []mercato.ScenarioEventDestination{
		{AccountID: "999999999999", URL: rcv.srv.URL}}})
	if mercato.ErrorCodeOf(err) != mercato.ENotFound || !strings.Contains(err.Error(), "eventDestinations[0]") {
		t.Errorf("unknown account: %v", err)
	}
}

// TestProductionRefusesInternalDestinations: on a real clock a destination naming a loopback,
// private or link-local address (or localhost) is refused, naming the url field and the
// address, unless the operator allows its network; the sandbox takes them all.
func TestProductionRefusesInternalDestinations(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "prod.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	prod := service.New(store, mercato.RealClock{})
	(&env{t: t, ctx: ctx, svc: prod, store: store}).marketplace()
	for _, u := range []string{"http://127.0.0.1:9000/events", "http://localhost/events", "http://[::1]/e",
		"http://169.254.169.254/latest/meta-data", "https://10.1.2.3/e", "http://[::ffff:192.168.1.1]/e"} {
		_, err := prod.CreateEventDestination(ctx, seller, service.EventDestinationInput{URL: u})
		var me *mercato.Error
		if !errors.As(err, &me) || me.Code != mercato.EInvalid || len(me.Fields) != 1 || me.Fields[0].Name != "url" ||
			!strings.Contains(me.Fields[0].Message, "internal address") {
			t.Errorf("production, %s: %v", u, err)
		}
	}
	if _, err := prod.CreateEventDestination(ctx, seller, service.EventDestinationInput{URL: "https://events.example.com/mercato"}); err != nil {
		t.Errorf("production, a public name: %v", err)
	}
	tenNet := service.New(store, mercato.RealClock{}, service.WithDestinationPolicy(
		webhook.AddressPolicy{Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}))
	if _, err := tenNet.CreateEventDestination(ctx, seller, service.EventDestinationInput{URL: "https://10.1.2.3/e"}); err != nil {
		t.Errorf("production allowing 10.0.0.0/8: %v", err)
	}
	if _, err := tenNet.CreateEventDestination(ctx, seller, service.EventDestinationInput{URL: "https://192.168.0.1/e"}); mercato.ErrorCodeOf(err) != mercato.EInvalid {
		t.Errorf("production allowing 10.0.0.0/8 only, 192.168.0.1: %v", err)
	}
	sandbox := service.New(store, mercato.NewSimClock(time.Now()))
	if _, err := sandbox.CreateEventDestination(ctx, seller, service.EventDestinationInput{URL: "http://127.0.0.1:9000/events"}); err != nil {
		t.Errorf("sandbox, loopback: %v", err)
	}
}

// TestProductionDeliversAtOnce: on a real clock, the deliverer is woken by the commit, so an
// acceptance reaches the receiver well within a second.
func TestProductionDeliversAtOnce(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "prod.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The receiver listens on loopback, which production refuses unless the operator allows it.
	loopback := webhook.AddressPolicy{Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	e := &env{t: t, ctx: context.Background(), store: store,
		svc: service.New(store, mercato.RealClock{}, service.WithDestinationPolicy(loopback))}
	t.Cleanup(func() {
		if err := e.svc.CheckBooks(context.Background()); err != nil {
			t.Errorf("ledger: %v", err)
		}
		store.Close()
	})
	rcv := newReceiver(t, testSecret)
	e.marketplace()
	if _, err := e.svc.CreateEventDestination(e.ctx, seller, service.EventDestinationInput{URL: rcv.srv.URL, Secret: testSecret}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go e.svc.RunDeliveries(ctx, webhook.NewSender(loopback))
	time.Sleep(50 * time.Millisecond) // let it settle into waiting
	for i, o := range []struct{ offer, buyer string }{{"offer-public", buyer}, {"offer-public", buyer2}} {
		committed := time.Now()
		a := e.accept(o.offer, o.buyer)
		for len(rcv.types(a.ID)) == 0 {
			if time.Since(committed) > time.Second {
				t.Fatalf("acceptance %d not delivered within 1 s", i)
			}
			time.Sleep(time.Millisecond)
		}
		t.Logf("delivered %v after the commit", time.Since(committed))
	}
}

// TestDeliveryLogRetention: the delivery log is kept for mercato.DeliveryLogRetention of
// business time, then pruned; the events stay and can still be redelivered.
func TestDeliveryLogRetention(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t, testSecret)
		e.marketplace()
		d, err := e.svc.CreateEventDestination(e.ctx, seller, service.EventDestinationInput{URL: rcv.srv.URL, Secret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		a := e.accept("offer-public", buyer)
		e.deliver()
		logged := func() []mercato.DeliveryAttempt {
			t.Helper()
			log, err := e.svc.DeliveryLog(e.ctx, seller, d.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			return log
		}
		kept := logged()
		if len(kept) == 0 {
			t.Fatal("nothing was delivered")
		}
		e.advanceTo(e.svc.Now().Add(mercato.DeliveryLogRetention - time.Hour))
		e.deliver()
		if n, err := e.svc.PruneDeliveryLog(e.ctx); err != nil || n != 0 {
			t.Errorf("prune within the retention: %d rows, %v", n, err)
		}
		if got := logged(); len(got) < len(kept) {
			t.Errorf("%d attempts logged within the retention, want at least %d", len(got), len(kept))
		}
		e.advanceTo(e.svc.Now().Add(mercato.DeliveryLogRetention))
		e.deliver()
		n, err := e.svc.PruneDeliveryLog(e.ctx)
		if err != nil || n < len(kept) { // each delivered event: its attempt (made at once, it has no queue row)
			t.Errorf("prune past the retention: %d rows, %v; want at least %d", n, err, len(kept))
		}
		cut := e.svc.Now().Add(-mercato.DeliveryLogRetention)
		for _, at := range logged() { // the move itself made later events, which stay
			if at.Time.Before(cut) || slices.ContainsFunc(kept, func(k mercato.DeliveryAttempt) bool { return k.ID == at.ID }) {
				t.Errorf("attempt of %v left after pruning: %+v", at.Time, at)
			}
		}
		before := len(rcv.types(a.ID))
		if err := e.svc.RedeliverEvent(e.ctx, seller, d.ID, kept[len(kept)-1].EventUID); err != nil {
			t.Fatalf("redeliver a pruned delivery's event: %v", err)
		}
		e.deliver()
		if got := len(rcv.types(a.ID)); got != before+1 {
			t.Errorf("the redelivered event arrived %d times more, want once", got-before)
		}
	})
}

// TestTailMissesNoLateCommit: an event whose transaction commits after a later-numbered one was
// read still reaches a follower of the account's events. Event IDs come from a sequence when
// the row is written, so on PostgreSQL a transaction that commits late leaves an ID below one
// already read; the follower reads by queue position, given in commit order. (SQLite has one
// writer at a time: IDs are in commit order there, and the held transaction would block.)
func TestTailMissesNoLateCommit(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		if t.Name() == "TestTailMissesNoLateCommit/SQLite" {
			t.Skip("one writer at a time: no transaction commits around another")
		}
		e.marketplace()
		_, from, err := e.svc.EventsAfter(e.ctx, seller, -1, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		inserted, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			done <- e.store.Update(e.ctx, func(tx mercato.Tx) error {
				err := tx.InsertEvents(mercato.Event{UID: "late-1", Time: e.svc.Now(), AccountID: seller, Source: "mercato",
					DetailType: "Late", ResourceID: "late", Detail: []byte(`{}`)})
				close(inserted)
				<-release
				return err
			})
		}()
		<-inserted
		a := e.accept("offer-public", buyer) // commits events numbered after late-1
		e.deliver()
		got, next, err := e.svc.EventsAfter(e.ctx, seller, from, 100, 0)
		if err != nil || len(got) == 0 {
			t.Fatalf("events of the acceptance: %v, %v", got, err)
		}
		for _, ev := range got {
			if ev.UID == "late-1" || ev.ResourceID != a.ID && !strings.Contains(string(ev.Detail), a.ID) {
				t.Errorf("before the late commit: %s %s", ev.DetailType, ev.ResourceID)
			}
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		e.deliver()
		rest, _, err := e.svc.EventsAfter(e.ctx, seller, next, 100, 0)
		if err != nil || len(rest) != 1 || rest[0].UID != "late-1" {
			t.Errorf("after the late commit: %+v, %v; want late-1", rest, err)
		}
	})
}

// deletingSender deletes the destination at its first attempt, and fails every attempt: a
// destination deleted while its deliveries are under way.
type deletingSender struct {
	e    *env
	id   string
	once sync.Once
	err  error
}

func (s *deletingSender) Send(context.Context, webhook.Request) webhook.Result {
	s.once.Do(func() { s.err = s.e.svc.DeleteEventDestination(s.e.ctx, seller, s.id) })
	return webhook.Result{StatusCode: http.StatusInternalServerError, Err: errors.New("answered 500"), Time: time.Now()}
}

// TestDeletedDestinationLeavesNothingQueued: the failures of a pass to a destination deleted
// meanwhile queue no delivery that nothing would ever make; their attempts are still logged.
func TestDeletedDestinationLeavesNothingQueued(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		d, err := e.svc.CreateEventDestination(e.ctx, seller, service.EventDestinationInput{URL: "http://127.0.0.1:9/events", Secret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		e.accept("offer-public", buyer)
		sender := &deletingSender{e: e, id: d.ID}
		if err := e.svc.DeliverDue(e.ctx, sender); err != nil || sender.err != nil {
			t.Fatalf("deliver: %v; delete: %v", err, sender.err)
		}
		if n, err := e.svc.DeliveryBacklog(e.ctx); err != nil || n != 0 {
			t.Errorf("backlog after the destination was deleted = %d, %v; want 0", n, err)
		}
	})
}
