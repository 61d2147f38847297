package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// `mercato migrate` names the migrations it applied, then says there was nothing to apply; a
// database that a newer mercato migrated is refused, by migrate and by serve alike, with a
// message saying what to do.
func TestMigrateSaysWhatItApplied(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "sqlite", "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	latest, err := strconv.Atoi(strings.SplitN(names[len(names)-1], "_", 2)[0])
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "m.db")
	out, err := runCLI(t, "migrate", "--db", "sqlite:"+path)
	applied := fmt.Sprintf("applied %d migrations: %s\n", len(names), strings.Join(names, ", "))
	if err != nil || !strings.Contains(out, applied) {
		t.Fatalf("first migrate: %q %v, want %q", out, err, applied)
	}
	out, err = runCLI(t, "migrate", "--db", "sqlite:"+path)
	if err != nil || !strings.Contains(out, "no migration to apply") {
		t.Fatalf("second migrate: %q %v", out, err)
	}

	// A newer mercato's migration, as goose records it.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the database's schema is at migration 99, newer than this mercato's latest (%d)", latest)
	if _, err := runCLI(t, "migrate", "--db", "sqlite:"+path); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("migrate on a newer database: %v", err)
	}
	err = serve(context.Background(), serveOptions{addr: freeAddr(t), db: "sqlite:" + path, metricsAddr: metricsOff})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("serve on a newer database: %v", err)
	}
}
