package storetest

import (
	"fmt"
	"testing"
	"time"

	"mercato"
)

// revenueTests cover the RevenueTx methods: metering, collections, disbursements, reports.
var revenueTests = []struct {
	name string
	fn   func(*testing.T, mercato.Store)
}{
	{"UsageRecords", testUsageRecords},
	{"UsageRecordsMany", testUsageRecordsMany},
	{"CustomerAgreements", testCustomerAgreements},
	{"Receivables", testReceivables},
	{"Payments", testPayments},
	{"Payouts", testPayouts},
	{"PayoutConflict", testPayoutConflict},
	{"InvoicesIssued", testInvoicesIssued},
	{"LedgerBalanceBefore", testLedgerBalanceBefore},
}

func insertUsageRecords(t *testing.T, s mercato.Store, rs ...mercato.UsageRecord) []mercato.UsageRecord {
	t.Helper()
	var existing []mercato.UsageRecord
	update(t, s, func(tx mercato.Tx) error {
		var err error
		existing, err = tx.InsertUsageRecords(rs)
		return err
	})
	return existing
}

func testUsageRecords(t *testing.T, s mercato.Store) {
	hour := at(5 * time.Hour)
	tagged := mercato.UsageRecord{AgreementID: "agmt-1", Dimension: "users", Hour: hour, Quantity: 7,
		RecordedAt: at(5*time.Hour + 42*time.Microsecond), Allocations: []mercato.UsageAllocation{
			{Quantity: 4, Tags: []mercato.Tag{{Key: "team", Value: "red"}}}, {Quantity: 3}}}
	first := []mercato.UsageRecord{tagged,
		{AgreementID: "agmt-1", Dimension: "gb", Hour: hour, Quantity: 1, RecordedAt: hour},
		{AgreementID: "agmt-2", Dimension: "users", Hour: hour, Quantity: 2, RecordedAt: hour}}
	if existing := insertUsageRecords(t, s, first...); len(existing) != 0 {
		t.Fatalf("new records: existing %+v", existing)
	}
	// A replay of one, a changed quantity of another, and a new hour: the first two are stored
	// already and come back as stored; the third is new.
	changed := first[2]
	changed.Quantity = 99
	later := mercato.UsageRecord{AgreementID: "agmt-1", Dimension: "users", Hour: hour.Add(time.Hour), Quantity: 5, RecordedAt: hour}
	existing := insertUsageRecords(t, s, tagged, changed, later)
	byKey := map[mercato.UsageKey]mercato.UsageRecord{}
	for _, r := range existing {
		byKey[r.Key()] = r
	}
	same(t, "existing records", map[mercato.UsageKey]mercato.UsageRecord{tagged.Key(): tagged, first[2].Key(): first[2]}, byKey)
	same(t, "totals", []mercato.UsageTotal{
		{AgreementID: "agmt-1", Dimension: "gb", Quantity: 1}, {AgreementID: "agmt-1", Dimension: "users", Quantity: 12},
		{AgreementID: "agmt-2", Dimension: "users", Quantity: 2}},
		read(t, s, func(tx mercato.Tx) ([]mercato.UsageTotal, error) {
			return tx.UsageTotals([]string{"agmt-1", "agmt-2"}, hour, hour.Add(2*time.Hour))
		}))
	// Records stored one by one are found by the batch method too, and the reverse.
	if got := insertUsage(t, s, later); got == nil || got.Quantity != 5 {
		t.Errorf("InsertUsage of a batch-stored key = %+v", got)
	}
	if existing := insertUsageRecords(t, s); existing != nil {
		t.Errorf("no records: %+v", existing)
	}
}

func testUsageRecordsMany(t *testing.T, s mercato.Store) {
	// More agreements than one query's chunk, spread over two days.
	var rs []mercato.UsageRecord
	for i := range 1200 {
		rs = append(rs, mercato.UsageRecord{AgreementID: fmt.Sprintf("agmt-%05d", i), Dimension: "users",
			Hour: at(time.Duration(i%48) * time.Hour), Quantity: int64(i), RecordedAt: t0})
	}
	if existing := insertUsageRecords(t, s, rs...); len(existing) != 0 {
		t.Fatalf("%d existing of new records", len(existing))
	}
	if existing := insertUsageRecords(t, s, rs...); len(existing) != len(rs) {
		t.Fatalf("replay: %d existing, want %d", len(existing), len(rs))
	}
}

