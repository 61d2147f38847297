package awsapi

import (
	"net/http"
	"testing"
	"time"
)

// TestFloodGate: a burst of floodBurst lines goes through, then floodRate a second; the next
// line let through counts those held back; statuses without a gate always go through.
func TestFloodGate(t *testing.T) {
	g := newFloodGates()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range floodBurst {
		if ok, n := g.admit(http.StatusForbidden, t0); !ok || n != 0 {
			t.Fatalf("line %d of the burst: admitted %v, suppressed %d", i, ok, n)
		}
	}
	for range 30 {
		if ok, _ := g.admit(http.StatusForbidden, t0); ok {
			t.Fatal("a line past the burst was admitted")
		}
	}
	if ok, _ := g.admit(http.StatusTooManyRequests, t0); !ok {
		t.Error("another status's gate was emptied by the 403s")
	}
	if ok, _ := g.admit(http.StatusOK, t0); !ok {
		t.Error("a 200 went through a gate")
	}
	// 50 ms later half a line has accrued; 100 ms later a whole one, carrying the 31 held back.
	if ok, _ := g.admit(http.StatusForbidden, t0.Add(50*time.Millisecond)); ok {
		t.Error("admitted on half a token")
	}
	if ok, n := g.admit(http.StatusForbidden, t0.Add(100*time.Millisecond)); !ok || n != 31 {
		t.Errorf("after refill: admitted %v, suppressed %d; want true, 31", ok, n)
	}
	// A quiet minute refills the burst, no more.
	later := t0.Add(time.Minute)
	admitted := 0
	for range 2 * floodBurst {
		if ok, _ := g.admit(http.StatusForbidden, later); ok {
			admitted++
		}
	}
	if admitted != floodBurst {
		t.Errorf("after a quiet minute %d lines admitted, want %d", admitted, floodBurst)
	}
}
