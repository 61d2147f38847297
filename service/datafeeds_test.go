package service_test

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/datafeed"
	"mercato/service"
)

// feedYear runs the demo marketplace from January to 5 December 2026: metered usage every
// month, a buyer paying late, refunds after the invoices they refund were disbursed, and
// November's invoices (issued on 2 December) not yet disbursed, so that the seller is owed
// something at the end.
func feedYear(t *testing.T) *env {
	e := demo(t)
	e.behave(demoBeispiel, mercato.PaymentBehavior{Mode: mercato.PayLate, Days: 5})
	for m := time.January; m <= time.November; m++ {
		at := time.Date(2026, m, 10, 12, 0, 0, 0, time.UTC)
		e.advanceTo(at)
		res, err := e.svc.BatchMeterUsage(e.ctx, demoSeller, "prod-acme-analytics",
			[]service.UsageRecordInput{{CustomerAccountID: demoBeispiel, Dimension: "api_calls", Timestamp: at, Quantity: 1000 + int64(m)}})
		if err != nil || res[0].Status != service.MeterSuccess {
			t.Fatalf("metering %s: %+v, %v", m, res, err)
		}
		switch m {
		case time.February:
			public, _ := e.svc.Agreement(e.ctx, "agmt-demo-public")
			e.refund(public, e.invoiceWithKey(public.ID, "period:2026-01"), "20.00", "feed-jan")
		case time.March:
			private, _ := e.svc.Agreement(e.ctx, "agmt-demo-private")
			e.refund(private, e.installment(private.ID, 1), "300.00", "feed-inst")
		case time.June:
			public, _ := e.svc.Agreement(e.ctx, "agmt-demo-public")
			may := e.invoiceWithKey(public.ID, "period:2026-05")
			e.refund(public, may, may.PreTax.String(), "feed-may") // the whole of it, tax and fee returned
		}
	}
	e.advanceTo(day(2026, 12, 5))
	return e
}

// TestFeedsReproduceTheReports exports a simulated year as AWS's seller data feeds, loads the
// CSV files into SQLite, computes the billed revenue and the collections and disbursements the
// way AWS's published queries over those feeds do (billing events categorized by transaction
// type, INVOICED rows against the DISBURSED rows that point at a DISBURSEMENT event, grouped by
// the buyer's line item), and checks them against mercato's own reports, to the unit: per
// invoice, per disbursement and per disbursement line, and the amount not yet disbursed
// against the reconciliation's closing balance.
func TestFeedsReproduceTheReports(t *testing.T) {
	e := feedYear(t)
	feeds, err := e.svc.SellerFeeds(e.ctx, demoSeller)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := datafeed.WriteDir(dir, feeds); err != nil {
		t.Fatal(err)
	}
	db := loadFeeds(t, dir)

	billed, err := e.svc.BilledRevenue(e.ctx, service.ReportQuery{SellerID: demoSeller})
	if err != nil {
		t.Fatal(err)
	}
	awsBilled := queryBilled(t, db)
	if len(billed) < 20 || len(awsBilled) != len(billed) {
		t.Fatalf("%d invoices in the feeds' billed revenue, %d in mercato's", len(awsBilled), len(billed))
	}
	var refunds, tax mercato.Amount
	for _, l := range billed {
		want := billedFigures{Gross: l.Gross, Refunds: -l.Refunds, Fee: -l.ListingFee, FeeRefund: l.RefundedFee,
			Tax: l.Tax, TaxRefund: -l.RefundedTax, Net: l.Net}
		if got := awsBilled[l.InvoiceID]; got != want {
			t.Errorf("invoice %s: the feeds give %+v, mercato %+v", l.InvoiceID, got, want)
		}
		refunds += l.Refunds
		tax += l.Tax
	}
	if refunds == 0 || tax == 0 {
		t.Errorf("the year has refunds %s and tax %s: the test proves too little", refunds, tax)
	}

	payouts, err := e.svc.Disbursements(e.ctx, service.ReportQuery{SellerID: demoSeller})
	if err != nil {
		t.Fatal(err)
	}
	byPayout, byLine := queryDisbursed(t, db)
	if len(payouts) < 8 || len(byPayout) != len(payouts) {
		t.Fatalf("%d disbursements in the feeds, %d in mercato's report", len(byPayout), len(payouts))
	}
	lines := 0
	for _, p := range payouts {
		if byPayout[p.ID] != p.Amount {
			t.Errorf("disbursement %s: the feeds give %s, mercato %s", p.ID, byPayout[p.ID], p.Amount)
		}
		perInvoice := map[string]mercato.Amount{}
		for _, l := range p.LineItems {
			perInvoice[l.InvoiceID] += l.Amount
		}
		for inv, a := range perInvoice {
			lines++
			if got := byLine[p.ID+"/"+inv]; got != a {
				t.Errorf("disbursement %s, invoice %s: the feeds give %s, mercato %s", p.ID, inv, got, a)
			}
		}
	}
	if lines != len(byLine) {
		t.Errorf("the feeds have %d disbursement lines, mercato %d", len(byLine), lines)
	}

	rec, err := e.svc.Reconcile(e.ctx, service.ReportQuery{SellerID: demoSeller})
	if err != nil || len(rec) != 1 {
		t.Fatalf("reconciliation: %+v %v", rec, err)
	}
	uncollected := queryUncollected(t, db)
	if rec[0].Closing == 0 || uncollected != rec[0].Closing {
		t.Errorf("not yet disbursed: the feeds give %s, mercato's closing balance is %s", uncollected, rec[0].Closing)
	}
}

