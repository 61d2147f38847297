package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"mercato"
	"mercato/postgres"
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
