package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"mercato"
)

func testCharges(t *testing.T, s mercato.Store) {
	a1 := agreement("agmt-1", mercato.Terms{recurringTerm()}, t0, time.Time{})
	a2 := agreement("agmt-2", mercato.Terms{recurringTerm()}, t0, time.Time{})
	a2.AcceptorID = buyer2
	c1 := charge("ch-1", "agmt-1", "k1", at(48*time.Hour))
	c1.Kind, c1.PeriodStart, c1.PeriodEnd = mercato.ChargeRecurring, t0, t0.AddDate(0, 1, 0)
	c1.PurchaseOrderReference = "PO-1"
	c2 := charge("ch-2", "agmt-1", "k2", at(24*time.Hour))
	c3 := charge("ch-0", "agmt-2", "k1", at(24*time.Hour)) // same key, other agreement
	// A usage charge keeps what it prices, beyond int32 (a month of metered records).
	c3.Kind, c3.Dimension, c3.Quantity = mercato.ChargeUsage, "api_calls", 5_000_000_000
	put(t, s,
		func(tx mercato.Tx) error { return tx.InsertAgreement(a1) },
		func(tx mercato.Tx) error { return tx.InsertAgreement(a2) },
		func(tx mercato.Tx) error { return tx.InsertCharges(c1) },
		func(tx mercato.Tx) error { return tx.InsertCharges(c2) },
		func(tx mercato.Tx) error { return tx.InsertCharges(c3) },
	)
	list := func(f mercato.ChargeFilter) []mercato.Charge {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]mercato.Charge, error) { return tx.ListCharges(f) })
	}
	same(t, "all charges, by time then ID", []mercato.Charge{c3, c2, c1}, list(mercato.ChargeFilter{}))
	same(t, "charges of an agreement", []mercato.Charge{c2, c1}, list(mercato.ChargeFilter{AgreementID: "agmt-1"}))
	same(t, "charges of an acceptor", []mercato.Charge{c3}, list(mercato.ChargeFilter{AcceptorID: buyer2}))

	updateCode(t, s, "InsertCharge of a used key", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertCharges(charge("ch-9", "agmt-1", "k1", t0))
	})
	updateCode(t, s, "InsertCharge of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertCharges(charge("ch-1", "agmt-2", "k9", t0))
	})

	c1.Status, c1.InvoiceID, c1.Revision = mercato.ChargeInvoiced, "inv-1", 3
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateCharge(c1) })
	same(t, "invoiced charges", []mercato.Charge{c1}, list(mercato.ChargeFilter{Status: mercato.ChargeInvoiced}))
	same(t, "pending charges of an agreement", []mercato.Charge{c2},
		list(mercato.ChargeFilter{AgreementID: "agmt-1", Status: mercato.ChargePending}))
}

