package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"mercato"
	"mercato/sqlite"
)

// TestGroupCommitIsolatesCalls runs many concurrent updates, grouped into shared transactions:
// the ones that fail or panic leave nothing, the others all commit.
func TestGroupCommitIsolatesCalls(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	errOdd := errors.New("odd")
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil && i%10 != 4 {
					t.Errorf("call %d panicked: %v", i, p)
				}
			}()
			err := s.Update(ctx, func(tx mercato.Tx) error {
				if err := tx.PutSetting(fmt.Sprintf("k%03d", i), "v"); err != nil {
					return err
				}
				switch {
				case i%10 == 4:
					panic("boom")
				case i%2 == 1:
					return errOdd
				}
				return nil
			})
			var want error
			if i%2 == 1 {
				want = errOdd
			}
			if !errors.Is(err, want) {
				t.Errorf("call %d: %v, want %v", i, err, want)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 200; i++ {
		err := s.View(ctx, func(tx mercato.Tx) error {
			_, err := tx.GetSetting(fmt.Sprintf("k%03d", i))
			return err
		})
		kept := i%2 == 0 && i%10 != 4
		if kept != (err == nil) {
			t.Errorf("setting %d: kept=%v, err=%v", i, kept, err)
		}
	}
}
