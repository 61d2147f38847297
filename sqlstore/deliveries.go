package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"mercato"
)

// destinationCols are the columns of an event destination as read and written; its lease
// (lease_owner, lease_until) is the store's own.
var destinationCols = []string{"id", "account_id", "url", "event_types", "secret", "status", "created_at",
	"updated_at", "after_event_id", "queued_through"}

// deliveryCols are the columns of a delivery as read; the database assigns the ID.
var deliveryCols = []string{"id", "destination_id", "event_id", "ordering_key", "status", "attempts",
	"created_at", "next_at"}

// attemptCols are the columns of a delivery attempt as read; the database assigns the ID.
var attemptCols = []string{"id", "delivery_id", "destination_id", "event_uid", "detail_type", "time",
	"wall_time", "status", "status_code", "error", "duration_us"}

var (
	insertDestination = insertNewSQL("event_destinations", destinationCols)
	updateDestination = `UPDATE event_destinations SET url = $2, event_types = $3, secret = $4, status = $5,
		updated_at = $6 WHERE id = $1`
	selectDestinations   = selectSQL("event_destinations", destinationCols)
	setDestinationStatus = `UPDATE event_destinations SET status = $2, updated_at = $3 WHERE id = $1 AND status <> $2`
	deleteDeliveries     = "DELETE FROM event_deliveries WHERE destination_id = $1 AND status = 'pending'"
	deleteDestination    = "DELETE FROM event_destinations WHERE id = $1"
	selectAttempts       = selectSQL("delivery_attempts", attemptCols)
	lastEventID          = "SELECT MAX(id) FROM events"
	deliveryBacklog      = `SELECT (SELECT COUNT(*) FROM events WHERE queue_position = 0),
		(SELECT COUNT(*) FROM event_deliveries WHERE status = 'pending') +
		(SELECT COUNT(*) FROM event_destinations d JOIN events e
			ON e.account_id = d.account_id AND e.queue_position > d.queued_through
				AND (e.account_id, e.queue_position) > (d.account_id, d.queued_through))`
	selectUnqueued    = selectEvents + " WHERE queue_position = 0 ORDER BY id LIMIT $1"
	lastQueuePosition = "SELECT MAX(queue_position) FROM events"
	// The row comparison, which only the index on (account_id, queue_position) can serve,
	// keeps PostgreSQL's generic plan off the index on queue_position alone, which read every
	// later event of every account (32 ms for 10 rows of 300,000); SQLite bounds its index
	// search with the plain comparison, not the row one: the two say the same.
	selectQueuedAfter = "SELECT queue_position, " + strings.Join(eventCols, ", ") +
		" FROM events WHERE account_id = $1 AND queue_position > $2 AND (account_id, queue_position) > ($1, $2)" +
		" ORDER BY account_id, queue_position LIMIT $3"
	releaseDestination = `UPDATE event_destinations SET lease_owner = '', lease_until = 0
		WHERE id = $1 AND lease_owner = $2`
	extendDestination  = `UPDATE event_destinations SET lease_until = $3 WHERE id = $1 AND lease_owner = $2`
	advanceDestination = `UPDATE event_destinations SET queued_through = $2 WHERE id = $1 AND queued_through < $2`
	insertDelivery     = insertSQL("event_deliveries", deliveryCols[1:]) + " RETURNING id"
	pendingKeys        = `SELECT DISTINCT ordering_key FROM event_deliveries
		WHERE destination_id = $1 AND status = 'pending'`
	pruneDeliveries = `DELETE FROM event_deliveries WHERE id IN (SELECT id FROM event_deliveries
		WHERE status <> 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2)`
	pruneAttempts = `DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts
		WHERE time < $1 ORDER BY time LIMIT $2)`
)

