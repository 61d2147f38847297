package sqlstore

import (
	"mercato"
)

var (
	insertLedgerTxn = insertNewSQL("ledger_txns", []string{"id", "time", "kind", "ref"})
	insertPosting   = insertSQL("postings", []string{"txn_id", "seq", "account", "currency", "amount"})
	ledgerBalance   = `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings
		WHERE account = $1 AND currency = $2`
	ledgerImbalance = "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM postings GROUP BY currency"
)

// InsertLedgerTxn stores the transaction and its postings as given; an existing ID is
// EConflict. Whether the postings balance is the caller's check (LedgerTxn.Validate).
func (t *tx) InsertLedgerTxn(l mercato.LedgerTxn) error {
	if err := t.insertNew("LedgerTxn", l.ID, insertLedgerTxn, l.ID, micros(l.Time), l.Kind, l.Ref); err != nil {
		return err
	}
	for i, p := range l.Postings {
		if _, err := t.exec(insertPosting, l.ID, i, p.Account, string(p.Currency), int64(p.Amount)); err != nil {
			return t.fail(err, "insert postings of", "LedgerTxn", l.ID)
		}
	}
	return nil
}

// LedgerBalance returns the sum of the postings to the account in the currency.
func (t *tx) LedgerBalance(account string, c mercato.Currency) (mercato.Amount, error) {
	sum, err := getRow(t, scanAmount, ledgerBalance, account, string(c))
	return sum, wrap(err, "ledger balance of %s in %s", account, c)
}

// LedgerImbalance returns the sum of all postings for every currency that has any.
func (t *tx) LedgerImbalance() (map[mercato.Currency]mercato.Amount, error) {
	sums, err := list(t, scanCurrencySum, ledgerImbalance)
	if err != nil {
		return nil, wrap(err, "ledger imbalance")
	}
	out := make(map[mercato.Currency]mercato.Amount, len(sums))
	for _, s := range sums {
		out[s.currency] = s.sum
	}
	return out, nil
}

func scanAmount(s scanner) (mercato.Amount, error) {
	var a mercato.Amount
	err := s.Scan(&a)
	return a, err
}

type currencySum struct {
	currency mercato.Currency
	sum      mercato.Amount
}

func scanCurrencySum(s scanner) (currencySum, error) {
	var c currencySum
	err := s.Scan(&c.currency, &c.sum)
	return c, err
}
