package service

import (
	"context"
	"net/url"
	"time"

	"github.com/google/uuid"

	"mercato"
)

// EventDestinationInput registers an event destination. An empty AccountID is the caller's;
// an empty Secret is generated; empty EventTypes means every event of the account.
type EventDestinationInput struct {
	AccountID  string
	URL        string
	EventTypes []string
	Secret     string
}

// destination returns the destination the input describes, created at now.
func (in EventDestinationInput) destination(now time.Time) mercato.EventDestination {
	secret := in.Secret
	if secret == "" {
		secret = mercato.NewWebhookSecret()
	}
	return mercato.EventDestination{ID: newID("dest-"), AccountID: in.AccountID, URL: in.URL,
		EventTypes: in.EventTypes, Secret: secret, Status: mercato.DestinationActive, CreatedAt: now, UpdatedAt: now}
}

// CreateEventDestination registers a destination for the caller's account (the caller must be
// the account); it receives the events committed from now on. The answer holds the signing
// secret. Errors: EInvalid (a bad URL, secret or event type, named by field), EForbidden
// (another account), EQuota (the account has mercato.MaxDestinationsPerAcct already).
func (s *Service) CreateEventDestination(ctx context.Context, caller string, in EventDestinationInput) (mercato.EventDestination, error) {
	if in.AccountID == "" {
		in.AccountID = caller
	}
	d := in.destination(s.Now())
	if err := d.Validate(); err != nil {
		return d, err
	}
	if err := s.checkDestinationHost(d.URL); err != nil {
		return d, err
	}
	if caller != d.AccountID {
		return d, mercato.Errorf(mercato.EForbidden, "account %s may register destinations for itself only", caller)
	}
	err := s.store.Update(ctx, func(tx mercato.Tx) error { return createDestination(tx, &d, caller) })
	return d, err
}

// createDestination stores d, after checking its account and its count, with its audit record.
func createDestination(tx mercato.Tx, d *mercato.EventDestination, actor string) error {
	if _, err := tx.GetAccount(d.AccountID); err != nil {
		return err
	}
	existing, err := tx.ListEventDestinations(d.AccountID)
	if err != nil {
		return err
	}
	if len(existing) >= mercato.MaxDestinationsPerAcct {
		return mercato.Errorf(mercato.EQuota, "account %s has %d event destinations, the most it may have",
			d.AccountID, len(existing))
	}
	if d.AfterEventID, err = tx.LastEventID(); err != nil {
		return err
	}
	if d.QueuedThrough, err = tx.LastQueuePosition(); err != nil { // read the events queued from now on
		return err
	}
	if err := tx.InsertEventDestination(*d); err != nil {
		return err
	}
	return audit(tx, d.CreatedAt, actor, "CreateEventDestination", "EventDestination", d.ID, "",
		map[string]any{"url": d.URL, "eventTypes": d.EventTypes})
}

// EventDestinations returns the caller's destinations.
func (s *Service) EventDestinations(ctx context.Context, caller string) ([]mercato.EventDestination, error) {
	var out []mercato.EventDestination
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListEventDestinations(caller)
		return err
	})
	return out, err
}

// EventDestination returns a destination of the caller; ENotFound otherwise.
func (s *Service) EventDestination(ctx context.Context, caller, id string) (mercato.EventDestination, error) {
	var d mercato.EventDestination
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		d, err = ownDestination(tx, caller, id)
		return err
	})
	return d, err
}

// ownDestination returns the destination if it is the caller's, ENotFound otherwise, so that
// others' destination IDs do not leak.
func ownDestination(tx mercato.Tx, caller, id string) (mercato.EventDestination, error) {
	d, err := tx.GetEventDestination(id)
	if err == nil && d.AccountID != caller {
		return mercato.EventDestination{}, mercato.NotFound("EventDestination", id)
	}
	return d, err
}

// DeleteEventDestination removes a destination of the caller and what was still to be
// delivered to it; its delivery log stays. Errors: ENotFound.
func (s *Service) DeleteEventDestination(ctx context.Context, caller, id string) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		d, err := ownDestination(tx, caller, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteEventDestination(d.ID); err != nil {
			return err
		}
		return audit(tx, s.Now(), caller, "DeleteEventDestination", "EventDestination", d.ID, "", nil)
	})
}

// RotateDestinationSecret replaces the signing secret of a destination of the caller with
// secret, or with a new one when it is empty, and returns the destination: deliveries from
// now on are signed with it. Errors: EInvalid (a bad secret), ENotFound.
func (s *Service) RotateDestinationSecret(ctx context.Context, caller, id, secret string) (mercato.EventDestination, error) {
	if secret == "" {
		secret = mercato.NewWebhookSecret()
	}
	if _, err := mercato.WebhookKey(secret); err != nil {
		return mercato.EventDestination{}, err
	}
	var d mercato.EventDestination
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if d, err = ownDestination(tx, caller, id); err != nil {
			return err
		}
		d.Secret, d.UpdatedAt = secret, s.Now()
		if err := tx.UpdateEventDestination(d); err != nil {
			return err
		}
		return audit(tx, d.UpdatedAt, caller, "RotateEventDestinationSecret", "EventDestination", d.ID, "", nil)
	})
	return d, err
}