func testInvoices(t *testing.T, s mercato.Store) {
	feb := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	inv1 := invoice("inv-1", "agmt-1", "2025-01", feb)
	inv3 := invoice("inv-3", "agmt-2", "2025-01", feb)
	inv3.BuyerID, inv3.SellerID, inv3.TaxLines, inv3.Tax = buyer2, seller2, nil, 0
	memo := invoice("inv-2", "agmt-1", "adjustment-1", feb.AddDate(0, 0, 4))
	memo.Type, memo.OriginalInvoiceID = mercato.InvoiceTypeCreditMemo, "inv-1"
	memo.PreTax, memo.Tax, memo.ListingFee = -mercato.MustAmount("40"), -mercato.MustAmount("2.6"), -mercato.MustAmount("1.2")
	memo.InvoicingEntity = mercato.InvoicingEntity{LegalName: "Mercato", BranchName: "Branch"}
	put(t, s,
		func(tx mercato.Tx) error { return tx.InsertInvoices(memo) },
		func(tx mercato.Tx) error { return tx.InsertInvoices(inv3) },
		func(tx mercato.Tx) error { return tx.InsertInvoices(inv1) },
	)
	same(t, "GetInvoice", memo, read(t, s, func(tx mercato.Tx) (mercato.Invoice, error) { return tx.GetInvoice("inv-2") }))
	list := func(f mercato.InvoiceFilter) []mercato.Invoice {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]mercato.Invoice, error) { return tx.ListInvoices(f) })
	}
	same(t, "all invoices, by issue time then ID", []mercato.Invoice{inv1, inv3, memo}, list(mercato.InvoiceFilter{}))
	same(t, "invoices of an agreement", []mercato.Invoice{inv1, memo}, list(mercato.InvoiceFilter{AgreementID: "agmt-1"}))
	same(t, "invoices of a seller", []mercato.Invoice{inv3}, list(mercato.InvoiceFilter{SellerID: seller2}))
	same(t, "invoices of a buyer", []mercato.Invoice{inv1, memo}, list(mercato.InvoiceFilter{BuyerID: buyer}))
	same(t, "credit memos", []mercato.Invoice{memo}, list(mercato.InvoiceFilter{Type: mercato.InvoiceTypeCreditMemo}))

	updateCode(t, s, "InsertInvoice of a used key", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertInvoices(invoice("inv-9", "agmt-1", "2025-01", feb))
	})
	updateCode(t, s, "InsertInvoice of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertInvoices(invoice("inv-1", "agmt-3", "2025-01", feb))
	})
}

func testInvoiceRefund(t *testing.T, s mercato.Store) {
	inv := invoice("inv-1", "agmt-1", "2025-01", t0)
	memo := invoice("memo-1", "agmt-1", "adjustment-1", t0)
	memo.Type = mercato.InvoiceTypeCreditMemo
	put(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv) }, func(tx mercato.Tx) error { return tx.InsertInvoices(memo) })
	refunded := func(id string) mercato.Amount {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.Amount, error) {
			i, err := tx.GetInvoice(id)
			return i.Refunded, err
		})
	}
	refund := func(id, amount string) error {
		return s.Update(context.Background(), func(tx mercato.Tx) error {
			return tx.AddInvoiceRefunds(mercato.InvoiceAmount{InvoiceID: id, Amount: mercato.MustAmount(amount)})
		})
	}

	wantCode(t, "refund 40 of 100", refund("inv-1", "40"), "")
	same(t, "refunded", mercato.MustAmount("40"), refunded("inv-1"))
	wantCode(t, "refund 60.01 more", refund("inv-1", "60.01"), mercato.EConflict)
	same(t, "refunded after a refused refund", mercato.MustAmount("40"), refunded("inv-1"))
	wantCode(t, "refund the remaining 60", refund("inv-1", "60"), "")
	same(t, "refunded in full", mercato.MustAmount("100"), refunded("inv-1"))
	wantCode(t, "refund 0.01 of a refunded invoice", refund("inv-1", "0.01"), mercato.EConflict)
	wantCode(t, "refund a credit memo", refund("memo-1", "1"), mercato.EConflict)
	same(t, "refunded on the credit memo", mercato.Amount(0), refunded("memo-1"))
	wantCode(t, "refund an unknown invoice", refund("inv-x", "1"), mercato.EConflict)
}

// testConcurrentRefunds refunds one invoice from many goroutines at once, each in its own
// transaction: the refunded total must never exceed the invoice.
func testConcurrentRefunds(t *testing.T, s mercato.Store) {
	const workers = 50
	inv := invoice("inv-1", "agmt-1", "2025-01", t0) // 100.00 pre-tax
	update(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv) })
	step := mercato.MustAmount("3")

	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			errs[i] = s.Update(context.Background(), func(tx mercato.Tx) error {
				return tx.AddInvoiceRefunds(mercato.InvoiceAmount{InvoiceID: "inv-1", Amount: step})
			})
		})
	}
	wg.Wait()
	var ok, conflicts int
	for _, err := range errs {
		switch mercato.ErrorCodeOf(err) {
		case "":
			ok++
		case mercato.EConflict:
			conflicts++
		default:
			t.Errorf("refund failed with %v", err)
		}
	}
	got := read(t, s, func(tx mercato.Tx) (mercato.Invoice, error) { return tx.GetInvoice("inv-1") })
	if got.Refunded > inv.PreTax {
		t.Fatalf("refunded %s exceeds the invoice's %s", got.Refunded, inv.PreTax)
	}
	same(t, "refunded total", mercato.Amount(ok)*step, got.Refunded)
	same(t, "successful refunds", int(inv.PreTax/step), ok)
	same(t, "refused refunds", workers-int(inv.PreTax/step), conflicts)
}

