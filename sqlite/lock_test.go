//go:build unix

package sqlite_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mercato/sqlite"
)

// The lock of a database file is held by one holder at a time, names its holder to the next,
// and is free again once released.
func TestLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	unlock, err := sqlite.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Lock(path)
	want := "sqlite database " + path + " is in use by another mercato server (process " + strconv.Itoa(os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("second lock: %v, want %q", err, want)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = sqlite.Lock(path)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = unlock()
}
