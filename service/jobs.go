package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"mercato"
)

// jobHandler does the work of one job, in transactions of its own. Handlers are idempotent: a
// job that ran but could not be marked done runs again without doing anything twice.
type jobHandler func(ctx context.Context, j mercato.Job) error

// batchHandler does the work of many jobs of one kind, each at its own time, inside a
// transaction of the runner's that also records the jobs as done: a batch is done entirely or
// not at all. Its work must hold row by row (it runs in UpdateRows). Batches turn a queue of
// small transactions, such as one per billing adjustment, into a few large ones.
type batchHandler func(tx mercato.Tx, jobs []mercato.Job, at []time.Time) error

// jobBatches are the kinds of jobs that run in batches, and how.
func (s *Service) jobBatches() map[mercato.JobKind]batchHandler {
	return map[mercato.JobKind]batchHandler{
		jobProcessAdjustment:  s.processAdjustments,
		jobAgreementEnding:    s.agreementEnding,
		jobLegacyUnsubscribed: s.legacyUnsubscribed,
	}
}

// maxBatch bounds how many jobs one batch transaction does (for adjustments, at most
// maxBatch × maxIntake × 5 of them).
const maxBatch = 64

func (s *Service) jobHandlers() map[mercato.JobKind]jobHandler {
	return map[mercato.JobKind]jobHandler{
		jobInvoiceCharge:  s.invoiceCharge,
		jobMonthlyClose:   s.closeMonth,
		jobExpire:         s.expire,
		jobScenarioAccept: s.scenarioAccept,

		jobAutoApproveCancellation: s.autoApproveCancellation,
		jobAutoApprovePayment:      s.autoApprovePayment,
		jobSettle:                  s.settle,
		jobRefundCaseReview:        s.reviewRefundCase,
		jobRefundCaseCancel:        s.cancelOnDate,
		jobFulfillment:             s.postFulfillment,
		jobApplyChangeSet:          s.applyChangeSet,
		jobExpireProductRequest:    s.expireProductRequest,
		jobRenewalTermsFinalized:   s.finalizeRenewal,
	}
}

// jobChain schedules the job that follows j, of a kind of job that recurs.
type jobChain func(tx mercato.Tx, j mercato.Job) error

// jobChains are the kinds of jobs that recur, each scheduling the next period's job. The runner
// schedules the next one before each attempt, in a transaction of its own, so that a period
// that fails never stops the periods after it: a job that gave up leaves a gap an operator's
// retry fills, never an end.
var jobChains = map[mercato.JobKind]jobChain{
	jobSettle:       nextSettlement,
	jobMonthlyClose: nextClose,
}

// defaultJobLease is how long a node's claim on a job lasts unless it renews it. A node renews
// its claims every third of this while it runs (heartbeat), so the jobs of a node killed
// mid-run fall to another node (or to the node restarted) at most this long after its last
// renewal, plus a scheduler tick: within 30 s. The heartbeat leaves a running node two
// renewals to spare before a slow database makes it lose a lease.
const defaultJobLease = 25 * time.Second

// claimBatch is how many due jobs a node claims at once.
const claimBatch = 256

// runDue runs every job to run at or before now (RunAt), in that order, and adds the outcome
// of each attempt to rep, if not nil. A job that fails is no error of runDue's: its outcome is
// recorded with the job (and in rep); runDue fails only when the store does.
func (s *Service) runDue(ctx context.Context, now time.Time, rep *jobReport) error {
	_, err := s.runClaimed(ctx, now, rep)
	return err
}

// runClaimed is runDue, and says how many jobs it claimed: none while jobs due are held by
// another node.
func (s *Service) runClaimed(ctx context.Context, now time.Time, rep *jobReport) (int, error) {
	return s.runClaims(ctx, func() ([]mercato.Job, error) { return s.claim(ctx, now) }, rep)
}

// runClaims runs the jobs that claim leases to this node, claim after claim, until a claim
// returns none, and says how many it ran. The node's leases are renewed while it runs.
func (s *Service) runClaims(ctx context.Context, claim func() ([]mercato.Job, error), rep *jobReport) (int, error) {
	stop := s.heartbeat(ctx)
	defer stop()
	claimed := 0
	for {
		jobs, err := claim()
		if err != nil || len(jobs) == 0 {
			return claimed, err
		}
		claimed += len(jobs)
		if err := s.runInOrder(ctx, jobs, rep); err != nil {
			return claimed, err
		}
	}
}

