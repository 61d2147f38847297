package service

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestIntakeGroupsWaitingCalls checks the intake's contract: every call is run exactly once and
// answered, no more runs go at once than the limit, calls that arrive while runs are under way
// share the next one, and no run exceeds maxIntake calls.
func TestIntakeGroupsWaitingCalls(t *testing.T) {
	type call struct {
		n    int
		done chan struct{}
	}
	in := intake[*call]{limit: 2}
	var (
		mu         sync.Mutex
		seen       = map[int]int{}
		runs       int
		biggest    int
		running    atomic.Int32
		maxRunning atomic.Int32
	)
	run := func(batch []*call) {
		now := running.Add(1)
		for {
			old := maxRunning.Load()
			if now <= old || maxRunning.CompareAndSwap(old, now) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond) // a transaction's worth of time, for the others to queue
		mu.Lock()
		runs++
		biggest = max(biggest, len(batch))
		for _, c := range batch {
			seen[c.n]++
		}
		mu.Unlock()
		running.Add(-1)
		for _, c := range batch {
			close(c.done)
		}
	}
	const calls = 300
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &call{n: i, done: make(chan struct{})}
			in.submit(c, run)
			<-c.done
		}()
	}
	wg.Wait()
	for i := range calls {
		if seen[i] != 1 {
			t.Errorf("call %d ran %d times", i, seen[i])
		}
	}
	if m := maxRunning.Load(); m > 2 {
		t.Errorf("%d runs at once, limit 2", m)
	}
	if runs >= calls/2 {
		t.Errorf("%d runs for %d concurrent calls: calls that waited did not share runs", runs, calls)
	}
	if biggest > maxIntake {
		t.Errorf("a run took %d calls, more than maxIntake %d", biggest, maxIntake)
	}
	// A runner answers its calls before it looks for more, so it may still be finishing.
	for deadline := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
		in.mu.Lock()
		runners, waiting := in.running, len(in.waiting)
		in.mu.Unlock()
		if runners == 0 && waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after all calls: %d runners, %d waiting", runners, waiting)
		}
	}
}
