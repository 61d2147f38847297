package console

import (
	"net/http"
	"strings"

	"mercato"
	"mercato/service"
)

// refundForm is the "Request a refund" form of a buyer's agreement, or the seller's "File a
// refund request for a buyer", as last posted.
type refundForm struct {
	Buyer            string // the seller's form only
	Product          string // the seller's form only
	Kind             string
	Invoice          string
	Periods          string // billing periods, YYYY-MM, comma-separated
	Amount           string
	CancellationDate string
	Comments         string
	Error            string
	Fields           []mercato.FieldError
}

// refundCaseView is a refund request with the label of its status.
type refundCaseView struct {
	mercato.RefundCase
	StatusLabel string
	Explain     string // what the status means for the reader
	Waiting     bool   // it waits for the reader: the buyer's answer, or the seller's decision
}

// refundStatusLabel is the status of a refund request in words, for the buyer and the seller.
func refundStatusLabel(s mercato.RefundCaseStatus) (string, string) {
	switch s {
	case mercato.RefundCompleted:
		return "Completed", "Refunded (and cancelled, if asked)."
	case mercato.RefundPending:
		return "Pending", "Waits for the end of the billing cycle, when its invoice is issued."
	case mercato.RefundActionRequired:
		return "Action required", "Something is missing: answer below to submit the request again."
	case mercato.RefundAwaitingSeller:
		return "Awaiting seller", "The refund policy leaves this to the seller, who approves or rejects it."
	case mercato.RefundRejected:
		return "Rejected", "The seller, or the marketplace's support, declined the request."
	}
	return humanize(s), ""
}

func viewCases(cs []mercato.RefundCase) []refundCaseView {
	out := make([]refundCaseView, 0, len(cs))
	for i := len(cs) - 1; i >= 0; i-- { // newest first
		v := refundCaseView{RefundCase: cs[i]}
		v.StatusLabel, v.Explain = refundStatusLabel(cs[i].Status)
		out = append(out, v)
	}
	return out
}

// refundCases reads every refund request of the account on one side, newest first.
func (c *Console) refundCases(r *http.Request, u *user, party service.Party) ([]refundCaseView, error) {
	cs, err := collect(func(cur string) ([]mercato.RefundCase, string, error) {
		return c.svc.RefundCases(r.Context(), u.ID, service.RequestQuery{Party: party, Page: service.Page{Cursor: cur}})
	})
	return viewCases(cs), err
}

// refundsView is the data of the refund request lists.
type refundsView struct {
	Cases  []refundCaseView
	Open   int    // cases waiting for the reader
	Answer string // the case whose answer was refused, with Problem
	Reject string // the case whose rejection was refused
	// The seller's "File a refund request for a buyer" form, as last posted, and its choices.
	File     refundForm
	Kinds    []mercato.RefundKind
	Invoices []mercato.Invoice
	Products []string
}

// buyerRefunds lists the buyer's refund requests.
func (c *Console) buyerRefunds(w http.ResponseWriter, r *http.Request, u *user) {
	c.showRefunds(w, r, u, service.Acceptor, http.StatusOK, refundsView{}, "")
}

// sellerRefunds lists the refund requests of the seller's agreements.
func (c *Console) sellerRefunds(w http.ResponseWriter, r *http.Request, u *user) {
	c.showRefunds(w, r, u, service.Proposer, http.StatusOK, refundsView{}, "")
}

func (c *Console) showRefunds(w http.ResponseWriter, r *http.Request, u *user, party service.Party, status int, v refundsView, problem string) {
	cases, err := c.refundCases(r, u, party)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	open := mercato.RefundActionRequired
	name, nav := "buyer_refunds", "buyer-refunds"
	if party == service.Proposer {
		open, name, nav = mercato.RefundAwaitingSeller, "seller_refunds", "seller-refunds"
	}
	for i := range cases {
		x := &cases[i]
		// A buyer answers only the requests it filed; the seller decides every one awaiting it.
		x.Waiting = x.Status == open && (party == service.Proposer || x.FiledBy == u.ID)
		if x.Waiting {
			v.Open++
		}
	}
	v.Cases = cases
	if party == service.Proposer {
		if err := c.sellerFilingChoices(r, u, &v); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	c.render(w, r, status, page{Name: name, Title: "Refund requests", Nav: nav, User: u, Error: problem, Data: v})
}

// refundFailed shows the list again with the service's reason, or fails the page.
func (c *Console) refundFailed(w http.ResponseWriter, r *http.Request, u *user, party service.Party, v refundsView, err error) {
	if status, msg, ok := c.formProblem(w, r, u, err); ok {
		c.showRefunds(w, r, u, party, status, v, msg)
	}
}

// fileRefund files the buyer's refund request for the agreement of the path.
func (c *Console) fileRefund(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := c.agreementAs(r, u, service.Acceptor)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := readRefundForm(r)
	in, p := f.request()
	in.BuyerID, in.SellerID, in.AgreementID, in.ProductID = u.ID, a.ProposerID, a.ID, a.ProductID
	if len(p) > 0 {
		f.Error, f.Fields = "The request is not complete: see the fields below.", p
		c.showBuyerAgreementWith(w, r, u, http.StatusBadRequest, "", f)
		return
	}
	if _, err := c.svc.FileRefundRequest(r.Context(), u.ID, in); err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			f.Error, f.Fields = msg, fieldProblems(err)
			c.showBuyerAgreementWith(w, r, u, status, "", f)
		}
		return
	}
	http.Redirect(w, r, "/console/buyer/refunds?notice=refund-filed", http.StatusSeeOther)
}

