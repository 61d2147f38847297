package service_test

import (
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// Business time is stored on every move and resumed exactly, to the nanosecond, by a service
// built with any other start (a scenario's earlier clock, the wall clock's later one); a service
// whose clock is behind never stores its earlier time over it.
func TestClockIsResumedExactly(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		moved := time.Date(2026, 1, 3, 7, 30, 15, 123456789, time.UTC)
		if _, err := e.svc.MoveClock(e.ctx, moved); err != nil {
			t.Fatal(err)
		}
		for _, start := range []time.Time{day(2026, 1, 1), day(2026, 12, 6)} {
			restarted := service.New(e.store, mercato.NewSimClock(start))
			if err := restarted.RestoreClock(e.ctx); err != nil {
				t.Fatal(err)
			}
			if now := restarted.Now(); !now.Equal(moved) {
				t.Errorf("built at %s: resumed at %s, want %s", start, now, moved)
			}
		}

		// A service left behind (another process's, say) moves its own clock but not the stored one.
		behind := service.New(e.store, mercato.NewSimClock(day(2026, 1, 2)))
		if _, err := behind.MoveClock(e.ctx, day(2026, 1, 2).Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		restarted := service.New(e.store, mercato.NewSimClock(day(2026, 1, 1)))
		if err := restarted.RestoreClock(e.ctx); err != nil || !restarted.Now().Equal(moved) {
			t.Errorf("after a move behind the stored time: resumed at %s (%v), want %s", restarted.Now(), err, moved)
		}
	})
}

// A fresh database stores the clock's start at once, so that a restart before any move resumes
// it rather than the wall clock of the restart.
func TestClockStartIsStored(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	first := service.New(e.store, mercato.NewSimClock(start))
	if err := first.RestoreClock(e.ctx); err != nil || !first.Now().Equal(start) {
		t.Fatalf("fresh start: %s, %v", first.Now(), err)
	}
	again := service.New(e.store, mercato.NewSimClock(start.Add(time.Hour)))
	if err := again.RestoreClock(e.ctx); err != nil || !again.Now().Equal(start) {
		t.Errorf("restart: %s (%v), want %s", again.Now(), err, start)
	}
}