func testCustomerAgreements(t *testing.T, s mercato.Store) {
	mk := func(id, product, acceptor string) mercato.Agreement {
		a := agreement(id, mercato.Terms{usageTerm()}, t0, time.Time{})
		a.ProductID, a.AcceptorID = product, acceptor
		return a
	}
	put(t, s, func(tx mercato.Tx) error {
		for _, a := range []mercato.Agreement{mk("agmt-c", "prod-1", buyer), mk("agmt-a", "prod-1", buyer2),
			mk("agmt-b", "prod-2", buyer), mk("agmt-d", "prod-1", seller2), mk("agmt-0", "prod-1", buyer)} {
			if err := tx.InsertAgreement(a); err != nil {
				return err
			}
		}
		return nil
	})
	ended := mk("agmt-e", "prod-1", buyer)
	ended.Status, ended.EndTime, ended.UpdatedAt = mercato.AgreementCancelled, at(48*time.Hour), at(47*time.Hour)
	put(t, s, func(tx mercato.Tx) error { return tx.InsertAgreement(ended) })
	got := read(t, s, func(tx mercato.Tx) ([]mercato.AgreementSpan, error) {
		return tx.CustomerAgreements("prod-1", []string{buyer, buyer2})
	})
	a0 := mk("agmt-0", "prod-1", buyer)
	same(t, "agreements of prod-1 with buyer and buyer2", []mercato.AgreementSpan{a0.Span(),
		{ID: "agmt-a", AcceptorID: buyer2, Status: mercato.AgreementActive, StartTime: t0, UpdatedAt: t0},
		{ID: "agmt-c", AcceptorID: buyer, Status: mercato.AgreementActive, StartTime: t0, UpdatedAt: t0}, ended.Span()}, got)
	none := read(t, s, func(tx mercato.Tx) ([]mercato.AgreementSpan, error) { return tx.CustomerAgreements("prod-1", nil) })
	same(t, "no acceptors", []mercato.AgreementSpan(nil), none)
}

// billed stores invoices inv-1 (issued at 1h, due at 30 days), inv-2 (issued at 30h, of seller2)
// and inv-3 (issued at 50h), and a credit memo against inv-1 issued at 40h.
func billed(t *testing.T, s mercato.Store) (inv1, memo mercato.Invoice) {
	t.Helper()
	inv1 = invoice("inv-1", "agmt-1", "k1", at(time.Hour))
	inv2 := invoice("inv-2", "agmt-2", "k2", at(30*time.Hour))
	inv2.SellerID = seller2
	inv3 := invoice("inv-3", "agmt-1", "k3", at(50*time.Hour))
	inv3.DueAt = at(50 * time.Hour)
	memo = invoice("cm-1", "agmt-1", "credit:1", at(40*time.Hour))
	memo.Type, memo.OriginalInvoiceID = mercato.InvoiceTypeCreditMemo, inv1.ID
	memo.PreTax, memo.Tax, memo.ListingFee = mercato.MustAmount("10"), mercato.MustAmount("0.65"), mercato.MustAmount("0.3")
	put(t, s, func(tx mercato.Tx) error { return tx.InsertInvoices(inv1, inv2, inv3, memo) })
	return inv1, memo
}

func receivables(t *testing.T, s mercato.Store, f mercato.ReceivableFilter) []mercato.Receivable {
	t.Helper()
	return read(t, s, func(tx mercato.Tx) ([]mercato.Receivable, error) { return tx.ListReceivables(f) })
}

func receivableIDs(rs []mercato.Receivable) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.InvoiceID
	}
	return out
}