// claimDestinations leases, to $1 until $2, up to $4 destinations with a pending delivery due by
// $3 or an event of their account queued after their high-water mark, that are not leased to
// another owner, or whose lease ran out by $5. %s is the dialect's ClaimLock.
const claimDestinations = `UPDATE event_destinations SET lease_owner = $1, lease_until = $2
	WHERE id IN (
		SELECT id FROM event_destinations d
		WHERE (lease_owner = '' OR lease_owner = $1 OR lease_until <= $5)
			AND (EXISTS (SELECT 1 FROM event_deliveries x
					WHERE x.destination_id = d.id AND x.status = 'pending' AND x.next_at <= $3)
				OR EXISTS (SELECT 1 FROM events e WHERE e.account_id = d.account_id AND e.queue_position > d.queued_through
					AND (e.account_id, e.queue_position) > (d.account_id, d.queued_through)))
		ORDER BY id
		LIMIT $4
		%s)
	RETURNING `

// dueDeliveries selects up to $3 pending deliveries of $1 after $4 due by $2, in queue order, that no
// earlier pending delivery of the same key, due later, holds back; with their events. Only a
// delivery that was attempted can be due later (one never attempted is due at once), which
// keeps the index the check reads small.
var dueDeliveries = "SELECT d." + strings.Join(deliveryCols, ", d.") + ", e." + strings.Join(eventCols, ", e.") + `
	FROM event_deliveries d JOIN events e ON e.id = d.event_id
	WHERE d.destination_id = $1 AND d.status = 'pending' AND d.id > $4 AND d.next_at <= $2
		AND NOT EXISTS (SELECT 1 FROM event_deliveries h
			WHERE h.destination_id = d.destination_id AND h.ordering_key = d.ordering_key
				AND h.status = 'pending' AND h.attempts > 0 AND h.id < d.id AND h.next_at > $2)
	ORDER BY d.id
	LIMIT $3`

// InsertEventDestination stores a new destination; EConflict if its ID is taken.
func (t *tx) InsertEventDestination(d mercato.EventDestination) error {
	return t.insertNew("EventDestination", d.ID, insertDestination, d.ID, d.AccountID, d.URL, jsonArg{eventTypes(d)},
		d.Secret, string(d.Status), micros(d.CreatedAt), micros(d.UpdatedAt), d.AfterEventID, d.QueuedThrough)
}

// eventTypes are the destination's event types, never null.
func eventTypes(d mercato.EventDestination) []string {
	if d.EventTypes == nil {
		return []string{}
	}
	return d.EventTypes
}

// UpdateEventDestination records the destination's URL, event types, secret, status and update
// time; ENotFound for an unknown ID.
func (t *tx) UpdateEventDestination(d mercato.EventDestination) error {
	return t.updateExisting("EventDestination", d.ID, updateDestination, d.ID, d.URL, jsonArg{eventTypes(d)},
		d.Secret, string(d.Status), micros(d.UpdatedAt))
}

// SetEventDestinationStatus sets the destination's status and update time unless it has that
// status already, and reports whether it changed it.
func (t *tx) SetEventDestinationStatus(id string, status mercato.DestinationStatus, at time.Time) (bool, error) {
	n, err := t.execCount(setDestinationStatus, id, string(status), micros(at))
	return n == 1, wrap(err, "set the status of event destination %s", id)
}

// DeleteEventDestination removes the destination and its pending deliveries; ENotFound for an
// unknown ID.
func (t *tx) DeleteEventDestination(id string) error {
	if _, err := t.exec(deleteDeliveries, id); err != nil {
		return wrap(err, "delete deliveries of %s", id)
	}
	return t.updateExisting("EventDestination", id, deleteDestination, id)
}

// GetEventDestination returns the destination; ENotFound for an unknown ID.
func (t *tx) GetEventDestination(id string) (mercato.EventDestination, error) {
	d, err := getRow(t, scanDestination, selectDestinations+" WHERE id = $1", id)
	return d, t.fail(err, "get", "EventDestination", id)
}

