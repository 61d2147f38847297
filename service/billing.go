package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"mercato"
	"mercato/billing"
)

// Job kinds of the billing runner.
const (
	jobInvoiceCharge mercato.JobKind = "invoice-charge"   // an installment falls due
	jobMonthlyClose  mercato.JobKind = "monthly-close"    // the consolidated invoice of a month
	jobExpire        mercato.JobKind = "expire-agreement" // an agreement reaches its end
)

// closeDay is the day of the next month on which the consolidated invoice is issued.
const closeDay = 2

// closeTime returns when the consolidated invoice of period p is issued: the 2nd of the next
// month, 00:00 UTC.
func closeTime(p mercato.BillingPeriod) time.Time { return p.End().AddDate(0, 0, closeDay-1) }

type chargeJob struct {
	AgreementID string `json:"agreementId"`
	ChargeKey   string `json:"chargeKey"`
}

type closeJob struct {
	Period mercato.BillingPeriod `json:"period"`
}

// agreementJob is the payload of a job about one agreement: its expiry, its renewal's
// finalization.
type agreementJob struct {
	AgreementID string `json:"agreementId"`
}

// scheduleAgreement creates a new agreement's charges, invoices those due at acceptance and
// schedules the jobs for the rest: installments, monthly closes and the agreement's end.
func (s *Service) scheduleAgreement(tx mercato.Tx, a *mercato.Agreement, now time.Time, seed string, purchaseOrders map[string]string) error {
	charges, err := billing.AcceptanceCharges(a)
	if err != nil {
		return err
	}
	for i := range charges {
		charges[i].ID = chargeID(seed, charges[i].Key)
		charges[i].PurchaseOrderReference = purchaseOrders[charges[i].ID]
	}
	if err := checkPurchaseOrders(charges, purchaseOrders); err != nil {
		return err
	}
	var dueNow []mercato.Charge
	if len(charges) > 0 {
		if err := tx.InsertCharges(charges...); err != nil {
			return err
		}
	}
	for _, c := range charges {
		if !c.Time.After(now) {
			dueNow = append(dueNow, c)
			continue
		}
		if err := putJob(tx, jobInvoiceCharge, "charge:"+a.ID+":"+c.Key, c.Time, chargeJob{a.ID, c.Key}); err != nil {
			return err
		}
	}
	if len(dueNow) > 0 {
		if _, err := s.issueInvoice(tx, a, "acceptance", dueNow, now); err != nil {
			return err
		}
	}
	if a.Terms.BillsMonthly() {
		if err := scheduleClose(tx, mercato.PeriodOf(a.StartTime)); err != nil {
			return err
		}
	}
	if a.EndTime.IsZero() {
		return nil
	}
	return putJob(tx, jobExpire, "expire:"+a.ID, a.EndTime, agreementJob{a.ID})
}

func scheduleClose(tx mercato.Tx, p mercato.BillingPeriod) error {
	return putJob(tx, jobMonthlyClose, "close:"+p.String(), closeTime(p), closeJob{p})
}

// jobPayload decodes what putJob stored with the job.
func jobPayload[T any](j mercato.Job) (T, error) {
	var p T
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return p, fmt.Errorf("job %s: %w", j.Key, err)
	}
	return p, nil
}

func putJob(tx mercato.Tx, kind mercato.JobKind, key string, due time.Time, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("job %s: %w", key, err)
	}
	_, err = tx.PutJobs(mercato.Job{Kind: kind, Key: key, DueAt: due, RunAt: due, Payload: b, Status: mercato.JobPending})
	return err
}

// issueInvoice invoices charges of an agreement at time at: the invoice with its tax and fee, the
// charges marked invoiced (inserted if new), the ledger postings and the audit record.
func (s *Service) issueInvoice(tx mercato.Tx, a *mercato.Agreement, key string, charges []mercato.Charge, at time.Time) (mercato.Invoice, error) {
	var b invoicing
	inv, err := b.add(tx, a, key, charges, at)
	if err != nil {
		return inv, err
	}
	return inv, b.write(tx)
}

// invoicing collects what one transaction invoices and writes it with one multi-row statement
// per table, which is what makes the monthly close of many agreements fast.
type invoicing struct {
	invoices   []mercato.Invoice
	newCharges []mercato.Charge // charges billed as they arise (monthly)
	invoiced   []mercato.Charge // stored charges now invoiced (upfront, installments)
	ledger     []mercato.LedgerTxn
	audit      []mercato.AuditRecord
	payers     map[string]string // buyer → the account its invoices are billed to
}

