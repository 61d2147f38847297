package storetest

import (
	"fmt"
	"testing"
	"time"

	"mercato"
)

// pageTests cover the keyset pages of the lists that exports read a page at a time.
var pageTests = []struct {
	name string
	fn   func(*testing.T, mercato.Store)
}{
	{"InvoicesIssuedPages", testInvoicesIssuedPages},
	{"PayoutPages", testPayoutPages},
	{"MakerInvoicesIssuedPages", testMakerInvoicesIssuedPages},
}

// pages reads a list a page of n at a time, each page after the last row of the one before,
// and returns the keys of every row in order, failing if a page is longer than n.
func pages[T any](t *testing.T, s mercato.Store, n int, key func(T) string, page func(tx mercato.Tx, last *T) ([]T, error)) []string {
	t.Helper()
	var out []string
	var last *T
	for range 100 {
		rows := read(t, s, func(tx mercato.Tx) ([]T, error) { return page(tx, last) })
		if len(rows) > n {
			t.Fatalf("a page of %d rows, want at most %d", len(rows), n)
		}
		for _, r := range rows {
			out = append(out, key(r))
		}
		if len(rows) < n {
			return out
		}
		last = &rows[len(rows)-1]
	}
	t.Fatal("the pages do not end")
	return nil
}

func testInvoicesIssuedPages(t *testing.T, s mercato.Store) {
	// Seven invoices, four of them issued at the same time, so that pages end within a tie.
	var invs []mercato.Invoice
	for i, h := range []int{5, 1, 3, 3, 3, 3, 9} {
		inv := invoice(fmt.Sprintf("inv-%d", 7-i), "agmt-1", fmt.Sprint("k", i), at(time.Duration(h)*time.Hour))
		invs = append(invs, inv)
	}
	other := invoice("inv-x", "agmt-2", "kx", at(3*time.Hour))
	other.SellerID = seller2
	put(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(append(invs, other)...) })

	id := func(inv mercato.Invoice) string { return inv.ID }
	want := []string{"inv-6", "inv-2", "inv-3", "inv-4", "inv-5", "inv-7", "inv-1"}
	for _, n := range []int{1, 2, 3, 7, 8} {
		got := pages(t, s, n, id, func(tx mercato.Tx, last *mercato.Invoice) ([]mercato.Invoice, error) {
			f := mercato.IssuedFilter{SellerID: seller, Limit: n}
			if last != nil {
				f.AfterTime, f.AfterID = last.IssuedAt, last.ID
			}
			return tx.InvoicesIssued(f)
		})
		same(t, fmt.Sprintf("the seller's invoices in pages of %d", n), want, got)
	}
	same(t, "after inv-3, the rest of the tie and later", []string{"inv-4", "inv-5", "inv-7", "inv-1"},
		read(t, s, func(tx mercato.Tx) ([]string, error) {
			invs, err := tx.InvoicesIssued(mercato.IssuedFilter{SellerID: seller, AfterTime: at(3 * time.Hour), AfterID: "inv-3"})
			ids := make([]string, len(invs))
			for i := range invs {
				ids[i] = invs[i].ID
			}
			return ids, err
		}))
}

func testPayoutPages(t *testing.T, s mercato.Store) {
	// Two payouts at the same time, then one later; the first's lines share eligibility times.
	var lines []mercato.PayoutLine
	for i, h := range []int{2, 1, 2, 2, 1} {
		doc := fmt.Sprintf("inv-%d", 5-i)
		lines = append(lines, line(doc, doc, seller, "USD", "10", at(time.Duration(h)*time.Hour)))
	}
	lines = append(lines, line("inv-e", "inv-e", seller, "EUR", "7", at(time.Hour)))
	put(t, s, func(tx mercato.Tx) error {
		_, err := tx.InsertPayoutLines(lines...)
		return err
	})
	payout := func(id string, c mercato.Currency, amount string, n int, when time.Time) func(mercato.Tx) error {
		p := mercato.Payout{ID: id, SellerID: seller, Currency: c, Amount: mercato.MustAmount(amount), Lines: n,
			Time: when, BankAccount: mercato.BankAccount{Type: mercato.BankACH, Currency: c}, Status: "PAID"}
		return func(tx mercato.Tx) error { return tx.InsertPayout(p, when) }
	}
	put(t, s, payout("pay-b", "USD", "50", 5, at(3*time.Hour)), payout("pay-a", "EUR", "7", 1, at(3*time.Hour)))
	put(t, s, func(tx mercato.Tx) error {
		_, err := tx.InsertPayoutLines(line("inv-9", "inv-9", seller, "USD", "1", at(4*time.Hour)))
		return err
	}, payout("pay-c", "USD", "1", 1, at(5*time.Hour)))

	for _, n := range []int{1, 2, 3, 4} {
		got := pages(t, s, n, func(p mercato.Payout) string { return p.ID },
			func(tx mercato.Tx, last *mercato.Payout) ([]mercato.Payout, error) {
				f := mercato.PayoutFilter{SellerID: seller, Limit: n}
				if last != nil {
					f.AfterTime, f.AfterID = last.Time, last.ID
				}
				return tx.ListPayouts(f)
			})
		same(t, fmt.Sprintf("payouts in pages of %d", n), []string{"pay-a", "pay-b", "pay-c"}, got)

		got = pages(t, s, n, func(l mercato.PayoutLine) string { return l.DocumentID },
			func(tx mercato.Tx, last *mercato.PayoutLine) ([]mercato.PayoutLine, error) {
				f := mercato.PayoutLineFilter{PayoutID: "pay-b", Limit: n}
				if last != nil {
					f.AfterTime, f.AfterDocumentID = last.EligibleAt, last.DocumentID
				}
				return tx.ListPayoutLines(f)
			})
		same(t, fmt.Sprintf("lines of pay-b in pages of %d", n), []string{"inv-1", "inv-4", "inv-2", "inv-3", "inv-5"}, got)
	}
}

// testMakerInvoicesIssuedPages: the documents of a product's maker (resales by another seller
// of record) come in keyset pages too, in issue order, then ID, through a tie; documents of
// another maker, or of no maker, never do.
func testMakerInvoicesIssuedPages(t *testing.T, s mercato.Store) {
	var invs []mercato.Invoice
	for i, h := range []int{4, 2, 2, 2, 1} {
		inv := invoice(fmt.Sprintf("made-%d", 5-i), "agmt-1", fmt.Sprint("m", i), at(time.Duration(h)*time.Hour))
		inv.MakerID = seller2
		invs = append(invs, inv)
	}
	own := invoice("own-1", "agmt-2", "o1", at(2*time.Hour)) // no maker: the seller of record's own
	elsewhere := invoice("made-x", "agmt-3", "x1", at(2*time.Hour))
	elsewhere.MakerID = "333333333333"
	put(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(append(invs, own, elsewhere)...) })

	want := []string{"made-1", "made-2", "made-3", "made-4", "made-5"}
	for _, n := range []int{1, 2, 3, 5, 6} {
		got := pages(t, s, n, func(inv mercato.Invoice) string { return inv.ID },
			func(tx mercato.Tx, last *mercato.Invoice) ([]mercato.Invoice, error) {
				f := mercato.IssuedFilter{MakerID: seller2, Limit: n}
				if last != nil {
					f.AfterTime, f.AfterID = last.IssuedAt, last.ID
				}
				return tx.InvoicesIssued(f)
			})
		same(t, fmt.Sprintf("the maker's documents in pages of %d", n), want, got)
	}
}
