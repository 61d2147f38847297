package service

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"mercato"
)

// The sandbox's scheduler runs the work due at or before the current business time on its own,
// as production's does, but never moves the clock: only MoveClock does. The two must never
// interleave, or a job could run twice (on one node both claim as the same lease owner), out of
// order (a job due earlier run after a move has done later work) or at the wrong business time
// (a node whose clock is behind the database's). So:
//   - on a node, a background run and a move of the clock hold the same lock (advanceMu);
//   - across nodes, a move records itself in the database (clockMovesSetting) for as long as
//     it runs, and a background run claims nothing while another node's move is recorded: the
//     check and the claim are one transaction, so a move that starts after the claim waits for
//     the jobs claimed (the next job due includes leased ones) before it goes past their time;
//   - a background run first follows the business time stored in the database, which other
//     nodes' moves may have advanced, so that it runs nothing at a time already passed.

// clockMovesSetting names the setting listing the moves of the simulated clock under way, one
// "owner@wall-time" per moving node, each until its wall time unless renewed.
const clockMovesSetting = "clock-moves"

// DueWork is work that falls due with business time besides jobs, such as delivering the events
// that jobs and requests emit. The scheduler (RunJobs) calls it after each of its runs with the
// business time of the run, and a move of the simulated clock after each step, at the step's
// time, and once more at its end: in the sandbox it never runs while the clock moves elsewhere
// on this node, since it runs under the same lock, and so must not move the clock itself. It
// does its own claiming (leases) and retries; an error it returns is logged.
type DueWork func(ctx context.Context, now time.Time) error

// WithDueWork adds work that the scheduler and moves of the simulated clock run when it is due
// (see DueWork).
func WithDueWork(w DueWork) Option { return func(s *Service) { s.dueWork = append(s.dueWork, w) } }

// Wake tells this node's scheduler (RunJobs) that work is due now, such as an event to deliver,
// so that it runs within milliseconds rather than at its next tick. It never blocks; wakes that
// come while the scheduler runs are merged into one more run.
func (s *Service) Wake() { s.wakeJobs() }

// Scheduling reports whether this node's scheduler (RunJobs) is running: whether, in the
// sandbox, due work runs on its own or only when the clock moves.
func (s *Service) Scheduling() bool { return s.scheduling.Load() > 0 }

// runScheduled is one run of the scheduler: what is due now, in production on the real clock,
// in the sandbox at the current business time (runDueNow).
func (s *Service) runScheduled(ctx context.Context) error {
	if s.sim != nil {
		return s.runDueNow(ctx)
	}
	now := s.Now()
	if err := s.runDue(ctx, now, nil); err != nil {
		return err
	}
	s.runDueWork(ctx, now)
	return nil
}

// runDueNow runs, in the sandbox, every job to run at or before the current business time, in
// that order, then the other due work, without moving the clock; unless a move of the clock is
// under way (see the top of this file), which runs them itself.
func (s *Service) runDueNow(ctx context.Context) error {
	s.advanceMu.Lock()
	defer s.advanceMu.Unlock()
	var now time.Time
	_, err := s.runClaims(ctx, func() ([]mercato.Job, error) {
		jobs, at, err := s.claimIdle(ctx)
		now = at
		return jobs, err
	}, nil)
	if err != nil || now.IsZero() {
		return err
	}
	s.runDueWork(ctx, now)
	return nil
}

// claimIdle leases to this node, in the sandbox, the jobs to run at or before the current
// business time (the database's, when another node moved it later than this node's clock), and
// returns them with that time, to which it moves this node's clock. While another node moves
// the clock it claims nothing and returns the zero time.
func (s *Service) claimIdle(ctx context.Context) ([]mercato.Job, time.Time, error) {
	var jobs []mercato.Job
	var now time.Time
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		jobs, now = nil, time.Time{}
		wall := leaseNow()
		moves, err := readClockMoves(tx)
		if err != nil || moves.byOthers(s.owner, wall) {
			return err
		}
		stored, _, err := storedClock(tx)
		if err != nil {
			return err
		}
		now = later(s.sim.Now(), stored)
		jobs, err = tx.ClaimJobs(now, s.owner, wall, wall.Add(s.lease), claimBatch)
		return err
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	if !now.IsZero() {
		s.moveSimTo(now)
	}
	return jobs, now, nil
}

// runDueWork runs the due work (WithDueWork) at business time now, logging what fails.
func (s *Service) runDueWork(ctx context.Context, now time.Time) {
	for _, w := range s.dueWork {
		if err := w(ctx, now); err != nil && ctx.Err() == nil {
			s.log.Error("running due work", "now", now, "err", err)
		}
	}
}

// clockMoves are the moves of the simulated clock under way across nodes: each moving node's
// lease owner name, and the wall time its record lasts until unless renewed, so that the
// record of a node that died mid-move runs out.
type clockMoves map[string]time.Time

// readClockMoves reads the moves under way. EInternal when the setting is not readable.
func readClockMoves(tx mercato.Tx) (clockMoves, error) {
	v, err := tx.GetSetting(clockMovesSetting)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return clockMoves{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := clockMoves{}
	for _, f := range strings.Fields(v) {
		owner, at, ok := strings.Cut(f, "@")
		t, err := time.Parse(time.RFC3339Nano, at)
		if !ok || err != nil {
			return nil, mercato.Errorf(mercato.EInternal, "setting %s: bad entry %q", clockMovesSetting, f)
		}
		m[owner] = t
	}
	return m, nil
}

// byOthers reports whether a node other than owner is moving the clock at wall time wall.
func (m clockMoves) byOthers(owner string, wall time.Time) bool {
	for o, until := range m {
		if o != owner && until.After(wall) {
			return true
		}
	}
	return false
}

// put stores the moves under way, leaving out the records that ran out by wall.
func (m clockMoves) put(tx mercato.Tx, wall time.Time) error {
	var fs []string
	for _, o := range slices.Sorted(maps.Keys(m)) {
		if m[o].After(wall) {
			fs = append(fs, o+"@"+m[o].Format(time.RFC3339Nano))
		}
	}
	return tx.PutSetting(clockMovesSetting, strings.Join(fs, " "))
}

// recordMove records in tx that this node moves the clock, for a lease from now (wall time),
// or, when moving is false, that it no longer does.
func (s *Service) recordMove(tx mercato.Tx, moving bool) error {
	moves, err := readClockMoves(tx)
	if err != nil {
		return err
	}
	wall := leaseNow()
	delete(moves, s.owner)
	if moving {
		moves[s.owner] = wall.Add(s.lease)
	}
	return moves.put(tx, wall)
}

// beginMove records that this node moves the clock, until endMove; saveClock and the leases'
// heartbeat renew the record while the move runs.
func (s *Service) beginMove(ctx context.Context) error {
	s.moving.Store(true)
	err := s.store.Update(ctx, func(tx mercato.Tx) error { return s.recordMove(tx, true) })
	if err != nil {
		s.moving.Store(false)
	}
	return err
}

// endMove removes this node's record of a move, also when the move's context ended. A record
// that cannot be removed runs out within a lease.
func (s *Service) endMove(ctx context.Context) {
	s.moving.Store(false)
	err := s.store.Update(context.WithoutCancel(ctx), func(tx mercato.Tx) error { return s.recordMove(tx, false) })
	if err != nil {
		s.log.Warn("ending the record of a clock move", "owner", s.owner, "err", err)
	}
}

// renewMove renews in tx this node's record of a move, if it is moving the clock.
func (s *Service) renewMove(tx mercato.Tx) error {
	if !s.moving.Load() {
		return nil
	}
	return s.recordMove(tx, true)
}