// DeliveryLog returns the latest attempts (at most limit, newest first) to deliver to a
// destination of the caller. Errors: ENotFound.
func (s *Service) DeliveryLog(ctx context.Context, caller, id string, limit int) ([]mercato.DeliveryAttempt, error) {
	var out []mercato.DeliveryAttempt
	err := s.view(ctx, func(tx mercato.Tx) error {
		if _, err := ownDestination(tx, caller, id); err != nil {
			return err
		}
		var err error
		out, err = tx.ListDeliveryAttempts(mercato.DeliveryAttemptFilter{DestinationID: id, Limit: max(1, min(limit, 1000))})
		return err
	})
	return out, err
}

// RedeliverEvent delivers an event of the caller's account to one of its destinations again,
// within a second, whatever came of earlier deliveries: a delivery of its own, which waits for
// no other and holds none back, retried like any. Errors: ENotFound (no such destination or
// event of the caller's).
func (s *Service) RedeliverEvent(ctx context.Context, caller, destinationID, eventUID string) error {
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		d, err := ownDestination(tx, caller, destinationID)
		if err != nil {
			return err
		}
		e, err := tx.GetEvent(eventUID)
		if err == nil && e.AccountID != d.AccountID {
			err = mercato.NotFound("Event", eventUID)
		}
		if err != nil {
			return err
		}
		now := s.Now()
		if err := tx.InsertDeliveries(mercato.Delivery{DestinationID: d.ID, EventID: e.ID,
			OrderingKey: "redelivery:" + uuid.NewString(), Status: mercato.DeliveryPending, CreatedAt: now}); err != nil {
			return err
		}
		return audit(tx, now, caller, "RedeliverEvent", "EventDestination", d.ID, "", map[string]string{"eventId": eventUID})
	})
	if err == nil {
		s.deliveries.queued()
	}
	return err
}

// checkDestinationHost refuses, with EInvalid naming the url field, a destination whose host
// is an address (or localhost) the service's policy refuses. A name is checked only when it is
// resolved, at each delivery.
func (s *Service) checkDestinationHost(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil // Validate has said so
	}
	var p mercato.Problems
	if err := s.destinations.CheckHost(u.Hostname()); err != nil {
		p.Add("url", "%v", err)
	}
	return p.Err("invalid event destination")
}

// applyDestination creates or updates the scenario's destination of an account: the one with
// the same URL is updated (its event types, and its secret when one is given), so that a
// scenario applies twice to the same state.
func applyDestination(tx mercato.Tx, in mercato.ScenarioEventDestination, now time.Time) error {
	existing, err := tx.ListEventDestinations(in.AccountID)
	if err != nil {
		return err
	}
	for _, d := range existing {
		if d.URL != in.URL {
			continue
		}
		d.EventTypes, d.UpdatedAt = in.EventTypes, now
		if in.Secret != "" {
			d.Secret = in.Secret
		}
		if err := d.Validate(); err != nil {
			return err
		}
		return tx.UpdateEventDestination(d)
	}
	d := EventDestinationInput{AccountID: in.AccountID, URL: in.URL, EventTypes: in.EventTypes, Secret: in.Secret}.destination(now)
	if err := d.Validate(); err != nil {
		return err
	}
	return createDestination(tx, &d, "scenario")
}

// EventsAfter returns up to limit events of the caller's account queued after the queue
// position after, in queue order, and the position to ask from next. Events reach the queue
// within moments of their commit (RunDeliveries queues them), and in an order no later commit
// can go back on, so a follower that asks from the position it was given misses none. When there are none yet it
// waits up to wait for some (a long poll). A negative after starts at the newest event: the
// first call returns nothing but the position of what comes next.
func (s *Service) EventsAfter(ctx context.Context, caller string, after int64, limit int, wait time.Duration) ([]mercato.Event, int64, error) {
	limit = max(1, min(limit, 1000))
	if after < 0 {
		err := s.view(ctx, func(tx mercato.Tx) error {
			var err error
			after, err = tx.LastQueuePosition()
			return err
		})
		return nil, after, err
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		changed := s.deliveries.waitChan()
		var events []mercato.Event
		next := after
		err := s.view(ctx, func(tx mercato.Tx) error {
			var err error
			events, next, err = tx.QueuedEventsAfter(caller, after, limit)
			return err
		})
		if err != nil || len(events) > 0 {
			return events, next, err
		}
		// Events another node queues wake no one here: look again every second.
		select {
		case <-ctx.Done():
			return nil, after, nil
		case <-deadline.C:
			return nil, after, nil
		case <-changed:
		case <-time.After(time.Second):
		}
	}
}

// LatestEvents returns the caller's latest events, at most limit, newest first.
func (s *Service) LatestEvents(ctx context.Context, caller string, limit int) ([]mercato.Event, error) {
	var events []mercato.Event
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		events, err = tx.ListEvents(mercato.EventFilter{AccountID: caller, Limit: max(1, min(limit, 1000)), Newest: true})
		return err
	})
	return events, err
}
