package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"mercato"
	"mercato/webhook"
)

// WebhookSender makes one delivery attempt; webhook.Sender makes it over HTTP.
type WebhookSender interface {
	Send(ctx context.Context, r webhook.Request) webhook.Result
}

// Limits of the deliverer.
const (
	// queueBatch is how many committed events one transaction queues for delivery.
	queueBatch = 1000
	// deliveryBatch is how many deliveries to one destination are read, made and recorded
	// together.
	deliveryBatch = 500
	// destinationsAtOnce bounds the destinations one node delivers to at once, and
	// attemptsAtOnce the attempts in flight across them: the memory a pass holds.
	destinationsAtOnce = 8
	attemptsAtOnce     = 64
	// deliveryGather is how long the deliverer, woken, lets work gather before it runs: under
	// a load of commits each of its transactions then takes many events, rather than each
	// commit causing one of its own, which would compete with the commits for the one writer
	// (SQLite) and its fsyncs. It is most of the time from a commit to its delivery.
	deliveryGather = 200 * time.Millisecond
	// passTime bounds how long a node delivers to one destination before it lets the
	// destination go (to itself or another node) at the next pass.
	passTime = 10 * time.Second
	// deliveryTick is how often the deliverer looks for work it was not woken for: retries
	// falling due, other nodes' events, moves of the sandbox clock.
	deliveryTick = 250 * time.Millisecond
	// firstRetry is the delay after a first failed attempt; each further failure doubles it,
	// up to maxRetryDelay.
	firstRetry    = 30 * time.Second
	maxRetryDelay = 12 * time.Hour
	// pruneEvery is how often, in wall time, a node deletes the delivery log older than
	// mercato.DeliveryLogRetention, pruneBatch rows of each table a transaction.
	pruneEvery = time.Hour
	pruneBatch = 5000
)

// DestinationFailingEvent is the detail type of the event that tells an account that one of
// its destinations gave up a delivery after retrying it for mercato.DeliveryRetryWindow.
const DestinationFailingEvent = string(mercato.EventDestinationFailing)

// DeliveryBacklog returns how much the deliverer has to do: the events not yet queued for
// delivery plus the deliveries pending (operators' view; no caller check).
func (s *Service) DeliveryBacklog(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx mercato.Tx) error {
		unqueued, pending, err := tx.DeliveryBacklog()
		n = unqueued + pending
		return err
	})
	return n, err
}

// RunDeliveries delivers committed events to their destinations until ctx ends, and returns
// once the work under way is finished: at once when this node commits events, else at its
// next tick (every 250 ms). Every node may run it; they
// share destinations through leases. Queueing events and making deliveries run side by side,
// so that neither waits for the other's transactions.
func (s *Service) RunDeliveries(ctx context.Context, sender WebhookSender) {
	var queueing sync.WaitGroup
	defer queueing.Wait() // it returns once both loops have finished their work
	queueing.Go(func() { s.pruneDeliveryLogs(ctx) })
	queueing.Go(func() {
		s.every(ctx, s.deliveries.wakeCh, deliveryGather, func() error {
			n, err := s.queueEvents(ctx)
			if n > 0 {
				s.deliveries.queued()
			}
			return err
		})
	})
	// The queueing pass that wakes the deliveries gathered its work already: they start at once.
	s.every(ctx, s.deliveries.deliverCh, 0, func() error {
		for {
			n, err := s.deliverClaimed(ctx, sender)
			if err != nil || n == 0 {
				return err
			}
		}
	})
}

