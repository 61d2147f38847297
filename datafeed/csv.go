package datafeed

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteCSV writes a feed as CSV: its header, then its rows.
func WriteCSV(w io.Writer, f Feed) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(f.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(f.Rows); err != nil { // WriteAll flushes
		return fmt.Errorf("write %s: %w", f.Name, err)
	}
	return nil
}

// WriteDir writes each feed to dir as NAME.csv, each file written beside its name and renamed
// into place once complete, so that a reader never sees half a feed. dir is created if needed.
func WriteDir(dir string, feeds []Feed) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, f := range feeds {
		if err := writeFile(filepath.Join(dir, f.Name+".csv"), f); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, f Feed) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := WriteCSV(tmp, f); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteZip writes the feeds as one zip archive of NAME.csv files.
func WriteZip(w io.Writer, feeds []Feed) error {
	zw := zip.NewWriter(w)
	for _, f := range feeds {
		fw, err := zw.Create(f.Name + ".csv")
		if err != nil {
			return err
		}
		if err := WriteCSV(fw, f); err != nil {
			return err
		}
	}
	return zw.Close()
}
