package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/sqlite"
	"mercato/storetest"
)

// recordKind is the kind of the jobs the scheduler tests schedule: its handler records where and
// at which business time each attempt ran, and some of them schedule a job due at that time.
const recordKind mercato.JobKind = "test-record"

// attempt is one run of a recordKind job.
type attempt struct {
	key     string
	due, at time.Time
	node    int
}

// attempts records the runs of recordKind jobs, in the order they started, across nodes.
type attempts struct {
	mu  sync.Mutex
	ran []attempt
}

// recordPayload is a recordKind job's payload: Spawn makes it schedule a job due when it runs,
// as a job that creates work due at once does.
type recordPayload struct {
	Spawn bool `json:"spawn"`
}

// handle makes node i of nodes record the recordKind jobs it runs in l.
func (l *attempts) handle(nodes []*service.Service, stores []mercato.Store, i int) {
	service.HandleJobs(nodes[i], recordKind, func(ctx context.Context, j mercato.Job, now time.Time) error {
		l.mu.Lock()
		l.ran = append(l.ran, attempt{key: j.Key, due: j.DueAt, at: now, node: i})
		l.mu.Unlock()
		var p recordPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil || !p.Spawn {
			return err
		}
		err := putRecordJob(ctx, stores[i], j.Key+"/spawned", now, false)
		for _, n := range nodes {
			n.Wake()
		}
		return err
	})
}

// putRecordJob schedules a recordKind job due at due.
func putRecordJob(ctx context.Context, store mercato.Store, key string, due time.Time, spawn bool) error {
	b, err := json.Marshal(recordPayload{Spawn: spawn})
	if err != nil {
		return err
	}
	return store.Update(ctx, func(tx mercato.Tx) error {
		_, err := tx.PutJobs(mercato.Job{Kind: recordKind, Key: key, DueAt: due, RunAt: due, Payload: b, Status: mercato.JobPending})
		return err
	})
}

// TestClockMovesRaceTheScheduler moves a sandbox's clock through a day in steps while the
// scheduler runs in the background on every node (RunJobs, ticking every few milliseconds and
// woken at each new job) and requests keep scheduling jobs due at the current business time:
// every job runs exactly once; the attempts, in the order they start, never go back in business
// time; a job the move reaches runs at its own due time; and a job due now runs without a move.
// On PostgreSQL a second node, whose clock only the database tells it of, runs the scheduler
// too.
func TestClockMovesRaceTheScheduler(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		store, err := sqlite.Open(filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		raceClockAndScheduler(t, []mercato.Store{store})
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		base := os.Getenv("MERCATO_TEST_POSTGRES")
		if base == "" {
			t.Skip("MERCATO_TEST_POSTGRES is not set")
		}
		dsn := storetest.PostgresSchema(t, base)
		var stores []mercato.Store
		for range 2 {
			store, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			stores = append(stores, store)
		}
		raceClockAndScheduler(t, stores)
	})
}