func testReceivables(t *testing.T, s mercato.Store) {
	inv1, _ := billed(t, s)
	open := func(from, to time.Time) int {
		t.Helper()
		var n int
		update(t, s, func(tx mercato.Tx) error {
			var err error
			n, err = tx.OpenReceivables(from, to)
			return err
		})
		return n
	}
	if n := open(time.Time{}, at(40*time.Hour)); n != 2 {
		t.Errorf("opened %d receivables before 40h, want inv-1 and inv-2", n)
	}
	if n := open(at(30*time.Hour), at(60*time.Hour)); n != 1 {
		t.Errorf("opened %d receivables in [30h, 60h), want inv-3 (inv-2 has one, cm-1 is a credit memo)", n)
	}
	all := receivables(t, s, mercato.ReceivableFilter{})
	same(t, "receivables", []string{"inv-1", "inv-2", "inv-3"}, receivableIDs(all))
	want := mercato.Receivable{InvoiceID: "inv-1", AgreementID: "agmt-1", BuyerID: buyer, SellerID: seller, Currency: "USD",
		DueAt: inv1.DueAt, Status: mercato.ReceivableOpen, PreTax: inv1.PreTax, Tax: inv1.Tax, ListingFee: inv1.ListingFee,
		Credited: mercato.MustAmount("10.65")}
	same(t, "inv-1's receivable", want, all[0])
	if owed := all[0].Owed(); owed != mercato.MustAmount("95.85") {
		t.Errorf("owed = %s, want 106.50 - 10.65", owed)
	}

	tests := []struct {
		name string
		f    mercato.ReceivableFilter
		want []string
	}{
		{"seller", mercato.ReceivableFilter{SellerID: seller2}, []string{"inv-2"}},
		{"due by 50h", mercato.ReceivableFilter{DueBy: at(50 * time.Hour)}, []string{"inv-3"}},
		{"invoices", mercato.ReceivableFilter{InvoiceIDs: []string{"inv-3", "inv-1", "inv-9"}}, []string{"inv-1", "inv-3"}},
		{"no invoices", mercato.ReceivableFilter{InvoiceIDs: []string{}}, nil},
		{"invoices named twice", mercato.ReceivableFilter{InvoiceIDs: repeated("inv-1", 600)}, []string{"inv-1"}},
		{"page", mercato.ReceivableFilter{AfterID: "inv-1", Limit: 1}, []string{"inv-2"}},
	}
	for _, tt := range tests {
		same(t, tt.name, tt.want, receivableIDs(receivables(t, s, tt.f)))
	}

	paid := all[0]
	paid.Status, paid.Collected, paid.CollectedAt = mercato.ReceivableCollected, paid.Owed(), at(60*time.Hour)
	part := all[2]
	part.Collected = mercato.MustAmount("1.5")
	put(t, s, func(tx mercato.Tx) error { return tx.PutReceivables(paid, part) })
	same(t, "collected", []mercato.Receivable{paid}, receivables(t, s, mercato.ReceivableFilter{Status: mercato.ReceivableCollected}))
	same(t, "open", []mercato.Receivable{all[1], part}, receivables(t, s, mercato.ReceivableFilter{Status: mercato.ReceivableOpen}))
}

// repeated returns n copies of id: more than one read chunk of the stores (500).
func repeated(id string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = id
	}
	return out
}

func payment(id, invoiceID, buyerID string, amount string, when time.Time) mercato.Payment {
	return mercato.Payment{ID: id, InvoiceID: invoiceID, BuyerID: buyerID, SellerID: seller, Currency: "USD",
		Amount: mercato.MustAmount(amount), Time: when, Kind: mercato.PaymentReceived}
}

func testPayments(t *testing.T, s mercato.Store) {
	p1 := payment("pay-1", "inv-1", buyer, "100", at(2*time.Hour))
	p2 := payment("pay-2", "inv-1", buyer, "6.5", at(time.Hour))
	p3 := payment("pay-3", "inv-2", buyer2, "50", at(3*time.Hour))
	p3.SellerID = seller2
	refund := payment("pay-4", "inv-1", buyer, "-10.65", at(4*time.Hour))
	refund.Kind = mercato.PaymentRefunded
	put(t, s, func(tx mercato.Tx) error { return tx.InsertPayments(p1, p2, p3, refund) })
	updateCode(t, s, "a taken payment ID", mercato.EConflict, func(tx mercato.Tx) error { return tx.InsertPayments(p1) })

	list := func(f mercato.PaymentFilter) []mercato.Payment {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]mercato.Payment, error) { return tx.ListPayments(f) })
	}
	same(t, "all", []mercato.Payment{p2, p1, p3, refund}, list(mercato.PaymentFilter{}))
	same(t, "seller", []mercato.Payment{p2, p1, refund}, list(mercato.PaymentFilter{SellerID: seller}))
	same(t, "buyer2", []mercato.Payment{p3}, list(mercato.PaymentFilter{BuyerID: buyer2}))
	same(t, "invoice", []mercato.Payment{p2, p1, refund}, list(mercato.PaymentFilter{InvoiceID: "inv-1"}))
	same(t, "[2h, 4h)", []mercato.Payment{p1, p3}, list(mercato.PaymentFilter{From: at(2 * time.Hour), To: at(4 * time.Hour)}))
}

