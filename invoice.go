package mercato

import "time"

// ChargeKind says how a charge arose, which decides when it is invoiced.
type ChargeKind string

// Charge kinds.
const (
	ChargeUpfront   ChargeKind = "UPFRONT"   // invoiced on acceptance
	ChargeScheduled ChargeKind = "SCHEDULED" // an installment, invoiced on its charge date
	ChargeRecurring ChargeKind = "RECURRING" // a subscription fee, on the monthly consolidated invoice
	ChargeUsage     ChargeKind = "USAGE"     // metered usage, on the monthly consolidated invoice
	ChargeVariable  ChargeKind = "VARIABLE"  // an approved payment request
)

// ChargeStatus is the state of a charge.
type ChargeStatus string

// Charge statuses: a scheduled charge is invoiced on its date unless cancelled first (by a
// replacement or cancellation of its agreement).
const (
	ChargePending   ChargeStatus = "SCHEDULED"
	ChargeInvoiced  ChargeStatus = "INVOICED"
	ChargeCancelled ChargeStatus = "CANCELLED"
)

// Charge is an amount the buyer owes under one term, pre-tax.
type Charge struct {
	ID                     string       `json:"id"`
	AgreementID            string       `json:"agreementId"`
	Key                    string       `json:"key"` // unique per agreement: what was charged
	Kind                   ChargeKind   `json:"kind"`
	TermID                 string       `json:"termId,omitempty"`
	Revision               int64        `json:"revision"`
	Currency               Currency     `json:"currencyCode"`
	Amount                 Amount       `json:"amount"`
	Time                   time.Time    `json:"time"` // when it is (or was) invoiced
	PeriodStart            time.Time    `json:"periodStart,omitzero"`
	PeriodEnd              time.Time    `json:"periodEnd,omitzero"`
	Description            string       `json:"description,omitempty"`
	Status                 ChargeStatus `json:"status"`
	InvoiceID              string       `json:"invoiceId,omitempty"`
	PurchaseOrderReference string       `json:"purchaseOrderReference,omitempty"`
	// Dimension and Quantity are what a usage charge prices (empty and 0 for other kinds): a
	// resale's maker is owed its own rate for that quantity (see billing.ResaleInvoiceSplit).
	Dimension string `json:"dimension,omitempty"`
	Quantity  int64  `json:"quantity,omitempty"`
}

// InvoiceType tells an invoice from a credit memo.
type InvoiceType string

// Invoice types.
const (
	InvoiceTypeInvoice    InvoiceType = "INVOICE"
	InvoiceTypeCreditMemo InvoiceType = "CREDIT_MEMO"
)

// TaxLine is one tax on an invoice, kept apart from the pre-tax amount.
type TaxLine struct {
	Type   string `json:"type"` // ST, VAT, GST, JCT
	Rate   Rate   `json:"rate"`
	Amount Amount `json:"amount"`
}

// BillingPeriod is the calendar month an invoice belongs to.
type BillingPeriod struct {
	Month int `json:"month"`
	Year  int `json:"year"`
}

// PeriodOf returns the billing period containing t.
func PeriodOf(t time.Time) BillingPeriod {
	t = t.UTC()
	return BillingPeriod{Month: int(t.Month()), Year: t.Year()}
}

// Start returns the first instant of the period.
func (p BillingPeriod) Start() time.Time {
	return time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, time.UTC)
}

// End returns the first instant after the period.
func (p BillingPeriod) End() time.Time { return p.Start().AddDate(0, 1, 0) }

// Days returns the number of days in the period.
func (p BillingPeriod) Days() int { return int(p.End().Sub(p.Start()).Hours() / 24) }

// Next returns the following period.
func (p BillingPeriod) Next() BillingPeriod { return PeriodOf(p.End()) }

// String renders the period as YYYY-MM.
func (p BillingPeriod) String() string { return p.Start().Format("2006-01") }

// InvoiceAmount is an amount for one invoice, such as a refund reserved on it.
type InvoiceAmount struct {
	InvoiceID string
	Amount    Amount
}

// InvoiceCredit is what credit memos gave back of one invoice: pre-tax amount, tax and listing
// fee.
type InvoiceCredit struct {
	InvoiceID        string
	PreTax, Tax, Fee Amount
}

// Invoice is a bill to the buyer for charges of one agreement, or a credit memo against one.
// All amounts are in Currency; PreTax and Tax are kept apart, and every refund is of pre-tax
// amount with its tax share reversed separately.
type Invoice struct {
	ID          string      `json:"invoiceId"`
	AgreementID string      `json:"agreementId"`
	Key         string      `json:"key"` // unique per agreement: what this invoice bills
	Type        InvoiceType `json:"invoiceType"`
	SellerID    string      `json:"sellerId"`
	BuyerID     string      `json:"buyerId"`
	Currency    Currency    `json:"currencyCode"`
	PreTax      Amount      `json:"amount"`
	Tax         Amount      `json:"tax"`
	TaxLines    []TaxLine   `json:"taxLines,omitempty"`
	ListingFee  Amount      `json:"listingFee"`
	Refunded    Amount      `json:"refunded"` // pre-tax total of accepted adjustments (pending ones included)
	// Credited, CreditedTax and CreditedFee are what completed credit memos gave back of the
	// pre-tax amount, the tax and the listing fee.
	Credited          Amount          `json:"credited"`
	CreditedTax       Amount          `json:"creditedTax"`
	CreditedFee       Amount          `json:"creditedFee"`
	BillingPeriod     BillingPeriod   `json:"invoiceBillingPeriod"`
	IssuedAt          time.Time       `json:"issuedTime"`
	DueAt             time.Time       `json:"dueTime"`
	InvoicingEntity   InvoicingEntity `json:"invoicingEntity"`
	OriginalInvoiceID string          `json:"originalInvoiceId,omitempty"` // credit memos only
	// MakerID, MakerAmount and MakerFee are the product maker's part of a resale's document:
	// its share of the pre-tax amount and of the listing fee (see Resale); empty in a direct deal.
	MakerID     string `json:"manufacturerId,omitempty"`
	MakerAmount Amount `json:"manufacturerAmount,omitempty"`
	MakerFee    Amount `json:"manufacturerListingFee,omitempty"`
}

// MaxAdjustment returns the pre-tax amount that may still be refunded.
func (inv *Invoice) MaxAdjustment() Amount {
	if inv.Type != InvoiceTypeInvoice {
		return 0
	}
	return inv.PreTax - inv.Refunded
}

// Total returns the amount the buyer pays: pre-tax plus tax.
func (inv *Invoice) Total() Amount { return inv.PreTax + inv.Tax }
