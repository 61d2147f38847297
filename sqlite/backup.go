package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
)

// backuper is what the driver's connections offer for SQLite's online backup API.
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// Backup copies the database file at path to a new file dst with SQLite's online backup API,
// safely while a server writes to it: the copy is one consistent snapshot (in WAL mode the
// backup reads it in one read transaction, which never waits for the writer nor holds it
// back). The copy is written beside dst and renamed into place once complete and synced, so
// that dst is either absent or a whole database. It returns the number of pages copied.
// Errors: path does not exist or is not a database, dst exists, and I/O errors.
func Backup(ctx context.Context, path, dst string) (pages int, err error) {
	if _, err := os.Stat(path); err != nil {
		return 0, err
	}
	if _, err := os.Stat(dst); err == nil {
		return 0, fmt.Errorf("%s exists: a backup never overwrites a file", dst)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.partial")
	if err != nil {
		return 0, err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmpPath)
		}
	}()
	if pages, err = copyOnline(ctx, path, tmpPath); err != nil {
		return 0, err
	}
	if err := syncFile(tmpPath); err != nil {
		return 0, err
	}
	if err := os.Rename(tmpPath, dst); err != nil {
		return 0, err
	}
	return pages, syncFile(filepath.Dir(dst))
}

// copyOnline runs the backup from the database at path into the file tmp, in one step.
func copyOnline(ctx context.Context, path, tmp string) (int, error) {
	src, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	conn, err := src.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	pages := 0
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return errors.New("the SQLite driver offers no online backup")
		}
		bk, err := b.NewBackup("file:" + tmp)
		if err != nil {
			return err
		}
		// One step copies every page under one read transaction: a consistent snapshot, where
		// steps of a few pages would start over each time the server commits.
		if _, err := bk.Step(-1); err != nil {
			bk.Finish()
			return err
		}
		pages = bk.PageCount()
		return bk.Finish()
	})
	if err != nil {
		return 0, fmt.Errorf("back up %s: %w", path, err)
	}
	return pages, nil
}

// syncFile flushes a file or a directory to stable storage.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
