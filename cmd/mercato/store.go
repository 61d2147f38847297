package main

import (
	"context"
	"fmt"
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
			fmt.Fprintln(cmd.OutOrStdout(), "database is up to date")
			return s.Close()
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr("MERCATO_DB", "sqlite:mercato.db"), "database: sqlite:PATH or postgres://URL (env MERCATO_DB)")
	return cmd
}

func checkCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check that the database's ledger balances in every currency, then exit",
		Long: `Check that the database's ledger balances: the postings of every currency sum to zero.
It exits with an error naming the imbalance otherwise. A running server may keep writing.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLedger(cmd.Context(), db); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "ledger balanced")
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr("MERCATO_DB", "sqlite:mercato.db"), "database: sqlite:PATH or postgres://URL (env MERCATO_DB)")
	return cmd
}

// checkLedger opens the database db (a --db value) and checks that its ledger balances. A
// SQLite file must exist: opening one creates it, and an empty ledger would pass.
func checkLedger(ctx context.Context, db string) error {
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return err
		}
	}
	s, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	return service.New(s, mercato.RealClock{}).CheckLedger(ctx)
}
