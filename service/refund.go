package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mercato"
	"mercato/billing"
	"mercato/policy"
)

const (
	jobRefundCaseReview mercato.JobKind = "refund-case-review" // a pending case at the end of its cycle
	jobRefundCaseCancel mercato.JobKind = "refund-case-cancel" // a cancellation on its date
)

// RefundRequestInput is a refund (or cancellation) request as the form asks for it.
type RefundRequestInput struct {
	BuyerID          string                  `json:"buyerId"`
	SellerID         string                  `json:"sellerId"`
	ProductID        string                  `json:"productId"`
	AgreementID      string                  `json:"agreementId,omitempty"` // default: the buyer's latest agreement for the product
	Kind             mercato.RefundKind      `json:"type"`                  // REFUND, UPGRADE, DOWNGRADE, CANCELLATION, TAX
	InvoiceIDs       []string                `json:"invoiceIds,omitempty"`
	Periods          []mercato.BillingPeriod `json:"billingPeriods,omitempty"`
	Amount           mercato.Amount          `json:"amount"` // pre-tax; 0 for a cancellation only, or for the policy to compute
	CancellationDate time.Time               `json:"cancellationDate,omitzero"`
	Comments         string                  `json:"comments,omitempty"`
}

// RefundKinds are the types of refund request a buyer or a seller files; TAX asks for the tax
// of invoices alone, which only the seller grants.
var RefundKinds = mercato.RefundKinds

// Validate reports every bad field at once.
func (in *RefundRequestInput) Validate() error {
	var p mercato.Problems
	if in.BuyerID == "" {
		p.Add("buyerId", "is required")
	}
	if in.SellerID == "" {
		p.Add("sellerId", "is required")
	}
	if in.ProductID == "" && in.AgreementID == "" && len(in.InvoiceIDs) == 0 {
		p.Add("productId", "is required (or an agreement, or an invoice)")
	}
	if !in.Kind.Fileable() {
		p.Add("type", "must be one of %s", kindList())
	}
	in.checkAnswer(&p)
	return p.Err("invalid refund request")
}

func kindList() string {
	names := make([]string, len(RefundKinds))
	for i, k := range RefundKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// MaxRefundComments is the most characters of comments a refund request may have.
const MaxRefundComments = 1000

// checkAnswer adds what is wrong with the fields a refund request and its answers share.
func (in *RefundRequestInput) checkAnswer(p *mercato.Problems) {
	if in.Amount < 0 {
		p.Add("amount", "must not be negative")
	}
	if n := utf8.RuneCountInString(in.Comments); n > MaxRefundComments {
		p.Add("comments", "has %d characters; at most %d are allowed", n, MaxRefundComments)
	}
}

// FileRefundRequest files a refund request as the buyer or the seller of the agreement. It
// becomes a case with a reference ID: completed at once when the refund policy makes it
// automatic (or the seller files it, which authorizes it), pending until the end of the current
// billing cycle when it concerns charges not invoiced yet, awaiting the seller otherwise, or
// action required when something is missing. Errors: EInvalid (also an amount above what remains
// refundable on the invoices named), ENotFound (no such agreement
// between the parties), EForbidden (the caller is neither party).
func (s *Service) FileRefundRequest(ctx context.Context, caller string, in RefundRequestInput) (mercato.RefundCase, error) {
	if err := in.Validate(); err != nil {
		return mercato.RefundCase{}, err
	}
	if caller != in.BuyerID && caller != in.SellerID {
		return mercato.RefundCase{}, mercato.Errorf(mercato.EForbidden, "only the buyer or the seller may file a refund request")
	}
	var c mercato.RefundCase
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		a, err := refundAgreement(tx, &in)
		if err != nil {
			return err
		}
		c = mercato.RefundCase{ID: newID("rc-"), FiledBy: caller, Status: mercato.RefundSubmitted, CreatedAt: now}
		if err := fillCase(&c, &in, &a); err != nil {
			return err
		}
		if err := checkRefundable(tx, &c); err != nil {
			return err
		}
		if err := tx.InsertRefundCase(c); err != nil {
			return err
		}
		if err := audit(tx, now, caller, "FileRefundRequest", "RefundCase", c.ID, "", in); err != nil {
			return err
		}
		return s.evaluate(tx, &c, &a, now)
	})
	return c, err
}

// refundAgreement finds the agreement a request is about: the one named, or the buyer's latest
// agreement for the product with the seller.
func refundAgreement(tx mercato.Tx, in *RefundRequestInput) (mercato.Agreement, error) {
	if err := invoiceAgreement(tx, in); err != nil {
		return mercato.Agreement{}, err
	}
	if in.AgreementID != "" {
		a, err := tx.GetAgreement(in.AgreementID)
		if err == nil && (a.AcceptorID != in.BuyerID || a.ProposerID != in.SellerID) {
			err = mercato.NotFound("Agreement", in.AgreementID)
		}
		return a, err
	}
	as, err := tx.ListAgreements(mercato.AgreementFilter{AcceptorID: in.BuyerID, ProposerID: in.SellerID, ProductID: in.ProductID})
	if err != nil {
		return mercato.Agreement{}, err
	}
	if len(as) == 0 {
		return mercato.Agreement{}, mercato.Errorf(mercato.ENotFound, "account %s has no agreement with %s for product %s", in.BuyerID, in.SellerID, in.ProductID)
	}
	slices.SortFunc(as, func(x, y mercato.Agreement) int { return x.AcceptanceTime.Compare(y.AcceptanceTime) })
	return as[len(as)-1], nil
}

