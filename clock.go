package mercato

import (
	"sync"
	"time"
)

// Clock tells business time: when a charge is due, an offer expires, a request auto-approves.
// Request signing, sessions and logs use the wall clock, never a Clock.
type Clock interface {
	Now() time.Time
}

// RealClock is the wall clock, in UTC.
type RealClock struct{}

// Now returns the current UTC time.
func (RealClock) Now() time.Time { return time.Now().UTC() }

// SimClock is a simulated clock for the sandbox and for tests. It only moves when told to.
type SimClock struct {
	mu  sync.RWMutex
	now time.Time
}

// NewSimClock returns a simulated clock showing t.
func NewSimClock(t time.Time) *SimClock { return &SimClock{now: t.UTC()} }

// Now returns the simulated time.
func (c *SimClock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.now
}

// Set moves the clock to t. Moving it backwards is the caller's decision to forbid: the service
// does, the tests sometimes need to.
func (c *SimClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}