func line(doc, invoiceID, sellerID string, c mercato.Currency, amount string, eligible time.Time) mercato.PayoutLine {
	kind := mercato.InvoiceTypeInvoice
	if doc != invoiceID {
		kind = mercato.InvoiceTypeCreditMemo
	}
	return mercato.PayoutLine{DocumentID: doc, InvoiceID: invoiceID, SellerID: sellerID, Currency: c,
		Amount: mercato.MustAmount(amount), Kind: kind, EligibleAt: eligible}
}

func pending(t *testing.T, s mercato.Store, when time.Time) []mercato.PayoutTotal {
	t.Helper()
	return read(t, s, func(tx mercato.Tx) ([]mercato.PayoutTotal, error) { return tx.PendingPayouts(when) })
}

func testPayouts(t *testing.T, s mercato.Store) {
	lines := []mercato.PayoutLine{
		line("inv-1", "inv-1", seller, "USD", "97", at(time.Hour)),
		line("cm-1", "inv-1", seller, "USD", "-10.35", at(2*time.Hour)),
		line("inv-2", "inv-2", seller, "EUR", "50", at(time.Hour)),
		line("inv-3", "inv-3", seller2, "USD", "20", at(time.Hour)),
		line("inv-4", "inv-4", seller, "USD", "30", at(10*time.Hour)), // not yet eligible at 5h
	}
	var n int
	update(t, s, func(tx mercato.Tx) error {
		var err error
		n, err = tx.InsertPayoutLines(lines...)
		return err
	})
	if n != len(lines) {
		t.Fatalf("stored %d lines, want %d", n, len(lines))
	}
	// A document's line again, even with another amount, is not stored: it is paid out once.
	again := lines[0]
	again.Amount = mercato.MustAmount("1000")
	update(t, s, func(tx mercato.Tx) error {
		var err error
		n, err = tx.InsertPayoutLines(again, line("inv-5", "inv-5", seller, "USD", "1", at(time.Hour)))
		return err
	})
	if n != 1 {
		t.Errorf("stored %d of a known and a new line, want 1", n)
	}
	same(t, "pending at 5h", []mercato.PayoutTotal{
		{SellerID: seller, Currency: "EUR", Amount: mercato.MustAmount("50"), Lines: 1},
		{SellerID: seller, Currency: "USD", Amount: mercato.MustAmount("87.65"), Lines: 3},
		{SellerID: seller2, Currency: "USD", Amount: mercato.MustAmount("20"), Lines: 1},
	}, pending(t, s, at(5*time.Hour)))

	p := mercato.Payout{ID: "pay-usd", SellerID: seller, Currency: "USD", Amount: mercato.MustAmount("87.65"), Lines: 3,
		Time: at(5 * time.Hour), BankAccount: mercato.BankAccount{Type: mercato.BankACH, Currency: "USD"}, Status: "PAID"}
	put(t, s, func(tx mercato.Tx) error { return tx.InsertPayout(p, at(5*time.Hour)) })
	updateCode(t, s, "the same payout again", mercato.EConflict, func(tx mercato.Tx) error { return tx.InsertPayout(p, at(5*time.Hour)) })
	same(t, "pending after the payout", []mercato.PayoutTotal{
		{SellerID: seller, Currency: "EUR", Amount: mercato.MustAmount("50"), Lines: 1},
		{SellerID: seller2, Currency: "USD", Amount: mercato.MustAmount("20"), Lines: 1},
	}, pending(t, s, at(5*time.Hour)))
	same(t, "payouts", []mercato.Payout{p}, read(t, s, func(tx mercato.Tx) ([]mercato.Payout, error) {
		return tx.ListPayouts(mercato.PayoutFilter{SellerID: seller})
	}))
	same(t, "no payouts in the range", []mercato.Payout(nil), read(t, s, func(tx mercato.Tx) ([]mercato.Payout, error) {
		return tx.ListPayouts(mercato.PayoutFilter{From: at(6 * time.Hour)})
	}))

	listLines := func(f mercato.PayoutLineFilter) []string {
		t.Helper()
		ls := read(t, s, func(tx mercato.Tx) ([]mercato.PayoutLine, error) { return tx.ListPayoutLines(f) })
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = l.DocumentID + ":" + l.PayoutID
		}
		return out
	}
	same(t, "lines of the payout", []string{"inv-1:pay-usd", "inv-5:pay-usd", "cm-1:pay-usd"},
		listLines(mercato.PayoutLineFilter{PayoutID: "pay-usd"}))
	same(t, "pending lines of seller", []string{"inv-2:", "inv-4:"}, listLines(mercato.PayoutLineFilter{SellerID: seller, Pending: true}))
	same(t, "lines of inv-1", []string{"inv-1:pay-usd", "cm-1:pay-usd"}, listLines(mercato.PayoutLineFilter{InvoiceID: "inv-1"}))
}