func fillCase(c *mercato.RefundCase, in *RefundRequestInput, a *mercato.Agreement) error {
	c.BuyerID, c.SellerID, c.ProductID, c.AgreementID = a.AcceptorID, a.ProposerID, a.ProductID, a.ID
	c.Kind, c.InvoiceIDs, c.Periods, c.Amount, c.Currency = in.Kind, in.InvoiceIDs, in.Periods, in.Amount, a.Currency
	c.CancellationDate, c.Comments = in.CancellationDate.UTC(), in.Comments
	return checkCaseAmount(c)
}

// checkCaseAmount returns EInvalid unless the amount asked is in the currency's minor unit.
func checkCaseAmount(c *mercato.RefundCase) error {
	if msg := mercato.MinorUnitsProblem(c.Amount, c.Currency); msg != "" {
		return invalid("", "amount", "refund %s", msg)
	}
	return nil
}

// evaluate decides what happens to a submitted case, now, and saves it.
func (s *Service) evaluate(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, now time.Time) error {
	c.UpdatedAt, c.StatusReason = now, ""
	pc, err := policyCase(tx, c, a)
	if err != nil {
		return err
	}
	if missing, err := missingInfo(tx, c, a, &pc); err != nil || missing != "" {
		if err != nil {
			return err
		}
		return s.setCase(tx, c, mercato.RefundActionRequired, missing, now)
	}
	if p, ok := openPeriod(c, a, now); ok {
		return s.pendCase(tx, c, p, now)
	}
	d := policy.Decide(pc)
	// The free-trial rule refunds what accrued in the 7 days after the conversion: a request
	// filed before those days are invoiced waits for their invoice.
	if p, ok := trialPeriodOpen(&pc, a, now); ok && d.Rule == policy.RuleFreeTrialConversion {
		return s.pendTrialCase(tx, c, a, p, now)
	}
	switch {
	case d.Automatic:
		return s.grant(tx, c, a, d.Rule, "policy", now)
	case c.Kind == mercato.RefundKindRefund && c.Amount == 0:
		return s.setCase(tx, c, mercato.RefundActionRequired, "name the pre-tax amount to refund: no automatic rule computes it for this request", now)
	case c.FiledBy == c.SellerID:
		return s.grant(tx, c, a, policy.RuleSellerAuthorization, c.SellerID, now)
	}
	c.Rule = string(d.Rule)
	if err := s.setCase(tx, c, mercato.RefundAwaitingSeller, d.Why, now); err != nil {
		return err
	}
	return emit(tx, mercato.RefundRequest(mercato.EventRefundRequestAwaitingApproval, c, mercato.Parties{Proposer: c.SellerID}, d.Why, now))
}

// pendCase makes the case wait for the invoice of billing period p, and reviews it then.
func (s *Service) pendCase(tx mercato.Tx, c *mercato.RefundCase, p mercato.BillingPeriod, now time.Time) error {
	if err := putJob(tx, jobRefundCaseReview, "refund-review:"+c.ID+":"+p.String(), closeTime(p).Add(time.Hour), requestJob{c.ID}); err != nil {
		return err
	}
	return s.setCase(tx, c, mercato.RefundPending, fmt.Sprintf("waits for the end of the %s billing cycle; its invoice is issued on %s",
		p, closeTime(p).Format("2006-01-02")), now)
}

// pendTrialCase makes a free-trial refund wait for the invoice of period p; a cancellation
// asked with it ends the agreement now, so that nothing more accrues while the refund waits.
func (s *Service) pendTrialCase(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, p mercato.BillingPeriod, now time.Time) error {
	if c.Kind == mercato.RefundKindCancellation {
		if err := s.cancelForCase(tx, c, a, policy.RuleFreeTrialConversion, c.FiledBy, now); err != nil {
			return err
		}
	}
	return s.pendCase(tx, c, p, now)
}

// setCase moves the case to status, as its transition table allows, and saves it.
func (s *Service) setCase(tx mercato.Tx, c *mercato.RefundCase, status mercato.RefundCaseStatus, reason string, now time.Time) error {
	if err := c.Transition(status, now); err != nil {
		return err
	}
	c.StatusReason = reason
	return tx.UpdateRefundCase(*c)
}

// missingInfo says what the case lacks before it can be decided, or "".
func missingInfo(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, pc *policy.Case) (string, error) {
	switch {
	case pc.NeedsCancellationDate():
		return "annual subscriptions need a cancellation date", nil
	case c.Kind.Replacing() && a.ReplacedBy() == "":
		return fmt.Sprintf("agreement %s has not been replaced yet: accept the new offer first, then file the %s", a.ID, strings.ToLower(string(c.Kind))), nil
	case (c.Amount > 0 || c.Kind == mercato.RefundKindTax) && len(c.InvoiceIDs) == 0 && len(c.Periods) == 0:
		return "name the invoice(s) or billing period(s) to refund", nil
	}
	// A request filed or answered above the refundable is refused (checkRefundable); this finds
	// one whose invoices were refunded by other means while it waited.
	left, over, err := refundableLeft(tx, c)
	if err != nil || !over {
		return "", err
	}
	return fmt.Sprintf("the amount %s exceeds the %s %s that remains refundable on the invoices named", c.Amount.FormatIn(c.Currency), left.FormatIn(c.Currency), c.Currency), nil
}

