package service

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
func (s *Service) CreateAdjustments(ctx context.Context, caller string, entries []AdjustmentEntry) (AdjustmentResult, error) {
	if err := checkBatch(entries); err != nil {
		return AdjustmentResult{}, err
	}
	var res AdjustmentResult
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		res = AdjustmentResult{}
		now := s.Now()
		a, err := agreementAs(tx, caller, entries[0].AgreementID, Proposer, "adjust its billing")
		if err != nil {
			return err
		}
		for _, e := range entries {
			item, fail, err := s.createAdjustment(tx, &a, e, now)
			if err != nil {
				return err
			}
			if fail != nil {
				res.Errors = append(res.Errors, *fail)
			} else {
				res.Items = append(res.Items, item)
			}
		}
		return nil
	})
	return res, err
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

// createAdjustment checks one entry and, if it passes, reserves its amount and stores the
// request. A refused entry comes back as fail; err is for faults that abort the batch.
func (s *Service) createAdjustment(tx mercato.Tx, a *mercato.Agreement, e AdjustmentEntry, now time.Time) (AdjustmentItem, *AdjustmentError, error) {
	refuse := func(code, format string, args ...any) (AdjustmentItem, *AdjustmentError, error) {
		return AdjustmentItem{}, &AdjustmentError{Code: code, Message: fmt.Sprintf(format, args...), ClientToken: e.ClientToken}, nil
	}
	if prior, err := tx.AdjustmentByToken(a.ProposerID, e.ClientToken); err == nil {
		if sameAdjustment(&prior, &e) {
			return AdjustmentItem{ID: prior.ID, ClientToken: e.ClientToken}, nil, nil
		}
		return refuse("CONFLICT_EXCEPTION", "client token %s was already used for billing adjustment %s with other values", e.ClientToken, prior.ID)
	} else if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return AdjustmentItem{}, nil, err
	}
	inv, err := tx.GetInvoice(e.OriginalInvoiceID)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && inv.AgreementID != a.ID) {
		return refuse("RESOURCE_NOT_FOUND_EXCEPTION", "invoice %s of agreement %s not found", e.OriginalInvoiceID, a.ID)
	} else if err != nil {
		return AdjustmentItem{}, nil, err
	}
	if msg := adjustmentProblem(&inv, &e); msg != "" {
		return refuse("VALIDATION_EXCEPTION", "%s", msg)
	}
	if err := tx.AddInvoiceRefund(inv.ID, e.Amount); err != nil {
		if mercato.ErrorCodeOf(err) == mercato.EConflict {
			return refuse("VALIDATION_EXCEPTION", "adjustment amount %s exceeds the %s %s that remains refundable on invoice %s",
				e.Amount.FormatIn(inv.Currency), inv.MaxAdjustment().FormatIn(inv.Currency), inv.Currency, inv.ID)
		}
		return AdjustmentItem{}, nil, err
	}
	ba := mercato.BillingAdjustment{ID: newID("ba-"), AgreementID: a.ID, SellerID: a.ProposerID, BuyerID: a.AcceptorID,
		OriginalInvoiceID: inv.ID, Amount: e.Amount, Currency: e.Currency, ReasonCode: e.ReasonCode,
		Description: e.Description, ClientToken: e.ClientToken, Status: mercato.AdjustmentPending,
		PolicyRule: cmp.Or(e.Rule, string(policy.RuleSellerAuthorization)), CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertAdjustments(ba); err != nil {
		return AdjustmentItem{}, nil, err
	}
	if err := putJob(tx, jobProcessAdjustment, "adjust:"+ba.ID, now, adjustmentJob{ba.ID}); err != nil {
		return AdjustmentItem{}, nil, err
	}
	actor := a.ProposerID
	if e.Rule != "" {
		actor = "policy"
	}
	if err := audit(tx, now, actor, "CreateBillingAdjustment", "BillingAdjustmentRequest", ba.ID, e.ClientToken,
		map[string]any{"invoiceId": inv.ID, "amount": e.Amount, "reasonCode": e.ReasonCode, "policyRule": ba.PolicyRule}); err != nil {
		return AdjustmentItem{}, nil, err
	}
	return AdjustmentItem{ID: ba.ID, ClientToken: e.ClientToken}, nil, nil
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
	case !slices.Contains(mercato.AdjustmentReasons, e.ReasonCode):
		return fmt.Sprintf("unknown adjustment reason code %q", e.ReasonCode)
	case e.Amount > inv.MaxAdjustment():
		return fmt.Sprintf("adjustment amount %s exceeds the %s %s that remains refundable on invoice %s",
			e.Amount.FormatIn(inv.Currency), inv.MaxAdjustment().FormatIn(inv.Currency), inv.Currency, inv.ID)
	}
	return ""
}

