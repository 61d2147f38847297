package service_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"mercato"
	"mercato/datafeed"
	"mercato/service"
	"mercato/sqlite"
)

// BenchmarkExportFeeds exports a seller's data feeds as a zip archive (to io.Discard, as a
// server spools it to a file) with 1,000, 10,000 and 50,000 documents (800 agreements, their
// monthly invoices and credit memos, and monthly payouts) on SQLite, two ways: in-memory, the
// way exports worked before they were streamed (every document and payout read, every row
// built, then written), and streamed (WriteSellerFeeds). It reports allocations and the peak
// heap above the heap before the export, sampled every millisecond with runtime.ReadMemStats.
//
//	go test ./service -run '^$' -bench ExportFeeds -benchtime 3x
func BenchmarkExportFeeds(b *testing.B) {
	ctx := context.Background()
	for _, docs := range []int{1_000, 10_000, 50_000} {
		store, err := sqlite.Open(filepath.Join(b.TempDir(), "feeds.db"))
		if err != nil {
			b.Fatal(err)
		}
		if n := seedFeedSandbox(b, store, 800, docs/1000); n != docs {
			b.Fatalf("%d documents, want %d", n, docs)
		}
		svc := service.New(store, mercato.NewSimClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
		exports := []struct {
			name   string
			export func() error
		}{
			{"in-memory", func() error {
				feeds, err := service.MemorySellerFeeds(ctx, svc, feedSeller)
				if err != nil {
					return err
				}
				return datafeed.WriteZip(io.Discard, feeds)
			}},
			{"streamed", func() error {
				sink := datafeed.NewZipSink(io.Discard)
				if err := svc.WriteSellerFeeds(ctx, feedSeller, sink); err != nil {
					return err
				}
				return sink.Close()
			}},
		}
		for _, x := range exports {
			b.Run(fmt.Sprintf("docs=%d/%s", docs, x.name), func(b *testing.B) {
				b.ReportAllocs()
				var peak uint64
				for b.Loop() {
					p, err := peakHeap(x.export)
					if err != nil {
						b.Fatal(err)
					}
					peak = max(peak, p)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
		store.Close()
	}
}

// peakHeap runs fn and returns the largest heap in use while it ran, less the heap in use
// (after a collection) before it began, sampled every millisecond and once at the end.
func peakHeap(fn func() error) (uint64, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	done, sampled := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				sampled <- peak
				return
			case <-t.C:
			}
		}
	}()
	err := fn()
	close(done)
	peak := <-sampled
	if peak < base {
		return 0, err
	}
	return peak - base, err
}
