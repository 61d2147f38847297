package console

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"mercato"
	"mercato/service"
)

// monthReport is one month of the seller's reports.
type monthReport struct {
	Month     time.Time
	Label     string
	Billed    mercato.Amount // pre-tax, of the invoices issued in the month
	Payouts   mercato.Amount // disbursed in the month
	Reconcile []service.Reconciliation
}

// chartBar is one bar of the chart, in SVG units.
type chartBar struct {
	X, Y, W, H int
	Class      string
	Title      string
}

// chartLabel is a month label under the bars.
type chartLabel struct {
	X    int
	Text string
}

// reportsView is the data of the seller's reports page.
type reportsView struct {
	Year     int
	Prev     int
	Next     int
	Currency mercato.Currency
	Months   []monthReport
	Bars     []chartBar
	Labels   []chartLabel
	Max      string
	Width    int
	Height   int
	Empty    bool
}

const (
	chartWidth  = 720
	chartHeight = 200
	chartBase   = 180 // the y of the axis; labels go below it
)

// reportsPage shows the seller's billed revenue and payouts per month of a year, charted, and
// the reconciliation of each month.
func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request, u *user) {
	v, err := c.yearReports(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v.chart()
	c.render(w, r, http.StatusOK, page{Name: "seller_reports", Title: "Reports", Nav: "seller-reports", User: u, Data: v})
}

// reportYear is the year that the request's ?year= names, else the current one.
func reportYear(r *http.Request, now time.Time) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return now.Year()
}

// yearReports gathers the seller's billed revenue, payouts and reconciliation per month of the
// year the request names.
func (c *Console) yearReports(r *http.Request, u *user) (reportsView, error) {
	now := c.svc.Now()
	year := reportYear(r, now)
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	ctx := r.Context()
	v := reportsView{Year: year, Prev: year - 1, Next: year + 1, Currency: "USD", Width: chartWidth, Height: chartHeight}
	billed, err := c.svc.BilledRevenue(ctx, service.ReportQuery{SellerID: u.ID, From: from, To: to})
	if err != nil {
		return v, err
	}
	payouts, err := c.svc.Disbursements(ctx, service.ReportQuery{SellerID: u.ID, From: from, To: to})
	if err != nil {
		return v, err
	}
	if len(billed) > 0 {
		v.Currency = billed[0].Currency
	} else if len(payouts) > 0 {
		v.Currency = payouts[0].Currency
	}
	for m := range 12 {
		start := from.AddDate(0, m, 0)
		mr := monthReport{Month: start, Label: start.Format("Jan")}
		if !start.Before(now) { // a month not begun has nothing to reconcile yet
			v.Months = append(v.Months, mr)
			continue
		}
		if mr.Reconcile, err = c.svc.Reconcile(ctx, service.ReportQuery{SellerID: u.ID, From: start, To: start.AddDate(0, 1, 0)}); err != nil {
			return v, err
		}
		v.Months = append(v.Months, mr)
	}
	for _, b := range billed {
		if b.Currency == v.Currency {
			v.Months[int(b.IssuedAt.UTC().Month())-1].Billed += b.Gross - b.Refunds
		}
	}
	for _, p := range payouts {
		if p.Currency == v.Currency {
			v.Months[int(p.Time.UTC().Month())-1].Payouts += p.Amount
		}
	}
	return v, nil
}

// chart lays out two bars a month, billed and paid out, scaled to the largest.
func (v *reportsView) chart() {
	var top mercato.Amount
	for _, m := range v.Months {
		top = max(top, m.Billed, m.Payouts)
	}
	v.Empty = top == 0
	v.Max = formatMoney(top, v.Currency)
	slot := chartWidth / 12
	height := func(a mercato.Amount) int {
		if top <= 0 || a <= 0 {
			return 0
		}
		return max(1, int(float64(a)/float64(top)*float64(chartBase-10)))
	}
	for i, m := range v.Months {
		x := i*slot + 8
		for j, s := range []struct {
			a     mercato.Amount
			class string
			what  string
		}{{m.Billed, "bar-billed", "billed"}, {m.Payouts, "bar-paid", "paid out"}} {
			h := height(s.a)
			v.Bars = append(v.Bars, chartBar{X: x + j*22, Y: chartBase - h, W: 20, H: h, Class: s.class,
				Title: fmt.Sprintf("%s %d: %s %s", m.Label, v.Year, formatMoney(s.a, v.Currency), s.what)})
		}
		v.Labels = append(v.Labels, chartLabel{X: x + 21, Text: m.Label})
	}
}
