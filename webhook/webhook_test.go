package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"mercato"
	"mercato/webhook"
)

// TestSignSpecExample signs the example of the Standard Webhooks specification (its secret,
// message id, timestamp and payload) and gets the signature the specification gives.
func TestSignSpecExample(t *testing.T) {
	key, err := mercato.WebhookKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := webhook.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

// TestSend posts with the headers, counts only a 2xx as delivered and follows no redirect.
func TestSend(t *testing.T) {
	var got http.Header
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		if status == http.StatusFound {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	key := []byte("0123456789abcdef01234567")
	s := webhook.NewSender(webhook.AddressPolicy{AllowInternal: true})
	body := []byte(`{"id":"evt-1"}`)
	res := s.Send(context.Background(), webhook.Request{URL: srv.URL, Key: key, ID: "evt-1", Body: body})
	if res.Err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("Send: %+v", res)
	}
	ts, err := strconv.ParseInt(got.Get("webhook-timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute || ts != res.Time.Unix() {
		t.Errorf("webhook-timestamp %q at %v", got.Get("webhook-timestamp"), res.Time)
	}
	if got.Get("webhook-id") != "evt-1" || got.Get("Content-Type") != "application/json" ||
		got.Get("webhook-signature") != webhook.Sign(key, "evt-1", ts, body) {
		t.Errorf("headers %v", got)
	}
	for _, status = range []int{http.StatusInternalServerError, http.StatusFound, http.StatusGone} {
		if res := s.Send(context.Background(), webhook.Request{URL: srv.URL, Key: key, ID: "evt-1", Body: body}); res.Err == nil || res.StatusCode != status {
			t.Errorf("answer %d: %+v", status, res)
		}
	}
	srv.Close()
	if res := s.Send(context.Background(), webhook.Request{URL: srv.URL, Key: key, ID: "evt-1", Body: body}); res.Err == nil || res.StatusCode != 0 {
		t.Errorf("no server: %+v", res)
	}
}
