package console

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"mercato"
	"mercato/datafeed"
	"mercato/service"
)

// Downloads of the seller's reports page: each table as CSV, and the data feeds.
//
//	GET /console/seller/reports/reconciliation.csv?year=Y  the page's reconciliation table
//	GET /console/seller/reports/billed.csv?year=Y          the invoices of the year, one line each
//	GET /console/seller/reports/collections.csv?year=Y     the buyers' payments of the year
//	GET /console/seller/reports/disbursements.csv?year=Y   the year's disbursements, each with its lines
//	GET /console/seller/reports/feeds.zip                  AWS Marketplace's seller data feeds
func (c *Console) downloadRoutes(m *http.ServeMux, seller func(pageHandler) http.HandlerFunc) {
	m.HandleFunc("GET /console/seller/reports/reconciliation.csv", seller(c.reconciliationCSV))
	m.HandleFunc("GET /console/seller/reports/{report}", seller(c.reportCSV))
}

// csvTable is a table to download: a header and rows of text.
type csvTable struct {
	header []string
	rows   [][]string
}

// sendCSV answers with the table as a CSV attachment named name. It is written to memory
// first, so that a failure is an error page rather than half a file.
func sendCSV(w http.ResponseWriter, name string, t csvTable) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(t.header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

// reconciliationCSV downloads the reports page's reconciliation table, a row per month and
// currency, with the same figures.
func (c *Console) reconciliationCSV(w http.ResponseWriter, r *http.Request, u *user) {
	v, err := c.yearReports(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	t := csvTable{header: []string{"month", "currency", "billed", "paid_out", "opening", "invoiced", "refunds", "fees",
		"disbursed", "closing", "pending", "uncollected", "difference"}}
	for _, m := range v.Months {
		month := m.Month.Format("2006-01")
		if len(m.Reconcile) == 0 {
			t.rows = append(t.rows, []string{month, string(v.Currency), m.Billed.String(), m.Payouts.String(),
				"", "", "", "", "", "", "", "", ""})
		}
		for _, rc := range m.Reconcile {
			t.rows = append(t.rows, []string{month, string(rc.Currency), m.Billed.String(), m.Payouts.String(),
				rc.Opening.String(), rc.Invoiced.String(), rc.Refunds.String(), rc.Fees.String(), rc.Disbursed.String(),
				rc.Closing.String(), rc.Pending.String(), rc.Uncollected.String(), rc.Difference.String()})
		}
	}
	c.sendOrFail(w, r, u, fmt.Sprintf("reconciliation-%d.csv", v.Year), t)
}

func (c *Console) sendOrFail(w http.ResponseWriter, r *http.Request, u *user, name string, t csvTable) {
	if err := sendCSV(w, name, t); err != nil {
		c.log.Error("console: download", "file", name, "err", err)
	}
}

// reportCSV downloads one of the year's report tables (billed, collections, disbursements) or
// the data feeds.
func (c *Console) reportCSV(w http.ResponseWriter, r *http.Request, u *user) {
	name := r.PathValue("report")
	if name == "feeds.zip" {
		c.feedsZip(w, r, u)
		return
	}
	year := reportYear(r, c.svc.Now())
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	q := service.ReportQuery{SellerID: u.ID, From: from, To: from.AddDate(1, 0, 0)}
	var t csvTable
	var err error
	switch name {
	case "billed.csv":
		t, err = c.billedTable(r, q)
	case "collections.csv":
		t, err = c.collectionsTable(r, q)
	case "disbursements.csv":
		t, err = c.disbursementsTable(r, q)
	default:
		err = mercato.NotFound("Report", name)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.sendOrFail(w, r, u, name[:len(name)-len(".csv")]+"-"+strconv.Itoa(year)+".csv", t)
}

func (c *Console) billedTable(r *http.Request, q service.ReportQuery) (csvTable, error) {
	lines, err := c.svc.BilledRevenue(r.Context(), q)
	t := csvTable{header: []string{"invoice_id", "agreement_id", "buyer_id", "issued_time", "billing_period", "currency",
		"gross", "listing_fee", "tax", "refunds", "refunded_fee", "refunded_tax", "net",
		"wholesale_cost", "wholesale_refund", "reseller_id", "manufacturer_id"}}
	for _, l := range lines {
		t.rows = append(t.rows, []string{l.InvoiceID, l.AgreementID, l.BuyerID, csvTime(l.IssuedAt),
			fmt.Sprintf("%04d-%02d", l.BillingPeriod.Year, l.BillingPeriod.Month), string(l.Currency), l.Gross.String(),
			l.ListingFee.String(), l.Tax.String(), l.Refunds.String(), l.RefundedFee.String(), l.RefundedTax.String(), l.Net.String(),
			l.WholesaleCost.String(), l.WholesaleRefund.String(), l.ResellerID, l.ManufacturerID})
	}
	return t, err
}

func (c *Console) collectionsTable(r *http.Request, q service.ReportQuery) (csvTable, error) {
	payments, err := c.svc.Collections(r.Context(), q)
	t := csvTable{header: []string{"payment_id", "time", "kind", "invoice_id", "buyer_id", "currency", "amount"}}
	for _, p := range payments {
		t.rows = append(t.rows, []string{p.ID, csvTime(p.Time), string(p.Kind), p.InvoiceID, p.BuyerID,
			string(p.Currency), p.Amount.String()})
	}
	return t, err
}

// disbursementsTable has a total row per disbursement, then a row per line.
func (c *Console) disbursementsTable(r *http.Request, q service.ReportQuery) (csvTable, error) {
	payouts, err := c.svc.Disbursements(r.Context(), q)
	t := csvTable{header: []string{"disbursement_id", "time", "currency", "line", "document_id", "invoice_id", "kind", "amount"}}
	for _, p := range payouts {
		t.rows = append(t.rows, []string{p.ID, csvTime(p.Time), string(p.Currency), "total", "", "", "", p.Amount.String()})
		for _, l := range p.LineItems {
			t.rows = append(t.rows, []string{p.ID, csvTime(p.Time), string(p.Currency), "line", l.DocumentID, l.InvoiceID,
				string(l.Kind), l.Amount.String()})
		}
	}
	return t, err
}

// feedsZip downloads the seller's data feeds as a zip of CSV files.
func (c *Console) feedsZip(w http.ResponseWriter, r *http.Request, u *user) {
	// Written to a temporary file, not to memory, and sent once complete.
	archive, err := datafeed.SpoolZip(func(sink datafeed.Sink) error { return c.svc.WriteSellerFeeds(r.Context(), u.ID, sink) })
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	defer archive.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="data-feeds.zip"`)
	http.ServeContent(w, r, "", time.Time{}, archive)
}

// csvTime formats a time for a download: RFC 3339, UTC.
func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
