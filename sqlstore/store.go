// Package sqlstore implements mercato.Store over database/sql. One implementation serves every
// SQL database the project supports; a Dialect describes the little that differs between them.
// Queries use $1, $2 ... placeholders, which both PostgreSQL and SQLite accept.
//
// The store keeps data and translates driver errors into mercato error codes (a missing row is
// ENotFound, a duplicate key EConflict); it decides no business rule.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"mercato"
)

// Dialect describes what differs between the databases behind a Store.
type Dialect struct {
	// Name names the database in error messages, e.g. "sqlite" or "postgres".
	Name string
	// UpdateTx, RowsTx and ViewTx are the options of the transactions Update, UpdateRows and
	// View begin.
	UpdateTx, RowsTx, ViewTx sql.TxOptions
	// MaxAttempts bounds how often Update, UpdateRows and View run fn when the database asks for
	// a retry; values below 1 mean 1 (no retry).
	MaxAttempts int
	// IsUniqueViolation reports whether err says a unique or primary-key constraint failed.
	IsUniqueViolation func(error) bool
	// IsRetryable reports whether err asks for the whole transaction to be run again (a
	// serialization failure or a deadlock). Nil means never.
	IsRetryable func(error) bool
	// PrepareInTx prepares each statement once per transaction and reuses it, for drivers that
	// do not cache prepared statements themselves (pgx does; modernc's SQLite does not, and
	// parsing is a third of the cost of its inserts).
	PrepareInTx bool
	// AnonymousParams makes multi-row inserts use "?" parameters rather than "$n" (SQLite
	// accepts both; PostgreSQL only "$n").
	AnonymousParams bool
	// PowerOfTwoRows makes each multi-row statement take a power of two of rows, so that
	// statements have few shapes: for a database whose statements run in-process and are kept
	// prepared in a cache of bounded size (SQLite). Over a network, fewer statements matter more,
	// and the driver keeps each shape prepared per connection (PostgreSQL through pgx).
	PowerOfTwoRows bool
	// GroupCommit merges concurrent Update calls into one transaction with a savepoint each
	// (see committer), for databases with one writer at a time (SQLite). It needs MaxAttempts 1.
	GroupCommit bool
	// LockKeys is a statement that takes, in order, a lock on each int64 key of its one array
	// parameter, held until the transaction ends; empty where the database runs one writer at a
	// time. Such locks serialize the transactions that take them and nothing else: unlike row
	// locks, they keep no other write of the rows waiting.
	LockKeys string
	// RowLock is appended to a query that reads rows to lock them until the transaction ends,
	// e.g. "FOR NO KEY UPDATE"; empty where the database runs one writer at a time.
	RowLock string
	// ClaimLock is appended to the query that picks the jobs ClaimJobs leases, e.g.
	// "FOR UPDATE SKIP LOCKED"; empty where the database runs one writer at a time anyway.
	ClaimLock string
}

func (d *Dialect) retryable(err error) bool { return d.IsRetryable != nil && d.IsRetryable(err) }

func (d *Dialect) uniqueViolation(err error) bool {
	return d.IsUniqueViolation != nil && d.IsUniqueViolation(err)
}

// Store is a mercato.Store over database/sql. Update runs on the writer pool, UpdateRows on
// the rows pool and View on the reader pool; they may be the same.
type Store struct {
	writer, rows, reader *sql.DB
	dialect              Dialect
	group                *committer // nil unless the dialect groups commits
	readStmts            *stmtCache // nil unless the dialect prepares statements itself
	writeStmts           *stmtCache // nil unless it does and commits are grouped (on one connection)
	migrated             []string   // the migrations that opening the store applied (migrate.go)
}

var _ mercato.Store = (*Store)(nil)

// New returns a store that writes through writer and reads through reader (which may be the
// same pool). The schema must already exist. The store owns the pools: Close closes them.
func New(writer, reader *sql.DB, d Dialect) *Store { return NewWithRows(writer, writer, reader, d) }

