package datafeed_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"mercato/datafeed"
)

// sinkFeeds are feeds whose cells need CSV's quoting: commas, quotes, line breaks.
var sinkFeeds = []datafeed.Feed{
	{Name: "account", Header: []string{"account_id", "tax_legal_name"},
		Rows: [][]string{{"1", `Partner "Resale", Ltd.`}, {"2", "two\nlines"}, {"3", ""}}},
	{Name: "product", Header: []string{"product_id"}},
	{Name: "billing_event", Header: []string{"billing_event_id", "amount"}, Rows: [][]string{{"be-1", "-3.00"}}},
}

// csvOf returns a feed as WriteCSV writes it in one piece.
func csvOf(t *testing.T, f datafeed.Feed) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := datafeed.WriteCSV(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSinksWriteWhatWriteCSVWrites checks that the directory and zip sinks, writing a row at
// a time, write each feed's file as WriteCSV writes it whole, in order.
func TestSinksWriteWhatWriteCSVWrites(t *testing.T) {
	dir := t.TempDir()
	if err := datafeed.WriteDir(dir, sinkFeeds); err != nil {
		t.Fatal(err)
	}
	var archive bytes.Buffer
	if err := datafeed.WriteZip(&archive, sinkFeeds); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(archive.Bytes()), int64(archive.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(sinkFeeds) {
		t.Fatalf("%d files in the archive, want %d", len(zr.File), len(sinkFeeds))
	}
	for i, f := range sinkFeeds {
		want := csvOf(t, f)
		got, err := os.ReadFile(filepath.Join(dir, f.Name+".csv"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s.csv in the directory: %q, %v; want %q", f.Name, got, err, want)
		}
		if zr.File[i].Name != f.Name+".csv" {
			t.Errorf("file %d of the archive is %s, want %s.csv", i, zr.File[i].Name, f.Name)
			continue
		}
		r, err := zr.File[i].Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(r)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s.csv in the archive: %q, %v; want %q", f.Name, got, err, want)
		}
	}
}

// TestDirSinkAbort checks that aborting a directory export keeps the feeds it completed and
// removes the one it was writing.
func TestDirSinkAbort(t *testing.T) {
	dir := t.TempDir()
	sink, err := datafeed.NewDirSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []error{sink.Begin("account", []string{"a"}), sink.Row([]string{"1"}), sink.End(),
		sink.Begin("product", []string{"p"}), sink.Row([]string{"2"})} {
		if step != nil {
			t.Fatal(step)
		}
	}
	sink.Abort()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "account.csv" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left %v, want [account.csv]", names)
	}
}
