package service

import (
	"context"
	"time"

	"mercato"
)

const clockSetting = "clock"

// Advance moves the simulated clock forward to t, running every job due on the way in time
// order, each at its own due time, and returns the new time. Errors: EConflict when the service
// runs on real time, EInvalid when t is before the current time.
func (s *Service) Advance(ctx context.Context, t time.Time) (time.Time, error) {
	if s.sim == nil {
		return time.Time{}, mercato.Errorf(mercato.EConflict, "the clock can only be moved in sandbox mode")
	}
	s.advanceMu.Lock()
	defer s.advanceMu.Unlock()
	t = t.UTC()
	if now := s.sim.Now(); t.Before(now) {
		e := mercato.Errorf(mercato.EInvalid, "the simulated clock only moves forward: %s is before %s",
			t.Format(time.RFC3339), now.Format(time.RFC3339))
		return now, e
	}
	if err := s.catchUp(ctx, t); err != nil {
		return s.sim.Now(), err
	}
	s.sim.Set(t)
	return t, s.saveClock(ctx)
}

// catchUp runs, in due order, every job due at or before t.
func (s *Service) catchUp(ctx context.Context, t time.Time) error {
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
		if _, err := s.runDue(ctx, next); err != nil {
			return err
		}
		if err := s.saveClock(ctx); err != nil {
			return err
		}
	}
}

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
