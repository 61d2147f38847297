package console_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// Every table of the seller's reports page downloads as CSV with the page's figures, and the
// data feeds as a zip of AWS's feed files; a buyer gets none of them.
func TestReportDownloads(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	page := seller.get("/console/seller/reports?year=2026")
	for _, id := range []string{"download-reconciliation", "download-billed", "download-collections", "download-disbursements", "download-feeds"} {
		if !strings.Contains(page.body, `id="`+id+`"`) {
			t.Errorf("the reports page lacks the link %s", id)
		}
	}
	for _, c := range []struct {
		path   string
		header string
		rows   int // at least
	}{
		{"/console/seller/reports/reconciliation.csv?year=2026", "month,currency,billed,paid_out,opening", 12},
		// The private agreement's first installment, invoiced on 15 January.
		{"/console/seller/reports/billed.csv?year=2026", "invoice_id,agreement_id,buyer_id,issued_time", 1},
		{"/console/seller/reports/collections.csv?year=2026", "payment_id,time,kind,invoice_id", 0},
		{"/console/seller/reports/disbursements.csv?year=2026", "disbursement_id,time,currency,line", 0},
	} {
		r := seller.get(c.path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: %d\n%s", c.path, r.status, r.body)
			continue
		}
		records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(records) < 1+c.rows || !strings.HasPrefix(strings.Join(records[0], ","), c.header) {
			t.Errorf("GET %s: %d records (%v):\n%s", c.path, len(records), err, r.body)
		}
	}
	// January's row of the reconciliation has the page's billed figure: the installment.
	rec := seller.get("/console/seller/reports/reconciliation.csv?year=2026")
	if !strings.Contains(rec.body, "\n2026-01,USD,") {
		t.Errorf("no January row:\n%s", rec.body)
	}

	z := seller.get("/console/seller/reports/feeds.zip")
	zr, err := zip.NewReader(bytes.NewReader([]byte(z.body)), int64(len(z.body)))
	if z.status != http.StatusOK || err != nil {
		t.Fatalf("feeds.zip: %d %v", z.status, err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "account.csv product.csv offer.csv offer_target.csv agreement.csv billing_event.csv tax_item.csv" {
		t.Errorf("feeds.zip holds %s", got)
	}

	if r := seller.get("/console/seller/reports/profit.csv"); r.status != http.StatusNotFound {
		t.Errorf("an unknown report: %d", r.status)
	}
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	for _, p := range []string{"/console/seller/reports/billed.csv", "/console/seller/reports/feeds.zip"} {
		if r := buyer.get(p); r.status == http.StatusOK {
			t.Errorf("a buyer downloaded %s", p)
		}
	}
}
