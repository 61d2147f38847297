package storetest

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"mercato"
)

// deliveryTests cover the DeliveryTx methods: event destinations, the delivery queue and log.
var deliveryTests = []struct {
	name string
	fn   func(*testing.T, mercato.Store)
}{
	{"EventDestinations", testEventDestinations},
	{"QueueEvents", testQueueEvents},
	{"DueDeliveriesInKeyOrder", testDueDeliveriesInKeyOrder},
	{"RecordDeliveries", testRecordDeliveries},
	{"ClaimEventDestinations", testClaimEventDestinations},
	{"ConcurrentQueueEvents", testConcurrentQueueEvents},
	{"PruneDeliveryLog", testPruneDeliveryLog},
	{"QueuePositions", testQueuePositions},
	{"QueuePositionsPastSmallIntegers", testQueuePositionsPastSmallIntegers},
	{"DestinationHighWaterMark", testDestinationHighWaterMark},
	{"InsertDelivery", testInsertDelivery},
	{"QueuePositionsManyRuns", testQueuePositionsManyRuns},
}

const hookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func destination(id, account string, types ...string) mercato.EventDestination {
	return mercato.EventDestination{ID: id, AccountID: account, URL: "https://example.com/" + id, EventTypes: types,
		Secret: hookSecret, Status: mercato.DestinationActive, CreatedAt: at(time.Microsecond), UpdatedAt: at(time.Microsecond)}
}

func hookEvent(uid, account, detailType, resource string) mercato.Event {
	return mercato.Event{UID: uid, Time: at(time.Hour), AccountID: account, Source: "mercato", DetailType: detailType,
		ResourceID: resource, Detail: []byte(`{"n":1}`)}
}

// testEventDestinations stores, reads, updates and deletes destinations.
func testEventDestinations(t *testing.T, s mercato.Store) {
	a, b := destination("dest-a", seller, "X", "Y"), destination("dest-b", seller)
	a.AfterEventID = 7
	c := destination("dest-c", buyer)
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(a) },
		func(tx mercato.Tx) error { return tx.InsertEventDestination(b) },
		func(tx mercato.Tx) error { return tx.InsertEventDestination(c) })
	updateCode(t, s, "insert a taken ID", mercato.EConflict, func(tx mercato.Tx) error { return tx.InsertEventDestination(a) })
	same(t, "seller's destinations", []mercato.EventDestination{a, b},
		read(t, s, func(tx mercato.Tx) ([]mercato.EventDestination, error) { return tx.ListEventDestinations(seller) }))
	same(t, "all destinations", []mercato.EventDestination{a, b, c},
		read(t, s, func(tx mercato.Tx) ([]mercato.EventDestination, error) { return tx.ListEventDestinations("") }))

	a.URL, a.EventTypes, a.Status, a.Secret, a.UpdatedAt = "http://127.0.0.1:9/x", nil, mercato.DestinationFailing, hookSecret+"AAAA", at(time.Hour)
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateEventDestination(a) })
	same(t, "updated", a, read(t, s, func(tx mercato.Tx) (mercato.EventDestination, error) { return tx.GetEventDestination(a.ID) }))
	var changed []bool
	update(t, s, func(tx mercato.Tx) error {
		for _, st := range []mercato.DestinationStatus{mercato.DestinationActive, mercato.DestinationActive, mercato.DestinationFailing} {
			ok, err := tx.SetEventDestinationStatus(c.ID, st, at(2*time.Hour))
			if err != nil {
				return err
			}
			changed = append(changed, ok)
		}
		return nil
	})
	same(t, "status changes", []bool{false, false, true}, changed)
	c.Status, c.UpdatedAt = mercato.DestinationFailing, at(2*time.Hour)
	same(t, "after status", c, read(t, s, func(tx mercato.Tx) (mercato.EventDestination, error) { return tx.GetEventDestination(c.ID) }))
	updateCode(t, s, "update unknown", mercato.ENotFound, func(tx mercato.Tx) error { return tx.UpdateEventDestination(destination("nope", seller)) })

	update(t, s, func(tx mercato.Tx) error { return tx.DeleteEventDestination(b.ID) })
	viewCode(t, s, "get deleted", mercato.ENotFound, func(tx mercato.Tx) error { _, err := tx.GetEventDestination(b.ID); return err })
	updateCode(t, s, "delete unknown", mercato.ENotFound, func(tx mercato.Tx) error { return tx.DeleteEventDestination(b.ID) })
}

