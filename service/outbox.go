package service

import (
	"context"
	"sync"

	"mercato"
)

// outbox tells who waits for events that some were committed or queued: the deliverer (wake
// and deliver), and the readers that follow an account's events by queue position (changed).
type outbox struct {
	wakeCh    chan struct{} // events were committed: queue them
	deliverCh chan struct{} // deliveries were queued: make them
	mu        sync.Mutex
	changed   chan struct{} // closed, and replaced, when events are queued
}

func newOutbox() *outbox {
	return &outbox{wakeCh: make(chan struct{}, 1), deliverCh: make(chan struct{}, 1), changed: make(chan struct{})}
}

// wake tells the deliverer that events are waiting to be queued. Wakes that come while it
// runs merge into one more pass, which takes everything waiting by then.
func (o *outbox) wake() { signal(o.wakeCh) }

// queued tells the deliverer that deliveries are waiting to be made.
func (o *outbox) queued() { signal(o.deliverCh) }

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// committed wakes the deliverer: committed events wait to be queued. The readers wait for that.
func (o *outbox) committed() { o.wake() }

// eventsQueued wakes every reader waiting on changed: events were given queue positions.
func (o *outbox) eventsQueued() {
	o.mu.Lock()
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
}

// waitChan returns a channel closed when events are next queued on this node.
func (o *outbox) waitChan() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.changed
}

// outboxStore is the service's store: after a transaction that wrote events commits, it tells
// the outbox, so that the events are delivered at once rather than at the deliverer's next tick.
type outboxStore struct {
	mercato.Store
	o *outbox
}

// Update runs fn as the store does, and tells the outbox when fn wrote events that committed.
func (s outboxStore) Update(ctx context.Context, fn func(mercato.Tx) error) error {
	return s.run(ctx, s.Store.Update, fn)
}

// UpdateRows is Update for UpdateRows.
func (s outboxStore) UpdateRows(ctx context.Context, fn func(mercato.Tx) error) error {
	return s.run(ctx, s.Store.UpdateRows, fn)
}

func (s outboxStore) run(ctx context.Context, update func(context.Context, func(mercato.Tx) error) error, fn func(mercato.Tx) error) error {
	var wrote bool
	err := update(ctx, func(tx mercato.Tx) error {
		wrote = false // the store may run fn again; only the committed run counts
		return fn(eventsTx{Tx: tx, wrote: &wrote})
	})
	if err == nil && wrote {
		s.o.committed()
	}
	return err
}

// eventsTx is a transaction that notes whether it wrote events.
type eventsTx struct {
	mercato.Tx
	wrote *bool
}

// InsertEvents writes the events and notes that it did.
func (t eventsTx) InsertEvents(es ...mercato.Event) error {
	if len(es) > 0 {
		*t.wrote = true
	}
	return t.Tx.InsertEvents(es...)
}
