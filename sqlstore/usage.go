package sqlstore

import (
	"cmp"
	"slices"
	"time"

	"mercato"
)

var usageCols = []string{"agreement_id", "dimension", "hour", "quantity", "recorded_at", "allocations"}

var (
	insertUsage = insertNewSQL("usage", usageCols)
	selectUsage = selectSQL("usage", usageCols) +
		" WHERE agreement_id = $1 AND dimension = $2 AND hour = $3"
)

// usageChunk bounds the agreement IDs of one UsageTotals query, well below every database's
// limit on parameters.
const usageChunk = 500

// InsertUsage stores a record whose key (agreement, dimension, hour) is new. For a known key it
// stores nothing and returns the stored record in existing.
func (t *tx) InsertUsage(r mercato.UsageRecord) (*mercato.UsageRecord, error) {
	key := r.AgreementID + "/" + r.Dimension + "/" + r.Hour.UTC().Format(time.RFC3339)
	hour := micros(r.Hour)
	n, err := t.execCount(insertUsage, r.AgreementID, r.Dimension, hour, r.Quantity,
		micros(r.RecordedAt), jsonArg{r.Allocations})
	if err != nil {
		return nil, t.fail(err, "insert", "UsageRecord", key)
	}
	if n > 0 {
		return nil, nil
	}
	existing, err := getRow(t, scanUsage, selectUsage, r.AgreementID, r.Dimension, hour)
	if err != nil {
		return nil, t.fail(err, "get", "UsageRecord", key)
	}
	return &existing, nil
}

// UsageTotals sums the usage of the agreements per agreement and dimension for hours in
// [from, to), ordered by agreement, then dimension. No agreements means no totals.
func (t *tx) UsageTotals(agreementIDs []string, from, to time.Time) ([]mercato.UsageTotal, error) {
	var out []mercato.UsageTotal
	for ids := range slices.Chunk(agreementIDs, usageChunk) {
		var w filter
		w.in("agreement_id", ids)
		w.where("hour >= %s", micros(from))
		w.where("hour < %s", micros(to))
		totals, err := list(t, scanUsageTotal, "SELECT agreement_id, dimension, CAST(SUM(quantity) AS BIGINT) FROM usage"+
			w.clause()+" GROUP BY agreement_id, dimension", w.args...)
		if err != nil {
			return nil, wrap(err, "usage totals")
		}
		out = append(out, totals...)
	}
	slices.SortFunc(out, func(a, b mercato.UsageTotal) int {
		return cmp.Or(cmp.Compare(a.AgreementID, b.AgreementID), cmp.Compare(a.Dimension, b.Dimension))
	})
	return out, nil
}

func scanUsage(s scanner) (mercato.UsageRecord, error) {
	var r mercato.UsageRecord
	err := s.Scan(&r.AgreementID, &r.Dimension, timeCol{&r.Hour}, &r.Quantity,
		timeCol{&r.RecordedAt}, jsonCol{&r.Allocations})
	return r, err
}

func scanUsageTotal(s scanner) (mercato.UsageTotal, error) {
	var u mercato.UsageTotal
	err := s.Scan(&u.AgreementID, &u.Dimension, &u.Quantity)
	return u, err
}
