package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"mercato/sqlite"
)

func backupCmd() *cobra.Command {
	var db, to string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Copy a SQLite database to a file, safely while a server writes to it",
		Long: `Copy the SQLite database of --db to the new file --to with SQLite's online backup: the copy is
one consistent snapshot, taken while a server keeps serving (it reads the database in one read
transaction, which never blocks the server's writes). The copy appears under its name only once
complete, and a backup never overwrites a file.

To restore, stop the server, move the database file aside together with its -wal and -shm files,
copy the backup in its place and run "mercato check --db sqlite:PATH".

PostgreSQL databases are backed up with PostgreSQL's own tools (pg_dump, or base backups with
WAL archiving); see the README.`,
		Example: "  mercato backup --db sqlite:mercato.db --to backups/mercato-$(date +%F).db",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, ok := strings.CutPrefix(db, "sqlite:")
			switch {
			case !ok:
				return fmt.Errorf("--db %q: mercato backup copies sqlite:PATH databases; back up PostgreSQL with pg_dump (see the README)", db)
			case to == "":
				return errors.New("--to is required: the file to write the backup to")
			}
			pages, err := sqlite.Backup(cmd.Context(), path, to)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "backed up %s to %s (%d pages)\n", path, to, pages)
			return err
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr("MERCATO_DB", "sqlite:mercato.db"), "database: sqlite:PATH (env MERCATO_DB)")
	cmd.Flags().StringVar(&to, "to", "", "the backup file to create (must not exist)")
	return cmd
}
