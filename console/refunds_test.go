package console_test

import (
	"net/http"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// TestRefundRequestFiledAndApproved files a refund request through the buyer's form and
// approves it through the seller's.
func TestRefundRequestFiledAndApproved(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	agreement := "/console/buyer/agreements/" + privateAgmt
	page := buyer.get(agreement)
	if !strings.Contains(page.body, `id="refund-form"`) || !strings.Contains(page.body, inv.ID) {
		t.Fatalf("agreement page without the refund form and its invoice:\n%s", page.body)
	}
	token := buyer.csrf(agreement)

	// A bad amount comes back with the form as posted.
	r := buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "invoice", inv.ID, "amount", "ten", "comments", "keep me"))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "is not an amount") || !strings.Contains(r.body, "keep me") {
		t.Fatalf("bad amount: %d\n%s", r.status, r.body)
	}
	// The private agreement runs 12 months: an annual subscription's refund names the cancellation date.
	r = buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "invoice", inv.ID, "amount", "100.00", "comments", "Unused seats",
		"cancellation_date", "2026-12-31"))
	if r.status != http.StatusSeeOther || r.location != "/console/buyer/refunds?notice=refund-filed" {
		t.Fatalf("file: %d to %q\n%s", r.status, r.location, r.body)
	}
	cases := e.refundCases(buyerCorp, service.Acceptor)
	if len(cases) != 1 || cases[0].Status != mercato.RefundAwaitingSeller {
		t.Fatalf("cases after filing: %+v", cases)
	}
	id := cases[0].ID
	list := buyer.get(r.location)
	if list.status != http.StatusOK || !strings.Contains(list.body, id) || !strings.Contains(list.body, "Awaiting seller") {
		t.Fatalf("buyer's list: %d\n%s", list.status, list.body)
	}

	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	sl := seller.get("/console/seller/refunds")
	if !strings.Contains(sl.body, `id="approve-`+id+`"`) {
		t.Fatalf("seller's list without an approve button for %s:\n%s", id, sl.body)
	}
	stoken := seller.csrf("/console/seller/refunds")
	if r := seller.post("/console/seller/refunds/"+id+"/reject", seller.form(stoken)); r.status != http.StatusBadRequest || !strings.Contains(r.body, "reason") {
		t.Fatalf("reject without a reason: %d", r.status)
	}
	review := seller.get("/console/seller/refunds/" + id + "/approve")
	if review.status != http.StatusOK || !strings.Contains(review.body, `id="review-refunds"`) || !strings.Contains(review.body, "100.00 USD") ||
		!strings.Contains(review.body, inv.ID) || !strings.Contains(review.body, "Buyer Corp") {
		t.Fatalf("approval review: %d\n%s", review.status, review.body)
	}
	if r := seller.post("/console/seller/refunds/"+id+"/approve", seller.form(stoken)); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "Confirm that you checked") {
		t.Fatalf("approve without confirming: %d", r.status)
	}
	if c := e.refundCases(acme, service.Proposer); c[0].Status != mercato.RefundAwaitingSeller {
		t.Fatalf("approved without confirming: %+v", c[0])
	}
	r = seller.post("/console/seller/refunds/"+id+"/approve", seller.form(stoken, "confirm", "1"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", r.status, r.body)
	}
	if c := e.refundCases(acme, service.Proposer); c[0].Status != mercato.RefundCompleted || len(c[0].Adjustments) == 0 {
		t.Fatalf("after approval: %+v", c[0])
	}
	if l := buyer.get("/console/buyer/refunds"); !strings.Contains(l.body, "Completed") || !strings.Contains(l.body, "Seller authorization") {
		t.Errorf("buyer's list after approval:\n%s", l.body)
	}
	if r := seller.post("/console/seller/refunds/"+id+"/approve", seller.form(stoken, "confirm", "1")); r.status != http.StatusConflict {
		t.Errorf("approving twice: %d, want 409", r.status)
	}
}

// TestRefundRequestNeedsAction shows what a case lacks and takes the answer.
func TestRefundRequestNeedsAction(t *testing.T) {
	e := newEnv(t)
	inv := e.firstInvoice()
	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	agreement := "/console/buyer/agreements/" + privateAgmt
	token := buyer.csrf(agreement)
	if r := buyer.post(agreement+"/refund", buyer.form(token, "type", "REFUND", "amount", "50", "cancellation_date", "2026-12-31")); r.status != http.StatusSeeOther {
		t.Fatalf("file: %d\n%s", r.status, r.body)
	}
	cases := e.refundCases(buyerCorp, service.Acceptor)
	if len(cases) != 1 || cases[0].Status != mercato.RefundActionRequired {
		t.Fatalf("cases: %+v", cases)
	}
	l := buyer.get("/console/buyer/refunds")
	if !strings.Contains(l.body, "Action required") || !strings.Contains(l.body, "name the invoice") || !strings.Contains(l.body, `id="answer-`+cases[0].ID+`"`) {
		t.Fatalf("list:\n%s", l.body)
	}
	r := buyer.post("/console/buyer/refunds/"+cases[0].ID+"/answer", buyer.form(token, "invoices", inv.ID))
	if r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%s", r.status, r.body)
	}
	if c := e.refundCases(buyerCorp, service.Acceptor); c[0].Status != mercato.RefundAwaitingSeller {
		t.Fatalf("after the answer: %+v", c[0])
	}
}

func (e *env) refundCases(account string, party service.Party) []mercato.RefundCase {
	e.t.Helper()
	cs, _, err := e.svc.RefundCases(e.ctx, account, service.RequestQuery{Party: party})
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}
