package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"mercato"
	"mercato/service"
)

// The billing adjustment wizard follows the marketplace's self-serve flow: reason and details,
// then the invoice, then the pre-tax amount, then a preview of everything, then submission.
// Each step posts every answer so far (hidden fields carry the earlier ones) and checks them all
// again, so no step can be skipped by crafting a request; nothing is stored before the last.

// adjustForm is the wizard's answers.
type adjustForm struct {
	ReasonCode  string
	Reason      string // the specific reason, in the seller's words
	SupportCase string
	BuyerRef    string
	Notes       string
	VagueOK     bool // the seller saw the warning about this vague reason and kept it
	InvoiceID   string
	Kind        string // full | partial
	Amount      string // as typed, for a partial refund
	Token       string // the client token, made for the preview, so submitting twice adjusts once
	Confirmed   bool
}

func readAdjustForm(r *http.Request) adjustForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := adjustForm{ReasonCode: get("reason_code"), Reason: get("reason"), SupportCase: get("support_case"),
		BuyerRef: get("buyer_ref"), Notes: get("notes"), InvoiceID: get("invoice"),
		Kind: get("kind"), Amount: get("amount"), Token: get("token"), Confirmed: get("confirm") == "1"}
	f.VagueOK = get("vague_ok") != "" && get("vague_ok") == f.VagueKey()
	return f
}

// VagueKey is what the form posts to keep a vague reason: it names the reason kept, so that a
// different reason is checked again.
func (f *adjustForm) VagueKey() string { return f.ReasonCode + "|" + f.Reason }

// Limits of the free-text fields; together they make the description, which the marketplace
// keeps to 500 characters.
const (
	maxReason      = 200
	maxSupportCase = 64
	maxBuyerRef    = 120
	maxNotes       = 300
	maxDescription = mercato.MaxAdjustmentDescription
)

// Description is what the adjustment records as its description: the reason and the details.
func (f *adjustForm) Description() string {
	parts := []string{f.Reason}
	for _, p := range [][2]string{{"Support case", f.SupportCase}, {"Buyer reference", f.BuyerRef}, {"Notes", f.Notes}} {
		if p[1] != "" {
			parts = append(parts, p[0]+": "+p[1])
		}
	}
	return strings.Join(parts, " | ")
}

// reasonOption is an adjustment reason code with its meaning.
type reasonOption struct{ Code, Label, Hint string }

// adjustmentReasons explain the marketplace's seven reason codes, the vague one last.
var adjustmentReasons = []reasonOption{
	{"INCORRECT_METERING", "Incorrect usage metering", "The buyer was overbilled because usage was metered incorrectly."},
	{"INCORRECT_TERMS_ACCEPTED", "Incorrect terms accepted", "The buyer accepted the wrong terms, or the payment terms changed (e.g. an agreement-based offer moved upfront payment to monthly)."},
	{"BUYER_DISSATISFACTION", "Buyer dissatisfaction", "The buyer is not satisfied with the product and you agreed to refund."},
	{"ALTERNATIVE_PROCUREMENT_CHANNEL", "Bought through another channel", "The buyer also paid for the same software through another channel."},
	{"TEST_ENVIRONMENT_CHARGES", "Test environment charges", "The charges came from testing, not production use."},
	{"UNINTENDED_RENEWAL", "Unintended renewal", "The agreement renewed when the buyer did not mean it to."},
	{"OTHER", "Other (not specific)", "Only when no other code fits. The reason below must then explain the cause."},
}

// reasonLabel returns the label of a reason code.
func reasonLabel(code string) string {
	for _, o := range adjustmentReasons {
		if o.Code == code {
			return o.Label
		}
	}
	return humanize(code)
}

// vagueReasons are reasons that say nothing about the cause.
var vagueReasons = []string{"refund", "refund requested", "requested refund", "refund request", "buyer issue",
	"customer issue", "issue", "buyer request", "customer request", "requested by buyer", "requested by customer",
	"as requested", "per buyer", "other", "misc", "n/a", "na", "none", "see ticket", "billing issue", "error"}