// payerOf returns the account that pays buyerID's invoices: its organisation's payer when it is
// a linked account, itself otherwise. Credit memos, receivables and collections follow the
// invoice, so the payer owes, pays and is refunded; the agreement keeps naming the buyer.
func (b *invoicing) payerOf(tx mercato.Tx, buyerID string) (string, error) {
	if p, ok := b.payers[buyerID]; ok {
		return p, nil
	}
	acct, err := tx.GetAccount(buyerID)
	if err != nil {
		return "", fmt.Errorf("payer of %s: %w", buyerID, err)
	}
	if b.payers == nil {
		b.payers = map[string]string{}
	}
	b.payers[buyerID] = acct.BilledTo()
	return acct.BilledTo(), nil
}

// invoiceAudit is the detail of an invoice's audit record.
type invoiceAudit struct {
	AgreementID string           `json:"agreementId"`
	Key         string           `json:"key"`
	Amount      mercato.Amount   `json:"amount"`
	Tax         mercato.Amount   `json:"tax"`
	Currency    mercato.Currency `json:"currencyCode"`
}

// add prepares the invoice of charges of agreement a issued at time at, billed to the payer of
// the agreement's buyer.
func (b *invoicing) add(tx mercato.Tx, a *mercato.Agreement, key string, charges []mercato.Charge, at time.Time) (mercato.Invoice, error) {
	j, _ := mercato.LookupJurisdiction(a.TaxJurisdiction)
	inv := billing.NewInvoice(a, key, charges, at, j)
	inv.ID = newID("inv-")
	payer, err := b.payerOf(tx, a.AcceptorID)
	if err != nil {
		return inv, err
	}
	inv.BuyerID = payer
	for _, c := range charges {
		c.Status, c.InvoiceID = mercato.ChargeInvoiced, inv.ID
		if c.ID == "" {
			c.ID = newID("ch-")
			b.newCharges = append(b.newCharges, c)
		} else {
			b.invoiced = append(b.invoiced, c)
		}
	}
	lt := billing.InvoiceLedger(&inv)
	lt.ID = newID("lt-")
	if err := lt.Validate(); err != nil {
		return inv, err
	}
	details, err := json.Marshal(invoiceAudit{AgreementID: a.ID, Key: key, Amount: inv.PreTax, Tax: inv.Tax,
		Currency: inv.Currency})
	if err != nil {
		return inv, err
	}
	b.invoices = append(b.invoices, inv)
	b.ledger = append(b.ledger, lt)
	b.audit = append(b.audit, mercato.AuditRecord{Time: at, WallTime: time.Now().UTC(), Actor: "system",
		Action: "IssueInvoice", ResourceType: "Invoice", ResourceID: inv.ID, Details: details})
	return inv, nil
}

// write stores everything added, in the transaction.
func (b *invoicing) write(tx mercato.Tx) error {
	if len(b.invoices) == 0 {
		return nil
	}
	if err := tx.InsertInvoices(b.invoices...); err != nil {
		return fmt.Errorf("issue invoices: %w", err)
	}
	if len(b.newCharges) > 0 {
		if err := tx.InsertCharges(b.newCharges...); err != nil {
			return err
		}
	}
	for _, c := range b.invoiced {
		if err := tx.UpdateCharge(c); err != nil {
			return err
		}
	}
	if err := tx.InsertLedgerTxns(b.ledger...); err != nil {
		return err
	}
	if err := startSettlement(tx, b.invoices[0].IssuedAt); err != nil {
		return err
	}
	return tx.InsertAudit(b.audit...)
}

// invoiceCharge invoices one scheduled charge on its date, unless it was cancelled meanwhile.
func (s *Service) invoiceCharge(ctx context.Context, j mercato.Job) error {
	p, err := jobPayload[chargeJob](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAgreement(p.AgreementID)
		if err != nil {
			return err
		}
		pending, err := tx.ListCharges(mercato.ChargeFilter{AgreementID: a.ID, Status: mercato.ChargePending})
		if err != nil {
			return err
		}
		for _, c := range pending {
			if c.Key == p.ChargeKey {
				_, err := s.issueInvoice(tx, &a, "charge:"+c.Key, []mercato.Charge{c}, j.DueAt)
				return err
			}
		}
		return nil // cancelled by a replacement or cancellation, or invoiced already
	})
}

// closeMonth issues the consolidated invoice of period p to every agreement with recurring or
// usage charges in it, in batches of one transaction each, and schedules the next close while
// agreements still run. Running it again issues nothing twice: each batch skips agreements
// already invoiced for the period.
func (s *Service) closeMonth(ctx context.Context, j mercato.Job) error {
	p, err := jobPayload[closeJob](j)
	if err != nil {
		return err
	}
	after := ""
	for {
		last, n, err := s.closeBatch(ctx, p.Period, after, j.DueAt)
		if err != nil {
			return fmt.Errorf("close %s after %q: %w", p.Period, after, err)
		}
		if n < s.batchSize {
			break
		}
		after = last
	}
	return nil
}

