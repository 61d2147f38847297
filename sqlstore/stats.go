package sqlstore

import "database/sql"

// PoolStats returns the statistics of the store's connection pools by name: "writer",
// "reader" and "rows", each pool once (where two roles share a pool, under the first name).
func (s *Store) PoolStats() map[string]sql.DBStats {
	out := make(map[string]sql.DBStats, 3)
	seen := make(map[*sql.DB]bool, 3)
	for _, p := range []struct {
		name string
		db   *sql.DB
	}{{"writer", s.writer}, {"reader", s.reader}, {"rows", s.rows}} {
		if p.db == nil || seen[p.db] {
			continue
		}
		seen[p.db] = true
		out[p.name] = p.db.Stats()
	}
	return out
}
