package mercato

import (
	"context"
	"time"
)

// Store is the storage contract. Every read and write happens in a transaction: Update runs fn
// in a read-write transaction, committed if fn returns nil and rolled back otherwise; a store may
// run fn more than once when the database asks for a retry (serialization failure), so fn must
// have no effect outside the transaction. View runs fn in a read-only transaction.
//
// UpdateRows is Update for work whose rules hold row by row: every condition it relies on is
// checked by the write itself (a conditional update, a unique key) or on rows it has locked
// (LockInvoices), never by reading a set of rows to decide a write. A store may run it at a weaker
// isolation than Update (PostgreSQL: READ COMMITTED), so that concurrent writers of unrelated
// rows do not abort each other; where the database runs one writer at a time it is Update.
//
// Stores keep data and translate driver errors into codes (a missing row is ENotFound, a
// duplicate key EConflict); they decide no business rule.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	UpdateRows(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is what a transaction can do. Get methods return ENotFound for unknown IDs.
type Tx interface {
	RefundTx
	DeliveryTx            // event destinations and webhook deliveries (event_destination.go)
	PrivateMarketplaceTx  // private_marketplace.go
	ResaleAuthorizationTx // resale_authorization.go
	PutAccount(Account) error
	GetAccount(id string) (Account, error)
	AccountByAccessKey(keyID string) (Account, error)
	ListAccounts() ([]Account, error)

	PutProduct(Product) error
	GetProduct(id string) (Product, error)
	ProductByCode(code string) (Product, error)

	PutOffer(Offer) error
	GetOffer(id string) (Offer, error)
	ListOffers(OfferFilter) ([]Offer, error)

	// InsertAgreement returns EConflict if the ID exists.
	InsertAgreement(Agreement) error
	UpdateAgreement(Agreement) error
	GetAgreement(id string) (Agreement, error)
	ListAgreements(AgreementFilter) ([]Agreement, error)

	// InsertCharges returns EConflict if an ID is taken or the agreement already has a charge
	// with the key; it writes many rows with few statements.
	InsertCharges(...Charge) error
	UpdateCharge(Charge) error
	ListCharges(ChargeFilter) ([]Charge, error)

	// InsertInvoices returns EConflict if an ID is taken or the agreement already has an invoice
	// with the key.
	InsertInvoices(...Invoice) error
	GetInvoice(id string) (Invoice, error)
	// LockInvoices returns the invoices with these IDs (unknown ones are left out) in ID order,
	// as last committed, and keeps other transactions that lock them waiting until this one
	// ends. Whoever changes what an invoice credited (AddInvoiceCredits) locks it first; refunds
	// reserved on it (AddInvoiceRefunds) need no lock and do not wait for one.
	LockInvoices(ids ...string) ([]Invoice, error)
	ListInvoices(InvoiceFilter) ([]Invoice, error)
	// AddInvoiceRefunds adds each amount to its invoice's refunded total (amounts of one invoice
	// add up) only if every total stays within its invoice's pre-tax amount; it returns EConflict
	// otherwise, and for an unknown invoice or a credit memo. The checks and the updates are one
	// statement, so concurrent refunds can never exceed an invoice. On EConflict some amounts may
	// have been added: the caller rolls back.
	AddInvoiceRefunds(...InvoiceAmount) error
	// AddInvoiceCredits adds to each invoice's credited totals what completed credit memos gave
	// back of it (credits of one invoice add up), updating the invoices in ID order. An unknown
	// invoice is ENotFound, after the others may have been credited: the caller rolls back.
	AddInvoiceCredits(...InvoiceCredit) error

	InsertLedgerTxns(...LedgerTxn) error
	// LedgerBalance returns the sum of postings to an account (debits positive).
	LedgerBalance(account string, c Currency) (Amount, error)
	// LedgerImbalance returns, per currency, the sum of all postings; all zero in a sound ledger.
	LedgerImbalance() (map[Currency]Amount, error)

	// InsertUsage stores records whose key is new; for a known key it returns the stored record
	// in existing (and stores nothing), so the caller can tell a replay from a duplicate.
	InsertUsage(r UsageRecord) (existing *UsageRecord, err error)
	// UsageTotals sums usage per agreement and dimension for hours in [from, to).
	UsageTotals(agreementIDs []string, from, to time.Time) ([]UsageTotal, error)

	// PutJobs schedules the jobs whose keys are new and returns how many it scheduled.
	PutJobs(...Job) (int, error)
	// ClaimJobs leases up to limit pending jobs whose RunAt is at or before now, in RunAt order,
	// to owner until leaseUntil; jobs leased to another owner whose lease has not run out by
	// leaseNow are skipped. Leases are in wall time (leaseNow, leaseUntil), RunAt in business time.
	ClaimJobs(now time.Time, owner string, leaseNow, leaseUntil time.Time, limit int) ([]Job, error)
	// ExtendJobLeases moves to until the leases that owner holds on pending jobs and that end
	// before until, and returns how many it moved: a running node's heartbeat. It never shortens
	// a lease, and a job another owner has claimed since is no longer owner's to extend.
	ExtendJobLeases(owner string, until time.Time) (int, error)
	// FinishJob records the outcome of an attempt of a job (status, attempts, last error and
	// RunAt) and releases its lease; an operator's retry records a failed job pending with it.
	FinishJob(j Job) error
	// NextJobDue returns the earliest RunAt of a pending job, and false if there is none.
	NextJobDue() (time.Time, bool, error)
	// ListJobs returns the jobs matching the filter in due order.
	ListJobs(JobFilter) ([]Job, error)

	GetIdempotency(caller, operation, token string) (IdempotencyRecord, error)
	PutIdempotency(IdempotencyRecord) error

	InsertAudit(...AuditRecord) error
	ListAudit(AuditFilter) ([]AuditRecord, error)
	InsertEvents(...Event) error
	ListEvents(EventFilter) ([]Event, error)

	// InsertAdjustments returns EConflict if an ID is taken, or the seller already used a
	// client token of one of them.
	InsertAdjustments(...BillingAdjustment) error
	// SetAdjustmentStatus records the status, status message, credit memo and update time of
	// the adjustments; an unknown ID is ENotFound.
	SetAdjustmentStatus(...BillingAdjustment) error
	GetAdjustment(id string) (BillingAdjustment, error)
	// AdjustmentsByToken returns the seller's adjustments made with any of the client tokens.
	AdjustmentsByToken(sellerID string, tokens ...string) ([]BillingAdjustment, error)
	ListAdjustments(AdjustmentFilter) ([]BillingAdjustment, error)

	// InsertCancellationRequest returns EConflict if the ID is taken.
	InsertCancellationRequest(CancellationRequest) error
	UpdateCancellationRequest(CancellationRequest) error
	GetCancellationRequest(id string) (CancellationRequest, error)
	ListCancellationRequests(RequestFilter) ([]CancellationRequest, error)

	// InsertPaymentRequest returns EConflict if the ID is taken.
	InsertPaymentRequest(PaymentRequest) error
	UpdatePaymentRequest(PaymentRequest) error
	GetPaymentRequest(id string) (PaymentRequest, error)
	ListPaymentRequests(RequestFilter) ([]PaymentRequest, error)

	// InsertAgreementRequest returns EConflict if the ID is taken.
	InsertAgreementRequest(AgreementRequest) error
	UpdateAgreementRequest(AgreementRequest) error
	GetAgreementRequest(id string) (AgreementRequest, error)

	GetSetting(key string) (string, error)
	PutSetting(key, value string) error

	RevenueTx // metering, collections, disbursements (revenue.go)
	CatalogTx // change sets and tags of the Catalog API (changeset.go)
}