// refundableLeft returns what remains refundable on the invoices the case names, and whether
// the amount asked is more than that. A case naming no invoice found, asking no amount, or
// asking for tax (whose amount is the tax left) is never over.
func refundableLeft(tx mercato.Tx, c *mercato.RefundCase) (mercato.Amount, bool, error) {
	if c.Amount == 0 || c.Kind == mercato.RefundKindTax {
		return 0, false, nil
	}
	invs, err := caseInvoices(tx, c)
	if err != nil {
		return 0, false, err
	}
	var left mercato.Amount
	for _, inv := range invs {
		left += inv.MaxAdjustment()
	}
	return left, len(invs) > 0 && c.Amount > left, nil
}

// checkRefundable refuses a request for more than remains refundable on the invoices it names.
// Filed, it would wait for an answer that no decision could grant, so it is refused before it
// exists, with the amount that can still be asked.
func checkRefundable(tx mercato.Tx, c *mercato.RefundCase) error {
	left, over, err := refundableLeft(tx, c)
	if err != nil || !over {
		return err
	}
	return invalid("EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT", "amount", "the amount %s %s exceeds the %s %s that remains refundable on the invoices named: ask for %s %s or less",
		c.Amount.FormatIn(c.Currency), c.Currency, left.FormatIn(c.Currency), c.Currency, left.FormatIn(c.Currency), c.Currency)
}

// openPeriod returns a requested billing period whose consolidated invoice is not issued yet.
func openPeriod(c *mercato.RefundCase, a *mercato.Agreement, now time.Time) (mercato.BillingPeriod, bool) {
	if !a.Terms.BillsMonthly() {
		return mercato.BillingPeriod{}, false
	}
	for _, p := range c.Periods {
		if closeTime(p).After(now) {
			return p, true
		}
	}
	return mercato.BillingPeriod{}, false
}

// trialPeriodOpen returns the billing period whose invoice bills the last of the 7 days after
// the free trial converted, while that invoice is not issued yet.
func trialPeriodOpen(pc *policy.Case, a *mercato.Agreement, now time.Time) (mercato.BillingPeriod, bool) {
	_, to, ok := pc.TrialWindow()
	if !ok || !a.Terms.BillsMonthly() {
		return mercato.BillingPeriod{}, false
	}
	p := mercato.PeriodOf(to.Add(-time.Nanosecond))
	return p, closeTime(p).After(now)
}

// policyCase gathers what the policy decides a case on, as of its filing (a review later
// changes nothing): the agreement, the one that replaced it for an upgrade or a downgrade, the
// billing periods named, and whether the free trial's 7 days were refunded before.
func policyCase(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement) (policy.Case, error) {
	var replacement *mercato.Agreement
	if id := a.ReplacedBy(); id != "" && c.Kind.Replacing() {
		r, err := tx.GetAgreement(id)
		if err != nil {
			return policy.Case{}, fmt.Errorf("replacement of agreement %s: %w", a.ID, err)
		}
		replacement = &r
	}
	periods, err := casePeriods(tx, c)
	if err != nil {
		return policy.Case{}, err
	}
	trialDone, err := trialRefunded(tx, c)
	if err != nil {
		return policy.Case{}, err
	}
	r := policy.Request{Kind: c.Kind, Filed: c.CreatedAt, Periods: periods, CancellationDate: c.CancellationDate,
		TrialRefunded: trialDone}
	return policy.NewCase(r, a, replacement), nil
}

// casePeriods returns the billing periods a case names, directly or by its invoices.
func casePeriods(tx mercato.Tx, c *mercato.RefundCase) ([]mercato.BillingPeriod, error) {
	out := slices.Clone(c.Periods)
	if len(c.InvoiceIDs) == 0 {
		return out, nil
	}
	invs, err := caseInvoices(tx, c)
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		if slices.Contains(c.InvoiceIDs, inv.ID) && !slices.Contains(out, inv.BillingPeriod) {
			out = append(out, inv.BillingPeriod)
		}
	}
	return out, nil
}

// trialRefunded reports whether another case of the agreement was granted under the free-trial
// rule: the 7 days after the conversion are refunded once.
func trialRefunded(tx mercato.Tx, c *mercato.RefundCase) (bool, error) {
	done, err := tx.ListRefundCases(mercato.RequestFilter{AgreementID: c.AgreementID, Status: string(mercato.RefundCompleted)})
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(done, func(o mercato.RefundCase) bool {
		return o.ID != c.ID && o.Rule == string(policy.RuleFreeTrialConversion)
	}), nil
}

// grant refunds what the case is granted under rule, cancels the agreement if asked, and
// completes the case.
func (s *Service) grant(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, rule policy.Rule, actor string, now time.Time) error {
	if c.Kind == mercato.RefundKindTax {
		if err := refundCaseTax(tx, c, a, actor, now); err != nil {
			return err
		}
		return s.completeCase(tx, c, rule, actor, now)
	}
	refunds, err := s.caseRefunds(tx, c, a, amountRule(rule), now)
	if err != nil {
		return err
	}
	// The case shows what was refunded: the policy's amount for an automatic rule (the filer
	// may have left it at 0), the amount asked otherwise.
	c.Amount = 0
	for i, r := range refunds {
		c.Amount += r.Amount
		id, err := s.refundInvoice(tx, a, c, r, rule, fmt.Sprintf("%s-%d", c.ID, i+1), now)
		if err != nil {
			return err
		}
		c.Adjustments = append(c.Adjustments, id)
	}
	if c.Kind == mercato.RefundKindCancellation {
		if err := s.cancelForCase(tx, c, a, rule, actor, now); err != nil {
			return err
		}
	}
	return s.completeCase(tx, c, rule, actor, now)
}