// ListEventDestinations returns the account's destinations, or every one for an empty
// account, by ID.
func (t *tx) ListEventDestinations(accountID string) ([]mercato.EventDestination, error) {
	var w filter
	w.eq("account_id", accountID)
	ds, err := list(t, scanDestination, selectDestinations+w.clause()+" ORDER BY id", w.args...)
	return ds, wrap(err, "list event destinations")
}

func scanDestination(s scanner) (mercato.EventDestination, error) {
	var d mercato.EventDestination
	err := s.Scan(&d.ID, &d.AccountID, &d.URL, jsonCol{&d.EventTypes}, &d.Secret, &d.Status,
		timeCol{&d.CreatedAt}, timeCol{&d.UpdatedAt}, &d.AfterEventID, &d.QueuedThrough)
	return d, err
}

// LastEventID returns the ID of the newest event, 0 when there is none.
func (t *tx) LastEventID() (int64, error) {
	id, err := getRow(t, scanNullInt, lastEventID)
	return id.Int64, wrap(err, "last event")
}

// DeliveryBacklog returns how many events are not queued yet and how many deliveries are
// pending.
func (t *tx) DeliveryBacklog() (unqueued, pending int, err error) {
	err = t.queryRow(deliveryBacklog).Scan(&unqueued, &pending)
	return unqueued, pending, wrap(err, "delivery backlog")
}

// UnqueuedEvents returns up to limit events not yet queued, oldest first, after taking the
// queue's lock where the database has one (PostgreSQL: an advisory lock held until the
// transaction ends; SQLite runs one writer at a time anyway).
func (t *tx) UnqueuedEvents(limit int) ([]mercato.Event, error) {
	if t.d.LockKeys != "" {
		if _, err := t.exec(t.d.LockKeys, []int64{lockKey("event-queue", "")}); err != nil {
			return nil, wrap(err, "lock the event queue")
		}
	}
	events, err := list(t, scanEvent, selectUnqueued, limit)
	return events, wrap(err, "list unqueued events")
}

// MarkEventsQueued records that the events were queued, at the positions after the last one
// given, in ID order.
func (t *tx) MarkEventsQueued(ids ...int64) error {
	last, err := t.LastQueuePosition()
	if err != nil {
		return err
	}
	ids = slices.Sorted(slices.Values(ids))
	if runs := idRuns(ids); len(runs) <= maxQueueRuns {
		// Runs of consecutive IDs (the usual case: IDs come from one sequence) take one plain
		// range update each, cheaper than joining a list of (ID, position) pairs.
		for _, r := range runs {
			offset := last + 1 + int64(r.from) - ids[r.from]
			if _, err := t.exec(queueRun, offset, ids[r.from], ids[r.to-1]); err != nil {
				return wrap(err, "mark events queued")
			}
		}
		return nil
	}
	_, err = t.updateRows("events", "queue_position = v.column2", "events.id = v.column1", []string{"BIGINT", "BIGINT"}, len(ids),
		func(i int, dst []any) []any { return append(dst, ids[i], last+1+int64(i)) })
	return wrap(err, "mark events queued")
}

// maxQueueRuns is the most runs of consecutive IDs that MarkEventsQueued updates one
// statement each; more take one statement of (ID, position) pairs.
const maxQueueRuns = 8

// queueRun gives the events with IDs $2 to $3, every one of them being queued, the positions
// ID + $1.
const queueRun = "UPDATE events SET queue_position = id + $1 WHERE id >= $2 AND id <= $3"

// idRun is ids[from:to] of a sorted list, consecutive numbers.
type idRun struct{ from, to int }

// idRuns splits sorted, distinct IDs into runs of consecutive numbers.
func idRuns(ids []int64) []idRun {
	var runs []idRun
	for i := range ids {
		if i == 0 || ids[i] != ids[i-1]+1 {
			runs = append(runs, idRun{from: i, to: i})
		}
		runs[len(runs)-1].to = i + 1
	}
	return runs
}

