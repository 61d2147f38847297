package service_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/service"
)

// settleJobs returns the daily settlement jobs by key.
func (e *env) settleJobs() map[string]mercato.Job {
	e.t.Helper()
	jobs, err := e.svc.Jobs(e.ctx, mercato.JobFilter{Kind: "settle"})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]mercato.Job{}
	for _, j := range jobs {
		out[j.Key] = j
	}
	return out
}

// A settlement that keeps failing is retried with a backoff in business time (1, 2, 4 and 8
// minutes), then given up; the next day's settlement runs all the same and collects what the
// failed day would have: the chain of days never ends with one bad day.
func TestFailedSettlementIsRetriedAndTheNextDaysStillSettle(t *testing.T) {
	e, private, _ := settledEnv(t)
	var tries []time.Time
	service.FailJobs(e.svc, "settle", func(j mercato.Job, now time.Time) error {
		if j.Key != "settle:2026-01-16" {
			return nil
		}
		tries = append(tries, now)
		return errors.New("the bank does not answer")
	})
	m, err := e.svc.MoveClock(e.ctx, day(2026, 1, 18))
	if err != nil || len(m.Failed) != 1 || m.Failed[0].Key != "settle:2026-01-16" {
		t.Fatalf("move past a failing settlement: %+v, %v", m, err)
	}

	d16 := day(2026, 1, 16)
	want := []time.Time{d16, d16.Add(time.Minute), d16.Add(3 * time.Minute), d16.Add(7 * time.Minute), d16.Add(15 * time.Minute)}
	if diff := cmp.Diff(want, tries); diff != "" {
		t.Errorf("attempts of the failing settlement (-want +got):\n%s", diff)
	}
	jobs := e.settleJobs()
	if j := jobs["settle:2026-01-16"]; j.Status != mercato.JobFailed || j.Attempts != mercato.MaxJobAttempts ||
		j.LastError != "the bank does not answer" {
		t.Errorf("failed settlement: %+v", j)
	}
	for _, key := range []string{"settle:2026-01-17", "settle:2026-01-18"} {
		if j := jobs[key]; j.Status != mercato.JobDone || j.Attempts != 1 {
			t.Errorf("%s after a failed day: %+v", key, j)
		}
	}
	if j := jobs["settle:2026-01-19"]; j.Status != mercato.JobPending {
		t.Errorf("the next settlement is not scheduled: %+v", j)
	}

	// The installment of Jan 15 (1200.00 + 6.5% tax) is collected by the settlement of Jan 17.
	r := e.receivable(e.installment(private.ID, 1).ID)
	if r.Status != mercato.ReceivableCollected || r.Collected != amt("1278") || !r.CollectedAt.Equal(day(2026, 1, 17)) {
		t.Errorf("installment after a failed settlement day: %+v", r)
	}
}