// refundCaseTax refunds the tax of the case's invoices that still have some, and records on the
// case the tax refunded, not an amount the filer may have typed.
func refundCaseTax(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, actor string, now time.Time) error {
	left, err := caseTaxLeft(tx, c)
	if err != nil {
		return err
	}
	c.Amount = 0
	for _, r := range left {
		memo, err := refundTax(tx, a, r.InvoiceID, actor, now)
		if err != nil {
			return err
		}
		c.Amount += memo.Tax
	}
	return nil
}

// caseTaxLeft returns the tax not refunded yet of each of the case's invoices that has some.
func caseTaxLeft(tx mercato.Tx, c *mercato.RefundCase) ([]InvoiceRefund, error) {
	invs, err := caseInvoices(tx, c)
	if err != nil {
		return nil, err
	}
	var out []InvoiceRefund
	for _, inv := range invs {
		if left := inv.Tax - inv.CreditedTax; left > 0 {
			out = append(out, InvoiceRefund{inv.ID, left})
		}
	}
	return out, nil
}

// completeCase marks a granted case completed, audits it and tells both parties.
func (s *Service) completeCase(tx mercato.Tx, c *mercato.RefundCase, rule policy.Rule, actor string, now time.Time) error {
	c.Rule = string(rule)
	if err := s.setCase(tx, c, mercato.RefundCompleted, "", now); err != nil {
		return err
	}
	if err := audit(tx, now, actor, "GrantRefundRequest", "RefundCase", c.ID, "",
		map[string]any{"policyRule": rule, "billingAdjustmentRequestIds": c.Adjustments, "cancelled": c.Cancelled}); err != nil {
		return err
	}
	parties := mercato.Parties{Proposer: c.SellerID, Acceptor: c.BuyerID}
	return emit(tx, mercato.RefundRequest(mercato.EventRefundRequestCompleted, c, parties, "", now))
}

// caseRefunds computes the amount to refund from each invoice: what the policy grants for an
// automatic rule, or the amount asked spread over the invoices named for the seller's (and for
// an upgrade that names one). Only the policy's amounts need the invoice lines.
func (s *Service) caseRefunds(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, rule policy.Rule, now time.Time) ([]policy.Refund, error) {
	if rule == policy.RuleSellerAuthorization || (rule == policy.RuleUpgrade && c.Amount > 0) {
		return spread(tx, c)
	}
	lines, err := invoiceLines(tx, a)
	if err != nil {
		return nil, err
	}
	at := now
	if !c.CancellationDate.IsZero() {
		at = c.CancellationDate
	}
	return policy.Amounts(rule, lines, billing.TrialEnd(a), at, ""), nil
}

// spread divides the case's amount over its invoices, in order, each up to what remains
// refundable on it.
func spread(tx mercato.Tx, c *mercato.RefundCase) ([]policy.Refund, error) {
	invs, err := caseInvoices(tx, c)
	if err != nil {
		return nil, err
	}
	left := c.Amount
	var out []policy.Refund
	for _, inv := range invs {
		if left <= 0 {
			break
		}
		if amt := min(left, inv.MaxAdjustment()); amt > 0 {
			out = append(out, policy.Refund{InvoiceID: inv.ID, Amount: amt})
			left -= amt
		}
	}
	if left > 0 {
		return nil, invalid("EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT", "amount", "%s %s of the amount cannot be refunded from the invoices named", left.FormatIn(c.Currency), c.Currency)
	}
	return out, nil
}

// caseInvoices returns the invoices a case names, directly or by billing period, oldest first.
func caseInvoices(tx mercato.Tx, c *mercato.RefundCase) ([]mercato.Invoice, error) {
	all, err := tx.ListInvoices(mercato.InvoiceFilter{AgreementID: c.AgreementID, Type: mercato.InvoiceTypeInvoice})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(inv mercato.Invoice) bool {
		return !slices.Contains(c.InvoiceIDs, inv.ID) && !slices.Contains(c.Periods, inv.BillingPeriod)
	}), nil
}

// invoiceLines returns the agreement's invoiced charges as refund-policy lines, each capped by
// what remains refundable on its invoice.
func invoiceLines(tx mercato.Tx, a *mercato.Agreement) ([]policy.Line, error) {
	invs, err := tx.ListInvoices(mercato.InvoiceFilter{AgreementID: a.ID, Type: mercato.InvoiceTypeInvoice})
	if err != nil {
		return nil, err
	}
	left := map[string]mercato.Amount{}
	for _, inv := range invs {
		left[inv.ID] = inv.MaxAdjustment()
	}
	charges, err := tx.ListCharges(mercato.ChargeFilter{AgreementID: a.ID, Status: mercato.ChargeInvoiced})
	if err != nil {
		return nil, err
	}
	var lines []policy.Line
	for _, ch := range charges {
		amt := min(ch.Amount, left[ch.InvoiceID])
		left[ch.InvoiceID] -= amt
		from, to := chargeSpan(a, &ch)
		lines = append(lines, policy.Line{InvoiceID: ch.InvoiceID, Amount: amt, Software: true, PeriodStart: from,
			PeriodEnd: to, Currency: ch.Currency, UsageDimension: usageDimension(&ch)})
	}
	return lines, usageQuantities(tx, a, lines)
}