// vagueWarning says why the reason is too vague to trace later, or "" if it is specific.
func vagueWarning(f *adjustForm) string {
	var msgs []string
	if f.ReasonCode == "OTHER" {
		msgs = append(msgs, "OTHER is the least specific reason code: choose the code that matches the cause if there is one.")
	}
	plain := strings.ToLower(strings.Trim(f.Reason, " .!-"))
	if slices.Contains(vagueReasons, plain) || len(strings.Fields(plain)) < 3 {
		msgs = append(msgs, fmt.Sprintf("“%s” does not say what went wrong. A specific reason, such as “Duplicate charge for invoice inv-123” "+
			"or “Buyer overbilled due to incorrect usage metering”, makes the adjustment easy to trace in an audit.", f.Reason))
	}
	return strings.Join(msgs, " ")
}

// adjustView is the data of every wizard step.
type adjustView struct {
	A        mercato.Agreement
	Product  string
	Buyer    string
	Form     adjustForm
	Errors   map[string]string
	Problem  string // a problem with the whole form, shown on top of the step
	Vague    string // the warning about a vague reason
	Reasons  []reasonOption
	Invoices []invoiceView
	Invoice  *invoiceView // the chosen invoice
	Refund   mercato.Amount
	Action   string // the wizard's base URL
	Step     int
}

// RefundKind describes the refund: full, all that remains, or partial.
func (v *adjustView) RefundKind() string {
	switch {
	case v.Invoice == nil:
		return ""
	case v.Refund == v.Invoice.PreTax:
		return "Full refund"
	case v.Refund == v.Invoice.Remaining:
		return "Partial refund: all that remains refundable"
	}
	return "Partial refund"
}

// After is what remains refundable on the invoice once the refund is applied.
func (v *adjustView) After() mercato.Amount { return v.Invoice.Remaining - v.Refund }

// ReasonLabel is the label of the chosen reason code.
func (v *adjustView) ReasonLabel() string { return reasonLabel(v.Form.ReasonCode) }

// loadAdjust loads the seller's agreement and its invoices and reads the posted answers; it
// answers the request itself when it cannot.
func (c *Console) loadAdjust(w http.ResponseWriter, r *http.Request, u *user) (*adjustView, bool) {
	a, err := c.agreementAs(r, u, service.Proposer)
	if err != nil {
		c.fail(w, r, u, err)
		return nil, false
	}
	invoices, err := collect(func(cur string) ([]mercato.Invoice, string, error) {
		return c.svc.InvoiceLineItems(r.Context(), u.ID, service.InvoiceQuery{AgreementID: a.ID,
			Type: mercato.InvoiceTypeInvoice, Page: service.Page{Cursor: cur}})
	})
	if err != nil {
		c.fail(w, r, u, err)
		return nil, false
	}
	n := c.names(r.Context())
	return &adjustView{A: a, Product: n.Product(a.ProductID), Buyer: n.Account(a.AcceptorID), Form: readAdjustForm(r),
		Errors: map[string]string{}, Reasons: adjustmentReasons, Invoices: groupInvoices(invoices),
		Action: agreementURL(r) + "/adjust"}, true
}

// steps are the wizard's templates, in order.
var steps = []string{"adjust_reason", "adjust_invoice", "adjust_amount", "adjust_preview"}

// showAdjust renders a step of the wizard.
func (c *Console) showAdjust(w http.ResponseWriter, r *http.Request, u *user, v *adjustView, step, status int) {
	v.Step = step
	c.render(w, r, status, page{Name: steps[step-1], Title: "Apply billing adjustment", Nav: "seller-agreements", User: u,
		Crumbs: []crumb{{"Agreements", "/console/seller/agreements"}, {v.A.ID, agreementURL(r)}}, Data: v})
}

// adjustReason shows the first step: empty on GET, with the answers posted on the way back.
func (c *Console) adjustReason(w http.ResponseWriter, r *http.Request, u *user) {
	if v, ok := c.loadAdjust(w, r, u); ok {
		c.showAdjust(w, r, u, v, 1, http.StatusOK)
	}
}

