package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readCSV returns the records of a CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// `mercato export` writes a seller's seven data feeds with AWS's columns, and serve's
// --export-dir writes every seller's at start.
func TestExportFeeds(t *testing.T) {
	exports := t.TempDir()
	url := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "e.db"),
		sandbox: true, scenario: demoScenario, exportDir: exports, exportEvery: time.Hour})
	if _, err := cli(t, url, "clock", "advance", "P2M"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "feeds")
	out, err := cli(t, url, "export", "--seller", "111122223333", "--to", dir)
	if err != nil || !strings.Contains(out, "billing_event.csv") {
		t.Fatalf("export: %q %v", out, err)
	}
	events := readCSV(t, filepath.Join(dir, "billing_event.csv"))
	if strings.Join(events[0][:6], ",") != "billing_event_id,from_account_id,to_account_id,end_user_account_id,product_id,action" ||
		len(events) < 4 {
		t.Errorf("billing_event.csv: header %v, %d rows", events[0], len(events)-1)
	}
	for _, name := range []string{"account", "product", "offer", "offer_target", "agreement", "tax_item"} {
		if records := readCSV(t, filepath.Join(dir, name+".csv")); len(records) < 2 {
			t.Errorf("%s.csv has no rows: %v", name, records)
		}
	}
	if _, err := cli(t, url, "export", "--seller", "999999999999", "--to", dir); err == nil {
		t.Error("export of an unknown seller succeeded")
	}

	// The scheduled export ran at start, for each seller.
	deadline := time.Now().Add(10 * time.Second)
	for !fileExists(filepath.Join(exports, "111122223333", "agreement.csv")) {
		if time.Now().After(deadline) {
			t.Fatal("no scheduled export after 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
