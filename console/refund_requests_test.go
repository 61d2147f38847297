package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// caseRow returns the table row of the refund request id on a page.
func caseRow(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="case-` + regexp.QuoteMeta(id) + `">.*?</tr>`).FindString(body)
	if m == "" {
		t.Fatalf("no row for refund request %s in:\n%s", id, body)
	}
	return m
}

// TestSellerFilesRefundForBuyer files a request for a buyer through the seller's form, by
// billing period: January is not invoiced yet, so it is pending, and both parties see it; once
// January's invoice is issued it completes with the 20.00 asked.
func TestSellerFilesRefundForBuyer(t *testing.T) {
	e := newEnv(t)
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	page := seller.get("/console/seller/refunds")
	inv := e.firstInvoice()
	if !strings.Contains(page.body, `id="seller-refund-form"`) || !strings.Contains(page.body, `<option value="`+inv.ID+`"`) ||
		!strings.Contains(page.body, `name="periods"`) || !strings.Contains(page.body, `<option value="prod-acme-analytics">`) {
		t.Fatalf("the seller's refunds page has no form to file for a buyer with its invoices and products:\n%s", page.body)
	}
	token := seller.csrf("/console/seller/refunds")

	// What the form cannot read comes back with the form as posted.
	r := seller.post("/console/seller/refunds", seller.form(token, "buyer", beispiel, "product", "prod-acme-analytics",
		"type", "REFUND", "periods", "January", "amount", "20", "comments", "keep me"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "YYYY-MM") || !strings.Contains(r.body, "keep me") {
		t.Fatalf("bad period: %d\n%s", r.status, r.body)
	}
	// A buyer the seller has no agreement with is named in the answer.
	r = seller.post("/console/seller/refunds", seller.form(token, "buyer", "000011112222", "product", "prod-acme-analytics",
		"type", "REFUND", "periods", "2026-01", "amount", "20"))
	if r.status != http.StatusNotFound || !strings.Contains(r.body, "000011112222") || !strings.Contains(r.body, `id="seller-refund-form"`) {
		t.Fatalf("unknown buyer: %d\n%s", r.status, r.body)
	}

	r = seller.post("/console/seller/refunds", seller.form(token, "buyer", beispiel, "product", "prod-acme-analytics",
		"type", "REFUND", "periods", "2026-01", "amount", "20.00", "comments", "Outage on 12 January"))
	if r.status != http.StatusSeeOther || r.location != "/console/seller/refunds?notice=refund-filed-seller" {
		t.Fatalf("file: %d to %q\n%s", r.status, r.location, r.body)
	}
	cases := e.refundCases(acme, service.Proposer)
	if len(cases) != 1 || cases[0].Status != mercato.RefundPending || cases[0].FiledBy != acme || cases[0].AgreementID != publicAgmt {
		t.Fatalf("cases after filing: %+v", cases)
	}
	id := cases[0].ID
	row := caseRow(t, seller.get(r.location).body, id)
	if !strings.Contains(row, "Pending") || !strings.Contains(row, "2026-01") || !strings.Contains(row, "Filed by the seller") {
		t.Errorf("seller's row:\n%s", row)
	}
	buyer := e.client()
	buyer.signIn(beispielKey, beispielSec)
	row = caseRow(t, buyer.get("/console/buyer/refunds").body, id)
	if !strings.Contains(row, "Pending") || !strings.Contains(row, "Outage on 12 January") || !strings.Contains(row, "20.00 USD") {
		t.Errorf("the buyer does not see the seller's request:\n%s", row)
	}

	if _, err := e.svc.Advance(e.ctx, time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	row = caseRow(t, buyer.get("/console/buyer/refunds").body, id)
	if !strings.Contains(row, "Completed") || !strings.Contains(row, "20.00 USD") || !strings.Contains(row, "Seller authorization") {
		t.Errorf("after January's invoice:\n%s", row)
	}
}

// TestBuyerFilesByBillingPeriod: the buyer's form has a billing-period field, which makes a
// request about a month not invoiced yet pending.
func TestBuyerFilesByBillingPeriod(t *testing.T) {
	e := newEnv(t)
	buyer := e.client()
	buyer.signIn(beispielKey, beispielSec)
	agreement := "/console/buyer/agreements/" + publicAgmt
	token := buyer.csrf(agreement)
	r := buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "periods", "2026-01", "amount", "5"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("file: %d\n%s", r.status, r.body)
	}
	if cs := e.refundCases(beispiel, service.Acceptor); len(cs) != 1 || cs[0].Status != mercato.RefundPending ||
		len(cs[0].Periods) != 1 || cs[0].Periods[0] != (mercato.BillingPeriod{Month: 1, Year: 2026}) {
		t.Fatalf("cases: %+v", cs)
	}
}

// TestEveryPartySeesAmountAndDates: an automatic case shows the amount refunded, not a dash;
// the seller sees the cancellation date the buyer gave.
func TestEveryPartySeesAmountAndDates(t *testing.T) {
	e := newEnv(t)
	// A prepaid monthly plan, 30.00 upfront, bought on 16 January and cancelled the next day:
	// the 48-hour rule refunds all 30.00.
	sc := mercato.Scenario{Products: []mercato.Product{{ID: "prod-acme-vault", SellerID: acme, Type: mercato.ProductSaaS,
		Title: "Acme Vault", RefundPolicy: "Pro rata."}},
		Offers: []mercato.Offer{{ID: "offer-acme-vault", ProductID: "prod-acme-vault", Visibility: "public", Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: mercato.MustAmount("30.00"), Duration: &mercato.Period{Months: 1}}}}}}}
	if err := e.svc.ApplyScenario(e.ctx, sc); err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-acme-vault", BuyerID: buyerCorp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Advance(e.ctx, time.Date(2026, 1, 17, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	vault := "/console/buyer/agreements/" + a.ID
	token := buyer.csrf(vault)
	if r := buyer.post(vault+"/refund", buyer.form(token, "type", "CANCELLATION")); r.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d\n%s", r.status, r.body)
	}
	// The annual private contract: a cancellation on 30 June, which the seller decides.
	private := "/console/buyer/agreements/" + privateAgmt
	if r := buyer.post(private+"/refund", buyer.form(token, "type", "CANCELLATION", "cancellation_date", "2026-06-30")); r.status != http.StatusSeeOther {
		t.Fatalf("cancel on a date: %d\n%s", r.status, r.body)
	}
	cases := e.refundCases(buyerCorp, service.Acceptor)
	if len(cases) != 2 || cases[0].Status != mercato.RefundCompleted || cases[1].Status != mercato.RefundAwaitingSeller {
		t.Fatalf("cases: %+v", cases)
	}
	auto, dated := cases[0].ID, cases[1].ID

	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	sl := seller.get("/console/seller/refunds").body
	for _, body := range []string{sl, buyer.get("/console/buyer/refunds").body} {
		if row := caseRow(t, body, auto); !strings.Contains(row, `<span id="amount-`+auto+`">30.00 USD</span>`) ||
			!strings.Contains(row, "Cancellation within 48 hours") {
			t.Errorf("the automatic case's row shows no 30.00:\n%s", row)
		}
		if row := caseRow(t, body, dated); !strings.Contains(row, `id="cancel-date-`+dated+`"`) || !strings.Contains(row, "30 Jun 2026") {
			t.Errorf("the cancellation date is missing:\n%s", row)
		}
	}
}

// TestSupportDecidesRefundRequests: the operator approves, answers and rejects waiting requests
// from the operator page; other accounts cannot reach those actions.
func TestSupportDecidesRefundRequests(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	file := func(amount string, invoices ...string) string {
		c, err := e.svc.FileRefundRequest(e.ctx, buyerCorp, service.RefundRequestInput{BuyerID: buyerCorp, SellerID: acme,
			AgreementID: privateAgmt, Kind: "REFUND", Amount: mercato.MustAmount(amount), InvoiceIDs: invoices,
			CancellationDate: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}) // an annual contract needs the date
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	approve, missing, reject := file("100", inv.ID), file("10"), file("5", inv.ID)

	ops := e.client()
	ops.signIn(operatorKey, operatorSec)
	page := ops.get("/console/operator").body
	if !strings.Contains(page, `id="support-approve-`+approve+`"`) || !strings.Contains(page, `id="support-answer-`+missing+`"`) ||
		!strings.Contains(page, `id="reject-`+reject+`"`) || strings.Contains(page, `id="support-approve-`+missing+`"`) {
		t.Fatalf("the operator page lacks the support actions:\n%s", page)
	}
	token := ops.csrf("/console/operator")

	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	if r := seller.post("/console/operator/refunds/"+approve+"/approve", seller.form(seller.csrf("/console/seller/refunds"))); r.status != http.StatusNotFound {
		t.Errorf("a seller reached the support action: %d", r.status)
	}

	if r := ops.get("/console/operator/refunds/" + approve + "/approve"); r.status != http.StatusOK || !strings.Contains(r.body, `id="submit-approval"`) {
		t.Fatalf("support's approval review: %d\n%s", r.status, r.body)
	}
	if r := ops.post("/console/operator/refunds/"+approve+"/approve", ops.form(token)); r.status != http.StatusBadRequest {
		t.Fatalf("support approves without confirming: %d", r.status)
	}
	r := ops.post("/console/operator/refunds/"+approve+"/approve", ops.form(token, "confirm", "1"))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/console/operator?notice=refund-support") {
		t.Fatalf("approve: %d to %q\n%s", r.status, r.location, r.body)
	}
	if r := ops.post("/console/operator/refunds/"+approve+"/approve", ops.form(token, "confirm", "1")); r.status != http.StatusConflict {
		t.Errorf("approving twice: %d", r.status)
	}
	r = ops.post("/console/operator/refunds/"+missing+"/answer", ops.form(token, "invoices", inv.ID, "amount", "ten"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "not a decimal") {
		t.Errorf("bad answer: %d", r.status)
	}
	if r := ops.post("/console/operator/refunds/"+missing+"/answer", ops.form(token, "invoices", inv.ID)); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%s", r.status, r.body)
	}
	if r := ops.post("/console/operator/refunds/"+reject+"/reject", ops.form(token)); r.status != http.StatusBadRequest {
		t.Errorf("reject without a reason: %d", r.status)
	}
	if r := ops.post("/console/operator/refunds/"+reject+"/reject", ops.form(token, "reason", "Filed twice")); r.status != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", r.status, r.body)
	}

	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	list := buyer.get("/console/buyer/refunds").body
	if row := caseRow(t, list, approve); !strings.Contains(row, "Completed") || !strings.Contains(row, "Support authorization") ||
		!strings.Contains(row, "100.00 USD") {
		t.Errorf("approved by support:\n%s", row)
	}
	if row := caseRow(t, list, missing); !strings.Contains(row, "Awaiting seller") {
		t.Errorf("answered by support:\n%s", row)
	}
	if row := caseRow(t, list, reject); !strings.Contains(row, "Rejected") || !strings.Contains(row, "Filed twice") {
		t.Errorf("rejected by support:\n%s", row)
	}
}
