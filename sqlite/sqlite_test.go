package sqlite_test

import (
	"path/filepath"
	"testing"

	"mercato"
	"mercato/sqlite"
	"mercato/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) mercato.Store {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "mercato.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
