package control

import (
	"cmp"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"mercato"
	"mercato/awsapi"
	"mercato/service"
)

// registerRevenue adds the revenue endpoints: the reports and the metering public key in every
// mode, the simulated buyer payments in sandbox mode.
func (h *Handler) registerRevenue(mux *http.ServeMux, prefix string) {
	mux.HandleFunc("GET "+prefix+"/_mercato/reports/{report}", h.report)
	mux.HandleFunc("GET "+prefix+"/_mercato/metering/public-key", h.meteringPublicKey)
	if h.svc.Sandbox() {
		mux.HandleFunc("GET "+prefix+"/_mercato/payments", h.getPaymentBehavior)
		mux.HandleFunc("POST "+prefix+"/_mercato/payments", h.postPayment)
	}
}

// PaymentRequest is the body of POST /_mercato/payments, in one of two forms:
//
//   - {"buyer": ID, "behavior": "on-time" | "late" | "partial" | "never", "days": N, "fraction": "0.5"}
//     sets how the buyer pays its invoices from the next daily settlement on: on the due date,
//     N days late, a fraction on the due date and never the rest, or never;
//   - {"invoiceId": ID, "amount": "12.50"} records that the invoice's buyer paid it now, the
//     amount or (without one) all that is outstanding.
type PaymentRequest struct {
	Buyer     string `json:"buyer,omitempty"`
	Behavior  string `json:"behavior,omitempty"`
	Days      int    `json:"days,omitempty"`
	Fraction  string `json:"fraction,omitempty"`
	InvoiceID string `json:"invoiceId,omitempty"`
	Amount    string `json:"amount,omitempty"`
}

// behavior returns the payment behavior the request sets.
func (req *PaymentRequest) behavior() (mercato.PaymentBehavior, error) {
	b := mercato.PaymentBehavior{Mode: mercato.PaymentMode(req.Behavior), Days: req.Days}
	if req.Fraction != "" {
		f, err := mercato.ParseAmount(req.Fraction)
		if err != nil {
			return b, fieldError("fraction", "must be a decimal between 0 and 1, such as 0.5")
		}
		b.Fraction = mercato.Rate(f)
	}
	return b, nil
}

func (h *Handler) postPayment(w http.ResponseWriter, r *http.Request) {
	var req PaymentRequest
	if err := decodeBody(r, &req, `{"buyer":ID,"behavior":...} or {"invoiceId":ID,"amount":"12.50"}`); err != nil {
		h.fail(w, err)
		return
	}
	switch {
	case (req.Buyer == "") == (req.InvoiceID == ""):
		h.fail(w, fieldError("buyer", "give either buyer (and its behavior) or invoiceId (and an amount)"))
	case req.InvoiceID != "":
		h.recordPayment(w, r, &req)
	default:
		b, err := req.behavior()
		if err == nil {
			err = h.svc.SetPaymentBehavior(r.Context(), req.Buyer, b)
		}
		if err != nil {
			h.fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, behaviorBody(req.Buyer, b))
	}
}

func (h *Handler) recordPayment(w http.ResponseWriter, r *http.Request, req *PaymentRequest) {
	var amount mercato.Amount
	if req.Amount != "" {
		var err error
		if amount, err = mercato.ParseAmount(req.Amount); err != nil {
			h.fail(w, fieldError("amount", "must be a decimal amount such as 12.50"))
			return
		}
	}
	p, err := h.svc.RecordPayment(r.Context(), req.InvoiceID, amount)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"paymentId": p.ID, "invoiceId": p.InvoiceID, "buyer": p.BuyerID,
		"amount": p.Amount.FormatIn(p.Currency), "currencyCode": string(p.Currency), "time": formatTime(p.Time)})
}

func (h *Handler) getPaymentBehavior(w http.ResponseWriter, r *http.Request) {
	buyer := r.URL.Query().Get("buyer")
	b, err := h.svc.PaymentBehavior(r.Context(), buyer)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, behaviorBody(buyer, b))
}

func behaviorBody(buyer string, b mercato.PaymentBehavior) map[string]any {
	body := map[string]any{"buyer": buyer, "behavior": b.Mode}
	switch b.Mode {
	case mercato.PayLate:
		body["days"] = b.Days
	case mercato.PayPartial:
		body["fraction"] = mercato.Amount(b.Fraction).Format(0)
	}
	return body
}

func (h *Handler) meteringPublicKey(w http.ResponseWriter, r *http.Request) {
	k, err := h.svc.MeteringPublicKey(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"publicKeyVersion": service.MeteringPublicKeyVersion, "alg": "EdDSA",
		"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString([]byte(k[:ed25519.PublicKeySize]))})
}

// reportAuth identifies the caller of a report outside sandbox mode: requests are signed with
// an account's access key like the AWS APIs, and the account must be the seller reported on or
// an operator.
func (h *Handler) reportAuth(r *http.Request, seller string) error {
	if h.svc.Sandbox() {
		return nil
	}
	caller, err := h.reportKeys.Authenticate(r, nil)
	if ex, ok := errors.AsType[*awsapi.Exception](err); ok {
		return mercato.Errorf(mercato.EUnauthorized, "%s: %s", ex.Name, ex.Message)
	}
	if err != nil {
		return err
	}
	if caller == seller && seller != "" {
		return nil
	}
	if ok, err := h.svc.IsOperator(r.Context(), caller); err != nil || ok {
		return err
	}
	return mercato.Errorf(mercato.EForbidden, "account %s may see its own reports only (name it with seller=)", caller)
}

// report serves GET /_mercato/reports/{billed|collections|disbursements|reconcile}?seller=ID
// &from=&to=&format=csv|json. Times are RFC 3339 or dates (midnight UTC); from is inclusive,
// to exclusive, both optional. Without a seller, the report covers every seller.
func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	q, format, err := reportQuery(r)
	if err == nil {
		err = h.reportAuth(r, q.SellerID)
	}
	var t table
	if err == nil {
		t, err = h.reportTable(r, r.PathValue("report"), q)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		t.writeCSV(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": r.PathValue("report"), "seller": q.SellerID,
		"from": optionalTime(q.From), "to": optionalTime(q.To), "rows": t.objects()})
}

