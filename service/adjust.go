package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"mercato"
	"mercato/billing"
	"mercato/policy"
)

const jobProcessAdjustment mercato.JobKind = "process-adjustment"

// AdjustmentEntry asks to refund part or all of one invoice's pre-tax amount.
type AdjustmentEntry struct {
	AgreementID       string           `json:"agreementId"`
	OriginalInvoiceID string           `json:"originalInvoiceId"`
	Amount            mercato.Amount   `json:"adjustmentAmount"`
	Currency          mercato.Currency `json:"currencyCode"`
	ReasonCode        string           `json:"adjustmentReasonCode"`
	Description       string           `json:"description,omitempty"`
	ClientToken       string           `json:"clientToken"`
	// Rule is the refund-policy rule that grants the adjustment; empty when the seller
	// authorizes it.
	Rule string `json:"-"`
}

// AdjustmentItem is an accepted entry: the billing adjustment request it made (or had made
// before with the same client token).
type AdjustmentItem struct {
	ID          string
	ClientToken string
}

// AdjustmentError is an entry refused on its own, beside the accepted ones.
type AdjustmentError struct {
	Code        string // VALIDATION_EXCEPTION, RESOURCE_NOT_FOUND_EXCEPTION, CONFLICT_EXCEPTION, INTERNAL_FAILURE
	Message     string
	ClientToken string
}

// AdjustmentResult is the outcome of a batch: each entry is either an item or an error.
type AdjustmentResult struct {
	Items  []AdjustmentItem
	Errors []AdjustmentError
}

// CreateAdjustments accepts a seller's batch of billing adjustments, all for one agreement: each
// valid entry reserves its amount on its invoice at once (so concurrent refunds can never exceed
// the invoice) and becomes a PENDING request that the processor completes with a credit memo.
// Whole-batch errors: EInvalid (no entries, more than 5, several agreements), ENotFound (the
// agreement is not the caller's), EForbidden (the caller is the buyer). Entry errors are in the
// result: unknown invoice, currency mismatch, amount above what remains, client token reused for
// another adjustment.
//
// Concurrent calls are accepted together (see intake): each is decided as if it ran alone after
// the calls before it, and answered once what it accepted is committed. ctx is checked when the
// call's transaction starts; from then on the call waits for its outcome, so that it is never
// answered with an error for something committed. EThrottled means the invoices were too
// contended to reserve on (the SDKs retry it).
func (s *Service) CreateAdjustments(ctx context.Context, caller string, entries []AdjustmentEntry) (AdjustmentResult, error) {
	if err := checkBatch(entries); err != nil {
		return AdjustmentResult{}, err
	}
	c := &adjustmentCall{ctx: ctx, caller: caller, entries: entries, done: make(chan struct{})}
	s.adjustments.submit(c, s.acceptAdjustments)
	<-c.done
	return c.res, c.err
}

func checkBatch(entries []AdjustmentEntry) error {
	switch {
	case len(entries) == 0:
		return invalid("MISSING_BILLING_ADJUSTMENTS", "billingAdjustmentRequestEntries", "at least one billing adjustment entry is required")
	case len(entries) > mercato.MaxAdjustmentsPerRequest:
		return invalid("BILLING_ADJUSTMENTS_LIMIT_EXCEEDED", "billingAdjustmentRequestEntries",
			"a request may carry at most %d billing adjustments, it has %d", mercato.MaxAdjustmentsPerRequest, len(entries))
	}
	for _, e := range entries[1:] {
		if e.AgreementID != entries[0].AgreementID {
			return invalid("MULTIPLE_AGREEMENT_IDS", "billingAdjustmentRequestEntries",
				"all billing adjustments of a request must be for one agreement, found %s and %s", entries[0].AgreementID, e.AgreementID)
		}
	}
	return nil
}

// adjustmentCall is one CreateAdjustments call waiting in the intake.
type adjustmentCall struct {
	ctx     context.Context
	caller  string
	entries []AdjustmentEntry
	res     AdjustmentResult
	err     error
	settled bool // res and err are final: the call's transaction committed, or it will not run again
	done    chan struct{}
}

