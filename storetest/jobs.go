package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"mercato"
)

func job(key string, due time.Time) mercato.Job {
	return mercato.Job{Kind: "invoice-installment", Key: key, DueAt: due, RunAt: due, Status: mercato.JobPending,
		Payload: json.RawMessage(`{"agreement": "agmt-1", "n": 2}`)}
}

// putJobs schedules the jobs in order and returns them with the IDs the store gave them.
func putJobs(t *testing.T, s mercato.Store, jobs ...mercato.Job) []mercato.Job {
	t.Helper()
	update(t, s, func(tx mercato.Tx) error {
		n, err := tx.PutJobs(jobs...)
		if err == nil && n != len(jobs) {
			t.Errorf("PutJobs of %d new jobs scheduled %d", len(jobs), n)
		}
		return err
	})
	stored := map[string]mercato.Job{}
	for _, j := range listJobs(t, s, mercato.JobFilter{}) {
		stored[j.Key] = j
	}
	out := make([]mercato.Job, len(jobs))
	for i, j := range jobs {
		out[i] = stored[j.Key]
		if out[i].ID == 0 {
			t.Fatalf("job %s has no ID", j.Key)
		}
	}
	return out
}

func listJobs(t *testing.T, s mercato.Store, f mercato.JobFilter) []mercato.Job {
	t.Helper()
	return read(t, s, func(tx mercato.Tx) ([]mercato.Job, error) { return tx.ListJobs(f) })
}

// claim claims jobs with business time and lease time at now.
func claim(t *testing.T, s mercato.Store, now time.Time, owner string, until time.Time, limit int) []mercato.Job {
	t.Helper()
	return claimAt(t, s, now, owner, now, until, limit)
}

// claimAt claims jobs to run by now (business time) for leases measured at leaseNow.
func claimAt(t *testing.T, s mercato.Store, now time.Time, owner string, leaseNow, until time.Time, limit int) []mercato.Job {
	t.Helper()
	var jobs []mercato.Job
	update(t, s, func(tx mercato.Tx) error {
		var err error
		jobs, err = tx.ClaimJobs(now, owner, leaseNow, until, limit)
		return err
	})
	return jobs
}

func keys(jobs []mercato.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Key
	}
	return out
}

func nextDue(t *testing.T, s mercato.Store) (time.Time, bool) {
	t.Helper()
	var due time.Time
	var ok bool
	view(t, s, func(tx mercato.Tx) error {
		var err error
		due, ok, err = tx.NextJobDue()
		return err
	})
	return due, ok
}

func testJobs(t *testing.T, s mercato.Store) {
	if due, ok := nextDue(t, s); ok {
		t.Errorf("NextJobDue without jobs = %v, true", due)
	}
	closing := job("d", at(5*time.Hour))
	closing.Kind, closing.Payload = "close-month", nil
	jobs := putJobs(t, s,
		job("a", at(2*time.Hour)), job("b", at(time.Hour+time.Microsecond)),
		job("c", at(time.Hour+time.Microsecond)), closing)
	if jobs[1].ID >= jobs[2].ID {
		t.Errorf("job IDs %d, %d do not grow in insertion order", jobs[1].ID, jobs[2].ID)
	}
	want := job("a", at(2*time.Hour))
	want.ID = jobs[0].ID
	same(t, "stored job", want, jobs[0])
	if jobs[3].Payload != nil {
		t.Errorf("job without payload reads back payload %q", jobs[3].Payload)
	}

	var again int
	update(t, s, func(tx mercato.Tx) error {
		var err error
		again, err = tx.PutJobs(job("a", at(9*time.Hour)))
		return err
	})
	if again != 0 {
		t.Errorf("PutJobs of a known key scheduled %d; want 0", again)
	}
	same(t, "jobs in due order", []string{"b", "c", "a", "d"}, keys(listJobs(t, s, mercato.JobFilter{})))
	same(t, "job kept its due time", at(2*time.Hour), listJobs(t, s, mercato.JobFilter{})[2].DueAt)

	due, ok := nextDue(t, s)
	if !ok || !due.Equal(at(time.Hour+time.Microsecond)) {
		t.Errorf("NextJobDue = %v, %v; want %v, true", due, ok, at(time.Hour+time.Microsecond))
	}

	update(t, s, func(tx mercato.Tx) error {
		j := jobs[3]
		j.Status = mercato.JobDone
		return tx.FinishJob(j)
	})
	same(t, "done jobs", []string{"d"}, keys(listJobs(t, s, mercato.JobFilter{Status: mercato.JobDone})))
	same(t, "pending jobs", []string{"b", "c", "a"}, keys(listJobs(t, s, mercato.JobFilter{Status: mercato.JobPending})))
	same(t, "jobs of a kind", []string{"b", "c", "a"}, keys(listJobs(t, s, mercato.JobFilter{Kind: "invoice-installment"})))
	same(t, "done jobs of a kind", []string{"d"}, keys(listJobs(t, s, mercato.JobFilter{Kind: "close-month", Status: mercato.JobDone})))

	// Finishing every job leaves none due.
	update(t, s, func(tx mercato.Tx) error {
		for _, j := range jobs[:3] {
			j.Status, j.Attempts, j.LastError = mercato.JobFailed, mercato.MaxJobAttempts, "gave up"
			if err := tx.FinishJob(j); err != nil {
				return err
			}
		}
		return nil
	})
	if due, ok := nextDue(t, s); ok {
		t.Errorf("NextJobDue without pending jobs = %v, true", due)
	}
}