// raceClockAndScheduler is TestClockMovesRaceTheScheduler with a node on each store (all one
// database); the first node moves the clock.
func raceClockAndScheduler(t *testing.T, stores []mercato.Store) {
	ctx := context.Background()
	start := day(2026, 1, 1)
	var nodes []*service.Service
	for _, st := range stores {
		t.Cleanup(func() { st.Close() })
		n := service.New(st, mercato.NewSimClock(start))
		if err := n.RestoreClock(ctx); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	var l attempts
	for i := range nodes {
		l.handle(nodes, stores, i)
	}

	// Jobs every half hour of the day from now, every third scheduling another at its time.
	scheduled := map[string]time.Time{}
	for i := range 48 {
		key, due := fmt.Sprintf("scheduled-%02d", i), start.Add(time.Duration(i)*30*time.Minute)
		scheduled[key] = due
		if err := putRecordJob(ctx, stores[0], key, due, i%3 == 0); err != nil {
			t.Fatal(err)
		}
	}

	runCtx, stopRunners := context.WithCancel(ctx)
	var runners sync.WaitGroup
	for _, n := range nodes {
		runners.Add(1)
		go func() { defer runners.Done(); n.RunJobs(runCtx, 3*time.Millisecond) }()
	}
	defer func() { stopRunners(); runners.Wait() }()

	movesDone := make(chan struct{})
	requestsDone := sendRequests(ctx, nodes, stores, movesDone)
	for step := range 12 {
		to := start.Add(time.Duration(step+1) * 2 * time.Hour)
		m, err := nodes[0].MoveClock(ctx, to)
		if err != nil || len(m.Failed) > 0 {
			t.Fatalf("move to %s: %v, failed %v", to, err, m.Failed)
		}
		time.Sleep(5 * time.Millisecond) // a moment for the scheduler between moves
	}
	close(movesDone)
	if err := <-requestsDone; err != nil {
		t.Fatal(err)
	}

	// The last requests' jobs are due now: the scheduler runs them without a move.
	end := nodes[0].Now()
	deadline := time.Now().Add(5 * time.Second)
	for pendingJobs(t, nodes[0]) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still pending 5 s after the last move", pendingJobs(t, nodes[0]))
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopRunners()
	runners.Wait()
	checkRaceAttempts(t, nodes[0], &l, scheduled, end)
}

// sendRequests schedules, every few milliseconds, a job due at the business time of the node a
// request reaches, as accepting a billing adjustment does, and wakes that node; up to 200 of
// them, and none after stop is closed (a move runs what falls due on its way, so a stream that
// never stopped would never let it end). The channel returned says how it ended.
func sendRequests(ctx context.Context, nodes []*service.Service, stores []mercato.Store, stop <-chan struct{}) <-chan error {
	done := make(chan error, 1)
	go func() {
		for i := range 200 {
			select {
			case <-stop:
				done <- nil
				return
			case <-time.After(3 * time.Millisecond):
			}
			n := i % len(nodes)
			if err := putRecordJob(ctx, stores[n], fmt.Sprintf("request-%03d", i), nodes[n].Now(), false); err != nil {
				done <- err
				return
			}
			nodes[n].Wake()
		}
		done <- nil
	}()
	return done
}

// pendingJobs counts the jobs that have not run yet.
func pendingJobs(t *testing.T, svc *service.Service) int {
	t.Helper()
	jobs, err := svc.Jobs(context.Background(), mercato.JobFilter{Status: mercato.JobPending})
	if err != nil {
		t.Fatal(err)
	}
	return len(jobs)
}

// checkRaceAttempts checks what raceClockAndScheduler's jobs did: each ran once, done at the
// first attempt; attempts never went back in business time; the scheduled ones and the ones they
// spawned ran at their due time; none ran before it was due, nor after the clock's end.
func checkRaceAttempts(t *testing.T, svc *service.Service, l *attempts, scheduled map[string]time.Time, end time.Time) {
	t.Helper()
	jobs, err := svc.Jobs(context.Background(), mercato.JobFilter{Kind: recordKind})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Status != mercato.JobDone || j.Attempts != 1 {
			t.Errorf("job %s: %s after %d attempts (%s)", j.Key, j.Status, j.Attempts, j.LastError)
		}
	}
	runs := map[string]int{}
	nodes := map[int]int{}
	for i, a := range l.ran {
		runs[a.key]++
		nodes[a.node]++
		if i > 0 && a.at.Before(l.ran[i-1].at) {
			t.Errorf("job %s ran at %s after job %s had run at %s", a.key, a.at, l.ran[i-1].key, l.ran[i-1].at)
		}
		if a.at.Before(a.due) || a.at.After(end) {
			t.Errorf("job %s due at %s ran at %s (the clock ended at %s)", a.key, a.due, a.at, end)
		}
		if _, ok := scheduled[a.key]; ok || strings.HasSuffix(a.key, "/spawned") {
			if !a.at.Equal(a.due) {
				t.Errorf("job %s due at %s ran at %s", a.key, a.due, a.at)
			}
		}
	}
	if len(runs) != len(jobs) {
		t.Errorf("%d jobs ran, of %d", len(runs), len(jobs))
	}
	for key, n := range runs {
		if n != 1 {
			t.Errorf("job %s ran %d times", key, n)
		}
	}
	for key := range scheduled {
		if runs[key] == 0 {
			t.Errorf("scheduled job %s never ran", key)
		}
	}
	t.Logf("%d jobs ran, by node: %v", len(l.ran), nodes)
}

// TestDueWorkRunsWithTheJobs checks the hook for work that falls due besides jobs (event
// deliveries): a move of the clock calls it after each step that ran jobs, at the step's time,
// and at its end; the sandbox's scheduler calls it at the current business time, without moving
// the clock.
func TestDueWorkRunsWithTheJobs(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	start := day(2026, 1, 1)
	var mu sync.Mutex
	var calls []time.Time
	jobsRan := false
	svc := service.New(store, mercato.NewSimClock(start), service.WithDueWork(func(_ context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, now)
		return nil
	}))
	service.HandleJobs(svc, recordKind, func(context.Context, mercato.Job, time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		jobsRan = true
		return nil
	})
	for _, h := range []int{1, 3} {
		if err := putRecordJob(ctx, store, fmt.Sprintf("at-%d", h), start.Add(time.Duration(h)*time.Hour), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.MoveClock(ctx, start.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	want := []time.Time{start.Add(time.Hour), start.Add(3 * time.Hour), start.Add(5 * time.Hour)}
	if !jobsRan || !slices.Equal(calls, want) {
		t.Errorf("due work during the move ran at %v, want %v", calls, want)
	}
	calls = nil
	mu.Unlock()

	runCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { svc.RunJobs(runCtx, time.Hour); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	svc.Wake()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(calls)
		mu.Unlock()
		if n >= 2 { // the scheduler's first run, then the one woken
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler did not run the due work")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, c := range calls {
		if !c.Equal(start.Add(5 * time.Hour)) {
			t.Errorf("the scheduler ran due work at %s, want the business time %s", c, start.Add(5*time.Hour))
		}
	}
	if now := svc.Now(); !now.Equal(start.Add(5 * time.Hour)) {
		t.Errorf("the scheduler moved the clock to %s", now)
	}
}