// OfferFilter selects offers; zero fields match all.
type OfferFilter struct {
	ProposalID string
	ProductID  string
	SellerID   string
	Visibility string
}

// AgreementFilter selects agreements; zero fields match all. Results are ordered by ID and
// start after AfterID.
type AgreementFilter struct {
	// IDs, when not empty, selects these agreements only.
	IDs        []string
	ProposerID string
	AcceptorID string
	ProductID  string
	OfferID    string
	Status     AgreementStatus
	// BillsMonthly selects agreements with recurring or usage terms that ran some time in
	// [ActiveFrom, ActiveTo).
	BillsMonthly         bool
	ActiveFrom, ActiveTo time.Time
	// WithoutInvoiceKey leaves out agreements that have an invoice with this key.
	WithoutInvoiceKey string
	AfterID           string
	Limit             int
}

// ChargeFilter selects charges; zero fields match all. Results are ordered by time, then ID.
type ChargeFilter struct {
	AgreementID string
	Status      ChargeStatus
	AcceptorID  string
}

// InvoiceFilter selects invoices; zero fields match all. Results are ordered by issue time,
// then ID.
type InvoiceFilter struct {
	// IDs, when not empty, selects these invoices only.
	IDs         []string
	AgreementID string
	// OriginalInvoiceID selects the credit memos issued against an invoice.
	OriginalInvoiceID string
	SellerID          string
	BuyerID           string
	Type              InvoiceType
}

// JobFilter selects jobs; zero fields match all.
type JobFilter struct {
	ID     int64
	Status JobStatus
	Kind   JobKind
}

// AuditFilter selects audit records; zero fields match all. Newest last.
type AuditFilter struct {
	ResourceID string
	Actor      string
}

// EventFilter selects events; zero fields match all. Oldest first.
type EventFilter struct {
	AccountID string
	// ResourceIDs, when not empty, selects the events about these resources only.
	ResourceIDs []string
	// AfterID, when not 0, selects the events written after the one with this ID (Event.ID).
	AfterID int64
	// Limit, when above 0, returns at most this many.
	Limit int
	// Newest returns the newest events first (with Limit, the latest few).
	Newest bool
}

// AdjustmentFilter selects billing adjustments; zero fields match all. Results are ordered by
// creation time, then ID, and start after the adjustment AfterID (in that order).
type AdjustmentFilter struct {
	// IDs, when not empty, selects these adjustments only.
	IDs           []string
	SellerID      string
	AgreementID   string
	InvoiceID     string
	Status        AdjustmentStatus
	CreatedAfter  time.Time // exclusive
	CreatedBefore time.Time // exclusive
	AfterID       string
	Limit         int
}

// RequestFilter selects cancellation or payment requests; zero fields match all. Results are
// ordered by creation time, then ID, and start after the request AfterID (in that order).
type RequestFilter struct {
	SellerID    string
	BuyerID     string
	AgreementID string
	Status      string
	AfterID     string
	Limit       int
}