// usageQuantities sets, on each metered line, the usage it bills and, for an agreement with a
// free trial, the part of it used in the 7 days after the conversion, from the usage records.
func usageQuantities(tx mercato.Tx, a *mercato.Agreement, lines []policy.Line) error {
	from, to, trial := policy.TrialWindow(a)
	u := usageReader{tx: tx, agreementID: a.ID, totals: map[[2]int64][]mercato.UsageTotal{}}
	for i := range lines {
		l := &lines[i]
		if l.UsageDimension == "" {
			continue
		}
		var err error
		if l.Quantity, err = u.of(l.UsageDimension, l.PeriodStart, l.PeriodEnd); err != nil {
			return err
		}
		if !trial {
			continue
		}
		start, end := from, to // the 7 days, within the line's period
		if l.PeriodStart.After(start) {
			start = l.PeriodStart
		}
		if l.PeriodEnd.Before(end) {
			end = l.PeriodEnd
		}
		if start.Before(end) {
			if l.TrialQuantity, err = u.of(l.UsageDimension, start, end); err != nil {
				return err
			}
		}
	}
	return nil
}

// usageReader reads an agreement's usage totals once per span of hours: the metered lines of
// an invoice share their period, and one read returns every dimension's total.
type usageReader struct {
	tx          mercato.Tx
	agreementID string
	totals      map[[2]int64][]mercato.UsageTotal // by [from, to) in Unix nanoseconds
}

// of returns the agreement's usage of a dimension for hours in [from, to).
func (u *usageReader) of(dim string, from, to time.Time) (int64, error) {
	k := [2]int64{from.UnixNano(), to.UnixNano()}
	totals, ok := u.totals[k]
	if !ok {
		var err error
		if totals, err = u.tx.UsageTotals([]string{u.agreementID}, from, to); err != nil {
			return 0, err
		}
		u.totals[k] = totals
	}
	var n int64
	for _, t := range totals {
		if t.Dimension == dim {
			n += t.Quantity
		}
	}
	return n, nil
}

// chargeSpan returns the time a charge pays for: its billing period, the duration of an upfront
// price, or its moment for a one-time charge.
func chargeSpan(a *mercato.Agreement, c *mercato.Charge) (time.Time, time.Time) {
	if !c.PeriodStart.IsZero() {
		return c.PeriodStart, c.PeriodEnd
	}
	for _, t := range a.Terms {
		if f := t.FixedUpfront; f != nil && f.ID == c.TermID && f.Duration != nil {
			return c.Time, f.Duration.AddTo(c.Time)
		}
	}
	return c.Time, c.Time
}

// usageDimension returns the metered dimension a usage charge bills ("usage:<term>:<dim>:<period>").
func usageDimension(c *mercato.Charge) string {
	if c.Kind != mercato.ChargeUsage {
		return ""
	}
	parts := strings.Split(c.Key, ":")
	if len(parts) < 4 {
		return ""
	}
	return strings.Join(parts[2:len(parts)-1], ":")
}

// refundInvoice makes the billing adjustment of one refund; a refusal aborts the grant.
func (s *Service) refundInvoice(tx mercato.Tx, a *mercato.Agreement, c *mercato.RefundCase, r policy.Refund, rule policy.Rule, token string, now time.Time) (string, error) {
	reason := "OTHER"
	if rule == policy.RuleMeteringError {
		reason = "INCORRECT_METERING"
	} else if c.Kind == mercato.RefundKindCancellation || c.Kind == mercato.RefundKindRefund {
		reason = "BUYER_DISSATISFACTION"
	}
	item, fail, err := s.createAdjustment(tx, a, AdjustmentEntry{AgreementID: a.ID, OriginalInvoiceID: r.InvoiceID,
		Amount: r.Amount, Currency: a.Currency, ReasonCode: reason, Description: "refund request " + c.ID + " (" + string(rule) + ")",
		ClientToken: token, Rule: string(rule)}, now)
	if err != nil {
		return "", err
	}
	if fail != nil {
		return "", conflict("Invoice", r.InvoiceID, "refund of invoice %s refused: %s", r.InvoiceID, fail.Message)
	}
	return item.ID, nil
}

// cancelForCase cancels the agreement now, or on the cancellation date asked for. A cancellation
// within 48 hours ends the agreement as of its start, so no recurring fee accrues for those hours
// on the next consolidated invoice either.
func (s *Service) cancelForCase(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, rule policy.Rule, actor string, now time.Time) error {
	if a.Status != mercato.AgreementActive {
		return nil
	}
	if c.CancellationDate.After(now) {
		return putJob(tx, jobRefundCaseCancel, "refund-cancel:"+c.ID, c.CancellationDate, requestJob{c.ID})
	}
	ended, err := cancelAgreement(tx, CancelInput{AgreementID: a.ID, Actor: actor, Reason: "refund request " + c.ID}, now)
	if err != nil {
		return err
	}
	c.Cancelled = true
	if rule != policy.RuleCancelWithin48Hours {
		return nil
	}
	ended.EndTime = ended.StartTime
	return tx.UpdateAgreement(ended)
}

