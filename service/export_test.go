package service

import (
	"context"
	"time"

	"mercato"
)

// FailJobs makes each attempt of a job of kind first ask fail, with the job and the business
// time of the attempt, and fail with the error it returns, if any, before the job's handler
// runs: how tests make a job fail without planting bad data. Call it before the clock moves.
func FailJobs(s *Service, kind mercato.JobKind, fail func(j mercato.Job, now time.Time) error) {
	h := s.jobs[kind]
	s.jobs[kind] = func(ctx context.Context, j mercato.Job) error {
		if err := fail(j, s.Now()); err != nil {
			return err
		}
		return h(ctx, j)
	}
}

// ClaimDue claims for s the jobs to run at or before now, as its scheduler does, and returns
// them without running them or renewing their leases: how tests leave the work of a node that
// died mid-run.
func ClaimDue(ctx context.Context, s *Service, now time.Time) ([]mercato.Job, error) {
	return s.claim(ctx, now)
}

// HandleJobs makes h the handler of the jobs of kind, called with the business time of the
// attempt: how tests schedule work of their own and watch when and where it runs. Call it
// before the service runs jobs.
func HandleJobs(s *Service, kind mercato.JobKind, h func(ctx context.Context, j mercato.Job, now time.Time) error) {
	s.jobs[kind] = func(ctx context.Context, j mercato.Job) error { return h(ctx, j, s.Now()) }
}

// CommitEvents writes the events in one transaction through the service's store, as a change
// that emits them does (waking the deliverer): how benchmarks produce events at a set rate.
func CommitEvents(ctx context.Context, s *Service, es ...mercato.Event) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error { return tx.InsertEvents(es...) })
}