func testLedger(t *testing.T, s mercato.Store) {
	same(t, "imbalance of an empty ledger", map[mercato.Currency]mercato.Amount{}, read(t, s, mercato.Tx.LedgerImbalance))
	usd := func(account, amount string) mercato.Posting {
		return mercato.Posting{Account: account, Currency: "USD", Amount: mercato.MustAmount(amount)}
	}
	eur := func(account, amount string) mercato.Posting {
		return mercato.Posting{Account: account, Currency: "EUR", Amount: mercato.MustAmount(amount)}
	}
	receivable := mercato.LedgerBuyerReceivable(buyer)
	txns := []mercato.LedgerTxn{
		{ID: "l-1", Time: t0, Kind: "invoice", Ref: "inv-1", Postings: []mercato.Posting{
			usd(receivable, "106.5"), usd(mercato.LedgerSellerPayable(seller), "-97"),
			usd(mercato.LedgerMarketplaceFees, "-3"), usd(mercato.LedgerTaxPayable, "-6.5"),
		}},
		{ID: "l-2", Time: at(time.Hour), Kind: "payment", Ref: "pay-1", Postings: []mercato.Posting{
			usd(receivable, "-100"), usd("cash", "100"),
		}},
		{ID: "l-3", Time: at(time.Hour), Kind: "invoice", Ref: "inv-2", Postings: []mercato.Posting{
			eur(receivable, "0.00000001"), eur(mercato.LedgerSellerPayable(seller), "-0.00000001"),
		}},
	}
	update(t, s, func(tx mercato.Tx) error {
		for _, l := range txns {
			if err := tx.InsertLedgerTxns(l); err != nil {
				return err
			}
		}
		return nil
	})
	balance := func(account string, c mercato.Currency) mercato.Amount {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.Amount, error) { return tx.LedgerBalance(account, c) })
	}
	same(t, "receivable in USD", mercato.MustAmount("6.5"), balance(receivable, "USD"))
	same(t, "receivable in EUR", mercato.MustAmount("0.00000001"), balance(receivable, "EUR"))
	same(t, "payable in USD", mercato.MustAmount("-97"), balance(mercato.LedgerSellerPayable(seller), "USD"))
	same(t, "an account without postings", mercato.Amount(0), balance("nobody", "USD"))
	same(t, "imbalance of a sound ledger", map[mercato.Currency]mercato.Amount{"USD": 0, "EUR": 0}, read(t, s, mercato.Tx.LedgerImbalance))

	updateCode(t, s, "InsertLedgerTxn of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertLedgerTxns(mercato.LedgerTxn{ID: "l-1", Time: t0, Kind: "x", Ref: "y",
			Postings: []mercato.Posting{usd("a", "1"), usd("b", "-1")}})
	})
	update(t, s, func(tx mercato.Tx) error {
		return tx.InsertLedgerTxns(mercato.LedgerTxn{ID: "l-bad", Time: t0, Kind: "bug", Ref: "z",
			Postings: []mercato.Posting{usd("a", "5"), eur("b", "-2")}})
	})
	same(t, "imbalance after an unbalanced transaction",
		map[mercato.Currency]mercato.Amount{"USD": mercato.MustAmount("5"), "EUR": mercato.MustAmount("-2")},
		read(t, s, mercato.Tx.LedgerImbalance))
}

