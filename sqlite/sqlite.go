// Package sqlite opens mercato's store in an SQLite database file (through modernc.org/sqlite,
// which needs no cgo). Writes go through a single connection that begins transactions with
// BEGIN IMMEDIATE, so writers queue instead of failing; reads use a pool of read-only
// connections that, thanks to the write-ahead log, never wait for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"mercato/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// pragmas apply to every connection: write-ahead logging, waiting up to 10 s for a lock,
// enforced foreign keys, an fsync at every commit (synchronous=FULL: nothing acknowledged is
// lost on power failure; group commit keeps the cost to one fsync per group), a 64 MiB page
// cache, and temporary files in memory: group commit runs each call of a group of several in a
// savepoint, whose journal of the pages it changes otherwise spills to a file once larger than
// 64 KiB (none of it is needed to recover from a crash; the WAL is).
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)"

// dialect is what the shared store needs to know about SQLite. With one writer connection
// there are no serialization failures to retry.
var dialect = sqlstore.Dialect{
	Name:              "sqlite",
	ViewTx:            sql.TxOptions{ReadOnly: true},
	IsUniqueViolation: isUniqueViolation,
	PrepareInTx:       true,
	AnonymousParams:   true,
	GroupCommit:       true,
	PowerOfTwoRows:    true,
}

// Open opens the database file at path, creating it if needed, brings its schema up to date
// and returns the store. path must name a file: the writer and the readers are separate
// connections, which an in-memory database could not share.
func Open(path string) (*sqlstore.Store, error) {
	writer, err := openPool("file:"+path+"?"+pragmas+"&_txlock=immediate", 1)
	if err != nil {
		return nil, err
	}
	applied, err := migrate(writer)
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("migrate sqlite database %s: %w", path, err)
	}
	reader, err := openPool("file:"+path+"?"+pragmas+"&_pragma=query_only(1)", max(4, runtime.NumCPU()))
	if err != nil {
		_ = writer.Close()
		return nil, err
	}
	s := sqlstore.New(writer, reader, dialect)
	s.SetMigrated(applied)
	return s, nil
}

// openPool opens a pool of at most conns connections and checks that it can connect.
func openPool(dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	return db, nil
}

// migrate applies the embedded migrations that db has not seen yet and returns their names; it
// refuses a database a newer mercato migrated (sqlstore.Migrate).
func migrate(db *sql.DB) ([]string, error) {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, dir)
	if err != nil {
		return nil, err
	}
	return sqlstore.Migrate(context.Background(), p)
}

// isUniqueViolation reports whether err is SQLite's UNIQUE or PRIMARY KEY constraint failure.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
