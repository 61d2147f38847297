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
	res, err := t.tx.ExecContext(t.ctx, query, args...)
	return res, t.note(err)
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
	v, err := scan(t.tx.QueryRowContext(t.ctx, query, args...))
	return v, t.note(err)
}

// list runs a query and scans every row with scan.
func list[T any](t *tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
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