// testQueueEvents reads unqueued events oldest first, and not again once marked queued.
func testQueueEvents(t *testing.T, s mercato.Store) {
	if id := read(t, s, func(tx mercato.Tx) (int64, error) { return tx.LastEventID() }); id != 0 {
		t.Fatalf("LastEventID of no events = %d", id)
	}
	put(t, s, func(tx mercato.Tx) error {
		return tx.InsertEvents(hookEvent("e1", seller, "X", "agmt-1"), hookEvent("e2", buyer, "X", "agmt-1"),
			hookEvent("e3", seller, "Y", "agmt-2"))
	})
	var first []mercato.Event
	update(t, s, func(tx mercato.Tx) error {
		var err error
		first, err = tx.UnqueuedEvents(2)
		if err != nil {
			return err
		}
		return tx.MarkEventsQueued(first[0].ID, first[1].ID)
	})
	if len(first) != 2 || first[0].UID != "e1" || first[1].UID != "e2" {
		t.Fatalf("first unqueued = %+v", first)
	}
	rest := read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) { return tx.UnqueuedEvents(10) })
	if len(rest) != 1 || rest[0].UID != "e3" {
		t.Fatalf("then unqueued = %+v", rest)
	}
	if got := backlog(t, s); got != [2]int{1, 0} {
		t.Errorf("backlog (unqueued, pending) = %v, want [1 0]", got)
	}
	if id := read(t, s, func(tx mercato.Tx) (int64, error) { return tx.LastEventID() }); id != rest[0].ID {
		t.Errorf("LastEventID = %d, want %d", id, rest[0].ID)
	}
	got := read(t, s, func(tx mercato.Tx) (mercato.Event, error) { return tx.GetEvent("e3") })
	same(t, "GetEvent", rest[0], got)
	viewCode(t, s, "get unknown event", mercato.ENotFound, func(tx mercato.Tx) error { _, err := tx.GetEvent("nope"); return err })
	after := read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) {
		return tx.ListEvents(mercato.EventFilter{AccountID: seller, AfterID: first[0].ID, Limit: 5})
	})
	if len(after) != 1 || after[0].UID != "e3" {
		t.Errorf("seller's events after e1 = %+v", after)
	}
	newest := read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) {
		return tx.ListEvents(mercato.EventFilter{AccountID: seller, Limit: 1, Newest: true})
	})
	if len(newest) != 1 || newest[0].UID != "e3" {
		t.Errorf("seller's newest event = %+v", newest)
	}
}

// backlog returns DeliveryBacklog's counts: events not queued, deliveries pending.
func backlog(t *testing.T, s mercato.Store) [2]int {
	t.Helper()
	return read(t, s, func(tx mercato.Tx) ([2]int, error) {
		u, p, err := tx.DeliveryBacklog()
		return [2]int{u, p}, err
	})
}