// refundCaseAs returns a case the caller may see: the buyer's, the seller's, or any case to an
// operator (the marketplace's support).
func refundCaseAs(tx mercato.Tx, caller, id string) (mercato.RefundCase, error) {
	c, err := tx.GetRefundCase(id)
	if err == nil && caller != c.BuyerID && caller != c.SellerID && !isOperator(tx, caller) {
		return mercato.RefundCase{}, mercato.NotFound("RefundCase", id)
	}
	return c, err
}

// RefundCase returns a refund request to its buyer, its seller or an operator.
func (s *Service) RefundCase(ctx context.Context, caller, id string) (mercato.RefundCase, error) {
	var c mercato.RefundCase
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		c, err = refundCaseAs(tx, caller, id)
		return err
	})
	return c, err
}

// RefundCases lists the refund requests of the caller on one side, oldest first, a page at a
// time.
func (s *Service) RefundCases(ctx context.Context, caller string, q RequestQuery) ([]mercato.RefundCase, string, error) {
	return requestPage(ctx, s, caller, q, mercato.Tx.ListRefundCases, func(r *mercato.RefundCase) string { return r.ID })
}

// AnswerRefundRequest completes a case that needs action with what was missing (the fields of
// in that are set replace the case's) and submits it again. Errors: EInvalid (also an amount
// above what remains refundable), ENotFound, EForbidden (not the filer), EConflict (the case does
// not need action).
func (s *Service) AnswerRefundRequest(ctx context.Context, caller, id string, in RefundRequestInput) (mercato.RefundCase, error) {
	var p mercato.Problems
	if in.checkAnswer(&p); len(p) > 0 {
		return mercato.RefundCase{}, p.Err("invalid answer to a refund request")
	}
	var c mercato.RefundCase
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if c, err = refundCaseAs(tx, caller, id); err != nil {
			return err
		}
		if c.FiledBy != caller {
			return mercato.Errorf(mercato.EForbidden, "only the account that filed refund request %s may answer it", id)
		}
		if c.Status != mercato.RefundActionRequired {
			return conflict("RefundCase", id, "refund request %s is %s; only a request that needs action can be answered", id, c.Status)
		}
		if err := answer(&c, &in); err != nil {
			return err
		}
		if err := checkRefundable(tx, &c); err != nil {
			return err
		}
		a, err := tx.GetAgreement(c.AgreementID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := audit(tx, now, caller, "AnswerRefundRequest", "RefundCase", c.ID, "", in); err != nil {
			return err
		}
		return s.evaluate(tx, &c, &a, now)
	})
	return c, err
}

func answer(c *mercato.RefundCase, in *RefundRequestInput) error {
	if in.InvoiceIDs != nil {
		c.InvoiceIDs = in.InvoiceIDs
	}
	if in.Periods != nil {
		c.Periods = in.Periods
	}
	if in.Amount != 0 {
		c.Amount = in.Amount
	}
	if !in.CancellationDate.IsZero() {
		c.CancellationDate = in.CancellationDate.UTC()
	}
	if in.Comments != "" {
		c.Comments = in.Comments
	}
	return checkCaseAmount(c)
}

// ApproveRefundRequest is the seller's authorization of a case awaiting it: the refund is made
// as billing adjustments, and the agreement cancelled if that was asked. Errors: ENotFound,
// EForbidden (the buyer), EConflict (not awaiting the seller), EInvalid (the amount no longer
// fits what remains refundable).
func (s *Service) ApproveRefundRequest(ctx context.Context, caller, id string) (mercato.RefundCase, error) {
	return s.sellerDecides(ctx, caller, id, func(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement, now time.Time) error {
		return s.grant(tx, c, a, policy.RuleSellerAuthorization, caller, now)
	})
}

// RejectRefundRequest is the seller's refusal, with a reason the buyer sees. Errors as
// ApproveRefundRequest, and EInvalid without a reason.
func (s *Service) RejectRefundRequest(ctx context.Context, caller, id, reason string) (mercato.RefundCase, error) {
	if err := checkRejectReason(strings.TrimSpace(reason)); err != nil {
		return mercato.RefundCase{}, err
	}
	return s.sellerDecides(ctx, caller, id, func(tx mercato.Tx, c *mercato.RefundCase, _ *mercato.Agreement, now time.Time) error {
		if err := s.setCase(tx, c, mercato.RefundRejected, reason, now); err != nil {
			return err
		}
		return emit(tx, mercato.RefundRequest(mercato.EventRefundRequestRejected, c, mercato.Parties{Acceptor: c.BuyerID}, reason, now))
	})
}

// caseDecision is a decision on a refund case, made in the transaction that records it.
type caseDecision func(mercato.Tx, *mercato.RefundCase, *mercato.Agreement, time.Time) error

func (s *Service) sellerDecides(ctx context.Context, caller, id string, decide caseDecision) (mercato.RefundCase, error) {
	may := func(_ mercato.Tx, c *mercato.RefundCase) error {
		switch {
		case caller != c.BuyerID && caller != c.SellerID:
			return mercato.NotFound("RefundCase", id)
		case caller != c.SellerID:
			return mercato.Errorf(mercato.EForbidden, "only the seller decides refund request %s", id)
		case c.Status != mercato.RefundAwaitingSeller:
			return conflict("RefundCase", id, "refund request %s is %s; only a request awaiting the seller can be decided", id, c.Status)
		}
		return nil
	}
	return s.decideCase(ctx, caller, id, "DecideRefundRequest", map[string]any{}, may, decide)
}

