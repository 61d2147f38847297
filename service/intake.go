package service

import "sync"

// maxIntake bounds how many calls one run of an intake takes: enough for every client of a busy
// node to share a transaction, few enough that one job completes what a run accepted (at most
// 5 adjustments a call) in a transaction of reasonable size.
const maxIntake = 64

// minExtraRun is how many calls must be waiting for a runner to run them beside another: a
// transaction costs its round trips and its commit whatever it carries, and a second runner
// that took each call as it came would carry one call a transaction (on PostgreSQL, 1,064 of
// about 2,600 acceptance transactions did, in the adjustments benchmark). 16 measured better
// there than 8, and than waiting for as many calls as the other runner carries.
const minExtraRun = 16

// intake runs calls that arrive while it is busy together, in one run of a function (one
// transaction, typically): a call that finds no runner starts one, and a runner takes all the
// calls waiting, up to maxIntake, run after run until none is left. So a lone call does not
// wait, and under load calls wait for at most the runs under way, then share one. Up to limit
// runners run at once, letting one transaction be committed while the next is built; a runner
// beside another starts, or goes on, only for at least minExtraRun waiting calls, and the
// other takes fewer when its run ends.
type intake[T any] struct {
	limit int // runners at most; 0 means 1

	mu      sync.Mutex
	waiting []T
	running int
}

// submit queues c; run receives it in a later batch, and must answer every call it receives.
func (in *intake[T]) submit(c T, run func([]T)) {
	in.mu.Lock()
	in.waiting = append(in.waiting, c)
	start := in.running == 0 || in.running < in.limit && len(in.waiting) >= minExtraRun
	if start {
		in.running++
	}
	in.mu.Unlock()
	if start {
		go in.drain(run)
	}
}

func (in *intake[T]) drain(run func([]T)) {
	for {
		in.mu.Lock()
		n := min(len(in.waiting), maxIntake)
		if n == 0 || in.running > 1 && n < minExtraRun {
			in.running--
			in.mu.Unlock()
			return
		}
		batch := in.waiting[:n:n]
		in.waiting = append([]T(nil), in.waiting[n:]...)
		in.mu.Unlock()
		run(batch)
	}
}