// acceptAdjustments accepts the calls in one transaction, or, if that transaction fails, each
// in a transaction of its own, so that one call's fault is its own.
//
// A commit whose outcome is unknown (mercato.ErrCommitUnknown) is not run again: the calls get
// the error, as they would have alone, and a client token lets their clients retry safely.
func (s *Service) acceptAdjustments(calls []*adjustmentCall) {
	defer func() {
		if r := recover(); r != nil { // a bug: fail the calls still open, not the process
			s.log.Error("accepting billing adjustments panicked", "panic", r, "stack", string(debug.Stack()))
			for _, c := range calls {
				if !c.settled {
					c.res, c.err = AdjustmentResult{}, fmt.Errorf("accepting billing adjustments: %v", r)
				}
			}
		}
		s.recordAccepted(calls)
		for _, c := range calls {
			close(c.done)
		}
	}()
	settle := func(calls []*adjustmentCall, err error) {
		for _, c := range calls {
			if err != nil {
				c.res, c.err = AdjustmentResult{}, err
			}
			c.settled = true
		}
	}
	live := slices.DeleteFunc(slices.Clone(calls), func(c *adjustmentCall) bool {
		c.err = c.ctx.Err()
		c.settled = c.err != nil
		return c.settled
	})
	if len(live) == 0 {
		return
	}
	defer s.wakeJobs() // the processor completes what was accepted
	err := s.admitTogether(live)
	if err == nil || len(live) == 1 || errors.Is(err, mercato.ErrCommitUnknown) {
		settle(live, err)
		return
	}
	for _, c := range live {
		one := []*adjustmentCall{c}
		settle(one, s.admitTogether(one))
	}
}

// admitTogether accepts the calls in one transaction. Every rule here holds row by row (see
// admission), so it runs in UpdateRows. A transaction whose reservation no longer fits because
// others reserved on the invoice after it read it, or that raced another with the same client
// token, fails with EConflict; run again, it reads what the others committed: what remains, or
// the adjustment to replay. After maxAdmitAttempts such failures the invoices are too contended:
// EThrottled, which clients retry.
func (s *Service) admitTogether(calls []*adjustmentCall) error {
	admit := func(tx mercato.Tx) error { return s.admitCalls(tx, calls) }
	for attempt := 1; ; attempt++ {
		err := s.store.UpdateRows(context.Background(), admit)
		if mercato.ErrorCodeOf(err) != mercato.EConflict {
			return err
		}
		if attempt == maxAdmitAttempts {
			return fmt.Errorf("%w: %w", mercato.Errorf(mercato.EThrottled,
				"the invoices of this request are being refunded by many requests at once; retry later"), err)
		}
	}
}

// maxAdmitAttempts bounds how often admitTogether runs a transaction that lost a race.
const maxAdmitAttempts = 5

// admitCalls decides the calls in order in tx, setting each call's result or its own error
// (the agreement is not the caller's); an error it returns is the transaction's.
func (s *Service) admitCalls(tx mercato.Tx, calls []*adjustmentCall) error {
	now := s.Now()
	ids := make([]string, len(calls))
	for i, c := range calls {
		ids[i] = c.entries[0].AgreementID
	}
	byID, err := s.agreementParties(tx, ids)
	if err != nil {
		return err
	}
	ad := newAdmission(now)
	var admitted []*adjustmentCall
	for _, c := range calls {
		c.res, c.err = AdjustmentResult{}, nil
		a := byID[c.entries[0].AgreementID]
		if a == nil {
			c.err = mercato.NotFound("Agreement", c.entries[0].AgreementID)
		} else {
			c.err = checkParty(a, c.caller, Proposer, "adjust its billing")
		}
		if c.err == nil {
			admitted = append(admitted, c)
			for _, e := range c.entries {
				ad.want(a, e)
			}
		}
	}
	if err := ad.load(tx); err != nil {
		return err
	}
	for _, c := range admitted {
		a := byID[c.entries[0].AgreementID]
		for _, e := range c.entries {
			item, fail := ad.admit(a, e)
			if fail != nil {
				c.res.Errors = append(c.res.Errors, *fail)
			} else {
				c.res.Items = append(c.res.Items, item)
			}
		}
	}
	return ad.write(tx)
}