func testInvoiceCredit(t *testing.T, s mercato.Store) {
	inv := invoice("inv-1", "agmt-1", "2025-01", t0)
	put(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv) })
	inv2 := invoice("inv-2", "agmt-1", "2025-02", t0)
	put(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv2) })
	credit := func(id, preTax, tax, fee string) mercato.InvoiceCredit {
		return mercato.InvoiceCredit{InvoiceID: id, PreTax: mercato.MustAmount(preTax), Tax: mercato.MustAmount(tax), Fee: mercato.MustAmount(fee)}
	}
	update(t, s, func(tx mercato.Tx) error { return tx.AddInvoiceCredits(credit("inv-1", "10.00", "0.65", "0.30")) })
	// Credits of one invoice in one call add up; other invoices are left as they were.
	update(t, s, func(tx mercato.Tx) error {
		return tx.AddInvoiceCredits(credit("inv-2", "1.00", "0.07", "0.03"), credit("inv-1", "5.00", "0.33", "0.15"),
			credit("inv-1", "0.50", "0.03", "0.02"))
	})
	totals := func(id string) [3]string {
		got := read(t, s, func(tx mercato.Tx) (mercato.Invoice, error) { return tx.GetInvoice(id) })
		return [3]string{got.Credited.String(), got.CreditedTax.String(), got.CreditedFee.String()}
	}
	same(t, "credited totals of inv-1", [3]string{"15.50", "1.01", "0.47"}, totals("inv-1"))
	same(t, "credited totals of inv-2", [3]string{"1.00", "0.07", "0.03"}, totals("inv-2"))
	updateCode(t, s, "AddInvoiceCredits with an unknown invoice", mercato.ENotFound, func(tx mercato.Tx) error {
		return tx.AddInvoiceCredits(credit("inv-1", "1.00", "0", "0"), credit("inv-nope", "1.00", "0", "0"))
	})
	same(t, "credited totals of inv-1 after a failed call", [3]string{"15.50", "1.01", "0.47"}, totals("inv-1"))
}

func testListInvoicesByID(t *testing.T, s mercato.Store) {
	feb := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	// Issue times do not follow IDs: the order is by issue time, then ID.
	inv1 := invoice("inv-1", "agmt-1", "2025-01", feb.AddDate(0, 0, 2))
	inv2 := invoice("inv-2", "agmt-1", "2025-02", feb)
	inv3 := invoice("inv-3", "agmt-2", "2025-01", feb.AddDate(0, 0, 1))
	inv3.SellerID = seller2
	inv4 := invoice("inv-4", "agmt-2", "2025-02", feb)
	memo := invoice("memo-1", "agmt-1", "adjustment-1", feb.AddDate(0, 0, 3))
	memo.Type, memo.OriginalInvoiceID = mercato.InvoiceTypeCreditMemo, "inv-1"
	update(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv1, inv2, inv3, inv4, memo) })
	for _, tc := range []struct {
		name   string
		filter mercato.InvoiceFilter
		want   []mercato.Invoice
	}{
		{"one ID", mercato.InvoiceFilter{IDs: []string{"inv-3"}}, []mercato.Invoice{inv3}},
		{"two IDs", mercato.InvoiceFilter{IDs: []string{"inv-1", "inv-4"}}, []mercato.Invoice{inv4, inv1}},
		{"three IDs", mercato.InvoiceFilter{IDs: []string{"memo-1", "inv-2", "inv-3"}}, []mercato.Invoice{inv2, inv3, memo}},
		{"IDs with an unknown one", mercato.InvoiceFilter{IDs: []string{"inv-x", "inv-1", "inv-3"}}, []mercato.Invoice{inv3, inv1}},
		{"unknown IDs", mercato.InvoiceFilter{IDs: []string{"inv-x", "inv-y", "inv-z"}}, nil},
		{"IDs and agreement", mercato.InvoiceFilter{IDs: []string{"inv-1", "inv-3", "inv-4"}, AgreementID: "agmt-2"},
			[]mercato.Invoice{inv4, inv3}},
		{"IDs and seller", mercato.InvoiceFilter{IDs: []string{"inv-1", "inv-3", "inv-4"}, SellerID: seller2}, []mercato.Invoice{inv3}},
		{"IDs and type", mercato.InvoiceFilter{IDs: []string{"inv-1", "memo-1", "inv-2"}, Type: mercato.InvoiceTypeCreditMemo},
			[]mercato.Invoice{memo}},
	} {
		got := read(t, s, func(tx mercato.Tx) ([]mercato.Invoice, error) { return tx.ListInvoices(tc.filter) })
		same(t, "ListInvoices of "+tc.name, tc.want, got)
	}
}

