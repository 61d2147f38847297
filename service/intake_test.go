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

// TestIntakeStartsASecondRunForEnoughCalls checks that a lone call runs at once, that calls
// arriving while a run is under way wait for it rather than start a run each, and that a second
// run starts beside it once minExtraRun calls are waiting.
func TestIntakeStartsASecondRunForEnoughCalls(t *testing.T) {
	in := intake[chan struct{}]{limit: 2}
	gate := make(chan struct{})
	started := make(chan int, 16) // the size of each run, as it starts
	run := func(batch []chan struct{}) {
		started <- len(batch)
		if len(batch) == 1 {
			<-gate // the first run holds until the test lets it go
		}
		for _, done := range batch {
			close(done)
		}
	}
	submit := func() chan struct{} {
		done := make(chan struct{})
		in.submit(done, run)
		return done
	}
	first := submit()
	if n := <-started; n != 1 {
		t.Fatalf("a lone call ran in a run of %d", n)
	}
	var rest []chan struct{}
	for range minExtraRun - 1 {
		rest = append(rest, submit())
	}
	select {
	case n := <-started:
		t.Fatalf("a run of %d started beside the first with fewer than %d calls waiting", n, minExtraRun)
	case <-time.After(50 * time.Millisecond):
	}
	rest = append(rest, submit())
	select {
	case n := <-started:
		if n != minExtraRun {
			t.Errorf("the second run took %d calls, want the %d waiting", n, minExtraRun)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no second run with %d calls waiting", minExtraRun)
	}
	for _, done := range rest {
		<-done
	}
	close(gate)
	<-first
}
