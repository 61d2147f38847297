package mercato

import (
	"fmt"
	"sort"
	"time"
)

// Ledger account names. Each is a string so that one account per party is cheap.
const (
	LedgerMarketplaceFees = "marketplace:fees"        // listing fees earned
	LedgerTaxPayable      = "marketplace:tax-payable" // indirect tax owed to authorities
)

// LedgerBuyerReceivable is what the buyer owes the marketplace.
func LedgerBuyerReceivable(buyerID string) string { return "buyer:" + buyerID + ":receivable" }

// LedgerSellerPayable is what the marketplace owes the seller.
func LedgerSellerPayable(sellerID string) string { return "seller:" + sellerID + ":payable" }

// Posting is one side of a ledger transaction: a positive amount debits the account, a negative
// one credits it.
type Posting struct {
	Account  string   `json:"account"`
	Currency Currency `json:"currencyCode"`
	Amount   Amount   `json:"amount"`
}

// LedgerTxn is a balanced set of postings recording one movement of money.
type LedgerTxn struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Kind     string    `json:"kind"` // invoice, credit-memo, payment, disbursement ...
	Ref      string    `json:"ref"`  // the invoice, adjustment or payout it records
	Postings []Posting `json:"postings"`
}

// Validate returns EInternal unless the postings balance to zero in every currency: an
// unbalanced transaction is a bug, never user input.
func (t *LedgerTxn) Validate() error {
	if len(t.Postings) < 2 {
		return Errorf(EInternal, "ledger transaction %s has %d postings", t.Ref, len(t.Postings))
	}
	sums := map[Currency]Amount{}
	for _, p := range t.Postings {
		sums[p.Currency] += p.Amount
	}
	var bad []string
	for c, s := range sums {
		if s != 0 {
			bad = append(bad, fmt.Sprintf("%s %s", s, c))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return Errorf(EInternal, "ledger transaction %s for %s does not balance: %v", t.Kind, t.Ref, bad)
	}
	return nil
}
