package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"mercato"
	"mercato/sqlstore"
)

// openStore returns a store over an SQLite database holding only the settings table, whose
// dialect asks for a retry whenever retry says so of an error, and the database.
func openStore(t *testing.T, maxAttempts int, retry func(error) bool) (*sqlstore.Store, *sql.DB) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	s := sqlstore.New(db, db, sqlstore.Dialect{Name: "test", MaxAttempts: maxAttempts, IsRetryable: retry})
	t.Cleanup(func() { _ = s.Close() })
	return s, db
}

// missingRow treats a lookup of a missing row as a serialization failure.
func missingRow(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func TestUpdateRetriesUntilSuccess(t *testing.T) {
	s, _ := openStore(t, 5, missingRow)
	runs := 0
	err := s.Update(context.Background(), func(tx mercato.Tx) error {
		runs++
		if err := tx.PutSetting("runs", "x"); err != nil {
			return err
		}
		if runs < 3 {
			_, err := tx.GetSetting("missing")
			return err
		}
		return nil
	})
	if err != nil || runs != 3 {
		t.Fatalf("Update = %v after %d runs; want nil after 3", err, runs)
	}
}

func TestUpdateGivesUpAfterMaxAttempts(t *testing.T) {
	s, db := openStore(t, 4, missingRow)
	runs := 0
	err := s.Update(context.Background(), func(tx mercato.Tx) error {
		runs++
		if err := tx.PutSetting("k", "v"); err != nil {
			return err
		}
		// The failure is hidden from the store: it must still retry, and never commit.
		_, _ = tx.GetSetting("missing")
		return nil
	})
	if runs != 4 || mercato.ErrorCodeOf(err) != mercato.EThrottled || !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("Update = %v after %d runs; want EThrottled wrapping the cause after 4", err, runs)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM settings").Scan(&n); err != nil || n != 0 {
		t.Errorf("a transaction that asked for a retry was committed: %d settings, %v", n, err)
	}
}

func TestUpdateDoesNotRetryOtherErrors(t *testing.T) {
	s, _ := openStore(t, 5, missingRow)
	runs := 0
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx mercato.Tx) error { runs++; return boom })
	if !errors.Is(err, boom) || runs != 1 {
		t.Fatalf("Update = %v after %d runs; want boom after 1", err, runs)
	}
}

func TestUpdateStopsRetryingWhenCancelled(t *testing.T) {
	s, _ := openStore(t, 100, missingRow)
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	err := s.Update(ctx, func(tx mercato.Tx) error {
		runs++
		cancel()
		_, err := tx.GetSetting("missing")
		return err
	})
	if !errors.Is(err, context.Canceled) || runs != 1 {
		t.Fatalf("Update = %v after %d runs; want context.Canceled after 1", err, runs)
	}
}