// pruneDeliveryLogs prunes the delivery log at once and every pruneEvery until ctx ends.
func (s *Service) pruneDeliveryLogs(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		if n, err := s.PruneDeliveryLog(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("pruning the delivery log", "err", err)
		} else if n > 0 {
			s.log.Info("delivery log pruned", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PruneDeliveryLog deletes the finished deliveries and the attempts older, in business time,
// than mercato.DeliveryLogRetention, in transactions of pruneBatch rows of each table so that
// none holds the writer long, and returns how many rows it deleted. Pending deliveries stay
// whatever their age; the events stay for good (and can be redelivered).
func (s *Service) PruneDeliveryLog(ctx context.Context) (int, error) {
	before := s.Now().Add(-mercato.DeliveryLogRetention)
	total := 0
	for {
		var n int
		err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
			var err error
			n, err = tx.PruneDeliveryLog(before, pruneBatch)
			return err
		})
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// every runs work at once, then whenever woken (after letting work gather for gather) and at
// every tick, until ctx ends.
func (s *Service) every(ctx context.Context, wake <-chan struct{}, gather time.Duration, work func() error) {
	t := time.NewTicker(deliveryTick)
	defer t.Stop()
	for {
		if err := work(); err != nil && ctx.Err() == nil {
			s.log.Error("delivering events", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
			time.Sleep(gather)
		}
	}
}

// DeliverDue queues the committed events for their destinations and makes every delivery
// attempt due at the business time, in passes, until a pass finds nothing more to do.
func (s *Service) DeliverDue(ctx context.Context, sender WebhookSender) error {
	for {
		queued, err := s.queueEvents(ctx)
		if err != nil {
			return err
		}
		attempted, err := s.deliverClaimed(ctx, sender)
		if err != nil || queued+attempted == 0 {
			return err
		}
	}
}

// queueEvents queues every committed event not yet queued, in the order their transactions
// made them visible. It returns how many events it queued.
func (s *Service) queueEvents(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
			var err error
			n, err = queueBatchOf(tx)
			return err
		})
		total += n
		if n > 0 && err == nil {
			s.deliveries.eventsQueued() // the followers of the accounts' events read them now
		}
		if err != nil || n < queueBatch {
			return total, err
		}
	}
}

// queueBatchOf queues up to queueBatch events in tx, giving them their queue positions, and
// returns how many it read. Each destination reads its account's events from there, after
// its high-water mark.
func queueBatchOf(tx mercato.Tx) (int, error) {
	events, err := tx.UnqueuedEvents(queueBatch)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	ids := make([]int64, len(events))
	for i := range events {
		ids[i] = events[i].ID
	}
	return len(events), tx.MarkEventsQueued(ids...)
}

// deliverClaimed claims the destinations with deliveries due and delivers to them, a few at
// once; it returns how many deliveries it attempted or events it read after a destination's
// mark (none: nothing more to do).
func (s *Service) deliverClaimed(ctx context.Context, sender WebhookSender) (int, error) {
	var dests []mercato.EventDestination
	err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
		var err error
		wall := leaseNow()
		dests, err = tx.ClaimEventDestinations(s.Now(), s.owner, wall, wall.Add(s.lease), 64)
		return err
	})
	if err != nil || len(dests) == 0 {
		return 0, err
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		first error
	)
	slots := make(chan struct{}, destinationsAtOnce)
	attempts := make(chan struct{}, attemptsAtOnce)
	for _, d := range dests {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			n, err := s.deliverTo(ctx, sender, d, attempts)
			mu.Lock()
			total += n
			if first == nil {
				first = err
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return total, first
}

// deliverTo makes the attempts due to a destination this node claimed, batch by batch, for at
// most passTime, then releases it; meanwhile it renews its claim. It returns how many attempts
// it made and events it read after the destination's mark.
func (s *Service) deliverTo(ctx context.Context, sender WebhookSender, d mercato.EventDestination, slots chan struct{}) (int, error) {
	ctx = context.WithoutCancel(ctx) // a claimed batch is finished and recorded even at shutdown
	p := pass{s: s, d: d, sender: sender, slots: slots, stop: time.Now().Add(passTime), held: map[string]bool{}}
	defer func() {
		if p.released {
			return
		}
		err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error { return tx.ReleaseEventDestination(d.ID, s.owner) })
		if err != nil {
			s.log.Error("releasing event destination", "destination", d.ID, "err", err)
		}
	}()
	var err error
	if p.key, err = mercato.WebhookKey(d.Secret); err != nil {
		return 0, fmt.Errorf("destination %s: %w", d.ID, err)
	}
	defer s.renewDestination(ctx, d.ID)()
	return p.run(ctx)
}