// decideCase runs a decision on a refund case in one transaction with its audit record. may
// refuses the decision, with the error to answer, when the caller may not make it on the case
// as it stands.
func (s *Service) decideCase(ctx context.Context, caller, id, action string, details map[string]any,
	may func(mercato.Tx, *mercato.RefundCase) error, decide caseDecision) (mercato.RefundCase, error) {
	var c mercato.RefundCase
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if c, err = tx.GetRefundCase(id); err != nil {
			return err
		}
		if err := may(tx, &c); err != nil {
			return err
		}
		a, err := tx.GetAgreement(c.AgreementID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := decide(tx, &c, &a, now); err != nil {
			return err
		}
		details["status"] = c.Status
		return audit(tx, now, caller, action, "RefundCase", c.ID, "", details)
	})
	return c, err
}

// reviewRefundCase decides a pending case once its billing cycle has been invoiced.
func (s *Service) reviewRefundCase(ctx context.Context, j mercato.Job) error {
	return s.caseJob(ctx, j, func(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement) error {
		if c.Status != mercato.RefundPending {
			return nil
		}
		return s.evaluate(tx, c, a, j.DueAt)
	})
}

// cancelOnDate cancels an agreement on the date a granted case asked for.
func (s *Service) cancelOnDate(ctx context.Context, j mercato.Job) error {
	return s.caseJob(ctx, j, func(tx mercato.Tx, c *mercato.RefundCase, a *mercato.Agreement) error {
		if c.Cancelled || a.Status != mercato.AgreementActive {
			return nil
		}
		if _, err := cancelAgreement(tx, CancelInput{AgreementID: a.ID, Actor: "system", Reason: "refund request " + c.ID}, j.DueAt); err != nil {
			return err
		}
		c.Cancelled, c.UpdatedAt = true, j.DueAt
		return tx.UpdateRefundCase(*c)
	})
}

func (s *Service) caseJob(ctx context.Context, j mercato.Job, fn func(mercato.Tx, *mercato.RefundCase, *mercato.Agreement) error) error {
	p, err := jobPayload[requestJob](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		c, err := tx.GetRefundCase(p.ID)
		if err != nil {
			return err
		}
		a, err := tx.GetAgreement(c.AgreementID)
		if err != nil {
			return err
		}
		return fn(tx, &c, &a)
	})
}

// MeteringErrorInput is a seller's confirmation that a dimension was metered wrongly in a period.
type MeteringErrorInput struct {
	ProductID string                `json:"productId"`
	Dimension string                `json:"dimension"`
	Period    mercato.BillingPeriod `json:"billingPeriod"`
	Comments  string                `json:"comments,omitempty"`
}

// Validate reports every bad field at once.
func (in *MeteringErrorInput) Validate() error {
	var p mercato.Problems
	if in.ProductID == "" {
		p.Add("productId", "is required")
	}
	if in.Dimension == "" {
		p.Add("dimension", "is required")
	}
	if in.Period.Month < 1 || in.Period.Month > 12 || in.Period.Year < 1 {
		p.Add("billingPeriod", "must be a month (1-12) and a year")
	}
	if n := utf8.RuneCountInString(in.Comments); n > MaxRefundComments {
		p.Add("comments", "has %d characters; at most %d are allowed", n, MaxRefundComments)
	}
	return p.Err("invalid metering error")
}

// ConfirmMeteringError refunds, once and for every affected buyer, the usage of a dimension
// billed for a period: a completed refund case per affected agreement, under the metering-error
// rule. Confirming again refunds nothing twice. Errors: EInvalid (a missing field, a dimension
// the product does not meter, a period whose usage is not invoiced yet), ENotFound (not the
// caller's product).
func (s *Service) ConfirmMeteringError(ctx context.Context, caller string, in MeteringErrorInput) ([]mercato.RefundCase, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []mercato.RefundCase
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		plans, err := meteringPlans(tx, caller, in, now)
		if err != nil {
			return err
		}
		out = nil
		for i := range plans {
			if err := s.meteringRefund(tx, &plans[i], now); err != nil {
				return err
			}
			out = append(out, plans[i].c)
		}
		return audit(tx, now, caller, "ConfirmMeteringError", "Product", in.ProductID, "", map[string]any{
			"dimension": in.Dimension, "period": in.Period, "refundCases": len(out)})
	})
	return out, err
}

// PreviewMeteringError returns what ConfirmMeteringError would refund now, changing nothing:
// one case per affected buyer, SUBMITTED, with the amount to refund. Errors as
// ConfirmMeteringError.
func (s *Service) PreviewMeteringError(ctx context.Context, caller string, in MeteringErrorInput) ([]mercato.RefundCase, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []mercato.RefundCase
	err := s.view(ctx, func(tx mercato.Tx) error {
		plans, err := meteringPlans(tx, caller, in, s.Now())
		out = nil
		for _, pl := range plans {
			out = append(out, pl.c)
		}
		return err
	})
	return out, err
}

// meteringPlan is what confirming a metering error refunds on one agreement.
type meteringPlan struct {
	a       mercato.Agreement
	c       mercato.RefundCase
	refunds []policy.Refund
}