// queueDeliveries writes events and a pending delivery of each to dest, due at due[i], with
// the ordering keys; one due after at(time.Hour) was attempted once. It returns the
// deliveries' event IDs in order.
func queueDeliveries(t *testing.T, s mercato.Store, dest string, keys []string, due []time.Time) []int64 {
	t.Helper()
	var ids []int64
	update(t, s, func(tx mercato.Tx) error {
		for i, k := range keys {
			if err := tx.InsertEvents(hookEvent(dest+"-"+k+"-"+time.Duration(i).String(), seller, "X", k)); err != nil {
				return err
			}
		}
		events, err := tx.ListEvents(mercato.EventFilter{})
		if err != nil {
			return err
		}
		events = events[len(events)-len(keys):]
		var ds []mercato.Delivery
		for i, e := range events {
			ids = append(ids, e.ID)
			d := mercato.Delivery{DestinationID: dest, EventID: e.ID, OrderingKey: keys[i],
				Status: mercato.DeliveryPending, CreatedAt: at(0), NextAt: due[i]}
			if due[i].After(at(time.Hour)) {
				d.Attempts = 1
			}
			ds = append(ds, d)
		}
		return tx.InsertDeliveries(ds...)
	})
	return ids
}

func dueEventIDs(t *testing.T, s mercato.Store, dest string, now time.Time, limit int) []int64 {
	t.Helper()
	ds := read(t, s, func(tx mercato.Tx) ([]mercato.Delivery, error) { return tx.DueDeliveries(dest, now, 0, limit) })
	var ids []int64
	for _, d := range ds {
		if d.Event.ID != d.EventID || d.Event.UID == "" {
			t.Errorf("delivery %+v came without its event", d)
		}
		ids = append(ids, d.EventID)
	}
	return ids
}

// testDueDeliveriesInKeyOrder: a delivery not yet due holds back the later ones of its key,
// and no other.
func testDueDeliveriesInKeyOrder(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-a", seller)) })
	now := at(time.Hour)
	later := now.Add(time.Minute)
	ids := queueDeliveries(t, s, "dest-a", []string{"k1", "k2", "k1", "k2", "k3"}, []time.Time{later, now, now, now, later})
	same(t, "due", []int64{ids[1], ids[3]}, dueEventIDs(t, s, "dest-a", now, 10))
	same(t, "due, limited", []int64{ids[1]}, dueEventIDs(t, s, "dest-a", now, 1))
	same(t, "due later", ids, dueEventIDs(t, s, "dest-a", later, 10))
	same(t, "other destination", []int64(nil), dueEventIDs(t, s, "dest-b", later, 10))
	first := read(t, s, func(tx mercato.Tx) ([]mercato.Delivery, error) { return tx.DueDeliveries("dest-a", later, 0, 2) })
	rest := read(t, s, func(tx mercato.Tx) ([]mercato.Delivery, error) {
		return tx.DueDeliveries("dest-a", later, first[1].ID, 10)
	})
	if len(rest) != 3 || rest[0].EventID != ids[2] {
		t.Errorf("due after the second: %+v", rest)
	}
}

