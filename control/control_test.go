package control_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/control"
	"mercato/service"
	"mercato/sqlite"
)

// sandbox serves /_mercato/ over a sandbox service on a fresh SQLite database, its clock at
// 1 Jan 2026, and returns the server's URL and the store.
func sandbox(t *testing.T) (string, mercato.Store) {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "control.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := service.New(store, mercato.NewSimClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	mux := http.NewServeMux()
	control.New(svc, slog.New(slog.DiscardHandler), nil).Register(mux, "")
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, store
}

// A move of the clock answers what its jobs did: still 200, since the clock did move, but with
// the jobs that failed on the way, what they are and why.
func TestClockMoveReportsFailedJobs(t *testing.T) {
	url, store := sandbox(t)
	// A job of a kind this version has no handler for: every attempt fails.
	due := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	err := store.Update(context.Background(), func(tx mercato.Tx) error {
		_, err := tx.PutJobs(mercato.Job{Kind: "retired-kind", Key: "retired:1", DueAt: due, RunAt: due, Status: mercato.JobPending})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// The first attempt fails at 06:00; the move stops before the retry at 06:01.
	none := map[string]any{"invoices": float64(0), "creditMemos": float64(0), "payments": float64(0), "payouts": float64(0)}
	want := map[string]any{
		"issued": none,
		"now":    "2026-01-01T06:00:30Z",
		"done":   map[string]any{},
		"failed": []any{map[string]any{
			"id": float64(1), "kind": "retired-kind", "key": "retired:1", "dueAt": "2026-01-01T06:00:00Z",
			"status": "pending", "attempts": float64(1), "lastError": `no handler for job kind "retired-kind"`,
			"nextAttemptAt": "2026-01-01T06:01:00Z",
		}},
	}
	if diff := cmp.Diff(want, moveClock(t, url, `{"set":"2026-01-01T06:00:30Z"}`)); diff != "" {
		t.Errorf("clock move with a retry pending (-want +got):\n%s", diff)
	}

	// The next move tries it four more times, then gives up.
	want = map[string]any{
		"issued": none,
		"now":    "2026-01-02T00:00:00Z",
		"done":   map[string]any{},
		"failed": []any{map[string]any{
			"id": float64(1), "kind": "retired-kind", "key": "retired:1", "dueAt": "2026-01-01T06:00:00Z",
			"status": "failed", "attempts": float64(5), "lastError": `no handler for job kind "retired-kind"`,
		}},
	}
	if diff := cmp.Diff(want, moveClock(t, url, `{"set":"2026-01-02T00:00:00Z"}`)); diff != "" {
		t.Errorf("clock move answer (-want +got):\n%s", diff)
	}

	// A move on which nothing fails has an empty list.
	want = map[string]any{"now": "2026-01-03T00:00:00Z", "done": map[string]any{}, "failed": []any{}, "issued": none}
	if diff := cmp.Diff(want, moveClock(t, url, `{"advance":"24h"}`)); diff != "" {
		t.Errorf("quiet clock move (-want +got):\n%s", diff)
	}
}

// moveClock posts the request to /_mercato/clock and returns the answer, which must be a 200.
func moveClock(t *testing.T, url, request string) map[string]any {
	t.Helper()
	resp, err := http.Post(url+"/_mercato/clock", "application/json", strings.NewReader(request))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_mercato/clock %s: %d %s", request, resp.StatusCode, body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return got
}