func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

func reportQuery(r *http.Request) (service.ReportQuery, string, error) {
	v := r.URL.Query()
	q := service.ReportQuery{SellerID: v.Get("seller")}
	var err error
	if q.From, err = reportTime("from", v.Get("from")); err != nil {
		return q, "", err
	}
	if q.To, err = reportTime("to", v.Get("to")); err != nil {
		return q, "", err
	}
	format := cmp.Or(v.Get("format"), "json")
	if format != "json" && format != "csv" {
		return q, "", fieldError("format", "must be csv or json")
	}
	return q, format, nil
}

// reportTime parses an RFC 3339 time or a date.
func reportTime(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fieldError(name, "must be an RFC 3339 time or a date such as 2026-03-01")
}

// table is a report: its columns and rows of text.
type table struct {
	columns []string
	rows    [][]string
}

func (t *table) writeCSV(w io.Writer) {
	cw := csv.NewWriter(w)
	_ = cw.Write(t.columns)
	_ = cw.WriteAll(t.rows) // flushes; a write error means the client went away
}

func (t *table) objects() []map[string]string {
	out := make([]map[string]string, len(t.rows))
	for i, row := range t.rows {
		out[i] = make(map[string]string, len(t.columns))
		for j, c := range t.columns {
			out[i][c] = row[j]
		}
	}
	return out
}

func (h *Handler) reportTable(r *http.Request, report string, q service.ReportQuery) (table, error) {
	ctx := r.Context()
	switch report {
	case "billed":
		lines, err := h.svc.BilledRevenue(ctx, q)
		return billedTable(lines), err
	case "collections":
		payments, err := h.svc.Collections(ctx, q)
		return collectionsTable(payments), err
	case "disbursements":
		payouts, err := h.svc.Disbursements(ctx, q)
		return disbursementsTable(payouts), err
	case "reconcile":
		rs, err := h.svc.Reconcile(ctx, q)
		return reconcileTable(rs), err
	}
	return table{}, mercato.NotFound("report", report)
}

func billedTable(lines []service.BilledLine) table {
	t := table{columns: []string{"invoice_id", "agreement_id", "seller_id", "buyer_id", "issued_time", "billing_period",
		"currency", "gross", "listing_fee", "tax", "refunds", "refunded_fee", "refunded_tax", "net",
		"wholesale_cost", "wholesale_refund", "reseller_id", "manufacturer_id"}}
	for _, l := range lines {
		c := l.Currency
		t.rows = append(t.rows, []string{l.InvoiceID, l.AgreementID, l.SellerID, l.BuyerID, formatTime(l.IssuedAt),
			l.BillingPeriod.String(), string(c), l.Gross.FormatIn(c), l.ListingFee.FormatIn(c), l.Tax.FormatIn(c),
			l.Refunds.FormatIn(c), l.RefundedFee.FormatIn(c), l.RefundedTax.FormatIn(c), l.Net.FormatIn(c),
			l.WholesaleCost.FormatIn(c), l.WholesaleRefund.FormatIn(c), l.ResellerID, l.ManufacturerID})
	}
	return t
}

func collectionsTable(payments []mercato.Payment) table {
	t := table{columns: []string{"payment_id", "time", "kind", "invoice_id", "seller_id", "buyer_id", "currency", "amount"}}
	for _, p := range payments {
		t.rows = append(t.rows, []string{p.ID, formatTime(p.Time), string(p.Kind), p.InvoiceID, p.SellerID, p.BuyerID,
			string(p.Currency), p.Amount.FormatIn(p.Currency)})
	}
	return t
}

// disbursementsTable has a row per line of each disbursement, after the disbursement's own
// row (line "total").
func disbursementsTable(payouts []mercato.Payout) table {
	t := table{columns: []string{"disbursement_id", "time", "seller_id", "currency", "bank_account", "line", "document_id",
		"invoice_id", "amount"}}
	for _, p := range payouts {
		bank := p.BankAccount.Type + " " + string(p.BankAccount.Currency)
		t.rows = append(t.rows, []string{p.ID, formatTime(p.Time), p.SellerID, string(p.Currency), bank, "total", "", "",
			p.Amount.FormatIn(p.Currency)})
		for _, l := range p.LineItems {
			t.rows = append(t.rows, []string{p.ID, formatTime(p.Time), p.SellerID, string(p.Currency), bank,
				strings.ToLower(strings.ReplaceAll(string(l.Kind), "_", "-")), l.DocumentID, l.InvoiceID, l.Amount.FormatIn(l.Currency)})
		}
	}
	return t
}

func reconcileTable(rs []service.Reconciliation) table {
	t := table{columns: []string{"seller_id", "currency", "opening_balance", "invoiced", "refunds", "fees", "disbursed",
		"closing_balance", "pending", "uncollected", "difference", "balanced"}}
	for _, r := range rs {
		c := r.Currency
		t.rows = append(t.rows, []string{r.SellerID, string(c), r.Opening.FormatIn(c), r.Invoiced.FormatIn(c),
			r.Refunds.FormatIn(c), r.Fees.FormatIn(c), r.Disbursed.FormatIn(c), r.Closing.FormatIn(c), r.Pending.FormatIn(c),
			r.Uncollected.FormatIn(c), r.Difference.FormatIn(c), strconv.FormatBool(r.Balanced())})
	}
	return t
}