// A move of the clock says what its jobs did: how many of each kind were done, and the jobs
// whose last attempt failed, as they are left; a job that failed and then passed on a retry is
// done, not failed.
func TestMoveClockReportsWhatRanAndWhatFailed(t *testing.T) {
	e, _, _ := settledEnv(t)
	flaky := 0
	service.FailJobs(e.svc, "settle", func(j mercato.Job, now time.Time) error {
		switch j.Key {
		case "settle:2026-01-16":
			return errors.New("the bank does not answer")
		case "settle:2026-01-17":
			if flaky++; flaky <= 2 {
				return errors.New("a lock was held too long")
			}
		case "settle:2026-01-18":
			return mercato.Errorf(mercato.EInvalid, "a buyer's payment behavior is corrupt")
		}
		return nil
	})
	m, err := e.svc.MoveClock(e.ctx, day(2026, 1, 18).Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Now.Equal(day(2026, 1, 18).Add(2 * time.Minute)) {
		t.Errorf("now = %s", m.Now)
	}
	// The installment of Jan 15 is invoiced; the settlement of Jan 17 passes at its third attempt.
	if diff := cmp.Diff(map[mercato.JobKind]int{"invoice-charge": 1, "settle": 1}, m.Done); diff != "" {
		t.Errorf("jobs done (-want +got):\n%s", diff)
	}
	type failure struct {
		Key       string
		Status    mercato.JobStatus
		Attempts  int
		LastError string
		RunAt     time.Time
	}
	var got []failure
	for _, j := range m.Failed {
		got = append(got, failure{j.Key, j.Status, j.Attempts, j.LastError, j.RunAt})
	}
	want := []failure{
		// Given up after five attempts, the last at 00:15.
		{"settle:2026-01-16", mercato.JobFailed, 5, "the bank does not answer", day(2026, 1, 16).Add(15 * time.Minute)},
		// An error no retry cures gives up at once.
		{"settle:2026-01-18", mercato.JobFailed, 1, "a buyer's payment behavior is corrupt", day(2026, 1, 18)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failed jobs (-want +got):\n%s", diff)
	}
	if j := e.settleJobs()["settle:2026-01-17"]; j.Status != mercato.JobDone || j.Attempts != 3 || j.LastError != "" {
		t.Errorf("settlement that passed on its third attempt: %+v", j)
	}

	// A job still waiting for its retry when the move ends is reported pending, with the time of
	// its next attempt; the next move runs it.
	service.FailJobs(e.svc, "settle", func(j mercato.Job, now time.Time) error {
		if j.Key == "settle:2026-01-19" && now.Before(day(2026, 1, 19).Add(time.Minute)) {
			return errors.New("a lock was held too long")
		}
		return nil
	})
	m, err = e.svc.MoveClock(e.ctx, day(2026, 1, 19))
	if err != nil || len(m.Failed) != 1 || m.Failed[0].Status != mercato.JobPending ||
		!m.Failed[0].RunAt.Equal(day(2026, 1, 19).Add(time.Minute)) || len(m.Done) != 0 {
		t.Fatalf("move with a retry pending: %+v, %v", m, err)
	}
	m, err = e.svc.MoveClock(e.ctx, day(2026, 1, 19).Add(time.Hour))
	if err != nil || len(m.Failed) != 0 || m.Done["settle"] != 1 {
		t.Errorf("move that runs the retry: %+v, %v", m, err)
	}
}

// An operator puts a failed job back to pending with a new round of attempts; the next move of
// the clock runs it. Nobody else may, and only a failed job can be retried. The retry is audited.
func TestOperatorRetriesAFailedJob(t *testing.T) {
	e, private, _ := settledEnv(t)
	const ops = "999900001111"
	e.apply(mercato.Scenario{Accounts: []mercato.Account{{ID: ops, Name: "Ops", Roles: []mercato.Role{mercato.RoleOperator}}}})
	broken := true
	service.FailJobs(e.svc, "settle", func(j mercato.Job, now time.Time) error {
		if broken && j.Key == "settle:2026-01-16" {
			return mercato.Errorf(mercato.EInvalid, "a buyer's payment behavior is corrupt")
		}
		return nil
	})
	if _, err := e.svc.MoveClock(e.ctx, day(2026, 1, 16)); err != nil {
		t.Fatal(err)
	}
	failed := e.settleJobs()["settle:2026-01-16"]
	if failed.Status != mercato.JobFailed {
		t.Fatalf("settlement: %+v", failed)
	}
	done := e.settleJobs()["settle:2026-01-17"]

	_, err := e.svc.RetryJob(e.ctx, seller, failed.ID)
	errorOf(t, err, mercato.EForbidden)
	_, err = e.svc.RetryJob(e.ctx, ops, 999999)
	errorOf(t, err, mercato.ENotFound)
	_, err = e.svc.RetryJob(e.ctx, ops, done.ID)
	errorOf(t, err, mercato.EConflict) // pending, not failed

	broken = false
	j, err := e.svc.RetryJob(e.ctx, ops, failed.ID)
	if err != nil || j.Status != mercato.JobPending || j.Attempts != 0 || !j.RunAt.Equal(day(2026, 1, 16)) {
		t.Fatalf("RetryJob = %+v, %v", j, err)
	}
	recs, err := e.svc.Audit(e.ctx, mercato.AuditFilter{Actor: ops})
	if err != nil || len(recs) != 1 || recs[0].Action != "RetryJob" || recs[0].ResourceID != strconv.FormatInt(failed.ID, 10) {
		t.Errorf("audit of the retry: %+v, %v", recs, err)
	}

	m, err := e.svc.MoveClock(e.ctx, day(2026, 1, 16))
	if err != nil || m.Done["settle"] != 1 || len(m.Failed) != 0 {
		t.Fatalf("move after the retry: %+v, %v", m, err)
	}
	if j := e.settleJobs()["settle:2026-01-16"]; j.Status != mercato.JobDone || j.Attempts != 1 || j.LastError != "" {
		t.Errorf("retried settlement: %+v", j)
	}
	// The retried day collected the installment of Jan 15: 1200.00 + 6.5% tax.
	if r := e.receivable(e.installment(private.ID, 1).ID); r.Status != mercato.ReceivableCollected || r.Collected != amt("1278") {
		t.Errorf("installment after the retry: %+v", r)
	}
	_, err = e.svc.RetryJob(e.ctx, ops, failed.ID)
	errorOf(t, err, mercato.EConflict) // done
}

// Two days whose settlements fail for good leave nothing unsettled: the next settlement that
// runs takes everything issued since the last one that did. The installment of Jan 15 is
// collected by the settlement of Jan 18, after those of Jan 16 and 17 failed.
func TestSettlementAfterFailedDaysTakesTheirInvoices(t *testing.T) {
	e, private, _ := settledEnv(t)
	service.FailJobs(e.svc, "settle", func(j mercato.Job, now time.Time) error {
		if j.Key == "settle:2026-01-16" || j.Key == "settle:2026-01-17" {
			return errors.New("the bank does not answer")
		}
		return nil
	})
	if _, err := e.svc.MoveClock(e.ctx, day(2026, 1, 19)); err != nil {
		t.Fatal(err)
	}
	r := e.receivable(e.installment(private.ID, 1).ID)
	if r.Status != mercato.ReceivableCollected || r.Collected != amt("1278") || !r.CollectedAt.Equal(day(2026, 1, 18)) {
		t.Errorf("installment after two failed settlement days: %+v", r)
	}
}