// pass is one node's turn at a destination: batches of due deliveries, each attempted while the
// outcomes of the one before are recorded.
type pass struct {
	s      *Service
	d      mercato.EventDestination
	key    []byte
	sender WebhookSender
	slots  chan struct{}
	stop   time.Time
	// held are the ordering keys with a failed (or unmade) delivery in a batch whose outcomes
	// are not yet recorded: their later deliveries wait for the next pass.
	held map[string]bool
	// released says the last batch's record released the destination.
	released bool
}

// run delivers what is queued for the destination (retries and the deliveries held back
// behind them), then, time permitting, the events of its account after its high-water mark.
func (p *pass) run(ctx context.Context) (int, error) {
	n, err := p.runQueued(ctx)
	if err != nil || !time.Now().Before(p.stop) {
		return n, err
	}
	m, err := p.runStream(ctx)
	return n + m, err
}

// runQueued makes the queued deliveries due, batch by batch, each batch's outcomes recorded
// while the next one is attempted; it returns once every outcome is recorded.
func (p *pass) runQueued(ctx context.Context) (int, error) {
	total := 0
	var after int64
	recorded := make(chan error, 1)
	recorded <- nil
	for time.Now().Before(p.stop) {
		var due []mercato.Delivery
		err := p.s.view(ctx, func(tx mercato.Tx) error {
			var err error
			due, err = tx.DueDeliveries(p.d.ID, p.s.Now(), after, deliveryBatch)
			return err
		})
		if err != nil || len(due) == 0 {
			return total, errors.Join(err, <-recorded)
		}
		after = due[len(due)-1].ID
		made := p.s.attemptAll(ctx, p.sender, p.d, p.key, p.unheld(due), p.slots, p.stop)
		total += len(made)
		if err := <-recorded; err != nil {
			return total, err
		}
		p.hold(due, made)
		go func() { recorded <- p.s.recordAttempts(ctx, p.d, made) }()
		if len(due) < deliveryBatch {
			break
		}
	}
	return total, <-recorded
}