func testLockInvoices(t *testing.T, s mercato.Store) {
	// IDs mix case and punctuation: the order is byte order, whatever the database's locale.
	invA := invoice("inv-a", "agmt-1", "2025-01", at(3*time.Hour))
	invB := invoice("inv-B", "agmt-1", "2025-02", at(2*time.Hour))
	invB.Refunded = mercato.MustAmount("12.5")
	invC := invoice("inv_c", "agmt-2", "2025-01", t0)
	invZ := invoice("Inv-z", "agmt-3", "2025-01", at(time.Hour))
	memo := invoice("memo-1", "agmt-1", "adjustment-1", at(4*time.Hour))
	memo.Type, memo.OriginalInvoiceID = mercato.InvoiceTypeCreditMemo, "inv-a"
	update(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(invA, invB, invC, invZ, memo) })
	// LockInvoices runs in read-write transactions only: PostgreSQL locks no row of a
	// read-only one.
	lock := func(ids ...string) []mercato.Invoice {
		t.Helper()
		var got []mercato.Invoice
		update(t, s, func(tx mercato.Tx) error {
			var err error
			got, err = tx.LockInvoices(ids...)
			return err
		})
		return got
	}
	for _, tc := range []struct {
		name string
		ids  []string
		want []mercato.Invoice
	}{
		{"one ID", []string{"inv-B"}, []mercato.Invoice{invB}},
		{"IDs, in ID order", []string{"memo-1", "inv_c", "inv-a", "Inv-z"}, []mercato.Invoice{invZ, invA, invC, memo}},
		{"three IDs", []string{"inv_c", "inv-B", "inv-a"}, []mercato.Invoice{invB, invA, invC}},
		{"duplicate IDs", []string{"inv-a", "inv-B", "inv-a", "inv-a"}, []mercato.Invoice{invB, invA}},
		{"IDs with unknown ones", []string{"inv-x", "inv_c", "Inv-y", "inv-B"}, []mercato.Invoice{invB, invC}},
		{"unknown IDs", []string{"inv-x", "inv-y"}, nil},
	} {
		same(t, "LockInvoices of "+tc.name, tc.want, lock(tc.ids...))
	}

	var got []mercato.Invoice
	var err error
	update(t, s, func(tx mercato.Tx) error {
		got, err = tx.LockInvoices()
		return nil
	})
	if got != nil || err != nil {
		t.Errorf("LockInvoices() = %v, %v; want nil, nil", got, err)
	}
	// Many IDs, in more than one statement.
	var many []string
	for i := range 600 {
		many = append(many, fmt.Sprintf("inv-x%03d", i))
	}
	same(t, "LockInvoices of many IDs", []mercato.Invoice{invB, invA, invC},
		lock(slices.Concat(many[:300], []string{"inv_c", "inv-a"}, many[300:], []string{"inv-B"})...))
}

