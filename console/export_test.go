package console

import "time"

// SetWallClock replaces the wall clock that sign-in throttling counts on, so tests can let a
// minute pass without waiting for it.
func SetWallClock(c *Console, now func() time.Time) { c.wall = now }
