package service_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"mercato"
	"mercato/datafeed"
	"mercato/service"
)

// TestStreamedFeedsMatchInMemory exports a sandbox of 2,000 agreements (a fifth of them a
// partner's resales of the seller's product) with three months of invoices, credit memos and
// payouts, 7,500 of the seller's documents tying on issue time across pages, and checks that
// the streamed exports, as a zip and as a directory, are byte for byte those built from every
// record in memory, for the seller (who makes the resold product) and for the partner.
func TestStreamedFeedsMatchInMemory(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.planted = true // the sandbox is sound for the feeds, not for the books
		if n := seedFeedSandbox(t, e.store, 2000, 3); n != 7500 {
			t.Fatalf("%d documents of the seller, want 7500", n)
		}
		for _, seller := range []string{feedSeller, feedPartner} {
			want, err := service.MemorySellerFeeds(e.ctx, e.svc, seller)
			if err != nil {
				t.Fatal(err)
			}
			if rows := feedRowCount(want, "billing_event"); rows < 5000 {
				t.Fatalf("%s: %d billing events, too few for the test to mean anything", seller, rows)
			}
			var wantZip, gotZip bytes.Buffer
			if err := datafeed.WriteZip(&wantZip, want); err != nil {
				t.Fatal(err)
			}
			zw := datafeed.NewZipSink(&gotZip)
			if err := e.svc.WriteSellerFeeds(e.ctx, seller, zw); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(wantZip.Bytes(), gotZip.Bytes()) {
				t.Errorf("%s: the streamed zip (%d bytes) differs from the one built in memory (%d bytes)",
					seller, gotZip.Len(), wantZip.Len())
			}
			sameDirs(t, seller, want, func(dir string) error {
				sink, err := datafeed.NewDirSink(dir)
				if err != nil {
					return err
				}
				return e.svc.WriteSellerFeeds(e.ctx, seller, sink)
			})
		}
	})
}

// sameDirs checks that write writes the files WriteDir writes of want.
func sameDirs(t *testing.T, seller string, want []datafeed.Feed, write func(dir string) error) {
	t.Helper()
	wantDir, gotDir := t.TempDir(), t.TempDir()
	if err := datafeed.WriteDir(wantDir, want); err != nil {
		t.Fatal(err)
	}
	if err := write(gotDir); err != nil {
		t.Fatal(err)
	}
	got, _ := filepath.Glob(filepath.Join(gotDir, "*"))
	if len(got) != len(datafeed.Names) {
		t.Errorf("%s: %d files written, want %d", seller, len(got), len(datafeed.Names))
	}
	for _, name := range datafeed.Names {
		w, err := os.ReadFile(filepath.Join(wantDir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := os.ReadFile(filepath.Join(gotDir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w, g) {
			t.Errorf("%s: streamed %s.csv (%d bytes) differs from the one built in memory (%d bytes)", seller, name, len(g), len(w))
		}
	}
}

func feedRowCount(feeds []datafeed.Feed, name string) int {
	for _, f := range feeds {
		if f.Name == name {
			return len(f.Rows)
		}
	}
	return 0
}

// hookSink is a Sink that calls hook with each feed's name as it begins and fails once it has
// been given fail rows, if fail is positive.
type hookSink struct {
	datafeed.Sink
	hook func(name string)
	fail int
	rows int
}

var errSinkFull = errors.New("the sink is full")

func (h *hookSink) Begin(name string, header []string) error {
	if h.hook != nil {
		h.hook(name)
	}
	return h.Sink.Begin(name, header)
}

func (h *hookSink) Row(row []string) error {
	if h.rows++; h.fail > 0 && h.rows >= h.fail {
		return errSinkFull
	}
	return h.Sink.Row(row)
}

// TestStreamedFeedsReadOneSnapshot stores a new invoice and pays it out while an export is
// writing its feeds, after it has read the catalog and written the agreements: the export
// shows the records as they were when it began, on both stores, and the next export shows
// the new ones.
func TestStreamedFeedsReadOneSnapshot(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.planted = true
		seedFeedSandbox(t, e.store, 60, 1)
		before, err := service.MemorySellerFeeds(e.ctx, e.svc, feedSeller)
		if err != nil {
			t.Fatal(err)
		}
		late := mercato.Invoice{ID: "inv-late", AgreementID: "agmt-000000", Key: "late", Type: mercato.InvoiceTypeInvoice,
			SellerID: feedSeller, BuyerID: feedBuyer(0), Currency: "USD", PreTax: amt("1.00"),
			BillingPeriod: mercato.BillingPeriod{Year: 2026, Month: 1}, IssuedAt: day(2026, 2, 2), DueAt: day(2026, 3, 4)}
		write := func(name string) {
			if name != "billing_event" {
				return
			}
			err := e.store.Update(e.ctx, func(tx mercato.Tx) error {
				if err := tx.InsertInvoices(late); err != nil {
					return err
				}
				if _, err := tx.InsertPayoutLines(feedLines(late)...); err != nil {
					return err
				}
				return seedFeedPayouts(tx, 9, day(2026, 3, 1))
			})
			if err != nil {
				t.Errorf("writing during the export: %v", err)
			}
		}
		var got datafeed.Collector
		if err := e.svc.WriteSellerFeeds(e.ctx, feedSeller, &hookSink{Sink: &got, hook: write}); err != nil {
			t.Fatal(err)
		}
		var wantZip, gotZip bytes.Buffer
		datafeed.WriteZip(&wantZip, before)   //nolint:errcheck // a buffer takes every write
		datafeed.WriteZip(&gotZip, got.Feeds) //nolint:errcheck
		if !bytes.Equal(wantZip.Bytes(), gotZip.Bytes()) {
			t.Error("the export shows records stored after it began")
		}
		after, err := e.svc.SellerFeeds(e.ctx, feedSeller)
		if err != nil {
			t.Fatal(err)
		}
		if n, m := feedRowCount(after, "billing_event"), feedRowCount(before, "billing_event"); n != m+3 {
			t.Errorf("the next export has %d billing events, want %d + 3 (the late invoice's and its payout's)", n, m)
		}
	})
}

// TestStreamedFeedsSinkFails checks that a sink's failure midway ends the export with that
// error and that a directory export then leaves only the feeds it completed, no partial file.
func TestStreamedFeedsSinkFails(t *testing.T) {
	e := newEnv(t)
	e.planted = true
	seedFeedSandbox(t, e.store, 100, 2)
	dir := t.TempDir()
	sink, err := datafeed.NewDirSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	// 60 rows: the account, product, offer and offer target feeds' 48, then into the agreements.
	err = e.svc.WriteSellerFeeds(e.ctx, feedSeller, &hookSink{Sink: sink, fail: 60})
	if !errors.Is(err, errSinkFull) {
		t.Fatalf("export to a failing sink: %v, want %v", err, errSinkFull)
	}
	sink.Abort()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{"account.csv", "offer.csv", "offer_target.csv", "product.csv"}
	if len(names) != len(want) {
		t.Fatalf("files left: %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("files left: %v, want %v", names, want)
		}
	}
}