// LastQueuePosition returns the highest queue position given, 0 when none was.
func (t *tx) LastQueuePosition() (int64, error) {
	p, err := getRow(t, scanNullInt, lastQueuePosition)
	return p.Int64, wrap(err, "last queue position")
}

// QueuedEventsAfter returns up to limit of the account's events queued after the position, in
// queue order, and the position of the last one (see mercato.DeliveryTx).
func (t *tx) QueuedEventsAfter(accountID string, after int64, limit int) ([]mercato.Event, int64, error) {
	events, err := list(t, func(s scanner) (mercato.Event, error) { return scanEventAfter(s, &after) },
		selectQueuedAfter, accountID, after, limit)
	return events, after, wrap(err, "list queued events of %s", accountID)
}

// ClaimEventDestinations leases up to limit destinations with a delivery due by now to owner
// until leaseUntil (see mercato.DeliveryTx); a limit below 1 claims nothing.
func (t *tx) ClaimEventDestinations(now time.Time, owner string, leaseNow, leaseUntil time.Time, limit int) ([]mercato.EventDestination, error) {
	if limit < 1 {
		return nil, nil
	}
	query := fmt.Sprintf(claimDestinations, t.d.ClaimLock) + strings.Join(destinationCols, ", ")
	ds, err := list(t, scanDestination, query, owner, micros(leaseUntil), micros(now), limit, micros(leaseNow))
	if err != nil {
		return nil, wrap(err, "claim event destinations for %s", owner)
	}
	slices.SortFunc(ds, func(a, b mercato.EventDestination) int { return strings.Compare(a.ID, b.ID) })
	return ds, nil
}

// ReleaseEventDestination ends owner's lease on the destination, if owner still holds it.
func (t *tx) ReleaseEventDestination(id, owner string) error {
	_, err := t.exec(releaseDestination, id, owner)
	return wrap(err, "release event destination %s", id)
}

// ExtendEventDestinationLease moves owner's lease on the destination to until, if owner still
// holds it, and reports whether it did.
func (t *tx) ExtendEventDestinationLease(id, owner string, until time.Time) (bool, error) {
	n, err := t.execCount(extendDestination, id, owner, micros(until))
	return n == 1, wrap(err, "extend the lease of event destination %s", id)
}

// InsertDeliveries queues deliveries; the database assigns their IDs in order.
func (t *tx) InsertDeliveries(ds ...mercato.Delivery) error {
	_, err := t.insertRows("event_deliveries", deliveryCols[1:], len(ds), func(i int, dst []any) []any {
		d := &ds[i]
		return append(dst, d.DestinationID, d.EventID, d.OrderingKey, string(d.Status), d.Attempts,
			micros(d.CreatedAt), micros(d.NextAt))
	})
	return wrap(err, "insert deliveries")
}

// InsertDelivery queues one delivery and returns its ID.
func (t *tx) InsertDelivery(d mercato.Delivery) (int64, error) {
	id, err := getRow(t, scanInt64, insertDelivery, d.DestinationID, d.EventID, d.OrderingKey, string(d.Status),
		d.Attempts, micros(d.CreatedAt), micros(d.NextAt))
	return id, wrap(err, "insert delivery")
}

// PendingDeliveryKeys returns the ordering keys of the destination's pending deliveries.
func (t *tx) PendingDeliveryKeys(destinationID string) ([]string, error) {
	keys, err := list(t, scanString, pendingKeys, destinationID)
	return keys, wrap(err, "pending delivery keys of %s", destinationID)
}

// AdvanceEventDestination moves the destination's high-water mark up to through.
func (t *tx) AdvanceEventDestination(id string, through int64) error {
	_, err := t.exec(advanceDestination, id, through)
	return wrap(err, "advance event destination %s", id)
}

