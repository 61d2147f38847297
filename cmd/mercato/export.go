package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mercato/datafeed"
	"mercato/service"
)

// exportCmd downloads a seller's data feeds from a running server into a directory.
func exportCmd() *cobra.Command {
	var r remote
	var o reportOptions
	var to string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Download a seller's records as AWS Marketplace seller data feeds (CSV files)",
		Long: `Download a seller's records from a running server as the CSV files of AWS Marketplace's Seller
Data Feed Delivery Service, with AWS's columns, into the directory --to:

  account.csv  product.csv  offer.csv  offer_target.csv  agreement.csv  billing_event.csv  tax_item.csv

Queries written for AWS's feeds (such as AWS's billed-revenue and collections-and-disbursements
reports) run on them once each file is loaded as the table AWS names it (billing_event.csv as
billingeventfeed_v1, and so on). Outside sandbox mode, sign with --access-key and --secret-key
of the seller or an operator.`,
		Example: "  mercato export --seller 111122223333 --to feeds/",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.seller == "":
				return errors.New("--seller is required: the seller's account ID")
			case to == "":
				return errors.New("--to is required: the directory to write the feeds to")
			}
			if o.accessKey != "" {
				r.sign = signer(o.accessKey, o.secretKey)
			}
			names, err := downloadFeeds(cmd, &r, o.seller, to)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s to %s\n", strings.Join(names, ", "), to)
			return err
		},
	}
	r.flags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.seller, "seller", "", "the seller's account ID")
	f.StringVar(&to, "to", "", "the directory to write the CSV files to (created if needed)")
	f.StringVar(&o.accessKey, "access-key", envOr("MERCATO_ACCESS_KEY_ID", ""), "access key ID to sign with (env MERCATO_ACCESS_KEY_ID)")
	f.StringVar(&o.secretKey, "secret-key", envOr("MERCATO_SECRET_ACCESS_KEY", ""), "secret access key (env MERCATO_SECRET_ACCESS_KEY)")
	return cmd
}

// maxFeedFile bounds one file of the archive, so that a corrupt or hostile answer cannot fill
// the disk.
const maxFeedFile = 4 << 30

// downloadFeeds downloads the seller's feeds into dir and returns their names. The archive goes
// to a temporary file in dir, not to memory, as large as it may be, and is removed once read.
func downloadFeeds(cmd *cobra.Command, r *remote, seller, dir string) (names []string, err error) {
	resp, err := r.do(cmd, http.MethodGet, "/_mercato/exports/feeds?seller="+url.QueryEscape(seller), "", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".feeds-*.zip.partial")
	if err != nil {
		return nil, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	size, err := io.Copy(tmp, resp.Body)
	if err != nil {
		return nil, fmt.Errorf("downloading the feeds: %w", err)
	}
	return unzipFeeds(tmp, size, dir)
}

// unzipFeeds writes the feeds of a zip archive of size bytes to dir, each under its base name,
// and returns their names. Only the feeds' own names are accepted.
func unzipFeeds(archive io.ReaderAt, size int64, dir string) ([]string, error) {
	zr, err := zip.NewReader(archive, size)
	if err != nil {
		return nil, fmt.Errorf("reading the server's archive: %w", err)
	}
	var names []string
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".csv")
		if !isFeed(name) || f.Name != name+".csv" {
			return nil, fmt.Errorf("the server's archive holds %q, which is no data feed", f.Name)
		}
		if err := extract(f, filepath.Join(dir, f.Name)); err != nil {
			return nil, err
		}
		names = append(names, f.Name)
	}
	return names, nil
}

func isFeed(name string) bool {
	for _, n := range datafeed.Names {
		if n == name {
			return true
		}
	}
	return false
}

func extract(f *zip.File, path string) error {
	in, err := f.Open()
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(in, maxFeedFile+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxFeedFile {
		err = fmt.Errorf("%s is larger than %d bytes", f.Name, int64(maxFeedFile))
	}
	return err
}

// exportFeeds writes every seller's data feeds to dir/SELLER/ now, and then every interval
// until ctx ends: the scheduled export of serve's --export-dir. A failed export is logged and
// tried again at the next interval.
func exportFeeds(ctx context.Context, svc *service.Service, dir string, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := exportAll(ctx, svc, dir); err != nil && ctx.Err() == nil {
			log.Error("exporting data feeds", "dir", dir, "err", err)
		} else if err == nil {
			log.Info("data feeds exported", "dir", dir)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// exportAll writes each seller's feeds to dir/SELLER/, streamed from the database to the files.
func exportAll(ctx context.Context, svc *service.Service, dir string) error {
	sellers, err := svc.Sellers(ctx)
	if err != nil {
		return err
	}
	for _, s := range sellers {
		if err := exportSeller(ctx, svc, s, filepath.Join(dir, s)); err != nil {
			return fmt.Errorf("seller %s: %w", s, err)
		}
	}
	return nil
}

// exportSeller writes a seller's feeds to dir, leaving no partial file if it fails.
func exportSeller(ctx context.Context, svc *service.Service, seller, dir string) error {
	sink, err := datafeed.NewDirSink(dir)
	if err != nil {
		return err
	}
	if err := svc.WriteSellerFeeds(ctx, seller, sink); err != nil {
		sink.Abort()
		return err
	}
	return nil
}