// testRecordDeliveries records outcomes and the log; a delivered delivery is no longer due.
func testRecordDeliveries(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-a", seller)) })
	now := at(time.Hour)
	ids := queueDeliveries(t, s, "dest-a", []string{"k1", "k1"}, []time.Time{now, now})
	due := read(t, s, func(tx mercato.Tx) ([]mercato.Delivery, error) { return tx.DueDeliveries("dest-a", now, 0, 10) })
	first, second := due[0], due[1]
	first.Status, first.Attempts = mercato.DeliveryDelivered, 1
	second.Status, second.Attempts, second.NextAt = mercato.DeliveryPending, 1, now.Add(time.Minute)
	logs := []mercato.DeliveryAttempt{
		{DeliveryID: first.ID, DestinationID: "dest-a", EventUID: first.Event.UID, DetailType: "X", Time: now,
			WallTime: at(2 * time.Hour), Status: mercato.DeliveryDelivered, StatusCode: 200, Duration: 1500 * time.Microsecond},
		{DeliveryID: second.ID, DestinationID: "dest-a", EventUID: second.Event.UID, DetailType: "X", Time: now,
			WallTime: at(2 * time.Hour), Status: mercato.DeliveryPending, StatusCode: 500, Error: "answered 500", Duration: time.Second},
	}
	if got := backlog(t, s); got[1] != 2 {
		t.Errorf("pending deliveries before their attempts = %d, want 2", got[1])
	}
	update(t, s, func(tx mercato.Tx) error { return tx.RecordDeliveries([]mercato.Delivery{first, second}, logs) })
	if got := backlog(t, s); got[1] != 1 {
		t.Errorf("pending deliveries after one delivered = %d, want 1 (the retry)", got[1])
	}
	same(t, "due after", []int64(nil), dueEventIDs(t, s, "dest-a", now, 10))
	same(t, "due at the retry", []int64{ids[1]}, dueEventIDs(t, s, "dest-a", now.Add(time.Minute), 10))

	got := read(t, s, func(tx mercato.Tx) ([]mercato.DeliveryAttempt, error) {
		return tx.ListDeliveryAttempts(mercato.DeliveryAttemptFilter{DestinationID: "dest-a"})
	})
	for i := range logs {
		logs[i].ID = got[len(got)-1-i].ID
	}
	same(t, "log, newest first", []mercato.DeliveryAttempt{logs[1], logs[0]}, got)
	one := read(t, s, func(tx mercato.Tx) ([]mercato.DeliveryAttempt, error) {
		return tx.ListDeliveryAttempts(mercato.DeliveryAttemptFilter{EventUID: first.Event.UID, Limit: 1})
	})
	same(t, "log of an event", []mercato.DeliveryAttempt{logs[0]}, one)

	// Deleting the destination drops what was still to deliver; the log stays.
	update(t, s, func(tx mercato.Tx) error { return tx.DeleteEventDestination("dest-a") })
	same(t, "due after delete", []int64(nil), dueEventIDs(t, s, "dest-a", now.Add(time.Hour), 10))
	if got := backlog(t, s); got[1] != 0 {
		t.Errorf("pending deliveries after delete = %d, want 0", got[1])
	}
	if n := len(read(t, s, func(tx mercato.Tx) ([]mercato.DeliveryAttempt, error) {
		return tx.ListDeliveryAttempts(mercato.DeliveryAttemptFilter{DestinationID: "dest-a"})
	})); n != 2 {
		t.Errorf("log after delete has %d attempts", n)
	}
}

// testClaimEventDestinations: only destinations with due work are claimed, by one owner at a
// time until the lease runs out or is released.
func testClaimEventDestinations(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-a", seller)) },
		func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-b", seller)) })
	now := at(time.Hour)
	queueDeliveries(t, s, "dest-a", []string{"k1"}, []time.Time{now})
	queueDeliveries(t, s, "dest-b", []string{"k1"}, []time.Time{now.Add(time.Hour)})
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	claim := func(owner string, leaseNow time.Time) []string {
		var out []string
		update(t, s, func(tx mercato.Tx) error {
			ds, err := tx.ClaimEventDestinations(now, owner, leaseNow, leaseNow.Add(time.Minute), 10)
			for _, d := range ds {
				out = append(out, d.ID)
			}
			return err
		})
		return out
	}
	same(t, "node1 claims", []string{"dest-a"}, claim("node1", wall))
	same(t, "node2 while leased", []string(nil), claim("node2", wall.Add(time.Second)))
	same(t, "node1 again", []string{"dest-a"}, claim("node1", wall.Add(time.Second)))
	same(t, "node2 after the lease", []string{"dest-a"}, claim("node2", wall.Add(2*time.Minute)))
	extend := func(owner string, until time.Time) bool {
		var ok bool
		update(t, s, func(tx mercato.Tx) error {
			var err error
			ok, err = tx.ExtendEventDestinationLease("dest-a", owner, until)
			return err
		})
		return ok
	}
	if extend("node1", wall.Add(time.Hour)) || !extend("node2", wall.Add(time.Hour)) {
		t.Error("only the holder of a lease extends it")
	}
	same(t, "node1 within node2's extended lease", []string(nil), claim("node1", wall.Add(30*time.Minute)))
	update(t, s, func(tx mercato.Tx) error { return tx.ReleaseEventDestination("dest-a", "node1") }) // not node1's now
	same(t, "node3 while node2 holds it", []string(nil), claim("node3", wall.Add(2*time.Minute)))
	update(t, s, func(tx mercato.Tx) error { return tx.ReleaseEventDestination("dest-a", "node2") })
	same(t, "node3 after release", []string{"dest-a"}, claim("node3", wall.Add(2*time.Minute)))
}

