package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"mercato"
	"mercato/postgres"
	"mercato/service"
	"mercato/sqlite"
)

// openStore opens the database named by a --db value: sqlite:PATH or a postgres:// URL.
// Migrations run on open.
func openStore(ctx context.Context, db string) (mercato.Store, error) {
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		return sqlite.Open(strings.TrimPrefix(db, "sqlite:"))
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return postgres.Open(ctx, db)
	}
	return nil, fmt.Errorf("--db %q: want sqlite:PATH or a postgres:// URL", db)
}

// lockDatabase takes, for a server, the lock of a SQLite database file, and returns its
// release: a second server on the file refuses to start, since two would run the same jobs,
// each on a clock of its own. PostgreSQL is shared by design and takes no lock.
func lockDatabase(db string) (release func(), err error) {
	path, ok := strings.CutPrefix(db, "sqlite:")
	if !ok {
		return func() {}, nil
	}
	unlock, err := sqlite.Lock(path)
	if err != nil {
		return nil, err
	}
	return func() { _ = unlock() }, nil
}

func migrateCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema, then exit",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer s.Close()
			return printMigrated(cmd.OutOrStdout(), s)
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr("MERCATO_DB", "sqlite:mercato.db"), "database: sqlite:PATH or postgres://URL (env MERCATO_DB)")
	return cmd
}

// printMigrated says which migrations opening the store applied, if it can tell.
func printMigrated(w io.Writer, s mercato.Store) error {
	m, ok := s.(interface{ Migrated() []string })
	var err error
	switch {
	case !ok || len(m.Migrated()) == 0:
		_, err = fmt.Fprintln(w, "database is up to date: no migration to apply")
	default:
		_, err = fmt.Fprintf(w, "applied %d migrations: %s\ndatabase is up to date\n", len(m.Migrated()), strings.Join(m.Migrated(), ", "))
	}
	return err
}

func checkCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Prove the database's money and agreement invariants, then exit",
		Long: `Prove every money and agreement invariant of the database and name each violation:
  ledger-balanced        the postings of every currency sum to zero
  minor-units            invoiced, credited and paid amounts are whole minor units of their currency
  credit-within-invoice  an invoice's credit memos never exceed its pre-tax amount or its tax
  credited-totals        an invoice's credited totals are its memos' sums, within what was reserved
  receivable-opened      every invoice issued before the last settlement has a receivable
  collected-is-paid      a receivable's collected amount is its payments less its refunds
  refund-overpayment     the refunds of an invoice are its overpayment, paid once
  buyer-receivable       a buyer's ledger receivable is its invoices less credit memos less payments
  seller-payable         a seller's ledger payable is its documents' net less its payouts
  disbursed-collected    no seller is paid out more than was collected, less fees and credit memos
  payout-lines           a payout is the sum of its lines, each the net of a collected document
  replaced-not-active    an agreement that was replaced is no longer active
  one-active-agreement   one active agreement per buyer and product where the product type allows one
  invoice-payer          an invoice is billed to its buyer's payer, and its credit memos to the same account
  resale-split           a resale's maker and partner get their shares; both with the fees make the collected amount
  renewal-price          a renewal's prices are its source's raised by the increase that applied
It exits with an error when any is violated. A running server may keep writing: the check reads
one snapshot.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			vs, err := checkBooks(cmd.Context(), db)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, v := range vs {
				fmt.Fprintln(out, v)
			}
			if len(vs) > 0 {
				return fmt.Errorf("%d invariant violations", len(vs))
			}
			fmt.Fprintln(out, "books sound: ledger balanced, every invariant holds")
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr("MERCATO_DB", "sqlite:mercato.db"), "database: sqlite:PATH or postgres://URL (env MERCATO_DB)")
	return cmd
}

// checkBooks opens the database db (a --db value) and proves its invariants. A SQLite file must
// exist: opening one creates it, and an empty database would pass.
func checkBooks(ctx context.Context, db string) ([]service.Violation, error) {
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, err
		}
	}
	s, err := openStore(ctx, db)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return service.New(s, mercato.RealClock{}).Check(ctx)
}