func sameAdjustment(b *mercato.BillingAdjustment, e *AdjustmentEntry) bool {
	return b.AgreementID == e.AgreementID && b.OriginalInvoiceID == e.OriginalInvoiceID && b.Amount == e.Amount &&
		b.Currency == e.Currency && b.ReasonCode == e.ReasonCode && b.Description == e.Description
}

type adjustmentJob struct {
	AdjustmentID string `json:"adjustmentId"`
}

// processAdjustment completes a pending adjustment: a credit memo against the original invoice,
// the matching share of its tax and listing fee reversed, the ledger postings and events for both
// parties. An adjustment that can no longer apply fails as VALIDATION_FAILED and releases what it
// reserved.
func (s *Service) processAdjustment(ctx context.Context, j mercato.Job) error {
	var p adjustmentJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("job %s: %w", j.Key, err)
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		ba, err := tx.GetAdjustment(p.AdjustmentID)
		if err != nil || ba.Status != mercato.AdjustmentPending {
			return err
		}
		inv, err := tx.GetInvoice(ba.OriginalInvoiceID)
		if err != nil {
			return err
		}
		now := s.Now()
		if s.sim == nil || now.Before(j.DueAt) {
			now = j.DueAt
		}
		memo := billing.CreditMemo(&inv, ba.Amount, now)
		memo.ID = newID("cm-")
		return completeAdjustment(tx, &ba, &memo, now)
	})
}

func completeAdjustment(tx mercato.Tx, ba *mercato.BillingAdjustment, memo *mercato.Invoice, now time.Time) error {
	memo.Key = "credit:" + ba.ID
	if err := tx.InsertInvoices(*memo); err != nil {
		return err
	}
	if err := tx.AddInvoiceCredit(memo.OriginalInvoiceID, memo.PreTax, memo.Tax, memo.ListingFee); err != nil {
		return err
	}
	lt := billing.CreditMemoLedger(memo)
	lt.ID = newID("lt-")
	if err := lt.Validate(); err != nil {
		return err
	}
	if err := tx.InsertLedgerTxns(lt); err != nil {
		return err
	}
	ba.Status, ba.CreditMemoID, ba.UpdatedAt = mercato.AdjustmentCompleted, memo.ID, now
	if err := tx.UpdateAdjustment(*ba); err != nil {
		return err
	}
	if err := audit(tx, now, "system", "CompleteBillingAdjustment", "BillingAdjustmentRequest", ba.ID, ba.ClientToken,
		map[string]any{"creditMemoId": memo.ID, "amount": memo.PreTax, "tax": memo.Tax, "listingFee": memo.ListingFee}); err != nil {
		return err
	}
	return adjustmentEvents(tx, ba, now, "Completed")
}

func adjustmentEvents(tx mercato.Tx, ba *mercato.BillingAdjustment, now time.Time, what string) error {
	detail := map[string]any{"billingAdjustmentRequestId": ba.ID, "agreementId": ba.AgreementID,
		"originalInvoiceId": ba.OriginalInvoiceID, "adjustmentAmount": ba.Amount, "currencyCode": ba.Currency,
		"status": ba.Status, "creditMemoId": ba.CreditMemoID}
	name := "Purchase Agreement Billing Adjustment " + what
	if err := emit(tx, now, ba.SellerID, name+" - Proposer", ba.ID, detail); err != nil {
		return err
	}
	return emit(tx, now, ba.BuyerID, name+" - Acceptor", ba.ID, detail)
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
	limit := q.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	var out []mercato.BillingAdjustment
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListAdjustments(mercato.AdjustmentFilter{SellerID: caller, AgreementID: q.AgreementID, Status: q.Status,
			CreatedAfter: q.CreatedAfter, CreatedBefore: q.CreatedBefore, AfterID: q.Cursor, Limit: limit + 1})
		return err
	})
	if err != nil || len(out) <= limit {
		return out, "", err
	}
	return out[:limit], out[limit-1].ID, nil
}
