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
	// Issued counts the documents dated within the move, once it completed.
	Issued MovedDocuments
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
	if err := s.beginMove(ctx); err != nil {
		return ClockMove{Now: s.sim.Now()}, err
	}
	defer s.endMove(ctx)
	from := s.sim.Now()
	before, err := s.countDocuments(ctx, from, from)
	if err != nil {
		return ClockMove{Now: from}, err
	}
	rep := newJobReport()
	err = s.catchUp(ctx, t, rep)
	m := ClockMove{Now: s.sim.Now(), Done: rep.done, Failed: rep.failures()}
	if err != nil {
		return m, err
	}
	s.sim.Set(t)
	m.Now = t
	if err := s.saveClock(ctx); err != nil {
		return m, err
	}
	s.runDueWork(ctx, t)
	after, err := s.countDocuments(ctx, from, t)
	m.Issued = after.sub(before)
	return m, err
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
		if claimed > 0 {
			s.runDueWork(ctx, s.sim.Now())
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

// saveClock stores the simulated clock's time as the database's business time, unless the
// stored time is later: business time never moves backwards, even if another process moved it.
// It renews the record of this node's move of the clock, if one is under way.
func (s *Service) saveClock(ctx context.Context) error {
	now := s.sim.Now()
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		if err := s.renewMove(tx); err != nil {
			return err
		}
		stored, ok, err := storedClock(tx)
		if err != nil || (ok && stored.After(now)) {
			return err
		}
		return tx.PutSetting(clockSetting, now.Format(time.RFC3339Nano))
	})
}

// storedClock returns the business time stored on the database, and false when none is.
func storedClock(tx mercato.Tx) (time.Time, bool, error) {
	return timeSetting(tx, clockSetting)
}

// timeSetting returns the time stored in the setting key, and false when there is none.
// EInternal when the stored value is not a time.
func timeSetting(tx mercato.Tx, key string) (time.Time, bool, error) {
	saved, err := tx.GetSetting(key)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	t, err := time.Parse(time.RFC3339Nano, saved)
	if err != nil {
		return time.Time{}, false, mercato.Errorf(mercato.EInternal, "setting %s %q: %v", key, saved, err)
	}
	return t.UTC(), true, nil
}

// RestoreClock sets the simulated clock to the business time stored on this database, so that a
// sandbox restarts exactly where it stopped, whatever time the clock was built with (a
// scenario's, the wall clock's). On a database with no stored time it stores the clock's, so
// that the next start resumes there. It does nothing on real time. Errors: EInternal when the
// stored time cannot be read, and the store's.
func (s *Service) RestoreClock(ctx context.Context) error {
	if s.sim == nil {
		return nil
	}
	var stored time.Time
	var ok bool
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		stored, ok, err = storedClock(tx)
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		return s.saveClock(ctx)
	}
	s.sim.Set(stored)
	return nil
}