// adjustInvoice checks the reason and shows the invoices to choose from.
func (c *Console) adjustInvoice(w http.ResponseWriter, r *http.Request, u *user) {
	if v, ok := c.loadAdjust(w, r, u); ok && c.upTo(w, r, u, v, 1) {
		c.showAdjust(w, r, u, v, 2, http.StatusOK)
	}
}

// adjustAmount checks the reason and invoice and asks for the amount.
func (c *Console) adjustAmount(w http.ResponseWriter, r *http.Request, u *user) {
	if v, ok := c.loadAdjust(w, r, u); ok && c.upTo(w, r, u, v, 2) {
		c.showAdjust(w, r, u, v, 3, http.StatusOK)
	}
}

// adjustPreview checks every answer and shows them all for review, with a fresh client token.
func (c *Console) adjustPreview(w http.ResponseWriter, r *http.Request, u *user) {
	if v, ok := c.loadAdjust(w, r, u); ok && c.upTo(w, r, u, v, 3) {
		v.Form.Token, v.Form.Confirmed = "console-"+randomHex(16), false
		c.showAdjust(w, r, u, v, 4, http.StatusOK)
	}
}

// upTo checks the answers of steps 1 to last; on the first step with a problem it shows that
// step again and returns false.
func (c *Console) upTo(w http.ResponseWriter, r *http.Request, u *user, v *adjustView, last int) bool {
	checks := []func() bool{v.checkReason, v.checkInvoice, v.checkAmount}
	for i, check := range checks[:last] {
		if !check() {
			status := http.StatusBadRequest
			if len(v.Errors) == 0 { // only the vague-reason warning: a question, not an error
				status = http.StatusOK
			}
			c.showAdjust(w, r, u, v, i+1, status)
			return false
		}
	}
	return true
}

// checkReason checks step 1. A vague reason stops the wizard once, with a warning, until the
// seller keeps it knowingly.
func (v *adjustView) checkReason() bool {
	f := &v.Form
	if !slices.Contains(mercato.AdjustmentReasons, f.ReasonCode) {
		v.Errors["reason_code"] = "Choose the reason code that best describes the cause."
	}
	switch n := utf8.RuneCountInString(f.Reason); {
	case n == 0:
		v.Errors["reason"] = "Give the reason for the adjustment: a clear reason is required."
	case n > maxReason:
		v.Errors["reason"] = fmt.Sprintf("Keep the reason to %d characters (it has %d); put the rest in the notes.", maxReason, n)
	}
	tooLong(v.Errors, "support_case", f.SupportCase, maxSupportCase)
	tooLong(v.Errors, "buyer_ref", f.BuyerRef, maxBuyerRef)
	tooLong(v.Errors, "notes", f.Notes, maxNotes)
	if n := utf8.RuneCountInString(f.Description()); len(v.Errors) == 0 && n > maxDescription {
		v.Errors["notes"] = fmt.Sprintf("Together the reason and the details have %d characters; the adjustment keeps at most %d. Shorten the notes.", n, maxDescription)
	}
	if len(v.Errors) > 0 {
		return false
	}
	v.Vague = vagueWarning(f)
	return v.Vague == "" || f.VagueOK
}

func tooLong(errs map[string]string, field, s string, limit int) {
	if n := utf8.RuneCountInString(s); n > limit {
		errs[field] = fmt.Sprintf("Keep this to %d characters (it has %d).", limit, n)
	}
}

// checkInvoice checks step 2: an invoice of the agreement with an amount left to refund.
func (v *adjustView) checkInvoice() bool {
	for i := range v.Invoices {
		if v.Invoices[i].ID == v.Form.InvoiceID {
			v.Invoice = &v.Invoices[i]
		}
	}
	switch {
	case v.Form.InvoiceID == "":
		v.Errors["invoice"] = "Choose the invoice to adjust."
	case v.Invoice == nil:
		v.Errors["invoice"] = fmt.Sprintf("Invoice %s is not an invoice of this agreement.", v.Form.InvoiceID)
	case v.Invoice.Remaining <= 0:
		v.Errors["invoice"] = fmt.Sprintf("Invoice %s has been refunded in full: nothing remains to adjust.", v.Invoice.ID)
	}
	return len(v.Errors) == 0
}

