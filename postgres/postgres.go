// Package postgres opens mercato's store in a PostgreSQL database (through pgx). Updates run
// in SERIALIZABLE transactions and are retried when PostgreSQL reports a serialization failure
// or a deadlock; row-by-row updates (UpdateRows) run in READ COMMITTED with row locks; views run in READ ONLY transactions on one snapshot (REPEATABLE READ).
//
// The schema lives in the connection's current schema: set search_path in the URL (for
// example ...?search_path=mercato) to keep it apart from other data.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"mercato/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// maxConns bounds the pool, well within PostgreSQL's default of 100 connections.
const maxConns = 16

// rowsConns bounds the pool of UpdateRows, which a few runners use (adjustments accepted and
// completed).
const rowsConns = 8

// SQLSTATE codes the store acts on.
const (
	uniqueViolation      = "23505"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// dialect is what the shared store needs to know about PostgreSQL.
var dialect = sqlstore.Dialect{
	Name:              "postgres",
	UpdateTx:          sql.TxOptions{Isolation: sql.LevelSerializable},
	RowsTx:            sql.TxOptions{Isolation: sql.LevelReadCommitted},
	ViewTx:            sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	MaxAttempts:       10,
	IsUniqueViolation: hasCode(uniqueViolation),
	IsRetryable:       hasCode(serializationFailure, deadlockDetected),
	// unnest yields the keys in the array's order, sorted by the caller so that transactions
	// locking overlapping sets cannot deadlock.
	LockKeys:  "SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k",
	RowLock:   "FOR NO KEY UPDATE",
	ClaimLock: "FOR UPDATE SKIP LOCKED",
}

// Open connects to the database at url (a postgres:// URL or a key=value connection string),
// brings its schema up to date and returns the store.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse connection string: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: connect to %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	applied, err := migrate(ctx, db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: migrate %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	// UpdateRows's work reads and writes rows by key only. Its connections never scan a table
	// whole where an index serves: PostgreSQL keeps a statement's generic plan from its sixth
	// run on, made for the table sizes of that moment, and a table that grew from a few rows
	// to many since would go on being scanned whole until the next ANALYZE.
	rowsCfg := cfg.Copy()
	rowsCfg.RuntimeParams["enable_seqscan"] = "off"
	rows := stdlib.OpenDB(*rowsCfg)
	rows.SetMaxOpenConns(rowsConns)
	rows.SetMaxIdleConns(rowsConns)
	s := sqlstore.NewWithRows(db, rows, db, dialect)
	s.SetMigrated(applied)
	return s, nil
}

// migrate applies the embedded migrations that db has not seen yet, holding an advisory lock
// so that processes starting together do not migrate at once, and returns their names; it
// refuses a database a newer mercato migrated (sqlstore.Migrate).
func migrate(ctx context.Context, db *sql.DB) ([]string, error) {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, dir, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, err
	}
	return sqlstore.Migrate(ctx, p)
}

// hasCode returns a function reporting whether an error is a PostgreSQL error with one of the
// SQLSTATE codes.
func hasCode(codes ...string) func(error) bool {
	return func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && slices.Contains(codes, e.Code)
	}
}
