package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
		jobProcessAdjustment: s.processAdjustments,
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
	}
}

// jobLease is how long a node keeps a claimed job before another node may take it over.
const jobLease = 5 * time.Minute

// claimBatch is how many due jobs a node claims at once.
const claimBatch = 256

// runDue runs every job due at or before now, in due order, and returns how many ran.
func (s *Service) runDue(ctx context.Context, now time.Time) (int, error) {
	ran := 0
	for {
		var jobs []mercato.Job
		err := s.store.Update(ctx, func(tx mercato.Tx) error {
			var err error
			jobs, err = tx.ClaimJobs(now, s.owner, now.Add(jobLease), claimBatch)
			return err
		})
		if err != nil || len(jobs) == 0 {
			return ran, err
		}
		for len(jobs) > 0 {
			var n int
			if batch, ok := s.batches[jobs[0].Kind]; ok {
				n = sameKind(jobs)
				err = s.runBatches(ctx, batch, jobs[:n])
			} else {
				n = sameDue(jobs)
				err = s.runTogether(ctx, jobs[:n])
			}
			if err != nil {
				return ran, err
			}
			ran += n
			jobs = jobs[n:]
		}
	}
}

// sameDue returns how many of the jobs, from the first, are due at the same time.
func sameDue(jobs []mercato.Job) int {
	n := 1
	for n < len(jobs) && jobs[n].DueAt.Equal(jobs[0].DueAt) {
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

// runTogether runs jobs due at the same time concurrently: jobs due at different times still
// run in time order, since each call holds only jobs of one due time.
func (s *Service) runTogether(ctx context.Context, jobs []mercato.Job) error {
	if len(jobs) == 1 {
		return s.runJob(ctx, jobs[0])
	}
	sem := make(chan struct{}, s.jobWorkers)
	errs := make(chan error, len(jobs))
	for _, j := range jobs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- s.runJob(ctx, j)
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
func (s *Service) runBatches(ctx context.Context, batch batchHandler, jobs []mercato.Job) error {
	for js := range slices.Chunk(jobs, maxBatch) {
		at := make([]time.Time, len(js))
		for i, j := range js {
			if s.sim != nil && j.DueAt.After(s.sim.Now()) {
				s.sim.Set(j.DueAt)
			}
			at[i] = s.jobTime(j)
		}
		if err := s.runBatch(ctx, batch, js, at); err != nil {
			return err
		}
	}
	return nil
}

// runBatch runs a batch in one transaction that also marks its jobs done. If the transaction
// fails, the jobs run again one by one, so that a fault is recorded against its own job only.
func (s *Service) runBatch(ctx context.Context, batch batchHandler, jobs []mercato.Job, at []time.Time) error {
	err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
		if err := batch(tx, jobs, at); err != nil {
			return err
		}
		for _, j := range jobs {
			if err := tx.FinishJob(s.outcome(j, nil)); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case err == nil || ctx.Err() != nil:
		return ctx.Err()
	case len(jobs) == 1:
		return s.finish(ctx, jobs[0], err)
	}
	s.log.Warn("job batch failed; running its jobs one by one", "kind", jobs[0].Kind, "jobs", len(jobs), "err", err)
	for i, j := range jobs {
		err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error { return batch(tx, jobs[i:i+1], at[i:i+1]) })
		if err := s.finish(ctx, j, err); err != nil {
			return err
		}
	}
	return nil
}

// jobTime is the time a job's work happens at: its due time, or the simulated clock's when the
// clock has passed it.
func (s *Service) jobTime(j mercato.Job) time.Time {
	if now := s.Now(); s.sim != nil && now.After(j.DueAt) {
		return now
	}
	return j.DueAt
}

// runJob runs one claimed job with the simulated clock, if any, at the job's due time, and
// records the outcome.
func (s *Service) runJob(ctx context.Context, j mercato.Job) error {
	if s.sim != nil && j.DueAt.After(s.sim.Now()) {
		s.sim.Set(j.DueAt)
	}
	h, ok := s.jobs[j.Kind]
	var err error
	if !ok {
		err = fmt.Errorf("no handler for job kind %q", j.Kind)
	} else {
		err = h(ctx, j)
	}
	return s.finish(ctx, j, err)
}

// finish records the outcome of a run of a job that ended with err, in a transaction of its own.
func (s *Service) finish(ctx context.Context, j mercato.Job, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	j = s.outcome(j, err)
	return s.store.Update(ctx, func(tx mercato.Tx) error { return tx.FinishJob(j) })
}

// outcome returns the job as a run that ended with err leaves it: done, or failed and retried
// until MaxJobAttempts, then kept as failed.
func (s *Service) outcome(j mercato.Job, err error) mercato.Job {
	j.Attempts++
	j.Status, j.LastError = mercato.JobDone, ""
	if err != nil {
		s.log.Error("job failed", "job", j.Key, "attempt", j.Attempts, "err", err)
		j.LastError = err.Error()
		j.Status = mercato.JobPending
		if j.Attempts >= mercato.MaxJobAttempts || !retryable(err) {
			j.Status = mercato.JobFailed
		}
	}
	return j
}

// retryable reports whether a job error may pass on its own: faults and contention may,
// business errors do not.
func retryable(err error) bool {
	var e *mercato.Error
	return !errors.As(err, &e) || e.Code == mercato.EInternal || e.Code == mercato.EThrottled
}

// RunJobs runs due jobs every interval, and soon after this node accepts billing adjustments
// (the only work scheduled due at once; see wakeJobs), until ctx ends: the production engine's
// scheduler. On a shared PostgreSQL several nodes may run it; leases keep them from doing the
// same job twice, and a node runs the work others scheduled at its next tick.
func (s *Service) RunJobs(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.runDue(ctx, s.Now()); err != nil && ctx.Err() == nil {
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
