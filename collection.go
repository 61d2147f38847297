package mercato

import (
	"strconv"
	"time"
)

// LedgerCash is the marketplace's cash: buyers' payments come in, disbursements to sellers and
// refunds to buyers go out.
const LedgerCash = "marketplace:cash"

// ReceivableStatus is the state of an invoice's collection.
type ReceivableStatus string

// Receivable statuses: open until the buyer has paid what the invoice asks, less its credit
// memos; collected from then on (a later credit memo is refunded to the buyer).
const (
	ReceivableOpen      ReceivableStatus = "open"
	ReceivableCollected ReceivableStatus = "collected"
)

// Receivable is the collection of one invoice from its buyer.
type Receivable struct {
	InvoiceID   string           `json:"invoiceId"`
	AgreementID string           `json:"agreementId"`
	BuyerID     string           `json:"buyerId"`
	SellerID    string           `json:"sellerId"`
	Currency    Currency         `json:"currencyCode"`
	DueAt       time.Time        `json:"dueTime"`
	Status      ReceivableStatus `json:"status"`
	Collected   Amount           `json:"collected"` // the buyer's payments less refunds to the buyer
	CollectedAt time.Time        `json:"collectedTime,omitzero"`

	// Read from the invoice and its credit memos; not stored with the receivable.
	PreTax     Amount `json:"amount"`
	Tax        Amount `json:"tax"`
	ListingFee Amount `json:"listingFee"`
	// The product maker's part of the invoice in a resale (see Invoice).
	MakerID     string `json:"manufacturerId,omitempty"`
	MakerAmount Amount `json:"manufacturerAmount,omitempty"`
	MakerFee    Amount `json:"manufacturerListingFee,omitempty"`
	Credited    Amount `json:"credited"` // pre-tax plus tax of the credit memos issued against it
}

// Owed returns what the buyer must pay in all: the invoice's total less its credit memos.
func (r *Receivable) Owed() Amount { return r.PreTax + r.Tax - r.Credited }

// Outstanding returns what the buyer still has to pay; negative when the buyer paid more than
// is owed (a credit memo after payment) and is due a refund.
func (r *Receivable) Outstanding() Amount { return r.Owed() - r.Collected }

// PaymentKind tells a buyer's payment from a refund to the buyer.
type PaymentKind string

// Payment kinds.
const (
	PaymentReceived PaymentKind = "payment" // the buyer paid (Amount > 0)
	PaymentRefunded PaymentKind = "refund"  // the marketplace paid an overpayment back (Amount < 0)
)

// Payment is money moving between a buyer and the marketplace for one invoice: the ledger
// debits cash and credits the buyer's receivable by Amount.
type Payment struct {
	ID        string      `json:"paymentId"`
	InvoiceID string      `json:"invoiceId"`
	BuyerID   string      `json:"buyerId"`
	SellerID  string      `json:"sellerId"`
	Currency  Currency    `json:"currencyCode"`
	Amount    Amount      `json:"amount"`
	Time      time.Time   `json:"time"`
	Kind      PaymentKind `json:"kind"`
}

// Ledger returns the payment's ledger transaction: cash up, the buyer's receivable down (or
// the reverse for a refund).
func (p *Payment) Ledger() LedgerTxn {
	return LedgerTxn{Time: p.Time, Kind: string(p.Kind), Ref: p.ID, Postings: []Posting{
		{Account: LedgerCash, Currency: p.Currency, Amount: p.Amount},
		{Account: LedgerBuyerReceivable(p.BuyerID), Currency: p.Currency, Amount: -p.Amount},
	}}
}

// PaymentMode is how a simulated buyer pays its invoices.
type PaymentMode string

// Payment modes.
const (
	PayOnTime  PaymentMode = "on-time" // the whole invoice on its due date
	PayLate    PaymentMode = "late"    // the whole invoice Days days after its due date
	PayPartial PaymentMode = "partial" // Fraction of the invoice on its due date, never the rest
	PayNever   PaymentMode = "never"
)

// PaymentBehavior is how a buyer pays, in the sandbox: the marketplace simulates its payments.
type PaymentBehavior struct {
	Mode     PaymentMode `json:"behavior"`
	Days     int         `json:"days,omitempty"`     // late: how many days after the due date
	Fraction Rate        `json:"fraction,omitempty"` // partial: the share paid, between 0 and 1
}

// Validate reports every problem with the behavior.
func (b *PaymentBehavior) Validate() error {
	var p Problems
	switch b.Mode {
	case PayOnTime, PayNever:
	case PayLate:
		if b.Days < 1 || b.Days > 3650 {
			p.Add("days", "a late payer pays 1 to 3650 days after the due date")
		}
	case PayPartial:
		if b.Fraction <= 0 || b.Fraction >= AmountScale {
			p.Add("fraction", "a partial payer pays a fraction between 0 and 1 (exclusive)")
		}
	default:
		p.Add("behavior", "must be one of on-time, late, partial, never")
	}
	return p.Err("invalid payment behavior")
}

// Target returns how much of owed the buyer has paid by time t under the behavior, for an
// invoice due at due, and when it paid it; zero when it has paid nothing by then.
func (b *PaymentBehavior) Target(owed Amount, c Currency, due, t time.Time) (Amount, time.Time) {
	switch b.Mode {
	case PayOnTime:
		if !t.Before(due) {
			return owed, due
		}
	case PayLate:
		if at := due.AddDate(0, 0, b.Days); !t.Before(at) {
			return owed, at
		}
	case PayPartial:
		if !t.Before(due) {
			return owed.MulRate(b.Fraction, c), due
		}
	}
	return 0, time.Time{}
}

// String describes the behavior, e.g. "late (10 days)".
func (b PaymentBehavior) String() string {
	switch b.Mode {
	case PayLate:
		return "late (" + strconv.Itoa(b.Days) + " days)"
	case PayPartial:
		return "partial (" + b.Fraction.String() + ")"
	}
	return string(b.Mode)
}