// runInOrder runs claimed jobs, which are in the order they run: a batched kind's run of jobs
// in batches, other jobs due at the same time together.
func (s *Service) runInOrder(ctx context.Context, jobs []mercato.Job, rep *jobReport) error {
	for len(jobs) > 0 {
		var n int
		var err error
		if batch, ok := s.batches[jobs[0].Kind]; ok {
			n = sameKind(jobs)
			err = s.runBatches(ctx, batch, jobs[:n], rep)
		} else {
			n = s.unbatched(jobs[:sameDue(jobs)])
			err = s.runTogether(ctx, jobs[:n], rep)
		}
		if err != nil {
			return err
		}
		jobs = jobs[n:]
	}
	return nil
}

// claim leases to this node, for a lease from now in wall time, up to claimBatch jobs to run at
// or before now in business time, in the order they run.
func (s *Service) claim(ctx context.Context, now time.Time) ([]mercato.Job, error) {
	var jobs []mercato.Job
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		wall := leaseNow()
		jobs, err = tx.ClaimJobs(now, s.owner, wall, wall.Add(s.lease), claimBatch)
		return err
	})
	return jobs, err
}

// leaseNow is the time leases are measured in: the wall clock, also in the sandbox. A lease
// says whether the node holding it is alive, which business time cannot tell: the sandbox's
// stands still between moves of its clock, so a lease of a sandbox that died would never end.
// In production business time is the wall clock anyway.
func leaseNow() time.Time { return time.Now().UTC() }

// heartbeat renews the leases of the jobs this node holds every third of a lease, until the
// returned stop is called (stop waits for it to end): a job stays this node's while it runs,
// however long that takes, and falls to another node soon after this one dies. A renewal that
// fails is logged and tried at the next beat, while the lease still has two thirds to run.
func (s *Service) heartbeat(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := s.renewLeases(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("renewing job leases", "owner", s.owner, "err", err)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// renewLeases extends the leases this node holds to a lease from now (wall time, see leaseNow).
// The record of a move of the clock under way, if any, is renewed with them.
func (s *Service) renewLeases(ctx context.Context) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		if _, err := tx.ExtendJobLeases(s.owner, leaseNow().Add(s.lease)); err != nil {
			return err
		}
		return s.renewMove(tx)
	})
}

// jobReport gathers the outcomes of the attempts of a run of due jobs, such as one move of the
// simulated clock; runTogether's workers add to it at once.
type jobReport struct {
	mu     sync.Mutex
	done   map[mercato.JobKind]int
	failed map[int64]mercato.Job // by ID, the jobs whose last attempt failed, as it left them
}

func newJobReport() *jobReport {
	return &jobReport{done: map[mercato.JobKind]int{}, failed: map[int64]mercato.Job{}}
}

// add records the outcome of an attempt, once it is stored. A job that failed and then
// succeeded on a retry counts as done only.
func (r *jobReport) add(j mercato.Job) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if j.Status == mercato.JobDone {
		r.done[j.Kind]++
		delete(r.failed, j.ID)
		return
	}
	r.failed[j.ID] = j
}

