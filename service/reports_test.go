package service_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"mercato"
	"mercato/scenario"
	"mercato/service"
)

// demo returns a sandbox with the demo scenario applied, at its clock (2026-01-01).
func demo(t *testing.T) *env {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.apply(sc)
	return e
}

const (
	demoSeller   = "111122223333"
	demoBuyer    = "444455556666" // Buyer Corp, US-WA
	demoBeispiel = "777788889999" // Beispiel GmbH, DE
)

// TestDemoYearReconciles runs the demo marketplace for a year with metered usage, a late payer,
// and refunds before and after the invoices they refund were disbursed, and checks that every
// seller's books reconcile to the cent, over the year and over a quarter.
func TestDemoYearReconciles(t *testing.T) {
	e := demo(t)
	e.behave(demoBeispiel, mercato.PaymentBehavior{Mode: mercato.PayLate, Days: 5})
	// Usage every month: 1234 API calls at noon on the 20th.
	meter := func(month time.Month) {
		at := time.Date(2026, month, 20, 12, 0, 0, 0, time.UTC)
		e.advanceTo(at)
		res, err := e.svc.BatchMeterUsage(e.ctx, demoSeller, "prod-acme-analytics",
			[]service.UsageRecordInput{{CustomerAccountID: demoBeispiel, Dimension: "api_calls", Timestamp: at, Quantity: 1234}})
		if err != nil || res[0].Status != service.MeterSuccess {
			t.Fatalf("metering %s: %+v, %v", month, res, err)
		}
	}
	meter(time.January)
	public, err := e.svc.Agreement(e.ctx, "agmt-demo-public")
	if err != nil {
		t.Fatal(err)
	}
	private, _ := e.svc.Agreement(e.ctx, "agmt-demo-private")
	// Refund before disbursement: January's invoice (issued Feb 2, paid Feb 7, disbursed Feb 10)
	// refunded in part on Feb 3.
	e.advanceTo(day(2026, 2, 3))
	e.refund(public, e.invoiceWithKey(public.ID, "period:2026-01"), "20.00", "demo-before")
	meter(time.February)
	// Refund after disbursement: 300.00 of the first installment (disbursed Feb 10), on Mar 1.
	e.advanceTo(day(2026, 3, 1))
	e.refund(private, e.installment(private.ID, 1), "300.00", "demo-after")
	for m := time.March; m <= time.December; m++ {
		meter(m)
		if m == time.May {
			// The whole of the trial's April invoice, after its disbursement on May 10.
			trial, _ := e.svc.Agreement(e.ctx, "agmt-demo-trial")
			apr := e.invoiceWithKey(trial.ID, "period:2026-04")
			e.refund(trial, apr, apr.PreTax.String(), "demo-trial")
		}
	}
	e.advanceTo(day(2027, 1, 1))

	year, err := e.svc.Reconcile(e.ctx, service.ReportQuery{To: day(2027, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(year) != 1 || year[0].SellerID != demoSeller {
		t.Fatalf("reconciliations = %+v, want the demo seller's in USD", year)
	}
	r := year[0]
	if !r.Balanced() || r.Disbursed <= 0 || r.Refunds != amt("20")+amt("300")+amt("25") {
		t.Errorf("the year: %+v", r)
	}
	// November's invoices (issued Dec 2, paid by Dec 7) were disbursed on Dec 10; December's
	// are issued on Jan 2, after the year.
	if r.Closing != 0 || r.Pending != 0 || r.Uncollected != 0 {
		t.Errorf("the year's closing balance: %+v", r)
	}
	// The refund after disbursement left the seller owing the marketplace on Mar 10 (February's
	// proceeds did not cover it): the second quarter opens with a negative balance, which the
	// April installment recovers.
	quarter, err := e.svc.Reconcile(e.ctx, service.ReportQuery{SellerID: demoSeller, From: day(2026, 4, 1), To: day(2026, 7, 1)})
	if err != nil || len(quarter) != 1 || !quarter[0].Balanced() || quarter[0].Opening >= 0 || quarter[0].Disbursed <= 0 {
		t.Errorf("the second quarter: %+v, %v", quarter, err)
	}

	// The refund after disbursement is a negative line of the next disbursement with lines.
	payouts, err := e.svc.Disbursements(e.ctx, service.ReportQuery{SellerID: demoSeller})
	if err != nil {
		t.Fatal(err)
	}
	negative := 0
	var total mercato.Amount
	for _, p := range payouts {
		total += p.Amount
		for _, l := range p.LineItems {
			if l.Amount < 0 {
				negative++
			}
		}
	}
	if negative != 3 || total != r.Disbursed {
		t.Errorf("%d negative lines (want 3), %s disbursed (the reconciliation says %s)", negative, total, r.Disbursed)
	}
	billed, err := e.svc.BilledRevenue(e.ctx, service.ReportQuery{SellerID: demoSeller, To: day(2027, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var gross, refunds, net mercato.Amount
	for _, l := range billed {
		gross += l.Gross
		refunds += l.Refunds
		net += l.Net
	}
	if gross != r.Invoiced || refunds != r.Refunds || net != r.Invoiced-r.Refunds-r.Fees {
		t.Errorf("billed: gross %s refunds %s net %s; reconciliation %+v", gross, refunds, net, r)
	}
	collections, err := e.svc.Collections(e.ctx, service.ReportQuery{SellerID: demoSeller})
	if err != nil || len(collections) == 0 {
		t.Errorf("collections: %d, %v", len(collections), err)
	}
}