// loadFeeds loads each NAME.csv of dir into a table NAMEfeed_v1 (as AWS's queries name them,
// with the underscore dropped) of a new SQLite database. Every column is text, as in AWS's
// feeds, except amounts, which are loaded as integers of 10^-8 units, exact where SQLite's
// decimals would be floats (AWS's queries cast them to decimal(38,6)).
func loadFeeds(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "feeds.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, name := range datafeed.Names {
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		loadTable(t, db, strings.ReplaceAll(name, "_", "")+"feed_v1", records[0], records[1:])
	}
	return db
}

func loadTable(t *testing.T, db *sql.DB, table string, header []string, rows [][]string) {
	t.Helper()
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = h + " TEXT"
		if h == "amount" || h == "tax_amount" {
			cols[i] = h + " INTEGER"
		}
	}
	if _, err := db.Exec(fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(cols, ", "))); err != nil {
		t.Fatal(err)
	}
	insert := fmt.Sprintf("INSERT INTO %s VALUES (%s)", table, strings.TrimSuffix(strings.Repeat("?, ", len(header)), ", "))
	for _, r := range rows {
		args := make([]any, len(r))
		for i, v := range r {
			args[i] = v
			if header[i] == "amount" || header[i] == "tax_amount" {
				a, err := mercato.ParseAmount(v)
				if err != nil {
					t.Fatalf("%s.%s %q: %v", table, header[i], v, err)
				}
				args[i] = int64(a)
			}
		}
		if _, err := db.Exec(insert, args...); err != nil {
			t.Fatal(err)
		}
	}
}

// billingEvents is AWS's billed-revenue and collections-and-disbursements queries' first
// steps over the billing_event feed, in SQLite: the rows not deleted, each with the
// disbursement it belongs to ('<invoiced>' for invoiced amounts), its buyer line item, and its
// amount categorized by transaction type.
const billingEvents = `
WITH be AS (
  SELECT * FROM billingeventfeed_v1 WHERE delete_date IS NULL OR delete_date = ''
),
flagged AS (
  SELECT bl.*,
    COALESCE(d.billing_event_id, '<invoiced>') AS disbursement_id_or_invoiced,
    bl.buyer_transaction_reference_id || '-' || COALESCE(bl.agreement_id, ' ') || '-' ||
      COALESCE(bl.end_user_account_id, ' ') || '-' || COALESCE(bl.usage_period_start_date, ' ') || '-' ||
      COALESCE(bl.usage_period_end_date, ' ') AS internal_buyer_line_item_id,
    bl.buyer_transaction_reference_id <> bl.transaction_reference_id AS is_seller_invoice
  FROM be bl
  LEFT JOIN be d ON d.action = 'DISBURSED' AND d.transaction_type IN ('DISBURSEMENT', 'DISBURSEMENT_FAILURE')
    AND bl.disbursement_billing_event_id = d.billing_event_id
  WHERE bl.transaction_type NOT LIKE 'DISBURSEMENT%'
),
categorized AS (
  SELECT internal_buyer_line_item_id, disbursement_id_or_invoiced, buyer_transaction_reference_id,
    CASE WHEN is_seller_invoice THEN NULL ELSE invoice_id END AS buyer_invoice_id,
    CASE WHEN transaction_type = 'SELLER_REV_SHARE' THEN amount ELSE 0 END AS gross_revenue,
    CASE WHEN transaction_type IN ('SELLER_REV_SHARE_REFUND', 'SELLER_REV_SHARE_CREDIT') THEN amount ELSE 0 END AS gross_refund,
    CASE WHEN transaction_type = 'AWS_REV_SHARE' THEN amount ELSE 0 END AS aws_rev_share,
    CASE WHEN transaction_type IN ('AWS_REV_SHARE_REFUND', 'AWS_REV_SHARE_CREDIT') THEN amount ELSE 0 END AS aws_refund_share,
    CASE WHEN transaction_type = 'AWS_TAX_SHARE' AND NOT is_seller_invoice THEN amount ELSE 0 END AS aws_tax_share,
    CASE WHEN transaction_type = 'AWS_TAX_SHARE_REFUND' AND NOT is_seller_invoice THEN amount ELSE 0 END AS aws_tax_share_refund,
    CASE WHEN transaction_type = 'SELLER_TAX_SHARE' THEN amount ELSE 0 END AS seller_tax_share,
    CASE WHEN transaction_type = 'SELLER_TAX_SHARE_REFUND' THEN amount ELSE 0 END AS seller_tax_share_refund
  FROM flagged
)`

