package datafeed

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// A Sink receives a seller's feeds one after another: each begins with its name and header,
// then gets its rows, then ends.
type Sink interface {
	// Begin starts the feed named name (the base name of its file), of the columns header.
	Begin(name string, header []string) error
	// Row adds a row to the feed begun last. The sink may keep the row.
	Row(row []string) error
	// End completes the feed begun last.
	End() error
}

// Collector is a Sink that keeps the feeds in memory, for Build and small exports.
type Collector struct {
	Feeds []Feed
}

// Begin starts a feed.
func (c *Collector) Begin(name string, header []string) error {
	c.Feeds = append(c.Feeds, Feed{Name: name, Header: header})
	return nil
}

// Row keeps a row of the last feed.
func (c *Collector) Row(row []string) error {
	f := &c.Feeds[len(c.Feeds)-1]
	f.Rows = append(f.Rows, row)
	return nil
}

// End does nothing: the feed is complete.
func (c *Collector) End() error { return nil }

// csvFeed writes one feed as CSV as its rows come.
type csvFeed struct {
	name string
	w    *csv.Writer
}

func (f *csvFeed) begin(w io.Writer, name string, header []string) error {
	f.name, f.w = name, csv.NewWriter(w)
	return f.w.Write(header)
}

func (f *csvFeed) row(row []string) error {
	if err := f.w.Write(row); err != nil {
		return fmt.Errorf("write %s: %w", f.name, err)
	}
	return nil
}

func (f *csvFeed) flush() error {
	f.w.Flush()
	if err := f.w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", f.name, err)
	}
	return nil
}

// ZipSink is a Sink that writes the feeds as one zip archive of NAME.csv files, each row as it
// comes. Close completes the archive.
type ZipSink struct {
	zw  *zip.Writer
	csv csvFeed
}

// NewZipSink returns a ZipSink writing to w.
func NewZipSink(w io.Writer) *ZipSink { return &ZipSink{zw: zip.NewWriter(w)} }

// Begin starts the archive's file of the feed.
func (z *ZipSink) Begin(name string, header []string) error {
	fw, err := z.zw.Create(name + ".csv")
	if err != nil {
		return err
	}
	return z.csv.begin(fw, name, header)
}

// Row writes a row of the feed.
func (z *ZipSink) Row(row []string) error { return z.csv.row(row) }

// End completes the feed's file.
func (z *ZipSink) End() error { return z.csv.flush() }

// Close writes the archive's directory; the archive is complete once it returns nil.
func (z *ZipSink) Close() error { return z.zw.Close() }

// DirSink is a Sink that writes each feed to a directory as NAME.csv, each file written beside
// its name and renamed into place once complete, so that a reader never sees half a feed.
// After a failure, Abort removes the file being written.
type DirSink struct {
	dir string
	tmp *os.File
	csv csvFeed
}

// NewDirSink returns a DirSink writing to dir, which it creates if needed.
func NewDirSink(dir string) (*DirSink, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return &DirSink{dir: dir}, nil
}

// Begin creates the feed's file beside its name.
func (d *DirSink) Begin(name string, header []string) error {
	tmp, err := os.CreateTemp(d.dir, name+".csv.*.partial")
	if err != nil {
		return err
	}
	d.tmp = tmp
	return d.csv.begin(tmp, name, header)
}

// Row writes a row of the feed.
func (d *DirSink) Row(row []string) error { return d.csv.row(row) }

// End writes the feed's file to disk and renames it into place.
func (d *DirSink) End() error {
	if err := d.csv.flush(); err != nil {
		return err
	}
	if err := d.tmp.Sync(); err != nil {
		return err
	}
	if err := d.tmp.Close(); err != nil {
		return err
	}
	tmp := d.tmp.Name()
	d.tmp = nil
	return os.Rename(tmp, filepath.Join(d.dir, d.csv.name+".csv"))
}

// Abort removes the file of a feed begun and not ended, if any: the feeds ended before stay.
func (d *DirSink) Abort() {
	if d.tmp != nil {
		d.tmp.Close()
		os.Remove(d.tmp.Name())
		d.tmp = nil
	}
}
