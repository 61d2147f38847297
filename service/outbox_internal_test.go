package service

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"mercato"
	"mercato/sqlite"
)

// TestFollowersWokenWhenEventsAreQueued: a follower of an account's events (EventsAfter) reads
// them by queue position, so what must wake it is their queueing, not their commit: woken at the
// commit it finds nothing yet, and would wait for the next commit or its one-second poll.
func TestFollowersWokenWhenEventsAreQueued(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "mercato.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	s := New(store, mercato.NewSimClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	err = s.store.Update(ctx, func(tx mercato.Tx) error {
		return tx.InsertEvents(mercato.Event{UID: "e-1", Time: s.Now(), AccountID: "111111111111", Source: "mercato",
			DetailType: "X", ResourceID: "r", Detail: []byte(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	waiting := s.deliveries.waitChan() // a follower that read after the commit: nothing queued yet
	if n, err := s.queueEvents(ctx); err != nil || n != 1 {
		t.Fatalf("queued %d events, %v; want 1", n, err)
	}
	select {
	case <-waiting:
	default:
		t.Error("queueing the event did not wake the followers waiting for it")
	}
	events, _, err := s.EventsAfter(ctx, "111111111111", 0, 10, 0)
	if err != nil || len(events) != 1 {
		t.Errorf("events after queueing: %v, %v; want e-1", events, err)
	}
}
