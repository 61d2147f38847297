package service

import (
	"time"

	"mercato"
)

// Observer is told what the service's work did, e.g. to count it in metrics. Its methods run
// on the service's goroutines, some inside the job runner's loop: they must be quick and never
// block. Set one with WithObserver.
type Observer interface {
	// JobFinished says how an attempt of a job ended, as j's Status now says: done, pending
	// (to be tried again) or failed; lag is the business time from its due time to the end
	// of the attempt.
	JobFinished(j mercato.Job, lag time.Duration)
	// AdjustmentsAccepted says that calls were answered with n billing adjustments accepted
	// (a call repeated with the same client tokens counts again).
	AdjustmentsAccepted(n int)
	// AdjustmentsFinished says that the processor completed some billing adjustments, or gave
	// up on them (failed: their job failed for good, an operator's retry may complete them).
	AdjustmentsFinished(completed, failed int)
	// DeliveryAttempted says that an event was sent to a destination: delivered (a 2xx) or not.
	DeliveryAttempted(delivered bool)
}

// WithObserver sets the observer of the service's work (by default none).
func WithObserver(o Observer) Option { return func(s *Service) { s.observer = o } }

// recordJob adds the stored outcome of an attempt to rep and tells the observer.
func (s *Service) recordJob(j mercato.Job, rep *jobReport) {
	rep.add(j)
	if s.observer == nil {
		return
	}
	s.observer.JobFinished(j, s.Now().Sub(j.DueAt))
	if j.Kind != jobProcessAdjustment || j.Status == mercato.JobPending {
		return
	}
	n := 0
	if p, err := jobPayload[adjustmentJob](j); err == nil {
		n = len(p.ids())
	}
	if j.Status == mercato.JobDone {
		s.observer.AdjustmentsFinished(n, 0)
	} else {
		s.observer.AdjustmentsFinished(0, n)
	}
}

// recordAccepted tells the observer how many billing adjustments the calls were answered with.
func (s *Service) recordAccepted(calls []*adjustmentCall) {
	if s.observer == nil {
		return
	}
	n := 0
	for _, c := range calls {
		if c.err == nil {
			n += len(c.res.Items)
		}
	}
	if n > 0 {
		s.observer.AdjustmentsAccepted(n)
	}
}