// testConcurrentQueueEvents: transactions that read unqueued events and mark them queued, run
// at once, queue each event once.
func testConcurrentQueueEvents(t *testing.T, s mercato.Store) {
	var events []mercato.Event
	for i := range 200 {
		events = append(events, hookEvent("c"+time.Duration(i).String(), seller, "X", "agmt-1"))
	}
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEvents(events...) })
	var mu sync.Mutex
	var seen []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				var got []mercato.Event
				err := s.UpdateRows(context.Background(), func(tx mercato.Tx) error {
					var err error
					if got, err = tx.UnqueuedEvents(30); err != nil || len(got) == 0 {
						return err
					}
					ids := make([]int64, len(got))
					for i, e := range got {
						ids[i] = e.ID
					}
					return tx.MarkEventsQueued(ids...)
				})
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, e := range got {
					seen = append(seen, e.UID)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(seen)
	if len(seen) != 200 || len(slices.Compact(seen)) != 200 {
		t.Errorf("queued %d events, %d distinct; want each of 200 once", len(seen), len(slices.Compact(slices.Clone(seen))))
	}
}

// testPruneDeliveryLog deletes finished deliveries queued before the cut-off and attempts made
// before it, oldest first, limit rows of each table a call; a pending delivery stays however
// old, and so does what is newer.
func testPruneDeliveryLog(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-a", seller)) })
	old, recent, cut := at(time.Hour), at(100*time.Hour), at(50*time.Hour)
	queued := []time.Time{old, old, recent, old}
	status := []mercato.DeliveryStatus{mercato.DeliveryDelivered, mercato.DeliveryPending, mercato.DeliveryDelivered, mercato.DeliveryFailed}
	var ds []mercato.Delivery
	update(t, s, func(tx mercato.Tx) error {
		for i := range queued {
			if err := tx.InsertEvents(hookEvent("prune-"+time.Duration(i).String(), seller, "X", "k")); err != nil {
				return err
			}
		}
		events, err := tx.ListEvents(mercato.EventFilter{})
		if err != nil {
			return err
		}
		for i, e := range events[len(events)-len(queued):] {
			ds = append(ds, mercato.Delivery{DestinationID: "dest-a", EventID: e.ID, OrderingKey: "k" + time.Duration(i).String(),
				Status: mercato.DeliveryPending, CreatedAt: queued[i], NextAt: queued[i]})
		}
		return tx.InsertDeliveries(ds...)
	})
	due := read(t, s, func(tx mercato.Tx) ([]mercato.Delivery, error) { return tx.DueDeliveries("dest-a", recent, 0, 10) })
	if len(due) != len(queued) {
		t.Fatalf("%d deliveries due, want %d", len(due), len(queued))
	}
	var attempts []mercato.DeliveryAttempt
	for i := range due {
		due[i].Status, due[i].Attempts, due[i].NextAt = status[i], 1, recent.Add(time.Hour)
		attempts = append(attempts, mercato.DeliveryAttempt{DeliveryID: due[i].ID, DestinationID: "dest-a",
			EventUID: due[i].Event.UID, DetailType: "X", Time: queued[i], WallTime: queued[i], Status: status[i], StatusCode: 500})
	}
	update(t, s, func(tx mercato.Tx) error { return tx.RecordDeliveries(due, attempts) })

	prune := func(limit int) int {
		t.Helper()
		var n int
		update(t, s, func(tx mercato.Tx) error {
			var err error
			n, err = tx.PruneDeliveryLog(cut, limit)
			return err
		})
		return n
	}
	// Old: deliveries 0 (delivered) and 3 (failed), attempts 0, 1 and 3; delivery 1 is pending.
	if n := prune(1); n != 2 {
		t.Errorf("first prune of 1 row a table deleted %d rows, want 2", n)
	}
	if n := prune(10); n != 3 {
		t.Errorf("second prune deleted %d rows, want 3 (a delivery, two attempts)", n)
	}
	if n := prune(10); n != 0 {
		t.Errorf("third prune deleted %d rows, want 0", n)
	}
	log := read(t, s, func(tx mercato.Tx) ([]mercato.DeliveryAttempt, error) {
		return tx.ListDeliveryAttempts(mercato.DeliveryAttemptFilter{DestinationID: "dest-a"})
	})
	if len(log) != 1 || log[0].DeliveryID != due[2].ID {
		t.Errorf("log after pruning: %+v, want the recent attempt only", log)
	}
	if got := backlog(t, s); got[1] != 1 {
		t.Errorf("pending deliveries after pruning = %d, want 1 (the old pending one)", got[1])
	}
	same(t, "due after pruning", []int64{due[1].EventID}, dueEventIDs(t, s, "dest-a", recent.Add(time.Hour), 10))
}