// testConcurrentLockInvoices runs two UpdateRows transactions that lock the same invoice, read
// its refunded total and refund 1: the second must wait for the first to commit, and read what
// it wrote. The first holds its lock until the second has begun (and a while more, for the
// second to reach the lock); on SQLite the second begins only once the first has committed.
func testConcurrentLockInvoices(t *testing.T, s mercato.Store) {
	const holdFor = 200 * time.Millisecond
	inv := invoice("inv-1", "agmt-1", "2025-01", t0)
	inv.Refunded = mercato.MustAmount("10")
	update(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv) })
	one := mercato.MustAmount("1")

	locked := make(chan struct{})       // the first holds the lock
	started := make(chan struct{})      // the second is about to begin its transaction
	secondLocked := make(chan struct{}) // the second got the lock
	firstLocked, secondGotLock := sync.OnceFunc(func() { close(locked) }), sync.OnceFunc(func() { close(secondLocked) })
	var seen [2]mercato.Amount // the refunded total each read under its lock
	lockAndRead := func(tx mercato.Tx, i int) error {
		invs, err := tx.LockInvoices("inv-1")
		if err != nil {
			return err
		}
		if len(invs) != 1 {
			return fmt.Errorf("LockInvoices returned %d invoices, want 1", len(invs))
		}
		seen[i] = invs[0].Refunded
		return nil
	}
	var errs [2]error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer firstLocked() // lets the second go on should the first fail
		errs[0] = s.UpdateRows(context.Background(), func(tx mercato.Tx) error {
			if err := lockAndRead(tx, 0); err != nil {
				return err
			}
			firstLocked()
			<-started
			select {
			case <-secondLocked:
				t.Error("the second transaction locked the invoice while the first held its lock")
			case <-time.After(holdFor):
			}
			return tx.AddInvoiceRefunds(mercato.InvoiceAmount{InvoiceID: "inv-1", Amount: one})
		})
	})
	wg.Go(func() {
		<-locked
		close(started)
		errs[1] = s.UpdateRows(context.Background(), func(tx mercato.Tx) error {
			if err := lockAndRead(tx, 1); err != nil {
				return err
			}
			secondGotLock()
			return tx.AddInvoiceRefunds(mercato.InvoiceAmount{InvoiceID: "inv-1", Amount: one})
		})
	})
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("transaction %d failed: %v", i+1, err)
		}
	}
	same(t, "refunded totals read under the lock (first, second)", [2]mercato.Amount{inv.Refunded, inv.Refunded + one}, seen)
	same(t, "refunded total after both", inv.Refunded+2*one,
		read(t, s, func(tx mercato.Tx) (mercato.Amount, error) {
			i, err := tx.GetInvoice("inv-1")
			return i.Refunded, err
		}))
}

// testRefundBesideLock checks that a refund reserved on an invoice does not wait for a
// transaction that locked the invoice to credit it: acceptances go on while credit memos are
// completed. Stores that run one writer at a time have no second transaction to let through.
func testRefundBesideLock(t *testing.T, s mercato.Store) {
	if g, ok := s.(interface{ GroupsCommits() bool }); ok && g.GroupsCommits() {
		t.Skip("the store runs one writer at a time")
	}
	inv := invoice("inv-1", "agmt-1", "2025-01", t0)
	update(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv) })
	one := mercato.MustAmount("1")
	refunded := make(chan error, 1)
	err := s.UpdateRows(context.Background(), func(tx mercato.Tx) error {
		if _, err := tx.LockInvoices("inv-1"); err != nil {
			return err
		}
		go func() {
			refunded <- s.UpdateRows(context.Background(), func(tx mercato.Tx) error {
				return tx.AddInvoiceRefunds(mercato.InvoiceAmount{InvoiceID: "inv-1", Amount: one})
			})
		}()
		select {
		case err := <-refunded:
			if err != nil {
				return fmt.Errorf("refund beside the lock: %w", err)
			}
		case <-time.After(10 * time.Second):
			return errors.New("the refund waited for the transaction that locked the invoice")
		}
		return tx.AddInvoiceCredits(mercato.InvoiceCredit{InvoiceID: "inv-1", PreTax: one})
	})
	if err != nil {
		t.Fatal(err)
	}
	got := read(t, s, func(tx mercato.Tx) (mercato.Invoice, error) { return tx.GetInvoice("inv-1") })
	same(t, "refunded and credited", [2]mercato.Amount{inv.Refunded + one, one}, [2]mercato.Amount{got.Refunded, got.Credited})
}