// runStream delivers the events of the destination's account queued after its high-water
// mark, batch by batch: each event it wants is attempted at once unless an earlier delivery
// of its key is pending (queued, failed in this pass, or left unmade), in which case it is
// queued behind it. Only what was not delivered becomes a delivery row; the mark moves past
// the batch in the transaction that logs its attempts. It returns how many events it read.
func (p *pass) runStream(ctx context.Context) (int, error) {
	var keys []string
	err := p.s.view(ctx, func(tx mercato.Tx) error {
		var err error
		keys, err = tx.PendingDeliveryKeys(p.d.ID)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		p.held[k] = true
	}
	total, mark := 0, p.d.QueuedThrough
	recorded := make(chan error, 1)
	recorded <- nil
	for time.Now().Before(p.stop) {
		var events []mercato.Event
		through := mark
		err := p.s.view(ctx, func(tx mercato.Tx) error {
			var err error
			events, through, err = tx.QueuedEventsAfter(p.d.AccountID, mark, deliveryBatch)
			return err
		})
		if err != nil || len(events) == 0 {
			return total, errors.Join(err, <-recorded)
		}
		total += len(events)
		fresh := p.fresh(events)
		made := p.s.attemptAll(ctx, p.sender, p.d, p.key, p.unheld(fresh), p.slots, p.stop)
		if err := <-recorded; err != nil {
			return total, err
		}
		out := streamOutcomes(fresh, made)
		for _, o := range out {
			if !o.delivered() {
				p.held[o.delivery.OrderingKey] = true
			}
		}
		last := len(events) < deliveryBatch
		mark = through
		go func() { recorded <- p.s.recordStream(ctx, p.d, out, through, last) }()
		if last {
			err := <-recorded
			p.released = err == nil
			return total, err
		}
	}
	return total, <-recorded
}

// fresh returns the deliveries the destination wants of events read after its mark, not yet
// stored: the events committed after the destination was made, of the types it takes.
func (p *pass) fresh(events []mercato.Event) []mercato.Delivery {
	now := p.s.Now()
	var out []mercato.Delivery
	for _, e := range events {
		if e.ID > p.d.AfterEventID && p.d.Wants(e.DetailType) {
			out = append(out, mercato.Delivery{DestinationID: p.d.ID, EventID: e.ID, OrderingKey: e.OrderingKey(),
				Status: mercato.DeliveryPending, CreatedAt: now, Event: e}) // due at once: NextAt zero
		}
	}
	return out
}

// streamOutcome is what came of a delivery read after the mark: made (attempted) or not,
// in which case it is queued as it stands.
type streamOutcome struct {
	delivery mercato.Delivery
	made     *attempted
}

// delivered reports whether the delivery was made and succeeded: only then does it need no row.
func (o streamOutcome) delivered() bool {
	return o.made != nil && o.made.delivery.Status == mercato.DeliveryDelivered
}

// streamOutcomes pairs the deliveries read after the mark with their attempts, in queue order.
func streamOutcomes(fresh []mercato.Delivery, made []attempted) []streamOutcome {
	byEvent := make(map[int64]*attempted, len(made))
	for i := range made {
		byEvent[made[i].delivery.EventID] = &made[i]
	}
	out := make([]streamOutcome, len(fresh))
	for i, d := range fresh {
		out[i] = streamOutcome{delivery: d, made: byEvent[d.EventID]}
	}
	return out
}

// unheld returns the deliveries whose keys are not held.
func (p *pass) unheld(due []mercato.Delivery) []mercato.Delivery {
	out := due[:0:0]
	for _, d := range due {
		if !p.held[d.OrderingKey] {
			out = append(out, d)
		}
	}
	return out
}

// hold holds the keys of the deliveries of due that were not delivered.
func (p *pass) hold(due []mercato.Delivery, made []attempted) {
	delivered := make(map[int64]bool, len(made))
	for _, a := range made {
		delivered[a.delivery.ID] = a.delivery.Status == mercato.DeliveryDelivered
	}
	for _, d := range due {
		if !delivered[d.ID] {
			p.held[d.OrderingKey] = true
		}
	}
}

// renewDestination renews this node's claim on the destination every third of its lease
// until the returned function is called, so that a slow receiver does not let another node
// take the destination over while attempts to it are in flight.
func (s *Service) renewDestination(ctx context.Context, id string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(s.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			err := s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
				_, err := tx.ExtendEventDestinationLease(id, s.owner, leaseNow().Add(s.lease))
				return err
			})
			if err != nil {
				s.log.Error("renewing the claim on an event destination", "destination", id, "err", err)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// attempted is one attempt made: the delivery as it now stands and its log entry.
type attempted struct {
	delivery mercato.Delivery
	log      mercato.DeliveryAttempt
}

// attemptAll makes the attempts of due, in queue order per ordering key: the keys at once (up
// to the free slots), each key's deliveries one after the other until one fails, which holds
// back the rest of its key. No attempt starts after stop.
func (s *Service) attemptAll(ctx context.Context, sender WebhookSender, d mercato.EventDestination, key []byte,
	due []mercato.Delivery, slots chan struct{}, stop time.Time) []attempted {
	var order []string
	byKey := map[string][]mercato.Delivery{}
	for _, dv := range due {
		if _, ok := byKey[dv.OrderingKey]; !ok {
			order = append(order, dv.OrderingKey)
		}
		byKey[dv.OrderingKey] = append(byKey[dv.OrderingKey], dv)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		made []attempted
	)
	for _, k := range order {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			for _, dv := range byKey[k] {
				if time.Now().After(stop) {
					return
				}
				a := s.attempt(ctx, sender, d, key, dv)
				mu.Lock()
				made = append(made, a)
				mu.Unlock()
				if a.delivery.Status != mercato.DeliveryDelivered {
					return
				}
			}
		})
	}
	wg.Wait()
	return made
}