// queuedAfter is QueuedEventsAfter's UIDs and next position.
func queuedAfter(t *testing.T, s mercato.Store, account string, after int64, limit int) ([]string, int64) {
	t.Helper()
	var uids []string
	var next int64
	view(t, s, func(tx mercato.Tx) error {
		events, n, err := tx.QueuedEventsAfter(account, after, limit)
		for _, e := range events {
			uids = append(uids, e.UID)
		}
		next = n
		return err
	})
	return uids, next
}

// testQueuePositions: events get queue positions in the order they are queued, not in ID
// order, and an account's followers read them by position.
func testQueuePositions(t *testing.T, s mercato.Store) {
	if p := read(t, s, func(tx mercato.Tx) (int64, error) { return tx.LastQueuePosition() }); p != 0 {
		t.Fatalf("LastQueuePosition of no events = %d", p)
	}
	put(t, s, func(tx mercato.Tx) error {
		return tx.InsertEvents(hookEvent("q1", seller, "X", "a"), hookEvent("q2", buyer, "X", "a"),
			hookEvent("q3", seller, "X", "a"), hookEvent("q4", seller, "X", "a"))
	})
	events := read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) { return tx.UnqueuedEvents(10) })
	if len(events) != 4 {
		t.Fatalf("%d unqueued events, want 4", len(events))
	}
	// q4 is queued first, as if q1 to q3 had committed after it; then the others, given out of order.
	update(t, s, func(tx mercato.Tx) error { return tx.MarkEventsQueued(events[3].ID) })
	if uids, next := queuedAfter(t, s, seller, 0, 10); !slices.Equal(uids, []string{"q4"}) || next != 1 {
		t.Errorf("seller's queued events = %v, next %d; want [q4], 1", uids, next)
	}
	update(t, s, func(tx mercato.Tx) error { return tx.MarkEventsQueued(events[2].ID, events[0].ID, events[1].ID) })
	if p := read(t, s, func(tx mercato.Tx) (int64, error) { return tx.LastQueuePosition() }); p != 4 {
		t.Errorf("LastQueuePosition = %d, want 4", p)
	}
	if uids, next := queuedAfter(t, s, seller, 1, 10); !slices.Equal(uids, []string{"q1", "q3"}) || next != 4 {
		t.Errorf("seller's events after position 1 = %v, next %d; want [q1 q3], 4 (q2 is the buyer's)", uids, next)
	}
	if uids, next := queuedAfter(t, s, seller, 0, 2); !slices.Equal(uids, []string{"q4", "q1"}) || next != 2 {
		t.Errorf("seller's first two = %v, next %d; want [q4 q1], 2", uids, next)
	}
	if uids, next := queuedAfter(t, s, seller, 4, 10); len(uids) != 0 || next != 4 {
		t.Errorf("after the last = %v, next %d; want none, 4", uids, next)
	}
	if got := backlog(t, s); got[0] != 0 {
		t.Errorf("%d events unqueued, want 0", got[0])
	}

	// IDs with gaps (r2 left unqueued) still take positions in ID order, after the last.
	put(t, s, func(tx mercato.Tx) error {
		return tx.InsertEvents(hookEvent("r1", seller, "X", "a"), hookEvent("r2", seller, "X", "a"),
			hookEvent("r3", seller, "X", "a"), hookEvent("r4", seller, "X", "a"))
	})
	more := read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) { return tx.UnqueuedEvents(10) })
	if len(more) != 4 {
		t.Fatalf("%d unqueued events, want 4", len(more))
	}
	update(t, s, func(tx mercato.Tx) error { return tx.MarkEventsQueued(more[3].ID, more[0].ID, more[2].ID) })
	if uids, next := queuedAfter(t, s, seller, 4, 10); !slices.Equal(uids, []string{"r1", "r3", "r4"}) || next != 7 {
		t.Errorf("seller's events after position 4 = %v, next %d; want [r1 r3 r4], 7", uids, next)
	}
	if got := backlog(t, s); got[0] != 1 {
		t.Errorf("%d events unqueued, want 1 (r2)", got[0])
	}
}

