package service

import (
	"testing"
	"time"

	"mercato"
)

// TestRetrySchedule checks the backoff by hand: 30 s after the first failure, doubling, capped
// at 12 h; a delivery queued at 0 gives up at the first failure whose next attempt would fall
// after 72 h. Cumulative times of the attempts: 0, 30s, 1m30s, 3m30s, 7m30s, 15m30s, 31m30s,
// 1h03m30s, 2h07m30s, 4h15m30s, 8h31m30s, 17h03m30s, then +12 h each: 29h03m30s, 41h03m30s,
// 53h03m30s, 65h03m30s; the 16th attempt's failure would wait until 77h03m30s > 72 h.
func TestRetrySchedule(t *testing.T) {
	delays := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, 64 * time.Minute, 128 * time.Minute, 256 * time.Minute, 512 * time.Minute,
		12 * time.Hour, 12 * time.Hour, 12 * time.Hour}
	for i, want := range delays {
		if got := retryDelay(i + 1); got != want {
			t.Errorf("retryDelay(%d) = %v, want %v", i+1, got, want)
		}
	}
	if got := retryDelay(1000); got != 12*time.Hour {
		t.Errorf("retryDelay(1000) = %v", got)
	}

	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := mercato.Delivery{Status: mercato.DeliveryPending, CreatedAt: t0, NextAt: t0}
	var at []time.Duration
	for d.Status == mercato.DeliveryPending {
		at = append(at, d.NextAt.Sub(t0))
		d = afterAttempt(d, false, d.NextAt)
	}
	want := []string{"0s", "30s", "1m30s", "3m30s", "7m30s", "15m30s", "31m30s", "1h3m30s", "2h7m30s", "4h15m30s",
		"8h31m30s", "17h3m30s", "29h3m30s", "41h3m30s", "53h3m30s", "65h3m30s"}
	if len(at) != len(want) {
		t.Fatalf("attempts at %v, want %v", at, want)
	}
	for i := range want {
		if at[i].String() != want[i] {
			t.Errorf("attempt %d at %v, want %s", i+1, at[i], want[i])
		}
	}
	if d.Status != mercato.DeliveryFailed || d.Attempts != 16 {
		t.Errorf("after the last failure: %+v", d)
	}
	if ok := afterAttempt(mercato.Delivery{CreatedAt: t0}, true, t0.Add(time.Hour)); ok.Status != mercato.DeliveryDelivered || ok.Attempts != 1 {
		t.Errorf("a success: %+v", ok)
	}
}
