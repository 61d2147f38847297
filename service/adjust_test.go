package service_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// paidInstallment returns the private agreement of buyer with its first installment invoiced
// (1200.00 pre-tax, 78.00 tax, 36.00 fee).
func paidInstallment(e *env) (mercato.Agreement, mercato.Invoice) {
	e.t.Helper()
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-private", buyer)
	e.advanceTo(day(2026, 1, 15))
	inv := e.invoices(a.ID)
	if len(inv) != 1 {
		e.t.Fatalf("%d invoices", len(inv))
	}
	return a, inv[0]
}

func entry(a mercato.Agreement, inv mercato.Invoice, amount, token string) service.AdjustmentEntry {
	return service.AdjustmentEntry{AgreementID: a.ID, OriginalInvoiceID: inv.ID, Amount: amt(amount), Currency: "USD",
		ReasonCode: "BUYER_DISSATISFACTION", ClientToken: token}
}

func TestPartialThenFullAdjustment(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "200.00", "t1")})
	if err != nil || len(res.Items) != 1 || len(res.Errors) != 0 {
		t.Fatalf("partial: %+v, %v", res, err)
	}
	ba, err := e.svc.Adjustment(e.ctx, seller, a.ID, res.Items[0].ID)
	if err != nil || ba.Status != mercato.AdjustmentPending || !strings.HasPrefix(ba.ID, "ba-") {
		t.Fatalf("adjustment = %+v, %v", ba, err)
	}
	// the remaining amount shrinks at once, before processing
	if got := e.invoices(a.ID)[0].MaxAdjustment(); got != amt("1000") {
		t.Errorf("max adjustment after the partial = %s, want 1000.00", got)
	}
	e.advanceTo(e.svc.Now()) // process pending work without moving time
	ba, _ = e.svc.Adjustment(e.ctx, seller, a.ID, ba.ID)
	if ba.Status != mercato.AdjustmentCompleted || ba.CreditMemoID == "" {
		t.Fatalf("after processing: %+v", ba)
	}
	res, err = e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "1000.00", "t2")})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("full: %+v, %v", res, err)
	}
	e.advanceTo(e.svc.Now())
	var memos []mercato.Invoice
	for _, i := range e.invoices(a.ID) {
		if i.Type == mercato.InvoiceTypeCreditMemo {
			memos = append(memos, i)
		}
	}
	if len(memos) != 2 {
		t.Fatalf("%d credit memos", len(memos))
	}
	// 200.00 of 1200.00 reverses 13.00 of the 78.00 tax and 6.00 of the 36.00 fee; the last
	// memo takes exactly the rest
	if memos[0].PreTax != amt("200") || memos[0].Tax != amt("13") || memos[0].ListingFee != amt("6") ||
		memos[1].PreTax != amt("1000") || memos[1].Tax != amt("65") || memos[1].ListingFee != amt("30") {
		t.Errorf("memos: %s/%s/%s and %s/%s/%s", memos[0].PreTax, memos[0].Tax, memos[0].ListingFee,
			memos[1].PreTax, memos[1].Tax, memos[1].ListingFee)
	}
	bal, err := e.svc.LedgerBalance(e.ctx, mercato.LedgerBuyerReceivable(buyer), "USD")
	if err != nil || bal != 0 {
		t.Errorf("buyer owes %s after a full refund (%v)", bal, err)
	}
	// nothing remains to refund
	res, _ = e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "0.01", "t3")})
	if len(res.Errors) != 1 || res.Errors[0].Code != "VALIDATION_EXCEPTION" {
		t.Errorf("refund beyond the invoice: %+v", res)
	}
	events, _ := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: buyer})
	var completed int
	for _, ev := range events {
		if ev.DetailType == "Purchase Agreement Billing Adjustment Completed - Acceptor" {
			completed++
		}
	}
	if completed != 2 {
		t.Errorf("buyer got %d completion events, want 2", completed)
	}
}

