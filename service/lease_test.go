package service_test

import (
	"context"
	"encoding/json"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/storetest"
)

// runJobs runs svc's scheduler, ticking every interval, until the test ends.
func runJobs(t *testing.T, svc *service.Service, interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { svc.RunJobs(ctx, interval); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
}

// TestKilledNodesAdjustmentsTakenOver runs two production nodes on one PostgreSQL: one accepts
// billing adjustments, claims their jobs and dies (it never runs them nor renews its leases);
// the other completes them once the dead node's lease has run out, and not before.
func TestKilledNodesAdjustmentsTakenOver(t *testing.T) {
	base := os.Getenv("MERCATO_TEST_POSTGRES")
	if base == "" {
		t.Skip("MERCATO_TEST_POSTGRES is not set")
	}
	dsn := storetest.PostgresSchema(t, base)
	ctx := context.Background()
	open := func() mercato.Store {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	e := newEnvOn(t, open())
	a, inv := paidInstallment(e)
	const lease = 2 * time.Second
	var nodes [2]*service.Service
	for i := range nodes {
		st := open()
		t.Cleanup(func() { st.Close() })
		nodes[i] = service.New(st, mercato.RealClock{}, service.WithJobLease(lease))
	}
	dead, live := nodes[0], nodes[1]

	res, err := dead.CreateAdjustments(ctx, seller, []service.AdjustmentEntry{
		entry(a, inv, "100.00", "k1"), entry(a, inv, "200.00", "k2"), entry(a, inv, "300.00", "k3")})
	if err != nil || len(res.Items) != 3 {
		t.Fatalf("adjustments: %+v, %v", res, err)
	}
	claimed, err := service.ClaimDue(ctx, dead, dead.Now())
	claimedAt := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	var adjustmentJobs int
	for _, j := range claimed {
		if j.Kind == "process-adjustment" {
			adjustmentJobs++
		}
	}
	if adjustmentJobs == 0 {
		t.Fatalf("the dying node claimed no adjustment jobs: %v", claimed)
	}

	runJobs(t, live, 50*time.Millisecond)
	status := func() map[mercato.AdjustmentStatus]int {
		n := map[mercato.AdjustmentStatus]int{}
		for _, it := range res.Items {
			ba, err := live.Adjustment(ctx, seller, a.ID, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			n[ba.Status]++
		}
		return n
	}
	// While the dead node's lease lasts its jobs are its own: the live node leaves them alone.
	for time.Since(claimedAt) < lease/2 {
		if n := status(); n[mercato.AdjustmentPending] != 3 {
			t.Fatalf("%v %s after the claim, within its lease: %v", time.Since(claimedAt), lease, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Well within 30 s of business and wall time, the live node has taken them over.
	for deadline := claimedAt.Add(lease + 10*time.Second); status()[mercato.AdjustmentCompleted] != 3; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("adjustments %v, %v after the node holding them died (lease %v)", status(), time.Since(claimedAt), lease)
		}
	}
	t.Logf("taken over and completed %v after the claim (lease %v)", time.Since(claimedAt).Round(time.Millisecond), lease)

	// 600.00 of the 1200.00 installment reverses half its 78.00 tax: 6.50 + 13.00 + 19.50.
	var pre, tax mercato.Amount
	for _, i := range e.invoices(a.ID) {
		if i.Type == mercato.InvoiceTypeCreditMemo {
			pre += i.PreTax
			tax += i.Tax
		}
	}
	if pre != amt("600") || tax != amt("39") {
		t.Errorf("credit memos total %s before tax and %s tax, want 600.00 and 39.00", pre, tax)
	}
	// Every job the dead node held ran once, on the live node.
	for _, c := range claimed {
		jobs, err := live.Jobs(ctx, mercato.JobFilter{ID: c.ID})
		if err != nil || len(jobs) != 1 {
			t.Fatalf("job %d: %v, %v", c.ID, jobs, err)
		}
		if j := jobs[0]; j.Status != mercato.JobDone || j.Attempts != 1 {
			t.Errorf("job %s: %s after %d attempts (%s)", j.Key, j.Status, j.Attempts, j.LastError)
		}
	}
}

// TestRunningNodeKeepsItsLease runs a job for four times its lease on one node while another
// node's scheduler looks for work: the running node renews its lease, so the job runs once.
func TestRunningNodeKeepsItsLease(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a slow job")
	}
	e := newEnv(t)
	now := time.Now().UTC()
	if err := e.store.Update(e.ctx, func(tx mercato.Tx) error {
		_, err := tx.PutJobs(mercato.Job{Kind: "expire-agreement", Key: "slow", DueAt: now, RunAt: now,
			Status: mercato.JobPending, Payload: json.RawMessage(`{}`)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const lease = 300 * time.Millisecond
	var attempts atomic.Int32
	started := make(chan struct{}, 4)
	slow := func(j mercato.Job, _ time.Time) error {
		attempts.Add(1)
		started <- struct{}{}
		time.Sleep(4 * lease)
		return mercato.Errorf(mercato.EInvalid, "slow job ran")
	}
	var nodes [2]*service.Service
	for i := range nodes {
		nodes[i] = service.New(e.store, mercato.RealClock{}, service.WithJobLease(lease))
		service.FailJobs(nodes[i], "expire-agreement", slow)
	}
	runJobs(t, nodes[0], 20*time.Millisecond)
	<-started
	runJobs(t, nodes[1], 20*time.Millisecond)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		jobs, err := nodes[1].Jobs(e.ctx, mercato.JobFilter{Status: mercato.JobFailed})
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 1 {
			if jobs[0].Attempts != 1 {
				t.Errorf("the slow job failed after %d attempts, want 1", jobs[0].Attempts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow job did not finish")
		}
	}
	if n := attempts.Load(); n != 1 {
		t.Errorf("the slow job started %d times while its node ran it, want once", n)
	}
}

// TestRestartedSandboxTakesOverItsJobs kills a sandbox after it claimed a billing adjustment's
// job (it never runs it) and starts another on the same database at the same business time:
// its next move of the clock completes the adjustment once the lease has run out in wall time,
// although business time has not moved.
func TestRestartedSandboxTakesOverItsJobs(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "100.00", "k1")})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("adjustment: %+v, %v", res, err)
	}
	const lease = 500 * time.Millisecond
	dead := service.New(e.store, mercato.NewSimClock(e.svc.Now()), service.WithJobLease(lease))
	if claimed, err := service.ClaimDue(e.ctx, dead, dead.Now()); err != nil || len(claimed) == 0 {
		t.Fatalf("claimed %v, %v", claimed, err)
	}
	restarted := service.New(e.store, mercato.NewSimClock(e.svc.Now()), service.WithJobLease(lease))
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	began := time.Now()
	if _, err := restarted.Advance(ctx, restarted.Now()); err != nil {
		t.Fatalf("the restarted sandbox's clock move: %v after %v", err, time.Since(began))
	}
	ba, err := restarted.Adjustment(e.ctx, seller, a.ID, res.Items[0].ID)
	if err != nil || ba.Status != mercato.AdjustmentCompleted {
		t.Fatalf("adjustment after the restart: %+v, %v", ba, err)
	}
	if d := time.Since(began); d < lease/2 {
		t.Errorf("the restarted sandbox took the job over %v after the claim, within the dead one's lease of %v", d, lease)
	}
}
