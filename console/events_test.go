package console_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/webhook"
)

// TestEventDestinationPages: the seller adds a destination (a bad URL is refused with its
// problem), sees its secret, redelivers an event to it, sees the failed attempts in its log and
// the destination marked failing once a delivery gave up; another account cannot see it; the
// seller rotates its secret and deletes it.
func TestEventDestinationPages(t *testing.T) {
	e := newEnv(t)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer down.Close()
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	if r := seller.get("/console/events"); r.status != http.StatusOK || !strings.Contains(r.body, `id="no-destinations"`) {
		t.Fatalf("events page: %d\n%s", r.status, r.body)
	}
	token := seller.csrf("/console/events")
	r := seller.post("/console/events/destinations", seller.form(token, "url", "ftp://example.com/x"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "must be an http or https URL") {
		t.Fatalf("bad URL: %d\n%s", r.status, r.body)
	}
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	r = seller.post("/console/events/destinations", seller.form(token, "url", down.URL+"/hooks", "secret", secret))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/console/events/destinations/dest-") {
		t.Fatalf("add: %d to %q\n%s", r.status, r.location, r.body)
	}
	page := strings.TrimSuffix(r.location, "?notice=destination-added")
	if r := seller.get(r.location); !strings.Contains(r.body, secret) || !strings.Contains(r.body, `id="notice"`) {
		t.Fatalf("destination page: %d\n%s", r.status, r.body)
	}

	// Redeliver one of the account's events; the receiver refuses it until the retries run out.
	events, err := e.svc.LatestEvents(e.ctx, "111122223333", 1)
	if err != nil || len(events) != 1 {
		t.Fatalf("events: %v, %v", events, err)
	}
	if r := seller.post(page+"/redeliver", seller.form(token, "event", events[0].UID)); r.status != http.StatusSeeOther {
		t.Fatalf("redeliver: %d\n%s", r.status, r.body)
	}
	sender := webhook.NewSender(webhook.AddressPolicy{AllowInternal: true})
	if err := e.svc.DeliverDue(e.ctx, sender); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Advance(e.ctx, e.svc.Now().Add(73*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeliverDue(e.ctx, sender); err != nil {
		t.Fatal(err)
	}
	if r := seller.get(page); !strings.Contains(r.body, `id="destination-failing"`) || !strings.Contains(r.body, `<span class="badge badge-bad">failed</span>`) || strings.Count(r.body, ">500<") < 2 {
		t.Errorf("failing destination page:\n%s", r.body)
	}
	if r := seller.get("/console/events"); !strings.Contains(r.body, `class="row-bad"`) {
		t.Errorf("the list does not mark the failing destination:\n%s", r.body)
	}

	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	if r := buyer.get(page); r.status != http.StatusNotFound {
		t.Errorf("another account sees the destination: %d", r.status)
	}
	if r := seller.post(page+"/rotate", seller.form(token)); r.status != http.StatusSeeOther {
		t.Fatalf("rotate: %d", r.status)
	}
	if r := seller.get(page); strings.Contains(r.body, secret) || !strings.Contains(r.body, mercato.WebhookSecretPrefix) {
		t.Errorf("the secret did not change")
	}
	if r := seller.post(page+"/delete", seller.form(token)); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if r := seller.get("/console/events"); !strings.Contains(r.body, `id="no-destinations"`) {
		t.Errorf("after delete:\n%s", r.body)
	}
}
