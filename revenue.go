package mercato

import "time"

// RevenueTx is the part of a transaction that metering, collections, disbursements and the
// revenue reports use. Tx embeds it.
type RevenueTx interface {
	// InsertUsageRecords stores, with few statements, the records whose key (agreement,
	// dimension, hour) is new; for keys already stored it stores nothing and returns the stored
	// records in existing, in no particular order. The records' keys must be distinct.
	InsertUsageRecords(rs []UsageRecord) (existing []UsageRecord, err error)
	// CustomerAgreements returns the spans of the agreements for the product whose acceptor is
	// one of the accounts, in every status, ordered by ID.
	CustomerAgreements(productID string, acceptorIDs []string) ([]AgreementSpan, error)

	// OpenReceivables opens a receivable (status open, nothing collected) for every invoice,
	// not credit memo, issued in [from, to) that has none, and returns how many it opened.
	OpenReceivables(from, to time.Time) (int, error)
	// ListReceivables returns the receivables matching f, ordered by invoice ID, with their
	// invoice's amounts and the total of the credit memos issued against it; each at most
	// once, however often f names its invoice.
	ListReceivables(f ReceivableFilter) ([]Receivable, error)
	// PutReceivables stores the status and collection of receivables, replacing those of the
	// same invoice.
	PutReceivables(rs ...Receivable) error
	// InsertPayments stores payments; an existing ID is EConflict.
	InsertPayments(ps ...Payment) error
	// ListPayments returns the payments matching f, ordered by time, then ID.
	ListPayments(f PaymentFilter) ([]Payment, error)

	// InsertPayoutLines stores the lines whose document has none and returns how many it
	// stored: a document is paid out at most once.
	InsertPayoutLines(ls ...PayoutLine) (int, error)
	// PendingPayouts sums, per seller and currency, the lines eligible at or before t that no
	// payout holds, ordered by seller, then currency.
	PendingPayouts(t time.Time) ([]PayoutTotal, error)
	// InsertPayout stores a payout and gives it every line of its seller and currency eligible
	// at or before t that no payout holds. It returns EConflict, storing nothing, unless those
	// lines are p.Lines lines summing to p.Amount.
	InsertPayout(p Payout, t time.Time) error
	// ListPayouts returns the payouts matching f, ordered by time, then ID, without lines.
	ListPayouts(f PayoutFilter) ([]Payout, error)
	// ListPayoutLines returns the lines matching f, ordered by eligibility time, then document.
	ListPayoutLines(f PayoutLineFilter) ([]PayoutLine, error)

	// InvoicesIssued returns the invoices and credit memos matching f, ordered by issue time,
	// then ID.
	InvoicesIssued(f IssuedFilter) ([]Invoice, error)
	// LedgerBalanceBefore returns the sum of the postings to the account in the currency made
	// by ledger transactions dated before t.
	LedgerBalanceBefore(account string, c Currency, t time.Time) (Amount, error)
}

// ReceivableFilter selects receivables; zero fields match all.
type ReceivableFilter struct {
	SellerID   string
	Status     ReceivableStatus
	DueBy      time.Time // due at or before
	InvoiceIDs []string  // nil matches all; empty matches none
	AfterID    string    // invoice IDs after this one
	Limit      int
}

// PaymentFilter selects payments; zero fields match all. From is inclusive, To exclusive.
type PaymentFilter struct {
	SellerID  string
	BuyerID   string
	InvoiceID string
	From, To  time.Time
}

// PayoutFilter selects payouts; zero fields match all. From is inclusive, To exclusive.
type PayoutFilter struct {
	SellerID string
	From, To time.Time
	// AfterTime and AfterID, when AfterID is set, select the payouts after that one in the
	// order (time, ID): the cursor of a keyset page.
	AfterTime time.Time
	AfterID   string
	Limit     int // at most this many, when positive
}

// PayoutLineFilter selects payout lines; zero fields match all.
type PayoutLineFilter struct {
	SellerID  string
	PayoutID  string
	InvoiceID string
	Pending   bool // only lines no payout holds
	// AfterTime and AfterDocumentID, when AfterDocumentID is set, select the lines after that
	// one in the order (eligibility time, document): the cursor of a keyset page.
	AfterTime       time.Time
	AfterDocumentID string
	Limit           int // at most this many, when positive
}

// IssuedFilter selects invoices by issue time; zero fields match all. From is inclusive, To
// exclusive.
type IssuedFilter struct {
	SellerID string
	MakerID  string // the product's maker in a resale
	Type     InvoiceType
	From, To time.Time
	// AfterTime and AfterID, when AfterID is set, select the invoices after that one in the
	// order (issue time, ID): the cursor of a keyset page.
	AfterTime time.Time
	AfterID   string
	Limit     int // at most this many, when positive
}