func testClaimJobs(t *testing.T, s mercato.Store) {
	putJobs(t, s, job("a", at(2*time.Hour)), job("b", at(time.Hour)), job("c", at(time.Hour)),
		job("d", at(3*time.Hour)), job("later", at(5*time.Hour)))
	now := at(3 * time.Hour)
	lease1, lease2 := now.Add(10*time.Minute), now.Add(20*time.Minute)

	got := claim(t, s, now, "w1", lease1, 2)
	same(t, "first claim, in due order", []string{"b", "c"}, keys(got))
	same(t, "claimed job", job("b", at(time.Hour)).Payload, got[0].Payload)
	same(t, "second owner skips leased jobs", []string{"a", "d"}, keys(claim(t, s, now, "w2", lease2, 10)))
	same(t, "nothing left to claim", []string(nil), keys(claim(t, s, now.Add(time.Minute), "w3", lease2, 10)))
	// The contract only protects a lease from other owners: its holder may claim again.
	same(t, "the holder claims its own jobs again", []string{"b", "c"}, keys(claim(t, s, now, "w1", lease1, 10)))

	// At the end of a lease its jobs are free again; the others' leases still hold.
	same(t, "claim when the first lease ran out", []string{"b", "c"}, keys(claim(t, s, lease1, "w3", lease2, 10)))
	same(t, "claim when every lease ran out", []string{"b", "c", "a", "d", "later"},
		keys(claim(t, s, at(6*time.Hour), "w4", at(7*time.Hour), 10)))
	same(t, "limit", []string{"b"}, keys(claim(t, s, at(7*time.Hour), "w5", at(8*time.Hour), 1)))
}

func testFinishJob(t *testing.T, s mercato.Store) {
	jobs := putJobs(t, s, job("a", at(time.Hour)), job("b", at(2*time.Hour)))
	now := at(3 * time.Hour)
	claimed := claim(t, s, now, "w1", now.Add(time.Hour), 10)
	same(t, "claimed", []string{"a", "b"}, keys(claimed))

	// A failed attempt keeps the job pending and due as before, records when it runs again, and
	// releases the lease.
	failed := claimed[0]
	failed.Attempts, failed.LastError, failed.RunAt = 1, "connection refused", now.Add(time.Minute)
	done := claimed[1]
	done.Status, done.Attempts = mercato.JobDone, 1
	update(t, s, func(tx mercato.Tx) error {
		if err := tx.FinishJob(failed); err != nil {
			return err
		}
		return tx.FinishJob(done)
	})
	wantFailed := jobs[0]
	wantFailed.Attempts, wantFailed.LastError, wantFailed.RunAt = 1, "connection refused", now.Add(time.Minute)
	wantDone := jobs[1]
	wantDone.Status, wantDone.Attempts = mercato.JobDone, 1
	same(t, "jobs after finishing", []mercato.Job{wantFailed, wantDone}, listJobs(t, s, mercato.JobFilter{}))
	same(t, "one job by ID", []mercato.Job{wantDone}, listJobs(t, s, mercato.JobFilter{ID: wantDone.ID}))
	if due, ok := nextDue(t, s); !ok || !due.Equal(now.Add(time.Minute)) {
		t.Errorf("NextJobDue = %v, %v; want the retry's %v, true", due, ok, now.Add(time.Minute))
	}
	same(t, "nobody claims the job before its retry", []mercato.Job(nil), claim(t, s, now, "w2", now.Add(time.Hour), 10))
	same(t, "another owner claims the released job at its retry", []mercato.Job{wantFailed},
		claim(t, s, now.Add(time.Minute), "w2", now.Add(time.Hour), 10))
}

// extend moves the leases owner holds to until and returns how many it moved.
func extend(t *testing.T, s mercato.Store, owner string, until time.Time) int {
	t.Helper()
	var n int
	update(t, s, func(tx mercato.Tx) error {
		var err error
		n, err = tx.ExtendJobLeases(owner, until)
		return err
	})
	return n
}

