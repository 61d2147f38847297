package service_test

import (
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// buyerCancel cancels through the Agreement API's operation and fails the test on an error.
func buyerCancel(e *env, id string) mercato.Agreement {
	e.t.Helper()
	a, err := e.svc.BuyerCancelAgreement(e.ctx, buyer, id)
	if err != nil {
		e.t.Fatalf("cancel %s: %v", id, err)
	}
	return a
}

// refundCaseOf returns the only refund case of the buyer's agreement.
func refundCaseOf(e *env, agreementID string) mercato.RefundCase {
	e.t.Helper()
	cases, _, err := e.svc.RefundCases(e.ctx, buyer, service.RequestQuery{Party: service.Acceptor, AgreementID: agreementID})
	if err != nil || len(cases) != 1 {
		e.t.Fatalf("refund cases of %s: %+v, %v", agreementID, cases, err)
	}
	return cases[0]
}

func TestBuyerCancelsAContractWithin48Hours(t *testing.T) {
	e := newEnv(t)
	policyMarket(e)
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-annual", buyer)
	e.advanceTo(day(2026, 1, 11))
	if got := buyerCancel(e, a.ID); got.Status != mercato.AgreementCancelled {
		t.Fatalf("agreement %s", got.Status)
	}
	if got := refunded(e, a.ID); got != amt("1200") {
		t.Errorf("refunded %s, want the whole 1200.00", got)
	}
	if c := refundCaseOf(e, a.ID); c.Status != mercato.RefundCompleted || c.Rule != "CANCELLATION_WITHIN_48_HOURS" || !c.Cancelled {
		t.Errorf("the rule is not recorded: %+v", c)
	}
}

func TestBuyerCancelsPayAsYouGoWithin48Hours(t *testing.T) {
	e := newEnv(t)
	policyMarket(e)
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-tier-50", buyer)
	e.advanceTo(day(2026, 1, 11))
	buyerCancel(e, a.ID)
	e.advanceTo(day(2026, 2, 3))
	for _, inv := range e.invoices(a.ID) {
		if inv.Type == mercato.InvoiceTypeInvoice && inv.PreTax-inv.Credited != 0 {
			t.Errorf("invoice %s charges %s for a cancellation within 48 hours", inv.ID, inv.PreTax-inv.Credited)
		}
	}
	if c := refundCaseOf(e, a.ID); c.Rule != "CANCELLATION_WITHIN_48_HOURS" {
		t.Errorf("case %+v", c)
	}
}

func TestBuyerCancelsAContractAfter48Hours(t *testing.T) {
	e := newEnv(t)
	policyMarket(e)
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-annual", buyer)
	e.advanceTo(day(2026, 1, 12).Add(time.Minute))
	_, err := e.svc.BuyerCancelAgreement(e.ctx, buyer, a.ID)
	errorOf(t, err, mercato.EConflict)
	// A private contract is the seller's to cancel even within 48 hours.
	p := e.accept("offer-private", buyer)
	_, err = e.svc.BuyerCancelAgreement(e.ctx, buyer, p.ID)
	errorOf(t, err, mercato.EConflict)
}