// failures returns the jobs whose last attempt failed, in due order.
func (r *jobReport) failures() []mercato.Job {
	out := slices.Collect(maps.Values(r.failed))
	slices.SortFunc(out, func(a, b mercato.Job) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// sameDue returns how many of the jobs, from the first, are to run at the same time.
func sameDue(jobs []mercato.Job) int {
	n := 1
	for n < len(jobs) && jobs[n].RunAt.Equal(jobs[0].RunAt) {
		n++
	}
	return n
}

// unbatched returns how many of the jobs, from the first, are of kinds that do not run in
// batches: a batched kind has no handler of its own, so a job of it due with others waits for
// its batch.
func (s *Service) unbatched(jobs []mercato.Job) int {
	n := 1
	for n < len(jobs) && s.batches[jobs[n].Kind] == nil {
		n++
	}
	return n
}

// sameKind returns how many of the jobs, from the first, are of the same kind: jobs that follow
// each other in due order, which a batch may do together without changing the order of work.
func sameKind(jobs []mercato.Job) int {
	n := 1
	for n < len(jobs) && jobs[n].Kind == jobs[0].Kind {
		n++
	}
	return n
}

// defaultJobWorkers is how many jobs due at the same time run at once unless configured.
const defaultJobWorkers = 16

// runTogether runs jobs to run at the same time concurrently: jobs of different times still
// run in time order, since each call holds only jobs of one time.
func (s *Service) runTogether(ctx context.Context, jobs []mercato.Job, rep *jobReport) error {
	if len(jobs) == 1 {
		return s.runJob(ctx, jobs[0], rep)
	}
	sem := make(chan struct{}, s.jobWorkers)
	errs := make(chan error, len(jobs))
	for _, j := range jobs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- s.runJob(ctx, j, rep)
		}()
	}
	var first error
	for range jobs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// runBatches runs jobs of one batched kind, which follow each other in due order, in that
// order, up to maxBatch per transaction. Each job gets the time it would have had alone: its
// due time, or the simulated clock's when that is later.
func (s *Service) runBatches(ctx context.Context, batch batchHandler, jobs []mercato.Job, rep *jobReport) error {
	for js := range slices.Chunk(jobs, maxBatch) {
		at := make([]time.Time, len(js))
		for i, j := range js {
			s.moveSimTo(j.RunAt)
			at[i] = s.jobTime(j)
		}
		if err := s.runBatch(ctx, batch, js, at, rep); err != nil {
			return err
		}
	}
	return nil
}

// runBatch runs a batch in one transaction that also marks its jobs done. If the transaction
// fails, the jobs run again one by one, so that a fault is recorded against its own job only.
func (s *Service) runBatch(ctx context.Context, batch batchHandler, jobs []mercato.Job, at []time.Time, rep *jobReport) error {
	done := make([]mercato.Job, len(jobs))
	err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
		if err := batch(tx, jobs, at); err != nil {
			return err
		}
		for i, j := range jobs {
			var err error
			if done[i], err = s.outcome(j, nil); err != nil {
				return err
			}
			if err := tx.FinishJob(done[i]); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case err == nil:
		for _, j := range done {
			s.recordJob(j, rep)
		}
		return ctx.Err()
	case ctx.Err() != nil:
		return ctx.Err()
	case len(jobs) == 1:
		return s.finish(ctx, jobs[0], err, rep)
	}
	s.log.Warn("job batch failed; running its jobs one by one", "kind", jobs[0].Kind, "jobs", len(jobs), "err", err)
	for i, j := range jobs {
		err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error { return batch(tx, jobs[i:i+1], at[i:i+1]) })
		if err := s.finish(ctx, j, err, rep); err != nil {
			return err
		}
	}
	return nil
}

// moveSimTo moves the simulated clock, if any, forward to t: a job runs with the clock at the
// time of its attempt.
func (s *Service) moveSimTo(t time.Time) {
	if s.sim != nil && t.After(s.sim.Now()) {
		s.sim.Set(t)
	}
}

// jobTime is the time a job's work happens at: its due time, or the simulated clock's when the
// clock has passed it.
func (s *Service) jobTime(j mercato.Job) time.Time {
	if now := s.Now(); s.sim != nil && now.After(j.DueAt) {
		return now
	}
	return j.DueAt
}

// runJob runs one claimed job with the simulated clock, if any, at the time of the attempt (the
// job's RunAt), and records the outcome.
func (s *Service) runJob(ctx context.Context, j mercato.Job, rep *jobReport) error {
	s.moveSimTo(j.RunAt)
	err := s.chain(ctx, j)
	if err == nil {
		err = s.handle(ctx, j)
	}
	return s.finish(ctx, j, err, rep)
}

// chain schedules the job that follows j, if j is of a kind that recurs.
func (s *Service) chain(ctx context.Context, j mercato.Job) error {
	next, ok := jobChains[j.Kind]
	if !ok {
		return nil
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error { return next(tx, j) })
}

// handle does the work of j with the handler of its kind.
func (s *Service) handle(ctx context.Context, j mercato.Job) error {
	h, ok := s.jobs[j.Kind]
	if !ok {
		return fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	return h(ctx, j)
}

// finish records the outcome of an attempt of a job that ended with err, in a transaction of
// its own, and then in rep.
func (s *Service) finish(ctx context.Context, j mercato.Job, err error, rep *jobReport) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	j, err = s.outcome(j, err)
	if err != nil {
		return err
	}
	if err := s.store.Update(ctx, func(tx mercato.Tx) error { return tx.FinishJob(j) }); err != nil {
		return err
	}
	s.recordJob(j, rep)
	return nil
}