// NewWithRows is New with a pool of its own for UpdateRows, whose work reads and writes rows by
// key only: its connections may be set up for that (PostgreSQL: no whole-table scans).
func NewWithRows(writer, rows, reader *sql.DB, d Dialect) *Store {
	if d.MaxAttempts < 1 {
		d.MaxAttempts = 1
	}
	s := &Store{writer: writer, rows: rows, reader: reader, dialect: d}
	if d.GroupCommit {
		s.group = newCommitter(s)
	}
	if d.PrepareInTx {
		s.readStmts = newStmtCache(reader)
		if d.GroupCommit {
			s.writeStmts = newStmtCache(writer)
		}
	}
	return s
}

// GroupsCommits reports whether concurrent updates share transactions (see committer), so that
// callers can choose how much to run at once.
func (s *Store) GroupsCommits() bool { return s.group != nil }

// Update runs fn in a read-write transaction, committed if fn returns nil. When the database
// asks for a retry, fn runs again, up to the dialect's MaxAttempts.
func (s *Store) Update(ctx context.Context, fn func(mercato.Tx) error) error {
	if s.group != nil {
		return s.group.update(ctx, fn)
	}
	return s.run(ctx, s.writer, &s.dialect.UpdateTx, fn)
}

// UpdateRows is Update at the dialect's RowsTx isolation, for work whose rules hold row by row
// (see mercato.Store). Grouped commits run it as Update.
func (s *Store) UpdateRows(ctx context.Context, fn func(mercato.Tx) error) error {
	if s.group != nil {
		return s.group.update(ctx, fn)
	}
	return s.run(ctx, s.rows, &s.dialect.RowsTx, fn)
}

// View runs fn in a read-only transaction, which is always rolled back.
func (s *Store) View(ctx context.Context, fn func(mercato.Tx) error) error {
	return s.run(ctx, s.reader, &s.dialect.ViewTx, fn)
}

// Close closes the pools.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	if s.readStmts != nil {
		s.readStmts.close()
	}
	if s.writeStmts != nil {
		s.writeStmts.close()
	}
	err := s.writer.Close()
	if s.rows != s.writer {
		err = errors.Join(err, s.rows.Close())
	}
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// run runs fn in transactions of db until one ends without asking for a retry or the attempts
// run out.
func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(mercato.Tx) error) error {
	for attempt := 1; ; attempt++ {
		retry, err := s.attempt(ctx, db, opts, fn)
		if !retry {
			return err
		}
		if attempt == s.dialect.MaxAttempts {
			return fmt.Errorf("%s: %w: %w", s.dialect.Name,
				mercato.Errorf(mercato.EThrottled, "transaction still conflicts after %d attempts; retry later", attempt), err)
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// attempt runs fn once in a transaction of db. It commits read-write transactions when fn
// succeeds, and reports whether the database asked for the transaction to be retried.
func (s *Store) attempt(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(mercato.Tx) error) (retry bool, err error) {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.dialect.retryable(err), fmt.Errorf("%s: begin transaction: %w", s.dialect.Name, err)
	}
	// Roll back on every way out but a commit, including a panic in fn; after a commit this
	// does nothing.
	defer func() { _ = sqlTx.Rollback() }()
	t := &tx{ctx: ctx, tx: sqlTx, d: &s.dialect}
	switch {
	case opts.ReadOnly && s.readStmts != nil:
		t.cache = s.readStmts
	case s.dialect.PrepareInTx:
		t.stmts = map[string]*sql.Stmt{}
	}
	err = fn(t)
	if t.retryErr != nil {
		if err == nil {
			err = fmt.Errorf("%s: %w", s.dialect.Name, t.retryErr)
		}
		return true, err
	}
	if err != nil || opts.ReadOnly {
		return false, err
	}
	if err := sqlTx.Commit(); err != nil {
		if s.dialect.retryable(err) { // the database refused the commit: nothing was committed
			return true, fmt.Errorf("%s: commit: %w", s.dialect.Name, err)
		}
		return false, fmt.Errorf("%s: commit: %w: %w", s.dialect.Name, mercato.ErrCommitUnknown, err)
	}
	return false, nil
}

// backoff returns a jittered, exponentially growing pause before the given retry.
func backoff(attempt int) time.Duration {
	const base, ceiling = 2 * time.Millisecond, 250 * time.Millisecond
	d := min(base<<min(attempt, 16), ceiling)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
