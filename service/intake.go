package service

import "sync"

// maxIntake bounds how many calls one run of an intake takes: enough for every client of a busy
// node to share a transaction, few enough that one job completes what a run accepted (at most
// 5 adjustments a call) in a transaction of reasonable size.
const maxIntake = 64

// intake runs calls that arrive while it is busy together, in one run of a function (one
// transaction, typically): a call that finds fewer than limit runners starts one, and a runner
// takes all the calls waiting, up to maxIntake, run after run until none is left. So a lone call
// does not wait, and under load calls wait for at most the runs under way, then share one.
// Two runners let one transaction be committed while the next is built.
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
	start := in.running < max(1, in.limit)
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
		if n == 0 {
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