func testInvoiceRefunds(t *testing.T, s mercato.Store) {
	inv1 := invoice("inv-1", "agmt-1", "2025-01", t0) // 100 pre-tax each
	inv2 := invoice("inv-2", "agmt-1", "2025-02", t0)
	inv3 := invoice("inv-3", "agmt-2", "2025-01", t0)
	memo := invoice("memo-1", "agmt-1", "adjustment-1", t0)
	memo.Type, memo.OriginalInvoiceID = mercato.InvoiceTypeCreditMemo, "inv-1"
	update(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv1, inv2, inv3, memo) })
	refund := func(id, amount string) mercato.InvoiceAmount {
		return mercato.InvoiceAmount{InvoiceID: id, Amount: mercato.MustAmount(amount)}
	}
	// totals returns the refunded totals of inv-1, inv-2 and inv-3; the credit memo's stays 0.
	totals := func(r1, r2, r3 string) map[string]mercato.Amount {
		return map[string]mercato.Amount{"inv-1": mercato.MustAmount(r1), "inv-2": mercato.MustAmount(r2),
			"inv-3": mercato.MustAmount(r3), "memo-1": 0}
	}
	refunded := func() map[string]mercato.Amount {
		t.Helper()
		out := map[string]mercato.Amount{}
		for _, inv := range read(t, s, func(tx mercato.Tx) ([]mercato.Invoice, error) {
			return tx.ListInvoices(mercato.InvoiceFilter{})
		}) {
			out[inv.ID] = inv.Refunded
		}
		return out
	}
	// Each step runs in a transaction of its own, from what the steps before left.
	for _, tc := range []struct {
		name    string
		refunds []mercato.InvoiceAmount
		code    mercato.ErrorCode // of the refused steps, which change nothing
		want    map[string]mercato.Amount
	}{
		{"no amount", nil, "", totals("0", "0", "0")},
		{"amounts of two invoices, one twice", []mercato.InvoiceAmount{refund("inv-2", "20"), refund("inv-1", "10"),
			refund("inv-2", "0.5")}, "", totals("10", "20.5", "0")},
		{"one amount", []mercato.InvoiceAmount{refund("inv-3", "0.00000001")}, "", totals("10", "20.5", "0.00000001")},
		{"an amount beyond an invoice", []mercato.InvoiceAmount{refund("inv-2", "1"), refund("inv-1", "90.01"),
			refund("inv-3", "1")}, mercato.EConflict, totals("10", "20.5", "0.00000001")},
		{"amounts of one invoice beyond it together", []mercato.InvoiceAmount{refund("inv-1", "50"), refund("inv-2", "1"),
			refund("inv-1", "40.01")}, mercato.EConflict, totals("10", "20.5", "0.00000001")},
		{"an amount of a credit memo", []mercato.InvoiceAmount{refund("inv-1", "1"), refund("memo-1", "1")}, mercato.EConflict,
			totals("10", "20.5", "0.00000001")},
		{"amounts up to the invoices", []mercato.InvoiceAmount{refund("inv-1", "50"), refund("inv-2", "79.5"),
			refund("inv-1", "40")}, "", totals("100", "100", "0.00000001")},
		{"an amount of a refunded invoice", []mercato.InvoiceAmount{refund("inv-3", "1"), refund("inv-1", "0.00000001")},
			mercato.EConflict, totals("100", "100", "0.00000001")},
	} {
		err := s.Update(context.Background(), func(tx mercato.Tx) error { return tx.AddInvoiceRefunds(tc.refunds...) })
		wantCode(t, "AddInvoiceRefunds of "+tc.name, err, tc.code)
		same(t, "refunded totals after AddInvoiceRefunds of "+tc.name, tc.want, refunded())
	}
}
