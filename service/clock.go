package service

import (
	"context"
	"time"

	"mercato"
)

const clockSetting = "clock"

// Advance moves the simulated clock forward to t, running every job due on the way in time
// order, each at its own due time, and returns the new time; MoveClock also says what the jobs
// did. Errors: EConflict when the service runs on real time, EInvalid when t is before the
// current time.
func (s *Service) Advance(ctx context.Context, t time.Time) (time.Time, error) {
	m, err := s.MoveClock(ctx, t)
	return m.Now, err
}

// ClockMove is what a move of the simulated clock did: the new time, how many jobs of each kind
// were done on the way, and the jobs whose last attempt on the way failed, as it left them:
// pending ones are tried again at their RunAt (the clock may already have passed it when the
// move stopped before), failed ones gave up and wait for an operator's retry (RetryJob).
type ClockMove struct {
	Now    time.Time
	Done   map[mercato.JobKind]int
	Failed []mercato.Job // in due order
}

// MoveClock moves the simulated clock forward to t, running every job due on the way in time
// order, each at its own due time (a retry at its RunAt), and says what they did. A job that
// fails is no error of the move, which goes on: it is in Failed. Errors: EConflict when the
// service runs on real time, EInvalid when t is before the current time, and the store's.
func (s *Service) MoveClock(ctx context.Context, t time.Time) (ClockMove, error) {
	if s.sim == nil {
		return ClockMove{}, mercato.Errorf(mercato.EConflict, "the clock can only be moved in sandbox mode")
	}
	s.advanceMu.Lock()
	defer s.advanceMu.Unlock()
	t = t.UTC()
	if now := s.sim.Now(); t.Before(now) {
		e := mercato.Errorf(mercato.EInvalid, "the simulated clock only moves forward: %s is before %s",
			t.Format(time.RFC3339), now.Format(time.RFC3339))
		return ClockMove{Now: now}, e
	}
	rep := newJobReport()
	err := s.catchUp(ctx, t, rep)
	m := ClockMove{Now: s.sim.Now(), Done: rep.done, Failed: rep.failures()}
	if err != nil {
		return m, err
	}
	s.sim.Set(t)
	m.Now = t
	return m, s.saveClock(ctx)
}

// catchUp runs, in the order they run, every job to run at or before t, adding their outcomes
// to rep.
func (s *Service) catchUp(ctx context.Context, t time.Time, rep *jobReport) error {
	for {
		var next time.Time
		var ok bool
		err := s.view(ctx, func(tx mercato.Tx) error {
			var err error
			next, ok, err = tx.NextJobDue()
			return err
		})
		if err != nil {
			return err
		}
		if !ok || next.After(t) {
			return nil
		}
		if next.Before(s.sim.Now()) {
			next = s.sim.Now()
		}
		claimed, err := s.runClaimed(ctx, next, rep)
		if err != nil {
			return err
		}
		if err := s.saveClock(ctx); err != nil {
			return err
		}
		if claimed == 0 {
			// Another node holds the jobs due: one alive finishes them, a dead one's lease runs
			// out within a lease of wall time. Wait for either rather than spin.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(heldJobsWait):
			}
		}
	}
}

// heldJobsWait is how long a move of the clock waits before it looks again for due jobs that
// another node held.
const heldJobsWait = 20 * time.Millisecond

func (s *Service) saveClock(ctx context.Context) error {
	now := s.sim.Now().Format(time.RFC3339Nano)
	return s.store.Update(ctx, func(tx mercato.Tx) error { return tx.PutSetting(clockSetting, now) })
}

// RestoreClock sets the simulated clock to the time saved by the last run on this database, if
// that is later than the clock's current time, so a sandbox restarts where it stopped.
func (s *Service) RestoreClock(ctx context.Context) error {
	if s.sim == nil {
		return nil
	}
	var saved string
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		saved, err = tx.GetSetting(clockSetting)
		return err
	})
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, saved)
	if err != nil {
		return mercato.Errorf(mercato.EInternal, "saved clock %q: %v", saved, err)
	}
	if t.After(s.sim.Now()) {
		s.sim.Set(t)
	}
	return nil
}
