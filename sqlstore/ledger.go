package sqlstore

import (
	"mercato"
)

var (
	ledgerTxnCols = []string{"id", "time", "kind", "ref"}
	postingCols   = []string{"txn_id", "seq", "account", "currency", "amount"}
	ledgerBalance = `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings
		WHERE account = $1 AND currency = $2`
	ledgerImbalance = "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM postings GROUP BY currency"
)

// InsertLedgerTxns stores transactions and their postings as given; an existing ID is
// EConflict. Whether the postings balance is the caller's check (LedgerTxn.Validate).
func (t *tx) InsertLedgerTxns(ls ...mercato.LedgerTxn) error {
	n, err := t.insertRows("ledger_txns", ledgerTxnCols, len(ls), func(i int, dst []any) []any {
		return append(dst, ls[i].ID, micros(ls[i].Time), ls[i].Kind, ls[i].Ref)
	})
	if err := t.checkInserted("LedgerTxn", n, len(ls), func(i int) string { return ls[i].ID }, err); err != nil {
		return err
	}
	type posting struct {
		txn string
		seq int
		p   *mercato.Posting
	}
	var ps []posting
	for i := range ls {
		for j := range ls[i].Postings {
			ps = append(ps, posting{ls[i].ID, j, &ls[i].Postings[j]})
		}
	}
	_, err = t.insertRows("postings", postingCols, len(ps), func(i int, dst []any) []any {
		p := ps[i]
		return append(dst, p.txn, p.seq, p.p.Account, string(p.p.Currency), int64(p.p.Amount))
	})
	return t.fail(err, "insert postings of", "LedgerTxn", ls[0].ID)
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