// meteringPlans checks the confirmation against the caller's product and the clock, and returns
// the refunds it makes: one plan per agreement with usage of the dimension in the period that
// is not refunded yet.
func meteringPlans(tx mercato.Tx, caller string, in MeteringErrorInput, now time.Time) ([]meteringPlan, error) {
	p, err := tx.GetProduct(in.ProductID)
	if err != nil || p.SellerID != caller {
		return nil, mercato.NotFound("Product", in.ProductID)
	}
	if err := checkMeteringError(&p, in, now); err != nil {
		return nil, err
	}
	as, err := tx.ListAgreements(mercato.AgreementFilter{ProposerID: caller, ProductID: p.ID})
	if err != nil {
		return nil, err
	}
	var plans []meteringPlan
	for i := range as {
		pl, ok, err := planMeteringRefund(tx, &as[i], in, now)
		if err != nil {
			return nil, err
		}
		if ok {
			plans = append(plans, pl)
		}
	}
	return plans, nil
}

// checkMeteringError refuses a confirmation that could only refund the wrong thing: a dimension
// the product does not meter (its charges are fees, not usage), or a period whose usage is not
// invoiced yet (nothing billed to refund, and the usage may still be corrected).
func checkMeteringError(p *mercato.Product, in MeteringErrorInput, now time.Time) error {
	if d, ok := p.Dimension(in.Dimension); !ok || !d.Metered {
		return invalid("", "dimension", "%q is not a metered dimension of product %s (metered: %s)",
			in.Dimension, p.ID, meteredList(p))
	}
	if at := closeTime(in.Period); at.After(now) {
		return invalid("", "billingPeriod", "the usage of billing period %s is not invoiced yet (its invoice is issued on %s): "+
			"confirm a metering error once the period is billed", in.Period, at.Format(time.DateOnly))
	}
	return nil
}

// meteredList names the metered dimensions of p, for a message.
func meteredList(p *mercato.Product) string {
	var keys []string
	for _, d := range p.Dimensions {
		if d.Metered {
			keys = append(keys, d.Key)
		}
	}
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}

// planMeteringRefund returns what a metering error refunds on one agreement: its usage of the
// dimension in the period, unless it has none or was refunded before.
func planMeteringRefund(tx mercato.Tx, a *mercato.Agreement, in MeteringErrorInput, now time.Time) (meteringPlan, bool, error) {
	h := sha256.Sum256([]byte(a.ID + "\x00" + in.Dimension + "\x00" + in.Period.String()))
	c := mercato.RefundCase{ID: "rc-m" + hex.EncodeToString(h[:12]), FiledBy: a.ProposerID, BuyerID: a.AcceptorID,
		SellerID: a.ProposerID, ProductID: a.ProductID, AgreementID: a.ID, Kind: mercato.RefundKindMeteringError, Status: mercato.RefundSubmitted,
		Periods: []mercato.BillingPeriod{in.Period}, Currency: a.Currency, Comments: in.Comments, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.GetRefundCase(c.ID); err == nil {
		return meteringPlan{}, false, nil // confirmed before
	}
	lines, err := invoiceLines(tx, a)
	if err != nil {
		return meteringPlan{}, false, err
	}
	lines = slices.DeleteFunc(lines, func(l policy.Line) bool {
		return l.PeriodStart.Before(in.Period.Start()) || !l.PeriodStart.Before(in.Period.End())
	})
	refunds := policy.Amounts(policy.RuleMeteringError, lines, time.Time{}, now, in.Dimension)
	for _, r := range refunds {
		c.Amount += r.Amount
	}
	return meteringPlan{a: *a, c: c, refunds: refunds}, len(refunds) > 0, nil
}

// meteringRefund makes the refunds of one plan and completes its case.
func (s *Service) meteringRefund(tx mercato.Tx, pl *meteringPlan, now time.Time) error {
	c := &pl.c
	if err := tx.InsertRefundCase(*c); err != nil {
		return err
	}
	for i, r := range pl.refunds {
		id, err := s.refundInvoice(tx, &pl.a, c, r, policy.RuleMeteringError, fmt.Sprintf("%s-%d", c.ID, i+1), now)
		if err != nil {
			return err
		}
		c.Adjustments = append(c.Adjustments, id)
	}
	c.Rule = string(policy.RuleMeteringError)
	if err := s.setCase(tx, c, mercato.RefundCompleted, "", now); err != nil {
		return err
	}
	return emit(tx, mercato.RefundRequest(mercato.EventRefundRequestCompleted, c, mercato.Parties{Acceptor: c.BuyerID}, "", now))
}

// WaitingRefundCases lists, for an operator, the refund requests of every party that wait for
// someone: for the seller's authorization, for missing information, or for the end of a billing
// cycle. Errors: EForbidden (the caller is not an operator).
func (s *Service) WaitingRefundCases(ctx context.Context, caller string) ([]mercato.RefundCase, error) {
	var out []mercato.RefundCase
	err := s.view(ctx, func(tx mercato.Tx) error {
		acct, err := tx.GetAccount(caller)
		if err != nil || !acct.HasRole(mercato.RoleOperator) {
			return mercato.Errorf(mercato.EForbidden, "only an operator sees every party's refund requests")
		}
		for _, st := range []mercato.RefundCaseStatus{mercato.RefundAwaitingSeller, mercato.RefundActionRequired, mercato.RefundPending} {
			cases, err := tx.ListRefundCases(mercato.RequestFilter{Status: string(st)})
			if err != nil {
				return err
			}
			out = append(out, cases...)
		}
		return nil
	})
	return out, err
}