func TestAdjustmentBatchRules(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	other := e.accept("offer-public", buyer2)
	six := make([]service.AdjustmentEntry, 6)
	for i := range six {
		six[i] = entry(a, inv, "1", "six"+string(rune('a'+i)))
	}
	tests := []struct {
		name    string
		caller  string
		entries []service.AdjustmentEntry
		code    mercato.ErrorCode
		reason  string
	}{
		{"a sixth entry", seller, six, mercato.EInvalid, "BILLING_ADJUSTMENTS_LIMIT_EXCEEDED"},
		{"two agreements", seller, []service.AdjustmentEntry{entry(a, inv, "1", "m1"), entry(other, inv, "1", "m2")}, mercato.EInvalid, "MULTIPLE_AGREEMENT_IDS"},
		{"no entries", seller, nil, mercato.EInvalid, "MISSING_BILLING_ADJUSTMENTS"},
		{"the buyer", buyer, []service.AdjustmentEntry{entry(a, inv, "1", "b1")}, mercato.EForbidden, "INVALID_ACCESS"},
		{"a stranger", buyer2, []service.AdjustmentEntry{entry(a, inv, "1", "s1")}, mercato.ENotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CreateAdjustments(e.ctx, tt.caller, tt.entries)
			if got := errorOf(t, err, tt.code); got.Reason != tt.reason {
				t.Errorf("reason = %q, want %q", got.Reason, tt.reason)
			}
		})
	}
	if got := e.invoices(a.ID)[0].MaxAdjustment(); got != amt("1200") {
		t.Errorf("refused batches reserved money: max adjustment %s", got)
	}
}

func TestAdjustmentEntryErrorsBesideItems(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	eur := entry(a, inv, "5", "eur")
	eur.Currency = "EUR"
	unknown := entry(a, inv, "5", "unknown")
	unknown.OriginalInvoiceID = "inv-nope"
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{
		entry(a, inv, "100", "ok"), eur, unknown, entry(a, inv, "1100.01", "over"), entry(a, inv, "1100", "rest"),
	})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, er := range res.Errors {
		codes[er.ClientToken] = er.Code
	}
	want := map[string]string{"eur": "VALIDATION_EXCEPTION", "unknown": "RESOURCE_NOT_FOUND_EXCEPTION", "over": "VALIDATION_EXCEPTION"}
	if len(res.Items) != 2 || len(codes) != 3 {
		t.Fatalf("items %+v errors %+v", res.Items, res.Errors)
	}
	for tok, code := range want {
		if codes[tok] != code {
			t.Errorf("%s: %q, want %q", tok, codes[tok], code)
		}
	}
	// replaying a token returns the same request; reusing it for other values is a conflict
	again, _ := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "100", "ok"), entry(a, inv, "7", "rest")})
	if len(again.Items) != 1 || again.Items[0].ID != res.Items[0].ID || len(again.Errors) != 1 || again.Errors[0].Code != "CONFLICT_EXCEPTION" {
		t.Errorf("replay: %+v", again)
	}
}

// TestConcurrentAdjustmentsNeverOverRefund races many refunds of one invoice.
func TestConcurrentAdjustmentsNeverOverRefund(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var accepted mercato.Amount
	var items, refused int
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "50.00", "c"+string(rune('A'+i)))})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			items += len(res.Items)
			refused += len(res.Errors)
			accepted += mercato.Amount(len(res.Items)) * amt("50")
		}(i)
	}
	wg.Wait()
	if items != 24 || refused != 16 || accepted != amt("1200") {
		t.Errorf("%d accepted (%s), %d refused; want 24 (1200.00) and 16", items, accepted, refused)
	}
	e.advanceTo(e.svc.Now())
	var refunded mercato.Amount
	for _, i := range e.invoices(a.ID) {
		if i.Type == mercato.InvoiceTypeCreditMemo {
			refunded += i.PreTax
		}
	}
	if refunded != amt("1200") {
		t.Errorf("credit memos total %s, want 1200.00", refunded)
	}
}

// TestProductionCompletesAdjustmentsAtOnce checks that in production mode an accepted adjustment
// is completed without waiting for the scheduler's next tick: acceptance wakes it.
func TestProductionCompletesAdjustmentsAtOnce(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	prod := service.New(e.store, mercato.RealClock{})
	ctx, cancel := context.WithCancel(e.ctx)
	stopped := make(chan struct{})
	go func() { prod.RunJobs(ctx, time.Hour); close(stopped) }() // a tick that never comes in the test
	t.Cleanup(func() { cancel(); <-stopped })
	// The scheduler's first run, at its start, invoices the installments due since the sandbox's
	// January: once it has, it runs nothing more until woken.
	for deadline := time.Now().Add(30 * time.Second); len(e.invoices(a.ID)) < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler's first run did not invoice the installments due")
		}
	}
	res, err := prod.CreateAdjustments(ctx, seller, []service.AdjustmentEntry{entry(a, inv, "200.00", "t1")})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("adjustment: %+v, %v", res, err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ba, err := prod.Adjustment(ctx, seller, a.ID, res.Items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if ba.Status == mercato.AdjustmentCompleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("adjustment still %s after 30 s: the scheduler waited for its tick", ba.Status)
		}
	}
}
