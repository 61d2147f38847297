// Package storetest is the conformance suite of mercato.Store: every store implementation runs
// it, so that they all behave alike.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"mercato"
)

// Run runs the conformance suite. open must return a new, empty store each time it is called;
// every subtest opens its own, and Run closes it when the subtest ends (open may register its
// own cleanup, such as dropping a database, which runs after the close).
func Run(t *testing.T, open func(t *testing.T) mercato.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, mercato.Store)
	}{
		{"Accounts", testAccounts},
		{"AccessKeyState", testAccessKeyState},
		{"Products", testProducts},
		{"Offers", testOffers},
		{"OfferProposals", testOfferProposals},
		{"NotFound", testNotFound},
		{"Agreements", testAgreements},
		{"ListAgreements", testListAgreements},
		{"ListAgreementsMonthly", testListAgreementsMonthly},
		{"Charges", testCharges},
		{"Invoices", testInvoices},
		{"ListInvoicesByID", testListInvoicesByID},
		{"LockInvoices", testLockInvoices},
		{"ConcurrentLockInvoices", testConcurrentLockInvoices},
		{"RefundBesideLock", testRefundBesideLock},
		{"InvoiceRefund", testInvoiceRefund},
		{"InvoiceRefunds", testInvoiceRefunds},
		{"InvoiceCredit", testInvoiceCredit},
		{"ConcurrentRefunds", testConcurrentRefunds},
		{"Ledger", testLedger},
		{"Usage", testUsage},
		{"UsageTotals", testUsageTotals},
		{"Jobs", testJobs},
		{"PutJobsKnownAndNew", testPutJobsKnownAndNew},
		{"ClaimJobs", testClaimJobs},
		{"FinishJob", testFinishJob},
		{"ExtendJobLeases", testExtendJobLeases},
		{"ClaimJobsLeaseTime", testClaimJobsLeaseTime},
		{"ClaimJobsInRunOrder", testClaimJobsInRunOrder},
		{"Idempotency", testIdempotency},
		{"Audit", testAudit},
		{"Events", testEvents},
		{"Settings", testSettings},
		{"Adjustments", testAdjustments},
		{"ListAdjustments", testListAdjustments},
		{"AdjustmentsByToken", testAdjustmentsByToken},
		{"SetAdjustmentStatus", testSetAdjustmentStatus},
		{"CancellationRequests", testCancellationRequests},
		{"ListCancellationRequests", testListCancellationRequests},
		{"PaymentRequests", testPaymentRequests},
		{"ListPaymentRequests", testListPaymentRequests},
		{"AgreementRequests", testAgreementRequests},
		{"RefundCases", testRefundCases},
		{"RequestConflictsKeepTxUsable", testRequestConflictsKeepTxUsable},
		{"Rollback", func(t *testing.T, s mercato.Store) { testRollback(t, s, s.Update) }},
		{"RollbackRows", func(t *testing.T, s mercato.Store) { testRollback(t, s, s.UpdateRows) }},
		{"UpdateRows", testUpdateRows},
		{"RollbackOnPanic", func(t *testing.T, s mercato.Store) { testRollbackOnPanic(t, s, s.Update) }},
		{"RollbackRowsOnPanic", func(t *testing.T, s mercato.Store) { testRollbackOnPanic(t, s, s.UpdateRows) }},
		{"ConflictKeepsTxUsable", testConflictKeepsTxUsable},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"PrivateMarketplaces", testPrivateMarketplaces},
		{"ResaleAuthorizations", testResaleAuthorizations},
		{"LockResaleAuthorization", testLockResaleAuthorization},
	}
	tests = append(tests, revenueTests...)
	tests = append(tests, pageTests...)
	tests = append(tests, catalogTests...)
	tests = append(tests, deliveryTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close store: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// t0 is the start of the business time of every test; times carry microseconds to check that
// they survive storage.
var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// at returns t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

const (
	seller  = "111111111111"
	seller2 = "222222222222"
	buyer   = "333333333333"
	buyer2  = "444444444444"
)

// update runs fn in a read-write transaction and fails the test on error.
func update(t *testing.T, s mercato.Store, fn func(mercato.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read-only transaction and fails the test on error.
func view(t *testing.T, s mercato.Store, fn func(mercato.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// read runs get in a read-only transaction and returns its result.
func read[T any](t *testing.T, s mercato.Store, get func(mercato.Tx) (T, error)) T {
	t.Helper()
	var v T
	view(t, s, func(tx mercato.Tx) error {
		var err error
		v, err = get(tx)
		return err
	})
	return v
}

// put runs each write in one read-write transaction.
func put(t *testing.T, s mercato.Store, writes ...func(mercato.Tx) error) {
	t.Helper()
	update(t, s, func(tx mercato.Tx) error {
		for _, w := range writes {
			if err := w(tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// wantCode fails the test unless err has the code.
func wantCode(t *testing.T, what string, err error, code mercato.ErrorCode) {
	t.Helper()
	if got := mercato.ErrorCodeOf(err); got != code {
		t.Fatalf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
}

// updateCode runs fn in a read-write transaction and fails the test unless it returns an
// error with the code.
func updateCode(t *testing.T, s mercato.Store, what string, code mercato.ErrorCode, fn func(mercato.Tx) error) {
	t.Helper()
	wantCode(t, what, s.Update(context.Background(), fn), code)
}

// viewCode runs fn in a read-only transaction and fails the test unless it returns an error
// with the code.
func viewCode(t *testing.T, s mercato.Store, what string, code mercato.ErrorCode, fn func(mercato.Tx) error) {
	t.Helper()
	wantCode(t, what, s.View(context.Background(), fn), code)
}

// same reports a difference between want and got as a test error. A nil and an empty slice or
// map are the same.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}