func testPayoutConflict(t *testing.T, s mercato.Store) {
	put(t, s, func(tx mercato.Tx) error {
		_, err := tx.InsertPayoutLines(line("inv-1", "inv-1", seller, "USD", "97", at(time.Hour)))
		return err
	})
	p := mercato.Payout{ID: "pay-1", SellerID: seller, Currency: "USD", Amount: mercato.MustAmount("90"), Lines: 1,
		Time: at(2 * time.Hour), BankAccount: mercato.BankAccount{Type: mercato.BankACH, Currency: "USD"}, Status: "PAID"}
	updateCode(t, s, "a payout that does not match its lines", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertPayout(p, at(2*time.Hour))
	})
	same(t, "nothing paid", []mercato.Payout(nil), read(t, s, func(tx mercato.Tx) ([]mercato.Payout, error) {
		return tx.ListPayouts(mercato.PayoutFilter{})
	}))
	same(t, "the line still pending", []mercato.PayoutTotal{{SellerID: seller, Currency: "USD", Amount: mercato.MustAmount("97"), Lines: 1}},
		pending(t, s, at(2*time.Hour)))
}

func testInvoicesIssued(t *testing.T, s mercato.Store) {
	billed(t, s)
	issued := func(f mercato.IssuedFilter) []string {
		t.Helper()
		invs := read(t, s, func(tx mercato.Tx) ([]mercato.Invoice, error) { return tx.InvoicesIssued(f) })
		out := make([]string, len(invs))
		for i, inv := range invs {
			out[i] = inv.ID
		}
		return out
	}
	same(t, "all", []string{"inv-1", "inv-2", "cm-1", "inv-3"}, issued(mercato.IssuedFilter{}))
	same(t, "seller's", []string{"inv-1", "cm-1", "inv-3"}, issued(mercato.IssuedFilter{SellerID: seller}))
	same(t, "credit memos", []string{"cm-1"}, issued(mercato.IssuedFilter{Type: mercato.InvoiceTypeCreditMemo}))
	same(t, "[30h, 50h)", []string{"inv-2", "cm-1"}, issued(mercato.IssuedFilter{From: at(30 * time.Hour), To: at(50 * time.Hour)}))
}

func testLedgerBalanceBefore(t *testing.T, s mercato.Store) {
	txn := func(id string, when time.Time, amount string) mercato.LedgerTxn {
		a := mercato.MustAmount(amount)
		return mercato.LedgerTxn{ID: id, Time: when, Kind: "payment", Ref: id, Postings: []mercato.Posting{
			{Account: mercato.LedgerCash, Currency: "USD", Amount: a},
			{Account: mercato.LedgerBuyerReceivable(buyer), Currency: "USD", Amount: -a}}}
	}
	put(t, s, func(tx mercato.Tx) error {
		return tx.InsertLedgerTxns(txn("lt-1", at(time.Hour), "10"), txn("lt-2", at(2*time.Hour), "5.5"), txn("lt-3", at(3*time.Hour), "1"))
	})
	balance := func(account string, c mercato.Currency, before time.Time) mercato.Amount {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.Amount, error) { return tx.LedgerBalanceBefore(account, c, before) })
	}
	tests := []struct {
		account string
		c       mercato.Currency
		before  time.Time
		want    string
	}{
		{mercato.LedgerCash, "USD", at(time.Hour), "0"},
		{mercato.LedgerCash, "USD", at(2*time.Hour + time.Microsecond), "15.5"},
		{mercato.LedgerBuyerReceivable(buyer), "USD", at(10 * time.Hour), "-16.5"},
		{mercato.LedgerCash, "EUR", at(10 * time.Hour), "0"},
	}
	for _, tt := range tests {
		if got := balance(tt.account, tt.c, tt.before); got != mercato.MustAmount(tt.want) {
			t.Errorf("%s %s before %s = %s, want %s", tt.account, tt.c, tt.before, got, tt.want)
		}
	}
}