// attempt makes one attempt of a delivery and returns its outcome.
func (s *Service) attempt(ctx context.Context, sender WebhookSender, d mercato.EventDestination, key []byte, dv mercato.Delivery) attempted {
	body, err := dv.Event.Envelope()
	var res webhook.Result
	if err != nil {
		res = webhook.Result{Err: err, Time: time.Now().UTC()}
	} else {
		res = sender.Send(ctx, webhook.Request{URL: d.URL, Key: key, ID: dv.Event.UID, Body: body})
	}
	now := s.Now()
	dv = afterAttempt(dv, res.Err == nil, now)
	log := mercato.DeliveryAttempt{DeliveryID: dv.ID, DestinationID: d.ID, EventUID: dv.Event.UID,
		DetailType: dv.Event.DetailType, Time: now, WallTime: res.Time, Status: dv.Status,
		StatusCode: res.StatusCode, Duration: res.Duration}
	if res.Err != nil {
		log.Error = truncate(res.Err.Error(), 500)
	}
	return attempted{delivery: dv, log: log}
}

// afterAttempt returns the delivery after an attempt at now: delivered if it succeeded; else
// pending until its next attempt, retryDelay later, or failed if that would be past
// mercato.DeliveryRetryWindow from when it was queued.
func afterAttempt(d mercato.Delivery, ok bool, now time.Time) mercato.Delivery {
	d.Attempts++
	switch next := now.Add(retryDelay(d.Attempts)); {
	case ok:
		d.Status = mercato.DeliveryDelivered
	case next.After(d.CreatedAt.Add(mercato.DeliveryRetryWindow)):
		d.Status = mercato.DeliveryFailed
	default:
		d.Status, d.NextAt = mercato.DeliveryPending, next
	}
	return d
}

// retryDelay is the wait after the n-th failed attempt: 30 s, doubling each time, at most 12 h.
func retryDelay(n int) time.Duration {
	d := firstRetry
	for i := 1; i < n && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// recordAttempts records the attempts made to a destination in one transaction, with the
// destination's status: failing once a delivery gave up (and the account is told with an
// event), active again once one succeeded.
func (s *Service) recordAttempts(ctx context.Context, d mercato.EventDestination, made []attempted) error {
	if len(made) == 0 {
		return nil
	}
	ds := make([]mercato.Delivery, len(made))
	logs := make([]mercato.DeliveryAttempt, len(made))
	for i, a := range made {
		ds[i], logs[i] = a.delivery, a.log
		if s.observer != nil {
			s.observer.DeliveryAttempted(a.delivery.Status == mercato.DeliveryDelivered)
		}
	}
	return s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
		if err := tx.RecordDeliveries(ds, logs); err != nil {
			return err
		}
		return s.updateDestinationStatus(tx, d.ID, made)
	})
}

