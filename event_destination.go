package mercato

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"
)

// EventDestination is an HTTP endpoint an account registered to receive its events as signed
// webhooks (Standard Webhooks): each matching event is POSTed to URL, signed with Secret.
type EventDestination struct {
	ID        string `json:"id"`
	AccountID string `json:"accountId"`
	URL       string `json:"url"`
	// EventTypes are the detail types delivered; empty means every event of the account.
	EventTypes []string          `json:"eventTypes"`
	Secret     string            `json:"secret"` // "whsec_" + base64 of the signing key
	Status     DestinationStatus `json:"status"`
	CreatedAt  time.Time         `json:"createdAt"` // business time
	UpdatedAt  time.Time         `json:"updatedAt"`
	// AfterEventID is the newest event (Event.ID) when it was created: it receives only later
	// events.
	AfterEventID int64 `json:"-"`
	// QueuedThrough is the destination's high-water mark in the queue of its account's events
	// (their queue positions): every event up to it was delivered at its first attempt, whose
	// log entry is its only record, or has a delivery of its own (it failed, or waits behind
	// an earlier delivery of its key). The deliverer reads the events after it.
	QueuedThrough int64 `json:"-"`
}

// DestinationStatus says whether a destination takes its deliveries.
type DestinationStatus string

// Destination statuses: a destination becomes failing when a delivery to it gave up after
// retrying for DeliveryRetryWindow, and active again when a delivery to it succeeds.
const (
	DestinationActive  DestinationStatus = "active"
	DestinationFailing DestinationStatus = "failing"
)

// Limits of a destination.
const (
	MaxDestinationURL        = 2048
	MaxDestinationEventTypes = 100
	MaxDestinationsPerAcct   = 20
	// DeliveryRetryWindow is how long a delivery is retried before it gives up.
	DeliveryRetryWindow = 72 * time.Hour
	// DeliveryTimeout is how long an attempt waits for an answer.
	DeliveryTimeout = 15 * time.Second
	// DeliveryLogRetention is how long, in business time, finished deliveries and the
	// attempts of the delivery log are kept; the events themselves are kept for good.
	DeliveryLogRetention = 30 * 24 * time.Hour
)

// WebhookSecretPrefix starts every signing secret, as Standard Webhooks writes them.
const WebhookSecretPrefix = "whsec_"

// Signing keys are 24 to 64 bytes long (Standard Webhooks).
const (
	minWebhookKey = 24
	maxWebhookKey = 64
)

