package awsapi

import (
	"net/http"
	"sync"
	"time"
)

// The request log lets through at most floodBurst lines at once, and floodRate a second after
// that, of each kind of answer a client can repeat as fast as it likes without doing anything:
// refused signatures (403), bodies over the limit (413) and throttling (429, 503). A flood of
// them would otherwise cost the server a write per request and bury the log; the lines held
// back are counted, and the next line let through says how many (suppressed). Metrics count
// every request all the same.
const (
	floodBurst = 50
	floodRate  = 10.0
)

// floodGate is a token bucket of log lines for one status.
type floodGate struct {
	mu         sync.Mutex
	tokens     float64
	last       time.Time
	suppressed int
}

// admit reports whether a line may be written at now and, if it may, how many were held back
// since the last one.
func (g *floodGate) admit(now time.Time) (bool, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last.IsZero() {
		g.tokens = floodBurst
	} else {
		g.tokens = min(floodBurst, g.tokens+now.Sub(g.last).Seconds()*floodRate)
	}
	g.last = now
	if g.tokens < 1 {
		g.suppressed++
		return false, 0
	}
	g.tokens--
	n := g.suppressed
	g.suppressed = 0
	return true, n
}

// floodGates holds a gate for each status whose lines are rate-limited.
type floodGates map[int]*floodGate

func newFloodGates() floodGates {
	return floodGates{
		http.StatusForbidden:             {},
		http.StatusRequestEntityTooLarge: {},
		http.StatusTooManyRequests:       {},
		http.StatusServiceUnavailable:    {},
	}
}

// admit reports whether the line of an answer with the status may be written, and how many
// lines of that status were held back before it.
func (g floodGates) admit(status int, now time.Time) (bool, int) {
	gate, ok := g[status]
	if !ok {
		return true, 0
	}
	return gate.admit(now)
}
