package storetest

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver named "pgx"
)

// PostgresSchema creates a schema of its own for the test in the PostgreSQL database at base and
// returns a URL of base that uses it; the schema is dropped when the test ends. An unreachable
// database fails the test.
func PostgresSchema(t testing.TB, base string) string {
	t.Helper()
	dsn, drop, err := NewPostgresSchema(base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return dsn
}

// NewPostgresSchema creates a schema in the PostgreSQL database at base and returns a URL of base
// that uses it, and drop, which drops the schema and closes the connection that made it. For
// runs shorter than a test (a property's); a test uses PostgresSchema.
func NewPostgresSchema(base string) (dsn string, drop func() error, err error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("%s is not a postgres:// URL: %v", base, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	schema := "t_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %v", base, err)
	}
	drop = func() error {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %v", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
