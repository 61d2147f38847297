package mercato

import (
	"slices"
	"time"
)

// Bank account types a seller can be paid to.
const (
	BankACH         = "ACH"         // a US bank account; USD only
	BankSWIFT       = "SWIFT"       // any disbursement currency; the only way to be paid in another than USD
	BankHyperwallet = "HYPERWALLET" // a Hyperwallet account, for sellers without a US bank; USD only
)

// DisbursementCurrencies are the currencies sellers can be paid in; INR only to sellers in India.
var DisbursementCurrencies = []Currency{"USD", "EUR", "GBP", "AUD", "JPY", "INR"}

// BankAccount is where a seller's proceeds in one currency are paid.
type BankAccount struct {
	Type     string   `json:"type"` // ACH, SWIFT or HYPERWALLET
	Currency Currency `json:"currency"`
}

// DefaultDisbursementDay is the day of the month sellers are paid on unless they choose
// otherwise (AWS pays between the 7th and the 10th).
const DefaultDisbursementDay = 10

// DisbursementSchedule returns the seller's payout schedule: its own, or monthly on the 10th.
func (a *Account) DisbursementSchedule() Disbursement {
	if a.Disbursement == nil || a.Disbursement.Cadence == "" {
		d := Disbursement{Cadence: "monthly", Day: DefaultDisbursementDay}
		if a.Disbursement != nil {
			d.BankAccounts = a.Disbursement.BankAccounts
		}
		return d
	}
	return *a.Disbursement
}

// PaysOn reports whether the schedule pays out on the day of t: every day, or on its day of the
// month.
func (d *Disbursement) PaysOn(t time.Time) bool {
	return d.Cadence == "daily" || t.UTC().Day() == d.Day
}

// BankAccountFor returns the bank account proceeds in currency c are paid to. A seller who has
// given no bank account at all is paid in USD to the US bank account on file (ACH); other
// currencies need a SWIFT account in that currency.
func (d *Disbursement) BankAccountFor(c Currency) (BankAccount, bool) {
	if len(d.BankAccounts) == 0 {
		return BankAccount{Type: BankACH, Currency: "USD"}, c == "USD"
	}
	for _, b := range d.BankAccounts {
		if b.Currency == c {
			return b, true
		}
	}
	return BankAccount{}, false
}

// validateBankAccounts checks the seller's bank accounts: a known type, a disbursement currency
// (INR only in India), USD for ACH and Hyperwallet, and one account per currency.
func validateBankAccounts(a *Account, p *Problems) {
	if a.Disbursement == nil {
		return
	}
	seen := map[Currency]bool{}
	for _, b := range a.Disbursement.BankAccounts {
		switch {
		case b.Type != BankACH && b.Type != BankSWIFT && b.Type != BankHyperwallet:
			p.Add("disbursement.bankAccounts", "type %q must be ACH, SWIFT or HYPERWALLET", b.Type)
		case !slices.Contains(DisbursementCurrencies, b.Currency):
			p.Add("disbursement.bankAccounts", "currency %q must be one of USD, EUR, GBP, AUD, JPY, INR", b.Currency)
		case b.Currency == "INR" && a.TaxJurisdiction != "IN":
			p.Add("disbursement.bankAccounts", "INR disbursements are for sellers in India")
		case b.Currency != "USD" && b.Type != BankSWIFT:
			p.Add("disbursement.bankAccounts", "%s is paid only to a SWIFT account; %s accounts take USD", b.Currency, b.Type)
		case seen[b.Currency]:
			p.Add("disbursement.bankAccounts", "one bank account per currency; %s is given twice", b.Currency)
		}
		seen[b.Currency] = true
	}
}

// PayoutLine is one document's part of a seller's disbursement: an invoice's proceeds (its
// pre-tax amount less the listing fee), or a credit memo's, negative. A document is paid out at
// most once; a line is eligible once its invoice is collected in full.
type PayoutLine struct {
	DocumentID string      `json:"documentId"` // the invoice or credit memo
	InvoiceID  string      `json:"invoiceId"`  // the invoice (a credit memo's original)
	SellerID   string      `json:"sellerId"`
	Currency   Currency    `json:"currencyCode"`
	Amount     Amount      `json:"amount"`
	Kind       InvoiceType `json:"kind"` // INVOICE or CREDIT_MEMO
	EligibleAt time.Time   `json:"eligibleTime"`
	PayoutID   string      `json:"disbursementId,omitempty"` // empty until disbursed
}

// Payout is a disbursement: the marketplace pays a seller the sum of its eligible lines in one
// currency. The ledger debits the seller's payable and credits cash.
type Payout struct {
	ID          string       `json:"disbursementId"`
	SellerID    string       `json:"sellerId"`
	Currency    Currency     `json:"currencyCode"`
	Amount      Amount       `json:"amount"`
	Lines       int          `json:"lines"`
	Time        time.Time    `json:"time"`
	BankAccount BankAccount  `json:"bankAccount"`
	Status      string       `json:"status"` // PAID: the sandbox's transfers complete at once
	LineItems   []PayoutLine `json:"lineItems,omitempty"`
}

// Ledger returns the payout's ledger transaction.
func (p *Payout) Ledger() LedgerTxn {
	return LedgerTxn{Time: p.Time, Kind: "disbursement", Ref: p.ID, Postings: []Posting{
		{Account: LedgerSellerPayable(p.SellerID), Currency: p.Currency, Amount: p.Amount},
		{Account: LedgerCash, Currency: p.Currency, Amount: -p.Amount},
	}}
}

// PayoutTotal is what a seller has pending in one currency: the sum and count of its lines
// eligible and not yet disbursed.
type PayoutTotal struct {
	SellerID string
	Currency Currency
	Amount   Amount
	Lines    int
}
