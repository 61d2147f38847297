package sqlstore

import (
	"cmp"
	"fmt"
	"slices"

	"mercato"
)

var selectUsageRecords = selectSQL("usage", usageCols)

// InsertUsageRecords inserts every record with multi-row statements that skip known keys and
// return the keys they stored; only when some were known does it read those back.
func (t *tx) InsertUsageRecords(rs []mercato.UsageRecord) ([]mercato.UsageRecord, error) {
	inserted := make(map[string]bool, len(rs))
	per := min(maxRowsPerInsert, maxParams/len(usageCols))
	for chunk := range slices.Chunk(rs, per) {
		query := insertRowsSQL("usage", usageCols, len(chunk), t.d.AnonymousParams) + " RETURNING agreement_id, dimension, hour"
		args := make([]any, 0, len(chunk)*len(usageCols))
		for i := range chunk {
			r := &chunk[i]
			args = append(args, r.AgreementID, r.Dimension, micros(r.Hour), r.Quantity, micros(r.RecordedAt), jsonArg{r.Allocations})
		}
		keys, err := list(t, scanUsageKey, query, args...)
		if err != nil {
			return nil, t.fail(err, "insert", "UsageRecord", usageKey(&chunk[0]))
		}
		for _, k := range keys {
			inserted[k] = true
		}
	}
	if len(inserted) == len(rs) {
		return nil, nil
	}
	known := make([]mercato.UsageRecord, 0, len(rs)-len(inserted))
	for i := range rs {
		if !inserted[usageKey(&rs[i])] {
			known = append(known, rs[i])
		}
	}
	stored, err := t.storedUsage(known)
	if err != nil {
		return nil, err
	}
	existing := make([]mercato.UsageRecord, 0, len(known))
	for i := range known {
		s, ok := stored[usageKey(&known[i])]
		if !ok {
			return nil, mercato.Errorf(mercato.EInternal, "usage record %s was neither stored nor found", usageKey(&known[i]))
		}
		existing = append(existing, s)
	}
	return existing, nil
}

func scanUsageKey(s scanner) (string, error) {
	var r mercato.UsageRecord
	err := s.Scan(&r.AgreementID, &r.Dimension, timeCol{&r.Hour})
	return usageKey(&r), err
}

// storedUsage returns the stored records with the keys of rs, by key: one query per chunk of
// agreements, over the dimensions and hours rs spans.
func (t *tx) storedUsage(rs []mercato.UsageRecord) (map[string]mercato.UsageRecord, error) {
	ids := make([]string, 0, len(rs))
	dims := make([]string, 0, len(rs))
	lo, hi := micros(rs[0].Hour), micros(rs[0].Hour)
	for i := range rs {
		ids, dims = append(ids, rs[i].AgreementID), append(dims, rs[i].Dimension)
		lo, hi = min(lo, micros(rs[i].Hour)), max(hi, micros(rs[i].Hour))
	}
	ids, dims = slices.Compact(slices.Sorted(slices.Values(ids))), slices.Compact(slices.Sorted(slices.Values(dims)))
	out := make(map[string]mercato.UsageRecord)
	for chunk := range slices.Chunk(ids, usageChunk) {
		// Every column of the primary key constrained: the query seeks each key's hours.
		var w filter
		w.in("agreement_id", chunk)
		w.in("dimension", dims)
		w.where("hour >= %s", lo)
		w.where("hour <= %s", hi)
		found, err := list(t, scanUsage, selectUsageRecords+w.clause(), w.args...)
		if err != nil {
			return nil, wrap(err, "read stored usage")
		}
		for i := range found {
			out[usageKey(&found[i])] = found[i]
		}
	}
	return out, nil
}

func usageKey(r *mercato.UsageRecord) string {
	return fmt.Sprintf("%s/%s/%d", r.AgreementID, r.Dimension, micros(r.Hour))
}

var selectSpans = selectSQL("agreements", []string{"id", "acceptor_id", "status", "start_time", "end_time", "updated_at"})

// CustomerAgreements returns the spans of the product's agreements with any of the acceptors,
// by ID; reading no terms keeps it cheap.
func (t *tx) CustomerAgreements(productID string, acceptorIDs []string) ([]mercato.AgreementSpan, error) {
	var out []mercato.AgreementSpan
	for chunk := range slices.Chunk(acceptorIDs, usageChunk) {
		var w filter
		w.eq("product_id", productID)
		w.in("acceptor_id", chunk)
		// Sorted below, not by the query: ORDER BY id would make SQLite walk every agreement of
		// the product in ID order rather than seek the customers' (product, acceptor) entries.
		spans, err := list(t, scanSpan, selectSpans+w.clause(), w.args...)
		if err != nil {
			return nil, wrap(err, "agreements of product %s", productID)
		}
		out = append(out, spans...)
	}
	slices.SortFunc(out, func(a, b mercato.AgreementSpan) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func scanSpan(s scanner) (mercato.AgreementSpan, error) {
	var a mercato.AgreementSpan
	err := s.Scan(&a.ID, &a.AcceptorID, &a.Status, timeCol{&a.StartTime}, timeCol{&a.EndTime}, timeCol{&a.UpdatedAt})
	return a, err
}