// recordStream records, in one transaction, what came of deliveries read after the
// destination's mark: an attempt that succeeded is logged and nothing else; one that failed,
// or one not made, is queued as a delivery row (in queue order, so that the rows of a key keep
// their order), its attempt logged with the row's ID. The same transaction moves the mark to
// through, so that no event is both past the mark and unrecorded, and, with release, ends this
// node's claim on the destination.
func (s *Service) recordStream(ctx context.Context, d mercato.EventDestination, out []streamOutcome, through int64, release bool) error {
	var made []attempted
	for _, o := range out {
		if o.made != nil {
			made = append(made, *o.made)
			if s.observer != nil {
				s.observer.DeliveryAttempted(o.made.delivery.Status == mercato.DeliveryDelivered)
			}
		}
	}
	return s.store.UpdateRows(ctx, func(tx mercato.Tx) error {
		queue, err := destinationExists(tx, d.ID, out)
		if err != nil {
			return err
		}
		logs, err := queueUndelivered(tx, out, queue)
		if err != nil {
			return err
		}
		if err := tx.RecordDeliveries(nil, logs); err != nil {
			return err
		}
		if err := tx.AdvanceEventDestination(d.ID, through); err != nil {
			return err
		}
		if release {
			if err := tx.ReleaseEventDestination(d.ID, s.owner); err != nil {
				return err
			}
		}
		return s.updateDestinationStatus(tx, d.ID, made)
	})
}

// destinationExists reports whether the destination is still there when some of out was not
// delivered (a destination deleted during the pass must not be left with deliveries queued);
// when all of it was, it does not look.
func destinationExists(tx mercato.Tx, id string, out []streamOutcome) (bool, error) {
	if !slices.ContainsFunc(out, func(o streamOutcome) bool { return !o.delivered() }) {
		return true, nil
	}
	_, err := tx.GetEventDestination(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return false, nil
	}
	return err == nil, err
}

// queueUndelivered inserts, with queue, a delivery row for each outcome not delivered, and
// returns the log entries of the attempts made, each naming its row (none for a delivery made
// at once, or when nothing is queued).
func queueUndelivered(tx mercato.Tx, out []streamOutcome, queue bool) ([]mercato.DeliveryAttempt, error) {
	var logs []mercato.DeliveryAttempt
	for _, o := range out {
		if !queue || o.delivered() {
			if o.made != nil {
				logs = append(logs, o.made.log)
			}
			continue
		}
		row := o.delivery
		if o.made != nil {
			row = o.made.delivery
		}
		id, err := tx.InsertDelivery(row)
		if err != nil {
			return nil, err
		}
		if o.made != nil {
			log := o.made.log
			log.DeliveryID = id
			logs = append(logs, log)
		}
	}
	return logs, nil
}

// updateDestinationStatus moves the destination to failing when a delivery gave up, telling
// its account, and back to active when the latest attempt succeeded.
func (s *Service) updateDestinationStatus(tx mercato.Tx, id string, made []attempted) error {
	var gaveUp *attempted
	delivered := false
	for i := range made {
		switch made[i].delivery.Status {
		case mercato.DeliveryFailed:
			gaveUp = &made[i]
		case mercato.DeliveryDelivered:
			delivered = true
		}
	}
	next := mercato.DestinationActive
	if gaveUp != nil {
		next = mercato.DestinationFailing
	} else if !delivered {
		return nil
	}
	// A conditional update, so that of two nodes seeing the same change only one tells the
	// account, and a concurrent change of the URL or secret is kept.
	now := s.Now()
	changed, err := tx.SetEventDestinationStatus(id, next, now)
	if err != nil || !changed {
		return err
	}
	if next != mercato.DestinationFailing {
		return audit(tx, now, "system", "EventDestinationRecovered", "EventDestination", id, "", nil)
	}
	d, err := tx.GetEventDestination(id)
	if err != nil {
		return err
	}
	detail := mercato.DestinationFailingDetail{EventID: gaveUp.log.EventUID, Attempts: gaveUp.delivery.Attempts,
		LastStatusCode: gaveUp.log.StatusCode, LastError: gaveUp.log.Error}
	if err := audit(tx, now, "system", "EventDestinationFailing", "EventDestination", d.ID, "", detail); err != nil {
		return err
	}
	return emit(tx, mercato.DestinationFailingNotice(&d, detail, now))
}