// testExtendJobLeases renews the leases a running owner holds, so that its jobs stay its own
// past their first lease, while a lease it no longer holds (finished, or taken over) stays as
// it is.
func testExtendJobLeases(t *testing.T, s mercato.Store) {
	jobs := putJobs(t, s, job("a", at(time.Hour)), job("b", at(time.Hour)), job("c", at(2*time.Hour)))
	now := at(3 * time.Hour)
	same(t, "w1 claims", []string{"a", "b"}, keys(claim(t, s, now, "w1", now.Add(30*time.Second), 2)))
	same(t, "w2 claims", []string{"c"}, keys(claim(t, s, now, "w2", now.Add(10*time.Minute), 10)))

	same(t, "leases w1 extended", 2, extend(t, s, "w1", now.Add(time.Minute)))
	same(t, "nobody claims w1's jobs after their first lease", []string(nil),
		keys(claim(t, s, now.Add(30*time.Second), "w3", now.Add(time.Hour), 10)))
	same(t, "a lease is never shortened", 0, extend(t, s, "w1", now.Add(10*time.Second)))
	same(t, "nobody claims w1's jobs before their extended lease ends", []string(nil),
		keys(claim(t, s, now.Add(59*time.Second), "w3", now.Add(time.Hour), 10)))
	same(t, "an owner without leases extends none", 0, extend(t, s, "w9", now.Add(time.Hour)))

	update(t, s, func(tx mercato.Tx) error {
		j := jobs[0]
		j.Status, j.Attempts = mercato.JobDone, 1
		return tx.FinishJob(j)
	})
	same(t, "a finished job's lease is not extended", 1, extend(t, s, "w1", now.Add(2*time.Minute)))

	// Once a lease runs out another owner may take the job over; the first owner's renewal, late,
	// does not take it back.
	same(t, "w3 takes over when w1's lease ran out", []string{"b"},
		keys(claim(t, s, now.Add(2*time.Minute), "w3", now.Add(3*time.Minute), 10)))
	same(t, "a lease taken over is not extended", 0, extend(t, s, "w1", now.Add(time.Hour)))
	same(t, "w3's lease ends when w3 set it", []string{"b"},
		keys(claim(t, s, now.Add(3*time.Minute), "w4", now.Add(4*time.Minute), 10)))
	same(t, "w4's lease ran out, w2's still holds", []string{"b"},
		keys(claim(t, s, now.Add(4*time.Minute), "w5", now.Add(5*time.Minute), 10)))
}

// testClaimJobsLeaseTime claims jobs by their run time in business time and judges leases in
// lease (wall) time, which need not agree: in the sandbox business time stands still while a
// lease runs out.
func testClaimJobsLeaseTime(t *testing.T, s mercato.Store) {
	putJobs(t, s, job("a", at(time.Hour)), job("later", at(3*time.Hour)))
	business, wall := at(2*time.Hour), at(100*time.Hour)
	same(t, "w1 claims what runs by business time", []string{"a"},
		keys(claimAt(t, s, business, "w1", wall, wall.Add(30*time.Second), 10)))
	same(t, "a lease holds until its end in lease time, whatever the business time", []string{"later"},
		keys(claimAt(t, s, at(200*time.Hour), "w2", wall.Add(29*time.Second), at(300*time.Hour), 10)))
	same(t, "a lease ended in lease time frees the job at the same business time", []string{"a"},
		keys(claimAt(t, s, business, "w2", wall.Add(30*time.Second), wall.Add(time.Minute), 10)))
}

// testClaimJobsInRunOrder claims jobs in the order they run (RunAt), which a retry moves past
// jobs due after it.
func testClaimJobsInRunOrder(t *testing.T, s mercato.Store) {
	retried := job("retried", at(time.Hour))
	retried.RunAt, retried.Attempts = at(3*time.Hour), 2
	putJobs(t, s, retried, job("later", at(2*time.Hour)), job("last", at(4*time.Hour)))
	same(t, "claimed in run order", []string{"later", "retried"}, keys(claim(t, s, at(3*time.Hour), "w1", at(5*time.Hour), 10)))
	same(t, "listed in due order", []string{"retried", "later", "last"}, keys(listJobs(t, s, mercato.JobFilter{})))
}

// testPutJobsKnownAndNew schedules, in one call, a job of a known key and one of a new key: only
// the new one is stored, and counted.
func testPutJobsKnownAndNew(t *testing.T, s mercato.Store) {
	putJobs(t, s, job("a", at(time.Hour)))
	for _, tc := range []struct {
		name string
		jobs []mercato.Job
		new  mercato.Job
	}{
		{"known key first", []mercato.Job{job("a", at(9*time.Hour)), job("b", at(2*time.Hour))}, job("b", at(2*time.Hour))},
		{"new key first", []mercato.Job{job("c", at(3*time.Hour)), job("a", at(8*time.Hour))}, job("c", at(3*time.Hour))},
	} {
		before := listJobs(t, s, mercato.JobFilter{})
		var n int
		update(t, s, func(tx mercato.Tx) error {
			var err error
			n, err = tx.PutJobs(tc.jobs...)
			return err
		})
		same(t, "jobs PutJobs scheduled, "+tc.name, 1, n)
		after := listJobs(t, s, mercato.JobFilter{})
		if len(after) != len(before)+1 {
			t.Fatalf("PutJobs, %s: %d jobs stored, want %d: %v", tc.name, len(after), len(before)+1, keys(after))
		}
		same(t, "jobs stored before, "+tc.name, before, after[:len(before)])
		got := after[len(before)]
		if got.ID == 0 {
			t.Errorf("new job %s has no ID", got.Key)
		}
		tc.new.ID = got.ID
		same(t, "new job, "+tc.name, tc.new, got)
	}
}
