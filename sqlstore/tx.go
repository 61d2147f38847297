package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"mercato"
)

// tx is a mercato.Tx over one database transaction.
type tx struct {
	ctx context.Context
	tx  *sql.Tx
	d   *Dialect
	// stmts, when not nil, holds the statements prepared in this transaction, by query.
	stmts map[string]*sql.Stmt
	// cache, when not nil, holds statements prepared for the pool: the readers', or the single
	// writer connection's for grouped commits.
	cache *stmtCache
	// retryErr is the first error of a statement that asks for the transaction to be run
	// again; the store then retries, and never commits, even if fn hides the error.
	retryErr error
}

var _ mercato.Tx = (*tx)(nil)

// scanner is what a row scan needs: *sql.Row and *sql.Rows both are.
type scanner interface{ Scan(dest ...any) error }

// note remembers err if it asks for a retry, and returns it.
func (t *tx) note(err error) error {
	if err != nil && t.retryErr == nil && t.d.retryable(err) {
		t.retryErr = err
	}
	return err
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	if s := t.stmt(query); s != nil {
		res, err := s.ExecContext(t.ctx, args...)
		return res, t.note(err)
	}
	res, err := t.tx.ExecContext(t.ctx, query, args...)
	return res, t.note(err)
}

// stmt returns the statement of query prepared in this transaction, preparing it on first use,
// or nil to run the query unprepared (the dialect does not prepare, or preparing failed: the
// query then reports the error itself). The transaction closes its statements when it ends.
func (t *tx) stmt(query string) *sql.Stmt {
	if t.cache != nil {
		if s := t.cache.get(query); s != nil {
			return t.tx.StmtContext(t.ctx, s)
		}
		return nil
	}
	if t.stmts == nil {
		return nil
	}
	if s, ok := t.stmts[query]; ok {
		return s
	}
	s, err := t.tx.PrepareContext(t.ctx, query)
	if err != nil {
		return nil
	}
	t.stmts[query] = s
	return s
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	if s := t.stmt(query); s != nil {
		return s.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

// execCount runs a statement and returns how many rows it changed.
func (t *tx) execCount(query string, args ...any) (int64, error) {
	res, err := t.exec(query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return n, t.note(err)
}

// getRow runs a query expected to return at most one row and scans it with scan.
func getRow[T any](t *tx, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(t.queryRow(query, args...))
	return v, t.note(err)
}

// list runs a query and scans every row with scan.
func list[T any](t *tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, t.note(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, t.note(err)
		}
		out = append(out, v)
	}
	return out, t.note(rows.Err())
}

// fail wraps err with what was being done, turning a missing row into ENotFound and a unique
// violation into EConflict for the resource named by typ and id.
func (t *tx) fail(err error, op, typ, id string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return mercato.NotFound(typ, id)
	case t.d.uniqueViolation(err):
		return fmt.Errorf("%s %s %s: %w: %w", op, typ, id, conflict(typ, id, "conflicts with a stored one"), err)
	}
	return fmt.Errorf("%s %s %s: %w", op, typ, id, err)
}

// wrap adds context to err, or returns nil for a nil err.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// conflict returns an EConflict error about the resource.
func conflict(typ, id, what string) *mercato.Error {
	return &mercato.Error{Code: mercato.EConflict, Message: fmt.Sprintf("%s %s %s", typ, id, what),
		ResourceID: id, ResourceType: typ}
}

// insertNew runs an INSERT ... ON CONFLICT DO NOTHING and returns EConflict when it inserted
// nothing. Not raising the violation keeps a PostgreSQL transaction usable afterwards.
func (t *tx) insertNew(typ, id, query string, args ...any) error {
	n, err := t.execCount(query, args...)
	if err != nil {
		return t.fail(err, "insert", typ, id)
	}
	if n == 0 {
		return conflict(typ, id, "already exists")
	}
	return nil
}

// updateExisting runs an UPDATE of one row and returns ENotFound when it changed none.
func (t *tx) updateExisting(typ, id, query string, args ...any) error {
	n, err := t.execCount(query, args...)
	if err != nil {
		return t.fail(err, "update", typ, id)
	}
	if n == 0 {
		return mercato.NotFound(typ, id)
	}
	return nil
}

// checkInserted turns a multi-row insert that stored fewer rows than given into EConflict: some
// row's ID or unique key was taken. The rows are named when there is one.
func (t *tx) checkInserted(typ string, inserted int64, n int, id func(int) string, err error) error {
	if err != nil {
		return t.fail(err, "insert", typ, id(0))
	}
	if inserted == int64(n) {
		return nil
	}
	if n == 1 {
		return conflict(typ, id(0), "already exists")
	}
	return conflict(typ, id(0)+"...", fmt.Sprintf("and %d more: %d of them already exist", n-1, int64(n)-inserted))
}
