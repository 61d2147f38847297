package datafeed

import (
	"encoding/csv"
	"fmt"
	"io"
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
	sink, err := NewDirSink(dir)
	if err != nil {
		return err
	}
	if err := writeFeeds(sink, feeds); err != nil {
		sink.Abort()
		return err
	}
	return nil
}

// WriteZip writes the feeds as one zip archive of NAME.csv files.
func WriteZip(w io.Writer, feeds []Feed) error {
	sink := NewZipSink(w)
	if err := writeFeeds(sink, feeds); err != nil {
		return err
	}
	return sink.Close()
}

// writeFeeds writes feeds in memory to sink.
func writeFeeds(sink Sink, feeds []Feed) error {
	for _, f := range feeds {
		if err := sink.Begin(f.Name, f.Header); err != nil {
			return err
		}
		for _, r := range f.Rows {
			if err := sink.Row(r); err != nil {
				return err
			}
		}
		if err := sink.End(); err != nil {
			return err
		}
	}
	return nil
}