// readRefundForm reads a refund request form as posted.
func readRefundForm(r *http.Request) refundForm {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	return refundForm{Buyer: v("buyer"), Product: v("product"), Kind: v("type"), Invoice: v("invoice"), Periods: v("periods"),
		Amount: v("amount"), CancellationDate: v("cancellation_date"), Comments: v("comments")}
}

// request reads what the service cannot: the amount, the date and the billing periods as
// typed. The type, the parties and the sign of the amount are the service's to check
// (RefundRequestInput.Validate).
func (f *refundForm) request() (service.RefundRequestInput, mercato.Problems) {
	in := service.RefundRequestInput{Kind: mercato.RefundKind(f.Kind), Comments: f.Comments}
	var p mercato.Problems
	var ok bool
	var problem string
	if in.Amount, problem = formAmount(f.Amount); problem != "" {
		p.Add("amount", "%s", problem)
	}
	if in.CancellationDate, ok = formDate(f.CancellationDate); !ok {
		p.Add("cancellationDate", "write the date as YYYY-MM-DD")
	}
	for _, s := range formList(f.Periods) {
		period, ok := formPeriod(s)
		if !ok {
			p.Add("billingPeriods", "%q is not a billing period: write it as YYYY-MM, such as 2026-01", s)
			continue
		}
		in.Periods = append(in.Periods, period)
	}
	if f.Invoice != "" {
		in.InvoiceIDs = []string{f.Invoice}
	}
	return in, p
}

// answerRefund answers a refund request that needs action with what was missing.
func (c *Console) answerRefund(w http.ResponseWriter, r *http.Request, u *user) {
	id := r.PathValue("rid")
	v := refundsView{Answer: id}
	in, problem := readAnswer(r)
	if problem != "" {
		c.showRefunds(w, r, u, service.Acceptor, http.StatusBadRequest, v, problem)
		return
	}
	if _, err := c.svc.AnswerRefundRequest(r.Context(), u.ID, id, in); err != nil {
		c.refundFailed(w, r, u, service.Acceptor, v, err)
		return
	}
	http.Redirect(w, r, "/console/buyer/refunds?notice=refund-answered", http.StatusSeeOther)
}

// readAnswer reads an answer to a refund request that needs action: the fields given replace
// the case's. A problem is what the form itself cannot read.
func readAnswer(r *http.Request) (service.RefundRequestInput, string) {
	var in service.RefundRequestInput
	var ok bool
	var problem string
	if in.Amount, problem = formAmount(r.PostFormValue("amount")); problem != "" {
		return in, "The amount is not a decimal the console reads: " + problem + "."
	}
	if in.CancellationDate, ok = formDate(r.PostFormValue("cancellation_date")); !ok {
		return in, "Write the cancellation date as YYYY-MM-DD."
	}
	if ids := formList(r.PostFormValue("invoices")); len(ids) > 0 {
		in.InvoiceIDs = ids
	}
	for _, s := range formList(r.PostFormValue("periods")) {
		p, ok := formPeriod(s)
		if !ok {
			return in, "Write each billing period as YYYY-MM, such as 2026-01."
		}
		in.Periods = append(in.Periods, p)
	}
	in.Comments = strings.TrimSpace(r.PostFormValue("comments"))
	return in, ""
}

// approveRefund is the seller's authorization of a refund request awaiting it, once the seller
// confirmed its review (approvalPage): the refund cannot be undone.
func (c *Console) approveRefund(w http.ResponseWriter, r *http.Request, u *user) {
	if !c.confirmed(w, r, u, false) {
		return
	}
	if _, err := c.svc.ApproveRefundRequest(r.Context(), u.ID, r.PathValue("rid")); err != nil {
		c.refundFailed(w, r, u, service.Proposer, refundsView{}, err)
		return
	}
	http.Redirect(w, r, "/console/seller/refunds?notice=refund-approved", http.StatusSeeOther)
}

// rejectRefund is the seller's refusal of a refund request, with a reason the buyer sees.
func (c *Console) rejectRefund(w http.ResponseWriter, r *http.Request, u *user) {
	id := r.PathValue("rid")
	reason, problem := answer(r, "reason", "buyer")
	if problem != "" {
		c.showRefunds(w, r, u, service.Proposer, http.StatusBadRequest, refundsView{Reject: id}, problem)
		return
	}
	if _, err := c.svc.RejectRefundRequest(r.Context(), u.ID, id, reason); err != nil {
		c.refundFailed(w, r, u, service.Proposer, refundsView{Reject: id}, err)
		return
	}
	http.Redirect(w, r, "/console/seller/refunds?notice=refund-rejected", http.StatusSeeOther)
}
