package sqlstore

import (
	"context"
	"fmt"
	"path"

	"github.com/pressly/goose/v3"
)

// Migrate applies the migrations of p that the database lacks and returns the names of those
// it applied, oldest first (none when the schema was up to date). It refuses a database that
// has a migration this binary does not know, which a newer version of mercato applied: this
// version's SQL would misread that schema, so it must not serve it, nor let a later start of the
// newer version find data written by the older one.
func Migrate(ctx context.Context, p *goose.Provider) ([]string, error) {
	sources := p.ListSources()
	latest := int64(0)
	if len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	// A new database has no version table yet, which is no error here: Up creates it.
	if v, err := p.GetDBVersion(ctx); err == nil && v > latest {
		return nil, fmt.Errorf("the database's schema is at migration %d, newer than this mercato's latest (%d): "+
			"a newer version of mercato upgraded it; run that version, or restore a backup taken before the upgrade", v, latest)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(results))
	for _, r := range results {
		names = append(names, path.Base(r.Source.Path))
	}
	return names, nil
}

// SetMigrated records the migrations that opening the store applied (see Migrated).
func (s *Store) SetMigrated(names []string) { s.migrated = names }

// Migrated returns the names of the migrations that opening the store applied, oldest first.
func (s *Store) Migrated() []string { return s.migrated }