// outcome returns the job as an attempt that ended with err leaves it: done; or pending, to be
// tried again after JobRetryDelay of business time; or, after MaxJobAttempts or at an error no
// retry cures, failed until an operator retries it.
func (s *Service) outcome(j mercato.Job, err error) (mercato.Job, error) {
	j.Attempts++
	if err == nil {
		j.LastError = ""
		return j, j.Transition(mercato.JobDone)
	}
	s.log.Error("job failed", "job", j.Key, "attempt", j.Attempts, "err", err)
	j.LastError = err.Error()
	if j.Attempts < mercato.MaxJobAttempts && retryable(err) {
		j.RunAt = s.Now().Add(mercato.JobRetryDelay(j.Attempts))
		return j, nil // still pending
	}
	return j, j.Transition(mercato.JobFailed)
}

// retryable reports whether a job error may pass on its own: faults and contention may,
// business errors do not.
func retryable(err error) bool {
	var e *mercato.Error
	return !errors.As(err, &e) || e.Code == mercato.EInternal || e.Code == mercato.EThrottled
}

// RunJobs runs due jobs every interval, and soon after this node accepts billing adjustments
// (the only work scheduled due at once; see wakeJobs) or is woken (Wake), until ctx ends: the
// scheduler. In production it runs what the real clock makes due; on a shared PostgreSQL several
// nodes may run it; leases keep them from doing the same job twice, and a node runs the work
// others scheduled at its next tick. In the sandbox it runs the work due at or before the
// current business time, which it never moves, and never while the clock moves (autorun.go).
func (s *Service) RunJobs(ctx context.Context, interval time.Duration) {
	s.scheduling.Add(1)
	defer s.scheduling.Add(-1)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.runScheduled(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("running due jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
			time.Sleep(wakeDelay)
		}
	}
}

// wakeDelay is how long RunJobs, woken, lets work gather before it runs: completing billing
// adjustments costs less per adjustment in larger batches, and 20 ms is little beside the tick
// it saves waiting for.
const wakeDelay = 20 * time.Millisecond

// wakeJobs tells RunJobs that a job is due now. Wakes that come while it runs are merged into
// one more run, which takes every job due by then: under load its batches grow, not its runs.
func (s *Service) wakeJobs() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Jobs lists jobs, e.g. the failed ones an operator should look at.
func (s *Service) Jobs(ctx context.Context, f mercato.JobFilter) ([]mercato.Job, error) {
	var out []mercato.Job
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListJobs(f)
		return err
	})
	return out, err
}

// RetryJob puts a failed job back to pending, due to run at once with a new round of attempts,
// for an operator who has dealt with what made it fail: within the scheduler's tick, or in a
// sandbox whose scheduler does not run, at the next move of the clock. Its last error stays
// until it runs. The retry is audited. Errors: EForbidden (the caller is not an operator), ENotFound (no such job),
// EConflict (the job has not failed).
func (s *Service) RetryJob(ctx context.Context, caller string, id int64) (mercato.Job, error) {
	var j mercato.Job
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		if !isOperator(tx, caller) {
			return mercato.Errorf(mercato.EForbidden, "only an operator retries a job")
		}
		var err error
		if j, err = getJob(tx, id); err != nil {
			return err
		}
		failed := j
		if j.Status != mercato.JobFailed {
			return mercato.Errorf(mercato.EConflict, "job %d (%s) is %s: only a failed job can be retried", id, j.Key, j.Status)
		}
		if err := j.Transition(mercato.JobPending); err != nil {
			return err
		}
		now := s.Now()
		j.Attempts, j.RunAt = 0, now
		if err := tx.FinishJob(j); err != nil {
			return err
		}
		return audit(tx, now, caller, "RetryJob", "Job", strconv.FormatInt(id, 10), "",
			map[string]any{"key": j.Key, "kind": j.Kind, "attempts": failed.Attempts, "lastError": failed.LastError})
	})
	if err != nil {
		return mercato.Job{}, fmt.Errorf("retry job %d: %w", id, err)
	}
	s.wakeJobs()
	return j, nil
}

// getJob reads one job. ENotFound if there is none with the ID.
func getJob(tx mercato.Tx, id int64) (mercato.Job, error) {
	jobs, err := tx.ListJobs(mercato.JobFilter{ID: id})
	if err != nil {
		return mercato.Job{}, err
	}
	if len(jobs) == 0 {
		return mercato.Job{}, mercato.Errorf(mercato.ENotFound, "job %d not found", id)
	}
	return jobs[0], nil
}
