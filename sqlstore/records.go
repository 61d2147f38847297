package sqlstore

import (
	"mercato"
)

var (
	idempotencyCols = []string{"caller", "operation", "token", "request_hash", "response", "created_at"}
	// auditCols and eventCols are the columns as read; the database assigns the ID.
	auditCols = []string{"id", "time", "wall_time", "actor", "action", "resource_type",
		"resource_id", "client_token", "details"}
	eventCols = []string{"id", "time", "account_id", "detail_type", "resource_id", "detail", "uid", "source", "resources"}
)

var (
	insertIdempotency = insertNewSQL("idempotency", idempotencyCols)
	selectIdempotency = selectSQL("idempotency", idempotencyCols) +
		" WHERE caller = $1 AND operation = $2 AND token = $3"
	auditWriteCols = auditCols[1:]
	selectAudit    = selectSQL("audit", auditCols)
	selectEvents   = selectSQL("events", eventCols)
	upsertSetting  = upsertSQL("settings", []string{"key", "value"})
	selectSetting  = "SELECT value FROM settings WHERE key = $1"
)

// GetIdempotency returns the record of the caller's request with the token for the operation.
func (t *tx) GetIdempotency(caller, operation, token string) (mercato.IdempotencyRecord, error) {
	r, err := getRow(t, scanIdempotency, selectIdempotency, caller, operation, token)
	return r, t.fail(err, "get", "IdempotencyRecord", caller+"/"+operation+"/"+token)
}

// PutIdempotency stores a new record; one for the same caller, operation and token is
// EConflict, so that of two concurrent requests with one token only one commits.
func (t *tx) PutIdempotency(r mercato.IdempotencyRecord) error {
	return t.insertNew("IdempotencyRecord", r.Caller+"/"+r.Operation+"/"+r.Token, insertIdempotency,
		r.Caller, r.Operation, r.Token, r.RequestHash, rawArg(r.Response), micros(r.CreatedAt))
}

func scanIdempotency(s scanner) (mercato.IdempotencyRecord, error) {
	var r mercato.IdempotencyRecord
	err := s.Scan(&r.Caller, &r.Operation, &r.Token, &r.RequestHash, rawCol{&r.Response},
		timeCol{&r.CreatedAt})
	return r, err
}

// InsertAudit appends an audit record; the database assigns its ID.
func (t *tx) InsertAudit(rs ...mercato.AuditRecord) error {
	_, err := t.insertRows("audit", auditWriteCols, len(rs), func(i int, dst []any) []any {
		a := &rs[i]
		return append(dst, micros(a.Time), micros(a.WallTime), a.Actor, a.Action,
			a.ResourceType, a.ResourceID, a.ClientToken, rawArg(a.Details))
	})
	if err != nil && len(rs) > 0 {
		return wrap(err, "insert audit record %s %s %s", rs[0].Action, rs[0].ResourceType, rs[0].ResourceID)
	}
	return err
}

// ListAudit returns the audit records matching f, oldest first (in the order they were written).
func (t *tx) ListAudit(f mercato.AuditFilter) ([]mercato.AuditRecord, error) {
	var w filter
	w.eq("resource_id", f.ResourceID)
	w.eq("actor", f.Actor)
	records, err := list(t, scanAudit, selectAudit+w.clause()+" ORDER BY id", w.args...)
	return records, wrap(err, "list audit records")
}

func scanAudit(s scanner) (mercato.AuditRecord, error) {
	var a mercato.AuditRecord
	err := s.Scan(&a.ID, timeCol{&a.Time}, timeCol{&a.WallTime}, &a.Actor, &a.Action,
		&a.ResourceType, &a.ResourceID, &a.ClientToken, rawCol{&a.Details})
	return a, err
}

// InsertEvents appends events to the outbox, in order; the database assigns their IDs.
func (t *tx) InsertEvents(es ...mercato.Event) error {
	_, err := t.insertRows("events", eventCols[1:], len(es), func(i int, dst []any) []any {
		e := &es[i]
		return append(dst, micros(e.Time), e.AccountID, e.DetailType, e.ResourceID, rawArg(e.Detail),
			e.UID, e.Source, jsonArg{e.Resources})
	})
	if err != nil && len(es) > 0 {
		return wrap(err, "insert event %q for %s", es[0].DetailType, es[0].AccountID)
	}
	return err
}

// ListEvents returns the events matching f, oldest first (in the order they were written).
func (t *tx) ListEvents(f mercato.EventFilter) ([]mercato.Event, error) {
	var w filter
	w.eq("account_id", f.AccountID)
	if len(f.ResourceIDs) > 0 {
		w.in("resource_id", f.ResourceIDs)
	}
	if f.AfterID != 0 {
		w.where("id > %s", f.AfterID)
	}
	query := selectEvents + w.clause() + " ORDER BY id"
	if f.Newest {
		query += " DESC"
	}
	if f.Limit > 0 {
		query += " LIMIT " + w.arg(f.Limit)
	}
	events, err := list(t, scanEvent, query, w.args...)
	return events, wrap(err, "list events")
}

func scanEvent(s scanner) (mercato.Event, error) { return scanEventAfter(s) }

// scanEventAfter scans the columns before eventCols into lead, then the event.
func scanEventAfter(s scanner, lead ...any) (mercato.Event, error) {
	var e mercato.Event
	err := s.Scan(append(lead, &e.ID, timeCol{&e.Time}, &e.AccountID, &e.DetailType, &e.ResourceID, rawCol{&e.Detail},
		&e.UID, &e.Source, jsonCol{&e.Resources})...)
	return e, err
}

// GetSetting returns the value of the setting.
func (t *tx) GetSetting(key string) (string, error) {
	v, err := getRow(t, scanString, selectSetting, key)
	return v, t.fail(err, "get", "Setting", key)
}

// PutSetting creates or replaces the setting.
func (t *tx) PutSetting(key, value string) error {
	_, err := t.exec(upsertSetting, key, value)
	return t.fail(err, "put", "Setting", key)
}
