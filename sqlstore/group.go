package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"mercato"
)

// maxGroup bounds how many Update calls one grouped transaction runs.
const maxGroup = 128

// committer merges concurrent Update calls into one database transaction, each call inside a
// savepoint of its own (group commit). On a database that runs one writer at a time and pays a
// durable commit per transaction, this turns a queue of small transactions into one commit: the
// callers see exactly what they would in serial transactions (a failing call rolls back to its
// savepoint; the others go on), and each is answered only once the commit is durable.
type committer struct {
	s    *Store
	reqs chan *groupCall
	quit chan struct{}
	done chan struct{}
}

type groupCall struct {
	ctx    context.Context
	fn     func(mercato.Tx) error
	err    error
	panic  any
	result chan struct{}
}

func newCommitter(s *Store) *committer {
	c := &committer{s: s, reqs: make(chan *groupCall), quit: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

// update runs fn in the next group and waits for the group's commit.
func (c *committer) update(ctx context.Context, fn func(mercato.Tx) error) error {
	call := &groupCall{ctx: ctx, fn: fn, result: make(chan struct{})}
	select {
	case c.reqs <- call:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.quit:
		return fmt.Errorf("%s: store is closed", c.s.dialect.Name)
	}
	<-call.result
	if call.panic != nil {
		panic(call.panic)
	}
	return call.err
}

func (c *committer) close() {
	close(c.quit)
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	for {
		select {
		case first := <-c.reqs:
			c.run(c.gather(first))
		case <-c.quit:
			return
		}
	}
}

// gather takes the calls already waiting, up to maxGroup; it never waits for more.
func (c *committer) gather(first *groupCall) []*groupCall {
	group := []*groupCall{first}
	for len(group) < maxGroup {
		select {
		case call := <-c.reqs:
			group = append(group, call)
		default:
			return group
		}
	}
	return group
}

// run runs the calls in one transaction and answers each.
func (c *committer) run(group []*groupCall) {
	defer func() {
		for _, call := range group {
			close(call.result)
		}
	}()
	s := c.s
	sqlTx, err := s.writer.BeginTx(context.Background(), &s.dialect.UpdateTx)
	if err != nil {
		setErr(group, fmt.Errorf("%s: begin transaction: %w", s.dialect.Name, err))
		return
	}
	t := &tx{ctx: context.Background(), tx: sqlTx, d: &s.dialect, cache: s.writeStmts}
	if t.cache == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	ran := 0
	alone := len(group) == 1 // the transaction is its savepoint: it commits only if the call succeeds
	for _, call := range group {
		if err := c.runOne(t, call, !alone); err != nil { // the transaction itself failed
			_ = sqlTx.Rollback()
			setErr(group, err)
			return
		}
		if call.err == nil && call.panic == nil {
			ran++
		}
	}
	if ran == 0 {
		_ = sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		setErr(group, fmt.Errorf("%s: commit: %w: %w", s.dialect.Name, mercato.ErrCommitUnknown, err))
	}
}

// runOne runs one call in t, in a savepoint of its own if savepoint is set, rolling back to it
// when the call fails or panics. It returns an error only when the savepoint itself cannot be
// handled. A savepoint keeps a journal of the pages the call changes, which a call alone in its
// transaction does not need.
func (c *committer) runOne(t *tx, call *groupCall, savepoint bool) error {
	if err := call.ctx.Err(); err != nil {
		call.err = err
		return nil
	}
	if !savepoint {
		t.ctx, t.retryErr = call.ctx, nil
		call.panic, call.err = protect(call.fn, t)
		t.ctx = context.Background()
		return nil
	}
	if _, err := t.tx.Exec("SAVEPOINT grouped"); err != nil {
		return fmt.Errorf("%s: savepoint: %w", c.s.dialect.Name, err)
	}
	t.ctx, t.retryErr = call.ctx, nil
	call.panic, call.err = protect(call.fn, t)
	t.ctx = context.Background()
	if call.err != nil || call.panic != nil {
		if _, err := t.tx.Exec("ROLLBACK TO grouped"); err != nil {
			return fmt.Errorf("%s: rollback to savepoint: %w", c.s.dialect.Name, err)
		}
	}
	if _, err := t.tx.Exec("RELEASE grouped"); err != nil {
		return fmt.Errorf("%s: release savepoint: %w", c.s.dialect.Name, err)
	}
	return nil
}

// protect runs fn, turning a panic into a value to re-raise in the caller's goroutine.
func protect(fn func(mercato.Tx) error, t *tx) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return nil, fn(t)
}

// setErr fails every call of the group that has not failed on its own.
func setErr(group []*groupCall, err error) {
	for _, call := range group {
		if call.err == nil && call.panic == nil {
			call.err = err
		}
	}
}
