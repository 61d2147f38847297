package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"mercato"
)

// jobHandler does the work of one job, in transactions of its own. Handlers are idempotent: a
// job that ran but could not be marked done runs again without doing anything twice.
type jobHandler func(ctx context.Context, j mercato.Job) error

func (s *Service) jobHandlers() map[mercato.JobKind]jobHandler {
	return map[mercato.JobKind]jobHandler{
		jobInvoiceCharge:  s.invoiceCharge,
		jobMonthlyClose:   s.closeMonth,
		jobExpire:         s.expire,
		jobScenarioAccept: s.scenarioAccept,

		jobProcessAdjustment:       s.processAdjustment,
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
			n := sameDue(jobs)
			if err := s.runTogether(ctx, jobs[:n]); err != nil {
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

// runJob runs one claimed job with the simulated clock, if any, at the job's due time, and
// records the outcome. A failing job is retried until MaxJobAttempts, then kept as failed.
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
	if ctx.Err() != nil {
		return ctx.Err()
	}
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
	return s.store.Update(ctx, func(tx mercato.Tx) error { return tx.FinishJob(j) })
}

// retryable reports whether a job error may pass on its own: faults and contention may,
// business errors do not.
func retryable(err error) bool {
	var e *mercato.Error
	return !errors.As(err, &e) || e.Code == mercato.EInternal || e.Code == mercato.EThrottled
}

// RunJobs runs due jobs every interval until ctx ends: the production engine's scheduler. On a
// shared PostgreSQL several nodes may run it; leases keep them from doing the same job twice.
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
		}
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