// DueDeliveries returns the destination's deliveries that may be attempted at now, in queue
// order, with their events (see mercato.DeliveryTx).
func (t *tx) DueDeliveries(destinationID string, now time.Time, afterID int64, limit int) ([]mercato.Delivery, error) {
	ds, err := list(t, scanDueDelivery, dueDeliveries, destinationID, micros(now), limit, afterID)
	return ds, wrap(err, "due deliveries of %s", destinationID)
}

func scanDueDelivery(s scanner) (mercato.Delivery, error) {
	var d mercato.Delivery
	e := &d.Event
	err := s.Scan(&d.ID, &d.DestinationID, &d.EventID, &d.OrderingKey, &d.Status, &d.Attempts,
		timeCol{&d.CreatedAt}, timeCol{&d.NextAt},
		&e.ID, timeCol{&e.Time}, &e.AccountID, &e.DetailType, &e.ResourceID, rawCol{&e.Detail},
		&e.UID, &e.Source, jsonCol{&e.Resources})
	return d, err
}

// RecordDeliveries records the deliveries' status, attempts and next attempt time, and
// appends the attempts to the log.
func (t *tx) RecordDeliveries(ds []mercato.Delivery, attempts []mercato.DeliveryAttempt) error {
	_, err := t.updateRows("event_deliveries", "status = v.column2, attempts = v.column3, next_at = v.column4",
		"event_deliveries.id = v.column1", []string{"BIGINT", "TEXT", "BIGINT", "BIGINT"}, len(ds),
		func(i int, dst []any) []any {
			d := &ds[i]
			return append(dst, d.ID, string(d.Status), d.Attempts, micros(d.NextAt))
		})
	if err != nil {
		return wrap(err, "record deliveries")
	}
	_, err = t.insertRows("delivery_attempts", attemptCols[1:], len(attempts), func(i int, dst []any) []any {
		a := &attempts[i]
		return append(dst, a.DeliveryID, a.DestinationID, a.EventUID, a.DetailType, micros(a.Time),
			micros(a.WallTime), string(a.Status), a.StatusCode, a.Error, a.Duration.Microseconds())
	})
	return wrap(err, "log delivery attempts")
}

// ListDeliveryAttempts returns the attempts matching f, newest first.
func (t *tx) ListDeliveryAttempts(f mercato.DeliveryAttemptFilter) ([]mercato.DeliveryAttempt, error) {
	var w filter
	w.eq("destination_id", f.DestinationID)
	w.eq("event_uid", f.EventUID)
	query := selectAttempts + w.clause() + " ORDER BY id DESC"
	if f.Limit > 0 {
		query += " LIMIT " + w.arg(f.Limit)
	}
	as, err := list(t, scanAttempt, query, w.args...)
	return as, wrap(err, "list delivery attempts")
}

func scanAttempt(s scanner) (mercato.DeliveryAttempt, error) {
	var a mercato.DeliveryAttempt
	var us int64
	err := s.Scan(&a.ID, &a.DeliveryID, &a.DestinationID, &a.EventUID, &a.DetailType, timeCol{&a.Time},
		timeCol{&a.WallTime}, &a.Status, &a.StatusCode, &a.Error, &us)
	a.Duration = time.Duration(us) * time.Microsecond
	return a, err
}

// PruneDeliveryLog deletes up to limit finished deliveries queued before, and up to limit
// attempts made before (see mercato.DeliveryTx).
func (t *tx) PruneDeliveryLog(before time.Time, limit int) (int, error) {
	deliveries, err := t.execCount(pruneDeliveries, micros(before), limit)
	if err != nil {
		return 0, wrap(err, "prune deliveries")
	}
	attempts, err := t.execCount(pruneAttempts, micros(before), limit)
	return int(deliveries + attempts), wrap(err, "prune delivery attempts")
}

// GetEvent returns the event with the UID; ENotFound if there is none.
func (t *tx) GetEvent(uid string) (mercato.Event, error) {
	e, err := getRow(t, scanEvent, selectEvents+" WHERE uid = $1", uid)
	return e, t.fail(err, "get", "Event", uid)
}