// agreementParties returns the agreements with the IDs that exist, with only their ID and
// parties set: enough to check a caller and to adjust their billing. Parties never change, so
// they are read once per agreement and kept.
func (s *Service) agreementParties(tx mercato.Tx, ids []string) (map[string]*mercato.Agreement, error) {
	out := make(map[string]*mercato.Agreement, len(ids))
	var missing []string
	for _, id := range ids {
		if p, ok := s.parties.Load(id); ok {
			parties := p.([2]string)
			out[id] = &mercato.Agreement{ID: id, ProposerID: parties[0], AcceptorID: parties[1]}
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	agreements, err := tx.ListAgreements(mercato.AgreementFilter{IDs: missing})
	if err != nil {
		return nil, err
	}
	if s.partiesKept.Add(int64(len(agreements))) > maxPartiesKept {
		s.parties.Clear() // a bound on memory, not an eviction policy: hot agreements come back
		s.partiesKept.Store(int64(len(agreements)))
	}
	for _, a := range agreements {
		s.parties.Store(a.ID, [2]string{a.ProposerID, a.AcceptorID})
		out[a.ID] = &mercato.Agreement{ID: a.ID, ProposerID: a.ProposerID, AcceptorID: a.AcceptorID}
	}
	return out, nil
}

// maxPartiesKept bounds how many agreements' parties a service keeps.
const maxPartiesKept = 100_000

// createAdjustment accepts one entry in tx, for callers that refund inside a transaction of their
// own. A refused entry comes back as fail; err is for faults.
func (s *Service) createAdjustment(tx mercato.Tx, a *mercato.Agreement, e AdjustmentEntry, now time.Time) (AdjustmentItem, *AdjustmentError, error) {
	ad := newAdmission(now)
	ad.want(a, e)
	if err := ad.load(tx); err != nil {
		return AdjustmentItem{}, nil, err
	}
	item, fail := ad.admit(a, e)
	return item, fail, ad.write(tx)
}

// admission decides adjustment entries against their invoices, read once, and collects what
// accepting them writes, so that many entries cost a few statements. Entries are
// decided in order: what one reserves on an invoice is no longer there for the next.
type admission struct {
	now time.Time
	// tokens and invoices are what load reads: the sellers' client tokens and the invoices the
	// entries name.
	tokens   map[string][]string // seller → client tokens
	invoices map[string]*mercato.Invoice
	// known holds the adjustments by seller and client token, stored or accepted here.
	known    map[[2]string]mercato.BillingAdjustment
	reserved []mercato.InvoiceAmount // what the entries admitted here reserve
	adds     []mercato.BillingAdjustment
	audit    []mercato.AuditRecord
}

func newAdmission(now time.Time) *admission {
	return &admission{now: now, tokens: map[string][]string{}, invoices: map[string]*mercato.Invoice{},
		known: map[[2]string]mercato.BillingAdjustment{}}
}

// want notes what deciding entry e of agreement a will read.
func (ad *admission) want(a *mercato.Agreement, e AdjustmentEntry) {
	if e.ClientToken != "" {
		ad.tokens[a.ProposerID] = append(ad.tokens[a.ProposerID], e.ClientToken)
	}
	ad.invoices[e.OriginalInvoiceID] = nil
}

// load reads the adjustments of the wanted client tokens and the wanted invoices. The invoices
// are not locked: write reserves the amounts last, by a conditional update that fails with
// EConflict if, with what other transactions reserved meanwhile, an invoice would be refunded
// beyond its pre-tax amount; so the rows are locked only from that update to the commit.
func (ad *admission) load(tx mercato.Tx) error {
	if len(ad.invoices) == 0 {
		return nil // no entry to decide (an empty IDs filter would select every invoice)
	}
	for seller, tokens := range ad.tokens {
		prior, err := tx.AdjustmentsByToken(seller, tokens...)
		if err != nil {
			return err
		}
		for _, ba := range prior {
			ad.known[[2]string{seller, ba.ClientToken}] = ba
		}
	}
	invoices, err := tx.ListInvoices(mercato.InvoiceFilter{IDs: slices.Collect(maps.Keys(ad.invoices))})
	if err != nil {
		return err
	}
	for i := range invoices {
		ad.invoices[invoices[i].ID] = &invoices[i]
	}
	return nil
}

// admit decides entry e of agreement a: a replay of a known client token answers with its
// adjustment; a valid new entry reserves its amount and becomes a PENDING adjustment, which one
// job completes with the others admitted here.
func (ad *admission) admit(a *mercato.Agreement, e AdjustmentEntry) (AdjustmentItem, *AdjustmentError) {
	refuse := func(code, format string, args ...any) (AdjustmentItem, *AdjustmentError) {
		return AdjustmentItem{}, &AdjustmentError{Code: code, Message: fmt.Sprintf(format, args...), ClientToken: e.ClientToken}
	}
	if msg := e.problem(); msg != "" {
		return refuse("VALIDATION_EXCEPTION", "%s", msg)
	}
	token := [2]string{a.ProposerID, e.ClientToken}
	if prior, ok := ad.known[token]; ok && e.ClientToken != "" {
		if sameAdjustment(&prior, &e) {
			return AdjustmentItem{ID: prior.ID, ClientToken: e.ClientToken}, nil
		}
		return refuse("CONFLICT_EXCEPTION", "client token %s was already used for billing adjustment %s with other values", e.ClientToken, prior.ID)
	}
	inv := ad.invoices[e.OriginalInvoiceID]
	if inv == nil || inv.AgreementID != a.ID {
		return refuse("RESOURCE_NOT_FOUND_EXCEPTION", "invoice %s of agreement %s not found", e.OriginalInvoiceID, a.ID)
	}
	if msg := adjustmentProblem(inv, &e); msg != "" {
		return refuse("VALIDATION_EXCEPTION", "%s", msg)
	}
	inv.Refunded += e.Amount
	ad.reserved = append(ad.reserved, mercato.InvoiceAmount{InvoiceID: inv.ID, Amount: e.Amount})
	ba := mercato.BillingAdjustment{ID: newID("ba-"), AgreementID: a.ID, SellerID: a.ProposerID, BuyerID: a.AcceptorID,
		OriginalInvoiceID: inv.ID, Amount: e.Amount, Currency: e.Currency, ReasonCode: e.ReasonCode,
		Description: e.Description, ClientToken: e.ClientToken, Status: mercato.AdjustmentPending,
		PolicyRule: cmp.Or(e.Rule, string(policy.RuleSellerAuthorization)), CreatedAt: ad.now, UpdatedAt: ad.now}
	if e.ClientToken != "" {
		ad.known[token] = ba
	}
	actor := a.ProposerID
	if e.Rule != "" {
		actor = "policy"
	}
	r, err := auditRecord(ad.now, actor, "CreateBillingAdjustment", "BillingAdjustmentRequest", ba.ID, e.ClientToken,
		map[string]any{"invoiceId": inv.ID, "amount": e.Amount, "reasonCode": e.ReasonCode, "policyRule": ba.PolicyRule})
	if err != nil {
		return refuse("INTERNAL_FAILURE", "%v", err)
	}
	ad.adds, ad.audit = append(ad.adds, ba), append(ad.audit, r)
	return AdjustmentItem{ID: ba.ID, ClientToken: e.ClientToken}, nil
}

// write stores what the admitted entries add and, last, reserves their amounts on the invoices
// by one conditional update: if an invoice no longer holds them (other transactions reserved on
// it since load read it), it fails with EConflict and the caller rolls back and decides again.
func (ad *admission) write(tx mercato.Tx) error {
	if len(ad.adds) == 0 {
		return nil
	}
	if err := tx.InsertAdjustments(ad.adds...); err != nil {
		return err
	}
	if err := tx.InsertAudit(ad.audit...); err != nil {
		return err
	}
	ids := make([]string, len(ad.adds))
	for i := range ad.adds {
		ids[i] = ad.adds[i].ID
	}
	if err := putJob(tx, jobProcessAdjustment, "adjust:"+ids[0], ad.now, adjustmentJob{AdjustmentIDs: ids}); err != nil {
		return err
	}
	return tx.AddInvoiceRefunds(ad.reserved...)
}

// adjustmentProblem says what is wrong with an entry for the invoice, or "" if nothing is.
func adjustmentProblem(inv *mercato.Invoice, e *AdjustmentEntry) string {
	switch {
	case inv.Type != mercato.InvoiceTypeInvoice:
		return fmt.Sprintf("%s is a credit memo; adjustments apply to invoices", inv.ID)
	case e.Currency != inv.Currency:
		return fmt.Sprintf("currency %s does not match invoice %s, which is in %s", e.Currency, inv.ID, inv.Currency)
	case e.Amount <= 0:
		return "adjustment amount must be positive"
	case !e.Amount.IsMinorUnits(inv.Currency):
		return "adjustment " + mercato.MinorUnitsProblem(e.Amount, inv.Currency)
	case !slices.Contains(mercato.AdjustmentReasons, e.ReasonCode):
		return fmt.Sprintf("unknown adjustment reason code %q", e.ReasonCode)
	case e.Amount > inv.MaxAdjustment():
		return fmt.Sprintf("adjustment amount %s exceeds the %s %s that remains refundable on invoice %s",
			e.Amount.FormatIn(inv.Currency), inv.MaxAdjustment().FormatIn(inv.Currency), inv.Currency, inv.ID)
	}
	return ""
}

// problem says everything that is wrong with the entry on its own, whatever its invoice, or "".
func (e *AdjustmentEntry) problem() string {
	var p mercato.Problems
	mercato.CheckText(&p, "description", e.Description, mercato.MaxAdjustmentDescription)
	mercato.CheckClientToken(&p, "clientToken", e.ClientToken)
	msgs := make([]string, len(p))
	for i, f := range p {
		msgs[i] = f.Name + " " + f.Message
	}
	return strings.Join(msgs, "; ")
}

func sameAdjustment(b *mercato.BillingAdjustment, e *AdjustmentEntry) bool {
	return b.AgreementID == e.AgreementID && b.OriginalInvoiceID == e.OriginalInvoiceID && b.Amount == e.Amount &&
		b.Currency == e.Currency && b.ReasonCode == e.ReasonCode && b.Description == e.Description
}

// adjustmentJob is the payload of a job that completes the adjustments accepted together.
// Jobs scheduled before adjustments were accepted in groups name one, as AdjustmentID.
type adjustmentJob struct {
	AdjustmentIDs []string `json:"adjustmentIds,omitempty"`
	AdjustmentID  string   `json:"adjustmentId,omitempty"`
}

// ids returns the adjustments the job completes.
func (p adjustmentJob) ids() []string {
	if p.AdjustmentID != "" {
		return append(slices.Clone(p.AdjustmentIDs), p.AdjustmentID)
	}
	return p.AdjustmentIDs
}

// processAdjustments completes pending adjustments, each at its own time: a credit memo
// against the original invoice, the matching share of its tax and listing fee reversed, the
// ledger postings, the audit record and the events for both parties. Each invoice is locked
// (LockInvoices) before its credited totals are read, so that memos of one invoice completed
// concurrently still add up to it to the cent; the lock does not hold back refunds being accepted
// on it. The amounts were reserved on acceptance, so a pending adjustment always fits its
// invoice. What the batch writes goes in one statement per table.
func (s *Service) processAdjustments(tx mercato.Tx, jobs []mercato.Job, at []time.Time) error {
	var pending []mercato.BillingAdjustment
	var times []time.Time
	invoices := map[string]*creditedInvoice{}
	for i, j := range jobs {
		p, err := jobPayload[adjustmentJob](j)
		if err != nil {
			return err
		}
		ids := p.ids()
		if len(ids) == 0 {
			return fmt.Errorf("job %s names no billing adjustment", j.Key)
		}
		bas, err := tx.ListAdjustments(mercato.AdjustmentFilter{IDs: ids, Status: mercato.AdjustmentPending})
		if err != nil {
			return err
		}
		// Those no longer pending were completed by an earlier run of the job.
		for _, ba := range bas {
			pending, times = append(pending, ba), append(times, at[i])
			invoices[ba.OriginalInvoiceID] = nil
		}
	}
	locked, err := tx.LockInvoices(slices.Collect(maps.Keys(invoices))...)
	if err != nil {
		return err
	}
	for _, inv := range locked {
		invoices[inv.ID] = &creditedInvoice{Invoice: inv, was: inv}
	}
	for id, inv := range invoices {
		if inv == nil {
			return mercato.NotFound("Invoice", id)
		}
	}
	var w adjustmentWrites
	for i := range pending {
		ba := &pending[i]
		inv := invoices[ba.OriginalInvoiceID]
		memo := billing.CreditMemo(&inv.Invoice, ba.Amount, times[i])
		memo.ID, memo.Key = newID("cm-"), "credit:"+ba.ID
		inv.Credited += memo.PreTax
		inv.CreditedTax += memo.Tax
		inv.CreditedFee += memo.ListingFee
		ba.Status, ba.CreditMemoID, ba.UpdatedAt = mercato.AdjustmentCompleted, memo.ID, times[i]
		if err := w.complete(ba, &memo); err != nil {
			return err
		}
	}
	if err := w.write(tx); err != nil {
		return err
	}
	if err := tx.SetAdjustmentStatus(pending...); err != nil {
		return err
	}
	// Last, so that the invoices' rows, which acceptances reserve refunds on, are held only from
	// this update to the commit.
	credits := make([]mercato.InvoiceCredit, 0, len(invoices))
	for _, inv := range invoices {
		credits = append(credits, mercato.InvoiceCredit{InvoiceID: inv.ID, PreTax: inv.Credited - inv.was.Credited,
			Tax: inv.CreditedTax - inv.was.CreditedTax, Fee: inv.CreditedFee - inv.was.CreditedFee})
	}
	return tx.AddInvoiceCredits(credits...)
}

// creditedInvoice is an invoice whose credited totals grow as a batch completes adjustments of
// it; was holds them as read.
type creditedInvoice struct {
	mercato.Invoice
	was mercato.Invoice
}

// adjustmentWrites collects the rows that completing adjustments adds, to write them with one
// statement per table.
type adjustmentWrites struct {
	memos  []mercato.Invoice
	ledger []mercato.LedgerTxn
	audit  []mercato.AuditRecord
	events []mercato.Event
}

// complete adds what completing ba with memo writes.
func (w *adjustmentWrites) complete(ba *mercato.BillingAdjustment, memo *mercato.Invoice) error {
	lt := billing.CreditMemoLedger(memo)
	lt.ID = newID("lt-")
	if err := lt.Validate(); err != nil {
		return err
	}
	r, err := auditRecord(ba.UpdatedAt, "system", "CompleteBillingAdjustment", "BillingAdjustmentRequest", ba.ID, ba.ClientToken,
		map[string]any{"creditMemoId": memo.ID, "amount": memo.PreTax, "tax": memo.Tax, "listingFee": memo.ListingFee})
	if err != nil {
		return err
	}
	// The batch reads no products: mercato's seller of record makes the product it sells, so
	// no manufacturer has a copy of its own (see mercato.Parties).
	es, err := events(mercato.AdjustmentChanged(ba, ""))
	if err != nil {
		return err
	}
	w.events = append(w.events, es...)
	w.memos, w.ledger, w.audit = append(w.memos, *memo), append(w.ledger, lt), append(w.audit, r)
	return nil
}

func (w *adjustmentWrites) write(tx mercato.Tx) error {
	if len(w.memos) == 0 {
		return nil
	}
	if err := tx.InsertInvoices(w.memos...); err != nil {
		return err
	}
	if err := tx.InsertLedgerTxns(w.ledger...); err != nil {
		return err
	}
	if err := tx.InsertAudit(w.audit...); err != nil {
		return err
	}
	return tx.InsertEvents(w.events...)
}

// Adjustment returns a billing adjustment request of the caller (its seller). ENotFound
// otherwise.
func (s *Service) Adjustment(ctx context.Context, caller, agreementID, id string) (mercato.BillingAdjustment, error) {
	var ba mercato.BillingAdjustment
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		ba, err = tx.GetAdjustment(id)
		if err == nil && (ba.SellerID != caller || ba.AgreementID != agreementID) {
			err = mercato.NotFound("BillingAdjustmentRequest", id)
		}
		return err
	})
	return ba, err
}

// AdjustmentQuery selects a seller's billing adjustments.
type AdjustmentQuery struct {
	AgreementID   string
	Status        mercato.AdjustmentStatus
	CreatedAfter  time.Time
	CreatedBefore time.Time
	Page
}

// Adjustments lists the caller's billing adjustments as a seller, oldest first, one page at a
// time; it returns the cursor of the next page ("" on the last).
func (s *Service) Adjustments(ctx context.Context, caller string, q AdjustmentQuery) ([]mercato.BillingAdjustment, string, error) {
	limit := pageLimit(q.Limit)
	var out []mercato.BillingAdjustment
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListAdjustments(mercato.AdjustmentFilter{SellerID: caller, AgreementID: q.AgreementID, Status: q.Status,
			CreatedAfter: q.CreatedAfter, CreatedBefore: q.CreatedBefore, AfterID: q.Cursor, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	page, next := cutPage(out, limit, func(a *mercato.BillingAdjustment) string { return a.ID })
	return page, next, nil
}