// checkAmount checks step 3: a full refund of what remains, or a partial one of a positive
// pre-tax amount in the currency's minor unit, never above what remains refundable.
func (v *adjustView) checkAmount() bool {
	inv := v.Invoice
	switch v.Form.Kind {
	case "full":
		v.Refund = inv.Remaining
	case "partial":
		amount, problem := parseRefund(v.Form.Amount, inv)
		if problem != "" {
			v.Errors["amount"] = problem
		}
		v.Refund = amount
	default:
		v.Errors["kind"] = "Choose a full or a partial refund."
	}
	return len(v.Errors) == 0
}

// parseRefund reads a partial refund's amount, or says what is wrong with it.
func parseRefund(s string, inv *invoiceView) (mercato.Amount, string) {
	c := inv.Currency
	if strings.TrimSpace(s) == "" {
		return 0, "Enter the pre-tax amount to refund."
	}
	a, problem := parseAmount(s, c)
	switch {
	case problem != "":
		return 0, "Enter the amount as a number such as 250.00, without tax or a currency sign: " + problem + "."
	case a <= 0:
		return a, "The amount must be more than zero."
	case !a.IsMinorUnits(c):
		return a, fmt.Sprintf("%s amounts have at most %d decimal places.", c, c.MinorDigits())
	case a > inv.Remaining:
		return a, fmt.Sprintf("%s is more than can be refunded. At most %s remains refundable on invoice %s "+
			"(pre-tax total %s, of which %s is already refunded or being refunded). Enter %s or less.",
			formatMoney(a, c), formatMoney(inv.Remaining, c), inv.ID, formatMoney(inv.PreTax, c),
			formatMoney(inv.Refunded, c), formatAmount(inv.Remaining, c))
	}
	return a, ""
}

// adjustSubmit checks every answer again and applies the billing adjustment with the preview's
// client token; a resubmitted preview finds the adjustment already made and adjusts nothing twice.
func (c *Console) adjustSubmit(w http.ResponseWriter, r *http.Request, u *user) {
	v, ok := c.loadAdjust(w, r, u)
	if !ok || !c.upTo(w, r, u, v, 3) {
		return
	}
	validToken := mercato.ValidClientToken(v.Form.Token)
	if !v.Form.Confirmed || !validToken {
		if !validToken {
			v.Form.Token = "console-" + randomHex(16)
		}
		v.Errors["confirm"] = "Confirm that you checked the invoice, the amount and the reason."
		c.showAdjust(w, r, u, v, 4, http.StatusBadRequest)
		return
	}
	res, err := c.svc.CreateAdjustments(r.Context(), u.ID, []service.AdjustmentEntry{{AgreementID: v.A.ID,
		OriginalInvoiceID: v.Invoice.ID, Amount: v.Refund, Currency: v.Invoice.Currency, ReasonCode: v.Form.ReasonCode,
		Description: v.Form.Description(), ClientToken: v.Form.Token}})
	if err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			v.Problem = msg
			c.showAdjust(w, r, u, v, 4, status)
		}
		return
	}
	if len(res.Errors) > 0 {
		v.Problem = "The adjustment was not applied: " + res.Errors[0].Message
		c.showAdjust(w, r, u, v, 4, entryStatus(res.Errors[0].Code))
		return
	}
	http.Redirect(w, r, agreementURL(r)+"/adjustments/"+url.PathEscape(res.Items[0].ID)+"?submitted=1", http.StatusSeeOther)
}

// entryStatus returns the status of the page that shows why an adjustment entry was refused.
func entryStatus(code string) int {
	switch code {
	case "VALIDATION_EXCEPTION":
		return http.StatusBadRequest
	case "RESOURCE_NOT_FOUND_EXCEPTION":
		return http.StatusNotFound
	case "INTERNAL_FAILURE":
		return http.StatusInternalServerError
	}
	return http.StatusConflict
}