// testDestinationHighWaterMark: the events of a destination's account queued after its mark
// are its backlog and get it claimed; advancing the mark past them clears both, and never
// moves it back.
func testDestinationHighWaterMark(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-a", seller)) })
	put(t, s, func(tx mercato.Tx) error {
		return tx.InsertEvents(hookEvent("m1", seller, "X", "a"), hookEvent("m2", buyer, "X", "a"))
	})
	now, wall := at(time.Hour), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	claim := func(owner string) []string {
		var out []string
		update(t, s, func(tx mercato.Tx) error {
			ds, err := tx.ClaimEventDestinations(now, owner, wall, wall.Add(time.Minute), 10)
			for _, d := range ds {
				out = append(out, d.ID)
			}
			return err
		})
		return out
	}
	same(t, "claimed before the events are queued", []string(nil), claim("node1"))
	update(t, s, func(tx mercato.Tx) error {
		events, err := tx.UnqueuedEvents(10)
		if err != nil {
			return err
		}
		return tx.MarkEventsQueued(events[0].ID, events[1].ID)
	})
	if got := backlog(t, s); got != [2]int{0, 1} {
		t.Errorf("backlog (unqueued, pending) = %v, want [0 1]: the seller's event after dest-a's mark", got)
	}
	same(t, "claimed with an event after the mark", []string{"dest-a"}, claim("node1"))
	update(t, s, func(tx mercato.Tx) error { return tx.ReleaseEventDestination("dest-a", "node1") })
	update(t, s, func(tx mercato.Tx) error { return tx.AdvanceEventDestination("dest-a", 2) })
	update(t, s, func(tx mercato.Tx) error { return tx.AdvanceEventDestination("dest-a", 1) })
	d := read(t, s, func(tx mercato.Tx) (mercato.EventDestination, error) { return tx.GetEventDestination("dest-a") })
	if d.QueuedThrough != 2 {
		t.Errorf("mark after advancing to 2, then 1 = %d, want 2", d.QueuedThrough)
	}
	if got := backlog(t, s); got != [2]int{0, 0} {
		t.Errorf("backlog past the mark = %v, want [0 0]", got)
	}
	same(t, "claimed with nothing after the mark", []string(nil), claim("node2"))
}

