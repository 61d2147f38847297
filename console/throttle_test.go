package console

import (
	"strconv"
	"testing"
	"time"
)

func TestThrottleWindow(t *testing.T) {
	th := newThrottle()
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for i := range signInFailures {
		if w := th.wait(t0, "k"); w != 0 {
			t.Fatalf("before failure %d: wait %v", i+1, w)
		}
		th.fail(t0.Add(time.Duration(i)*10*time.Second), "k")
	}
	// Failures at 0, 10, 20, 30 and 40 s: refused until the first is a minute old.
	if w := th.wait(t0.Add(45*time.Second), "k"); w != 15*time.Second {
		t.Errorf("at 45 s: wait %v, want 15s", w)
	}
	if w := th.wait(t0.Add(45*time.Second), "other"); w != 0 {
		t.Errorf("another key: wait %v, want 0", w)
	}
	if w := th.wait(t0.Add(60*time.Second), "k"); w != 0 {
		t.Errorf("at 60 s: wait %v, want 0 (four failures in the last minute)", w)
	}
	if n := len(th.failures["k"]); n != signInFailures {
		t.Errorf("%d failures remembered, want at most %d", n, signInFailures)
	}
}

// The throttle remembers at most maxThrottled keys: when all are still counting, a new key is
// refused rather than an old one forgotten; once they age out, there is room again.
func TestThrottleIsBounded(t *testing.T) {
	th := newThrottle()
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for i := range maxThrottled {
		th.fail(t0, strconv.Itoa(i))
	}
	if w := th.wait(t0, "new"); w != signInWindow {
		t.Errorf("a new key with the throttle full: wait %v, want %v", w, signInWindow)
	}
	if w := th.wait(t0, "7"); w != 0 {
		t.Errorf("a known key with one failure: wait %v, want 0", w)
	}
	if w := th.wait(t0.Add(signInWindow), "new"); w != 0 || len(th.failures) != 0 {
		t.Errorf("a minute later: wait %v with %d keys remembered, want 0 and 0", w, len(th.failures))
	}
}