// NewWebhookSecret returns a new random signing secret: "whsec_" + base64 of 24 bytes.
func NewWebhookSecret() string {
	key := make([]byte, minWebhookKey)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// WebhookKey returns the signing key of a secret written "whsec_" + base64; EInvalid (field
// "secret") when it is not such a secret of 24 to 64 bytes.
func WebhookKey(secret string) ([]byte, error) {
	var p Problems
	key := checkWebhookSecret(&p, "secret", secret)
	return key, p.Err("invalid signing secret")
}

func checkWebhookSecret(p *Problems, field, secret string) []byte {
	enc, ok := strings.CutPrefix(secret, WebhookSecretPrefix)
	if !ok {
		p.Add(field, "must start with %q followed by the key in base64", WebhookSecretPrefix)
		return nil
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		p.Add(field, "after %q must be base64 (standard alphabet, padded)", WebhookSecretPrefix)
		return nil
	}
	if len(key) < minWebhookKey || len(key) > maxWebhookKey {
		p.Add(field, "key must be %d to %d bytes, not %d", minWebhookKey, maxWebhookKey, len(key))
		return nil
	}
	return key
}

// Validate reports every bad field: the URL (absolute http or https with a host, no
// credentials or fragment), the event types (non-empty, distinct, at most 100) and the secret.
func (d *EventDestination) Validate() error {
	var p Problems
	if d.AccountID == "" {
		p.Add("account", "is required")
	}
	checkDestinationURL(&p, "url", d.URL)
	checkEventTypes(&p, "eventTypes", d.EventTypes)
	checkWebhookSecret(&p, "secret", d.Secret)
	if d.Status != DestinationActive && d.Status != DestinationFailing {
		p.Add("status", "must be active or failing")
	}
	return p.Err("invalid event destination")
}

func checkDestinationURL(p *Problems, field, raw string) {
	if len(raw) > MaxDestinationURL {
		p.Add(field, "must be at most %d characters", MaxDestinationURL)
		return
	}
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		p.Add(field, "is required")
	case err != nil:
		p.Add(field, "is not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		p.Add(field, "must be an http or https URL, such as https://example.com/events")
	case u.Host == "" || u.Hostname() == "":
		p.Add(field, "must name a host")
	case u.User != nil:
		p.Add(field, "must not carry credentials")
	case u.Fragment != "":
		p.Add(field, "must not have a fragment")
	}
}

func checkEventTypes(p *Problems, field string, types []string) {
	if len(types) > MaxDestinationEventTypes {
		p.Add(field, "must list at most %d event types", MaxDestinationEventTypes)
		return
	}
	for i, t := range types {
		switch {
		case strings.TrimSpace(t) == "" || len(t) > 256:
			p.Add(field, "entry %d must be a detail type such as %q", i+1, "Purchase Agreement Created - Proposer")
		case slices.Index(types, t) < i:
			p.Add(field, "lists %q twice", t)
		}
	}
}

// Wants reports whether the destination takes events of the detail type: those it names, or,
// when it names none, every one but the opt-in kinds (the legacy SNS notifications), which go
// only where they are asked for.
func (d *EventDestination) Wants(detailType string) bool {
	if len(d.EventTypes) == 0 {
		return !EventKind(detailType).OptIn()
	}
	return slices.Contains(d.EventTypes, detailType)
}

// DeliveryStatus is where one delivery of an event to a destination stands.
type DeliveryStatus string

// Delivery statuses: pending until an attempt succeeds (delivered) or the retries run out
// (failed).
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

var deliveryTransitions = map[DeliveryStatus][]DeliveryStatus{
	DeliveryPending: {DeliveryPending, DeliveryDelivered, DeliveryFailed},
}

// CanBecome reports whether a delivery may move from s to next: only a pending one moves.
func (s DeliveryStatus) CanBecome(next DeliveryStatus) bool {
	return allowed(deliveryTransitions, s, next)
}

// Delivery is one event to deliver to one destination. Deliveries of one destination with the
// same OrderingKey are made in the order they were queued (the order their events became
// visible, which is commit order): a later one waits while an earlier one is pending.
type Delivery struct {
	ID            int64          `json:"id"`
	DestinationID string         `json:"destinationId"`
	EventID       int64          `json:"-"`
	OrderingKey   string         `json:"-"`
	Status        DeliveryStatus `json:"status"`
	Attempts      int            `json:"attempts"`
	CreatedAt     time.Time      `json:"createdAt"` // business time it was queued
	// NextAt is the business time of the next attempt after a failed one; zero (due at once)
	// until the first attempt. Only a delivery that failed can be due later than now.
	NextAt time.Time `json:"nextAt"`
	// Event is the event delivered, read with the delivery by DueDeliveries.
	Event Event `json:"-"`
}

// DeliveryAttempt is one attempt to deliver an event: the delivery log.
type DeliveryAttempt struct {
	ID int64 `json:"id"`
	// DeliveryID is the queued delivery the attempt was made for; none (0) for an attempt
	// that delivered the event at once, which needed no queue row.
	DeliveryID    int64          `json:"deliveryId,omitempty"`
	DestinationID string         `json:"destinationId"`
	EventUID      string         `json:"eventId"`
	DetailType    string         `json:"detailType"`
	Time          time.Time      `json:"time"`     // business time
	WallTime      time.Time      `json:"wallTime"` // when it was made; webhook-timestamp
	Status        DeliveryStatus `json:"status"`   // delivered, or pending/failed after a failure
	StatusCode    int            `json:"statusCode,omitempty"`
	Error         string         `json:"error,omitempty"`
	Duration      time.Duration  `json:"duration"`
}

// DeliveryTx is what a transaction can do with destinations and their deliveries.
type DeliveryTx interface {
	// InsertEventDestination returns EConflict if the ID is taken.
	InsertEventDestination(EventDestination) error
	// UpdateEventDestination records the URL, event types, secret, status and update time;
	// ENotFound for an unknown ID.
	UpdateEventDestination(EventDestination) error
	// SetEventDestinationStatus sets the destination's status and update time unless it has
	// that status already, and reports whether it changed it; an unknown ID changes nothing.
	SetEventDestinationStatus(id string, status DestinationStatus, at time.Time) (bool, error)
	// DeleteEventDestination removes the destination and its pending deliveries (its log
	// stays); ENotFound for an unknown ID.
	DeleteEventDestination(id string) error
	GetEventDestination(id string) (EventDestination, error)
	// ListEventDestinations returns the account's destinations (all when empty) by ID.
	ListEventDestinations(accountID string) ([]EventDestination, error)
	// LastEventID returns the ID of the newest event, 0 when there is none.
	LastEventID() (int64, error)
	// LastQueuePosition returns the highest queue position given (see MarkEventsQueued), 0
	// when none was.
	LastQueuePosition() (int64, error)
	// QueuedEventsAfter returns, in queue order, up to limit of the account's events queued
	// at a position after the given one, and the position of the last returned (after, if
	// none). Positions only grow in the order queueing transactions commit, so a follower
	// that asks from the last position it read never misses an event.
	QueuedEventsAfter(accountID string, after int64, limit int) ([]Event, int64, error)
	// DeliveryBacklog returns how many events wait to be queued for delivery and how many
	// deliveries are pending: never attempted, waiting for a retry, or events of a
	// destination's account after its high-water mark (QueuedThrough).
	DeliveryBacklog() (unqueued, pending int, err error)
	// UnqueuedEvents returns, oldest first, up to limit events not yet queued for delivery,
	// and keeps any other transaction that calls it waiting until this one ends, so that
	// deliveries are queued in the order their events became visible.
	UnqueuedEvents(limit int) ([]Event, error)
	// MarkEventsQueued records that the events with these IDs were queued for delivery, and
	// gives them, in ID order, the queue positions after the highest given so far. Call it in
	// the transaction of UnqueuedEvents, which keeps other queueing transactions waiting.
	MarkEventsQueued(ids ...int64) error
	// ClaimEventDestinations leases to owner until leaseUntil up to limit destinations that
	// have a pending delivery due by now, or an event of their account queued after their
	// high-water mark, and that are not leased to another owner, or whose lease ran out by
	// leaseNow. Leases are in wall time, due times in business time.
	ClaimEventDestinations(now time.Time, owner string, leaseNow, leaseUntil time.Time, limit int) ([]EventDestination, error)
	// ReleaseEventDestination ends owner's lease on the destination, if owner still holds it.
	ReleaseEventDestination(id, owner string) error
	// ExtendEventDestinationLease moves owner's lease on the destination to until, if owner
	// still holds it, and reports whether it did: a running node's heartbeat.
	ExtendEventDestinationLease(id, owner string, until time.Time) (bool, error)
	// InsertDeliveries queues deliveries; the database assigns IDs, in order.
	InsertDeliveries(...Delivery) error
	// InsertDelivery queues one delivery and returns the ID the database gave it, above every
	// ID given before.
	InsertDelivery(Delivery) (int64, error)
	// PendingDeliveryKeys returns the ordering keys of the destination's pending deliveries:
	// the keys whose later events must wait for them.
	PendingDeliveryKeys(destinationID string) ([]string, error)
	// AdvanceEventDestination moves the destination's high-water mark (QueuedThrough) up to
	// through; a mark already there or beyond stays.
	AdvanceEventDestination(id string, through int64) error
	// DueDeliveries returns, in the order they were queued and with their events, up to
	// limit pending deliveries of the destination after the delivery afterID (0: from the
	// first), due by now, that no earlier pending delivery with the same ordering key,
	// attempted and not yet due again, holds back.
	DueDeliveries(destinationID string, now time.Time, afterID int64, limit int) ([]Delivery, error)
	// RecordDeliveries records the status, attempts and next attempt time of deliveries, and
	// appends their attempts to the log.
	RecordDeliveries(ds []Delivery, attempts []DeliveryAttempt) error
	// ListDeliveryAttempts returns the attempts matching f, newest first.
	ListDeliveryAttempts(f DeliveryAttemptFilter) ([]DeliveryAttempt, error)
	// PruneDeliveryLog deletes, oldest first, up to limit finished (delivered or failed)
	// deliveries queued before the time and up to limit attempts made before it, and returns
	// how many rows it deleted. Pending deliveries are never deleted.
	PruneDeliveryLog(before time.Time, limit int) (int, error)
	// GetEvent returns the event with the UID; ENotFound if there is none.
	GetEvent(uid string) (Event, error)
}

// DeliveryAttemptFilter selects delivery attempts; zero fields match all. Newest first.
type DeliveryAttemptFilter struct {
	DestinationID string
	EventUID      string
	Limit         int
}

// OrderingKey returns what orders the event's deliveries: its agreement's ID when it is about
// an agreement (an agreement event names it as its resource; an adjustment or a cancellation
// request names it in its detail, as "agreementId" or "agreement": {"id": ...}), else its
// resource's ID. Deliveries of one key to a destination are made in commit order.
func (e *Event) OrderingKey() string {
	if strings.HasPrefix(e.ResourceID, "agmt-") || !bytes.Contains(e.Detail, []byte("agmt-")) {
		return e.ResourceID
	}
	var d struct {
		AgreementID string `json:"agreementId"`
		Agreement   struct {
			ID string `json:"id"`
		} `json:"agreement"`
	}
	if json.Unmarshal(e.Detail, &d) == nil {
		if d.Agreement.ID != "" {
			return d.Agreement.ID
		}
		if d.AgreementID != "" {
			return d.AgreementID
		}
	}
	return e.ResourceID
}