// testInsertDelivery: a delivery inserted alone gets an ID above the earlier ones; the keys of
// the pending deliveries, and only those, hold their later events back.
func testInsertDelivery(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEventDestination(destination("dest-a", seller)) })
	now := at(time.Hour)
	queueDeliveries(t, s, "dest-a", []string{"k1"}, []time.Time{now})
	var ids []int64
	update(t, s, func(tx mercato.Tx) error {
		for _, k := range []string{"k2", "k3"} {
			id, err := tx.InsertDelivery(mercato.Delivery{DestinationID: "dest-a", EventID: 1, OrderingKey: k,
				Status: mercato.DeliveryPending, Attempts: 1, CreatedAt: now, NextAt: now.Add(time.Minute)})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	due := read(t, s, func(tx mercato.Tx) ([]mercato.Delivery, error) { return tx.DueDeliveries("dest-a", now, 0, 10) })
	if len(due) != 1 || len(ids) != 2 || ids[0] <= due[0].ID || ids[1] <= ids[0] {
		t.Fatalf("IDs of inserted deliveries %v after %+v", ids, due)
	}
	due[0].Status, due[0].Attempts = mercato.DeliveryDelivered, 1
	update(t, s, func(tx mercato.Tx) error { return tx.RecordDeliveries(due, nil) })
	keys := read(t, s, func(tx mercato.Tx) ([]string, error) { return tx.PendingDeliveryKeys("dest-a") })
	slices.Sort(keys)
	same(t, "pending keys", []string{"k2", "k3"}, keys)
	same(t, "pending keys of another destination", []string(nil),
		read(t, s, func(tx mercato.Tx) ([]string, error) { return tx.PendingDeliveryKeys("dest-b") }))
}

// testQueuePositionsPastSmallIntegers queues more events than a 16-bit column holds: positions
// count every event a marketplace ever queued.
func testQueuePositionsPastSmallIntegers(t *testing.T, s mercato.Store) {
	const n = 1<<15 + 10
	events := make([]mercato.Event, n)
	for i := range events {
		events[i] = hookEvent("many-"+strconv.Itoa(i), seller, "X", "a")
	}
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEvents(events...) })
	update(t, s, func(tx mercato.Tx) error {
		queued, err := tx.UnqueuedEvents(n)
		if err != nil {
			return err
		}
		ids := make([]int64, len(queued))
		for i := range queued {
			ids[i] = queued[i].ID
		}
		return tx.MarkEventsQueued(ids...)
	})
	uids, next := queuedAfter(t, s, seller, n-3, 10)
	if !slices.Equal(uids, []string{"many-" + strconv.Itoa(n-3), "many-" + strconv.Itoa(n-2), "many-" + strconv.Itoa(n-1)}) || next != n {
		t.Errorf("the last three of %d queued events: %v, next %d", n, uids, next)
	}
}

// testQueuePositionsManyRuns queues events whose IDs make more runs of consecutive numbers than
// MarkEventsQueued updates one range at a time: they too take positions in ID order, after the
// last, and the events left out stay unqueued.
func testQueuePositionsManyRuns(t *testing.T, s mercato.Store) {
	const n = 40
	events := make([]mercato.Event, n)
	for i := range events {
		events[i] = hookEvent("run-"+strconv.Itoa(i), seller, "X", "a")
	}
	put(t, s, func(tx mercato.Tx) error { return tx.InsertEvents(events...) })
	var want []string
	update(t, s, func(tx mercato.Tx) error {
		unqueued, err := tx.UnqueuedEvents(n)
		if err != nil {
			return err
		}
		var ids []int64
		for i := len(unqueued) - 1; i >= 0; i-- { // every other event, given newest first: 20 runs
			if i%2 == 0 {
				ids = append(ids, unqueued[i].ID)
			}
		}
		for i := 0; i < len(unqueued); i += 2 {
			want = append(want, unqueued[i].UID)
		}
		return tx.MarkEventsQueued(ids...)
	})
	if uids, next := queuedAfter(t, s, seller, 0, n); !slices.Equal(uids, want) || next != n/2 {
		t.Errorf("queued events = %v, next %d; want %v, %d", uids, next, want, n/2)
	}
	if got := backlog(t, s); got[0] != n/2 {
		t.Errorf("%d events unqueued, want %d", got[0], n/2)
	}
}