// nextClose schedules the close of the month after j's, if an agreement billed monthly is
// active in it (the job runner does, before each attempt of j: see jobChains).
func nextClose(tx mercato.Tx, j mercato.Job) error {
	p, err := jobPayload[closeJob](j)
	if err != nil {
		return err
	}
	next := p.Period.Next()
	more, err := tx.ListAgreements(mercato.AgreementFilter{BillsMonthly: true, ActiveFrom: next.Start(),
		ActiveTo: next.End(), Limit: 1})
	if err != nil || len(more) == 0 {
		return err
	}
	return scheduleClose(tx, next)
}

// closeBatch invoices up to one batch of agreements after the ID after; it returns the last ID
// it saw and how many agreements it read.
func (s *Service) closeBatch(ctx context.Context, p mercato.BillingPeriod, after string, at time.Time) (string, int, error) {
	key := "period:" + p.String()
	last, n := after, 0
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		as, err := tx.ListAgreements(mercato.AgreementFilter{BillsMonthly: true, ActiveFrom: p.Start(), ActiveTo: p.End(),
			WithoutInvoiceKey: key, AfterID: after, Limit: s.batchSize})
		if err != nil {
			return err
		}
		n = len(as)
		if n == 0 {
			return nil
		}
		last = as[n-1].ID
		totals, err := tx.UsageTotals(agreementIDs(as), p.Start(), p.End())
		if err != nil {
			return err
		}
		usage := make(map[string][]mercato.UsageTotal, len(totals))
		for _, u := range totals {
			usage[u.AgreementID] = append(usage[u.AgreementID], u)
		}
		if err := trialUsage(tx, as, p, usage); err != nil {
			return err
		}
		var b invoicing
		for i := range as {
			charges := billing.MonthlyCharges(&as[i], p, usage[as[i].ID])
			if len(charges) == 0 {
				continue
			}
			if _, err := b.add(tx, &as[i], key, charges, at); err != nil {
				return err
			}
		}
		return b.write(tx)
	})
	return last, n, err
}

// trialUsage replaces the usage totals of the agreements whose free trial ran into the period
// by those of the hours they are charged for (billing.UsageSpan): few agreements convert in any
// one month, so each is read on its own.
func trialUsage(tx mercato.Tx, as []mercato.Agreement, p mercato.BillingPeriod, usage map[string][]mercato.UsageTotal) error {
	for i := range as {
		from, to := billing.UsageSpan(&as[i], p)
		if from.Equal(p.Start()) || usage[as[i].ID] == nil {
			continue
		}
		totals, err := tx.UsageTotals([]string{as[i].ID}, from, to)
		if err != nil {
			return err
		}
		usage[as[i].ID] = totals
	}
	return nil
}

func agreementIDs(as []mercato.Agreement) []string {
	ids := make([]string, len(as))
	for i := range as {
		ids[i] = as[i].ID
	}
	return ids
}

// expire ends an agreement that reached its end time.
func (s *Service) expire(ctx context.Context, j mercato.Job) error {
	return s.onAgreement(ctx, j, func(tx mercato.Tx, a mercato.Agreement) error {
		if a.Status != mercato.AgreementActive || a.EndTime.After(j.DueAt) {
			return nil // ended otherwise first
		}
		if r, err := renewalOf(tx, &a); err != nil {
			return err
		} else if r != nil {
			return s.renew(tx, &a, r, j.DueAt)
		}
		if err := a.Transition(mercato.AgreementExpired, j.DueAt); err != nil {
			return err
		}
		a.EndReason = "EXPIRED"
		if err := tx.UpdateAgreement(a); err != nil {
			return err
		}
		if err := audit(tx, j.DueAt, "system", "ExpireAgreement", "Agreement", a.ID, "", nil); err != nil {
			return err
		}
		return agreementEnded(tx, &a, j.DueAt)
	})
}

// onAgreement runs do, in one transaction, on the agreement job j's agreementJob names.
func (s *Service) onAgreement(ctx context.Context, j mercato.Job, do func(tx mercato.Tx, a mercato.Agreement) error) error {
	p, err := jobPayload[agreementJob](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAgreement(p.AgreementID)
		if err != nil {
			return err
		}
		return do(tx, a)
	})
}

// CloseMonth issues the consolidated invoices of period p now, to agreements not yet invoiced for
// it: the job the clock runs on the 2nd, for an operator to re-run. It issues nothing twice.
func (s *Service) CloseMonth(ctx context.Context, p mercato.BillingPeriod) error {
	b, err := json.Marshal(closeJob{p})
	if err != nil {
		return err
	}
	j := mercato.Job{Kind: jobMonthlyClose, Key: "close:" + p.String(), DueAt: s.Now(), Payload: b}
	if err := s.chain(ctx, j); err != nil { // the next month's close, as the job runner would schedule it
		return err
	}
	return s.closeMonth(ctx, j)
}
