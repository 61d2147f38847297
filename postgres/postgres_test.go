package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"mercato"
	"mercato/postgres"
	"mercato/storetest"
)

// envURL names the variable holding the URL of the PostgreSQL server to test against, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Without it the tests are skipped.
const envURL = "MERCATO_TEST_POSTGRES"

func TestConformance(t *testing.T) {
	base := os.Getenv(envURL)
	if base == "" {
		t.Skipf("%s is not set", envURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", envURL, err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	if err := admin.PingContext(t.Context()); err != nil {
		t.Fatalf("connect to %s: %v", envURL, err)
	}
	storetest.Run(t, func(t *testing.T) mercato.Store {
		return openFresh(t, admin, base)
	})
}

// openFresh opens a store in a new schema of the database, dropped when the test ends.
func openFresh(t *testing.T, admin *sql.DB, base string) mercato.Store {
	t.Helper()
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s must be a postgres:// URL: %v", envURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(t.Context(), u.String())
	if err != nil {
		t.Fatalf("open %s: %v", schema, err)
	}
	return s
}

func TestOpenUnreachable(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	t.Log(err)
}
