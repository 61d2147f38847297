// Package service holds the business rules of the marketplace, once, above storage: acceptance
// of offers, the billing runner, the simulated clock and its jobs, scenarios, audit and events.
// Transports (awsapi, console, CLI) call it; it calls a mercato.Store.
package service

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mercato"
	"mercato/webhook"
)

// Service is the marketplace's business logic over a store and a clock.
type Service struct {
	store mercato.Store
	clock mercato.Clock
	sim   *mercato.SimClock // non-nil in sandbox mode
	owner string            // this node's name when it leases jobs
	log   *slog.Logger

	advanceMu sync.Mutex // one simulated-clock move at a time
	secretMu  sync.Mutex
	secretKey []byte   // signs registration tokens; shared by all nodes through the settings
	keys      sync.Map // access key ID -> *Credential, for signature verification (access_keys.go)
	keyring   keyring  // encrypts access key secrets at rest (keyring.go)
	// parties holds the parties of agreements (agreement ID -> [2]string{proposer, acceptor}),
	// which never change once an agreement exists, so that a hot path need not read them.
	parties     sync.Map
	partiesKept atomic.Int64 // entries stored in parties since it was last cleared
	jobs        map[mercato.JobKind]jobHandler
	batches     map[mercato.JobKind]batchHandler
	// adjustments gathers concurrent CreateAdjustments calls into shared transactions.
	adjustments intake[*adjustmentCall]
	batchSize   int
	// jobWorkers is how many jobs due at the same time run at once.
	jobWorkers int
	terms      termsCache // agreements' usage prices, for metering (metering.go)
	// wake tells RunJobs that work fell due now, so that it need not wait for its next tick.
	wake chan struct{}
	// lease is how long a claim on a job lasts; the node renews its claims while it runs.
	lease time.Duration
	// poster takes registration tokens to fulfillment URLs in the sandbox (fulfillment.go).
	poster FulfillmentPoster
	// destinations decides which hosts event destinations may name: internal addresses
	// only in the sandbox, unless the operator allows their networks.
	destinations webhook.AddressPolicy
	// dueWork runs with the jobs (WithDueWork); moving says this node moves the simulated clock
	// (its record in the database is renewed); scheduling counts the RunJobs running (autorun.go).
	dueWork    []DueWork
	moving     atomic.Bool
	scheduling atomic.Int32
	// observer, if set, is told what jobs and billing adjustments did (observe.go).
	observer Observer
	// deliveries learns of committed events, for the webhook deliverer (deliver.go).
	deliveries *outbox
}

// Option configures a Service.
type Option func(*Service)

// WithDestinationPolicy sets which hosts event destinations may name (by default internal
// addresses are refused outside the sandbox); the sender that delivers to them should apply
// the same policy at each connection.
func WithDestinationPolicy(p webhook.AddressPolicy) Option {
	return func(s *Service) { s.destinations = p }
}

// WithLogger sets the logger (the default discards).
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithJobWorkers sets how many jobs due at the same time run at once. More suits a store that
// commits concurrent transactions as a group (SQLite); fewer, one whose concurrent transactions
// conflict and retry (PostgreSQL under SERIALIZABLE).
func WithJobWorkers(n int) Option { return func(s *Service) { s.jobWorkers = max(1, n) } }

// WithAdjustmentIntakes sets how many transactions accept concurrent billing adjustments at
// once (default 2): one suits a store that runs one writer at a time (SQLite), where the next
// transaction can only wait; two, one where a transaction is built while another commits.
func WithAdjustmentIntakes(n int) Option { return func(s *Service) { s.adjustments.limit = max(1, n) } }

// WithJobLease sets how long, in wall time, this node's claim on a job lasts unless renewed
// (default 25 s; the node renews its claims every third of it while it runs): about the longest
// that the jobs of a node that died wait for another node. A duration below a millisecond keeps
// the default.
func WithJobLease(d time.Duration) Option {
	return func(s *Service) {
		if d >= time.Millisecond {
			s.lease = d
		}
	}
}

// WithBatchSize sets how many agreements the monthly close bills per transaction.
func WithBatchSize(n int) Option { return func(s *Service) { s.batchSize = n } }

// New returns a service over store. A *mercato.SimClock makes it a sandbox whose time moves
// only through Advance; any other clock is real time. RunJobs runs what falls due, in the
// sandbox at the current business time, which it never moves.
func New(store mercato.Store, clock mercato.Clock, opts ...Option) *Service {
	s := &Service{store: store, clock: clock, owner: "node-" + randomID(8),
		log: slog.New(slog.DiscardHandler), batchSize: 2000, jobWorkers: defaultJobWorkers, lease: defaultJobLease,
		wake: make(chan struct{}, 1), poster: PostFulfillment, deliveries: newOutbox()}
	s.store = outboxStore{Store: store, o: s.deliveries}
	s.adjustments.limit = 2
	if sim, ok := clock.(*mercato.SimClock); ok {
		s.sim = sim
	}
	s.destinations.AllowInternal = s.sim != nil
	for _, o := range opts {
		o(s)
	}
	s.jobs = s.jobHandlers()
	s.batches = s.jobBatches()
	return s
}

// Now returns the business time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Sandbox reports whether the service runs on a simulated clock.
func (s *Service) Sandbox() bool { return s.sim != nil }

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomID returns n random characters of [a-z0-9].
func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// newID returns a new identifier with the given prefix, e.g. "agmt-0mhz4r2kq...": 9 characters
// of wall-clock milliseconds then 15 random ones. Leading with the time keeps new rows at the
// right edge of the primary-key indexes, which makes inserts cheap; the random part (77 bits)
// keeps IDs unguessable and unique across nodes.
func newID(prefix string) string {
	ms := strconv.FormatUint(uint64(time.Now().UnixMilli()), 36)
	return prefix + strings.Repeat("0", 9-len(ms)) + ms + randomID(15)
}

// audit records a state change in the transaction that makes it.
func audit(tx mercato.Tx, now time.Time, actor, action, resType, resID, token string, details any) error {
	r, err := auditRecord(now, actor, action, resType, resID, token, details)
	if err != nil {
		return err
	}
	return tx.InsertAudit(r)
}

// auditRecord returns the audit record audit writes, for callers that write many at once.
func auditRecord(now time.Time, actor, action, resType, resID, token string, details any) (mercato.AuditRecord, error) {
	var raw json.RawMessage
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return mercato.AuditRecord{}, fmt.Errorf("audit %s: %w", action, err)
		}
		raw = b
	}
	return mercato.AuditRecord{Time: now, WallTime: time.Now().UTC(), Actor: actor, Action: action,
		ResourceType: resType, ResourceID: resID, ClientToken: token, Details: raw}, nil
}

// view runs fn in a read-only transaction.
func (s *Service) view(ctx context.Context, fn func(mercato.Tx) error) error {
	return s.store.View(ctx, fn)
}