// billedFigures are one invoice's amounts as AWS's billed-revenue report has them (refunds and
// the listing fee negative, as in the feeds).
type billedFigures struct {
	Gross, Refunds, Fee, FeeRefund, Tax, TaxRefund, Net mercato.Amount
}

// queryBilled computes the billed revenue of each buyer invoice from the invoiced amounts, as
// AWS's billed-revenue report does (seller net revenue = gross revenue + refunds + listing fee
// + listing fee refunded + seller tax shares).
func queryBilled(t *testing.T, db *sql.DB) map[string]billedFigures {
	t.Helper()
	rows, err := db.Query(billingEvents + `
SELECT MAX(buyer_invoice_id) AS invoice, SUM(gross_revenue), SUM(gross_refund), SUM(aws_rev_share), SUM(aws_refund_share),
  SUM(aws_tax_share), SUM(aws_tax_share_refund),
  SUM(gross_revenue + gross_refund + aws_rev_share + aws_refund_share + seller_tax_share + seller_tax_share_refund)
FROM categorized
WHERE disbursement_id_or_invoiced = '<invoiced>'
GROUP BY internal_buyer_line_item_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]billedFigures{}
	for rows.Next() {
		var inv string
		var f billedFigures
		if err := rows.Scan(&inv, &f.Gross, &f.Refunds, &f.Fee, &f.FeeRefund, &f.Tax, &f.TaxRefund, &f.Net); err != nil {
			t.Fatal(err)
		}
		out[inv] = f
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// queryDisbursed computes what each disbursement paid, in total and per buyer invoice, as AWS's
// collections-and-disbursements report does: the seller's net revenue of the rows of that
// disbursement, whose amounts reverse the invoiced ones (so the payout is its negative).
func queryDisbursed(t *testing.T, db *sql.DB) (byPayout, byLine map[string]mercato.Amount) {
	t.Helper()
	rows, err := db.Query(billingEvents + `
SELECT d.bank_trace_id, c.buyer_transaction_reference_id,
  -SUM(c.gross_revenue + c.gross_refund + c.aws_rev_share + c.aws_refund_share + c.seller_tax_share + c.seller_tax_share_refund)
FROM categorized c JOIN billingeventfeed_v1 d ON d.billing_event_id = c.disbursement_id_or_invoiced
WHERE c.disbursement_id_or_invoiced <> '<invoiced>'
GROUP BY c.disbursement_id_or_invoiced, c.internal_buyer_line_item_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byPayout, byLine = map[string]mercato.Amount{}, map[string]mercato.Amount{}
	for rows.Next() {
		var payout, inv string
		var a mercato.Amount
		if err := rows.Scan(&payout, &inv, &a); err != nil {
			t.Fatal(err)
		}
		byPayout[payout] += a
		byLine[payout+"/"+inv] += a
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The DISBURSEMENT events say the same of each disbursement as the rows that point at them.
	var mismatched int
	err = db.QueryRow(`SELECT COUNT(*) FROM billingeventfeed_v1 d WHERE d.transaction_type = 'DISBURSEMENT'
		AND -d.amount <> (SELECT COALESCE(-SUM(amount), 0) FROM billingeventfeed_v1 r
			WHERE r.disbursement_billing_event_id = d.billing_event_id AND r.balance_impacting = '1')`).Scan(&mismatched)
	if err != nil || mismatched != 0 {
		t.Errorf("%d DISBURSEMENT events differ from the rows they disburse (%v)", mismatched, err)
	}
	return byPayout, byLine
}

// queryUncollected computes what the seller is owed and not yet paid: the seller net revenue
// invoiced plus that disbursed (negative), summed over every line item, as AWS's report's
// uncollected_seller_net_revenue.
func queryUncollected(t *testing.T, db *sql.DB) mercato.Amount {
	t.Helper()
	var a mercato.Amount
	err := db.QueryRow(billingEvents + `
SELECT COALESCE(SUM(gross_revenue + gross_refund + aws_rev_share + aws_refund_share + seller_tax_share + seller_tax_share_refund), 0)
FROM categorized`).Scan(&a)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
