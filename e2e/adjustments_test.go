package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// entry is a billing adjustment entry on the contract in USD.
func entry(invoiceID, amount, token string) types.BatchCreateBillingAdjustmentRequestEntry {
	return types.BatchCreateBillingAdjustmentRequestEntry{
		AgreementId: aws.String(agmtContract), OriginalInvoiceId: aws.String(invoiceID),
		AdjustmentAmount: aws.String(amount), CurrencyCode: aws.String("USD"),
		AdjustmentReasonCode: types.BillingAdjustmentReasonCodeBuyerDissatisfaction,
		Description:          aws.String("refund " + token), ClientToken: aws.String(token),
	}
}

func batch(t *testing.T, c *ma.Client, entries ...types.BatchCreateBillingAdjustmentRequestEntry) (*ma.BatchCreateBillingAdjustmentRequestOutput, error) {
	t.Helper()
	return c.BatchCreateBillingAdjustmentRequest(ctx(), &ma.BatchCreateBillingAdjustmentRequestInput{BillingAdjustmentRequestEntries: entries})
}

// items returns the ba- IDs of a batch's items by client token, and its errors by client token.
func items(t *testing.T, out *ma.BatchCreateBillingAdjustmentRequestOutput) (map[string]string, map[string]types.BatchCreateBillingAdjustmentError) {
	t.Helper()
	ids := map[string]string{}
	for _, it := range out.Items {
		id := aws.ToString(it.BillingAdjustmentRequestId)
		if !strings.HasPrefix(id, "ba-") {
			t.Errorf("item %s has ID %q", aws.ToString(it.ClientToken), id)
		}
		ids[aws.ToString(it.ClientToken)] = id
	}
	errs := map[string]types.BatchCreateBillingAdjustmentError{}
	for _, e := range out.Errors {
		errs[aws.ToString(e.ClientToken)] = e
	}
	return ids, errs
}

// maxAdjustments returns what remains refundable of each of the contract's invoices.
func maxAdjustments(t *testing.T, e *env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract), InvoiceType: types.InvoiceTypeInvoice}) {
		out[aws.ToString(g.InvoiceId)] = aws.ToString(g.PricingCurrencyAmount.MaxAdjustmentAmount)
	}
	return out
}

// TestBillingAdjustments watches adjustments pending, then processed by a move of the clock:
// its sandbox runs with --manual-jobs, or they would complete on their own at once.
func TestBillingAdjustments(t *testing.T) {
	forEachProtocolWith(t, []string{"--manual-jobs"}, func(t *testing.T, e *env) {
		invs := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract)})
		if len(invs) != 2 {
			t.Fatalf("the contract has %d invoices, want 2", len(invs))
		}
		inv1, inv2 := aws.ToString(invs[0].InvoiceId), aws.ToString(invs[1].InvoiceId) // 1200.00 and 800.00

		// A partial refund reserves its amount on the invoice at once.
		out, err := batch(t, e.seller, entry(inv1, "200.00", "e2e-partial"))
		must(t, err)
		ids, errs := items(t, out)
		partial := ids["e2e-partial"]
		if len(ids) != 1 || len(errs) != 0 || out.Errors == nil {
			t.Fatalf("partial refund: items %v, errors %v (nil: %v)", ids, errs, out.Errors == nil)
		}
		same(t, "refundable after a partial refund", map[string]string{inv1: "1000.00", inv2: "800.00"}, maxAdjustments(t, e))

		got, err := e.seller.GetBillingAdjustmentRequest(ctx(), &ma.GetBillingAdjustmentRequestInput{
			AgreementId: aws.String(agmtContract), BillingAdjustmentRequestId: aws.String(partial)})
		must(t, err)
		same(t, "the pending adjustment", &ma.GetBillingAdjustmentRequestOutput{
			BillingAdjustmentRequestId: aws.String(partial), AgreementId: aws.String(agmtContract),
			AdjustmentReasonCode: types.BillingAdjustmentReasonCodeBuyerDissatisfaction, Description: aws.String("refund e2e-partial"),
			OriginalInvoiceId: aws.String(inv1), AdjustmentAmount: aws.String("200.00"), CurrencyCode: aws.String("USD"),
			Status: types.BillingAdjustmentStatusPending, CreatedAt: &scenarioNow, UpdatedAt: &scenarioNow,
		}, got)

		// Replaying the client token returns the same request and reserves nothing more; the
		// token with other values is a per-entry conflict.
		out, err = batch(t, e.seller, entry(inv1, "200.00", "e2e-partial"))
		must(t, err)
		if ids, _ := items(t, out); ids["e2e-partial"] != partial || len(out.Errors) != 0 {
			t.Errorf("replay: items %v errors %+v, want %s", ids, out.Errors, partial)
		}
		out, err = batch(t, e.seller, entry(inv1, "250.00", "e2e-partial"))
		must(t, err)
		if _, errs := items(t, out); len(out.Items) != 0 || errs["e2e-partial"].Code != types.BillingAdjustmentErrorCodeConflictException {
			t.Errorf("token reused with another amount: items %+v errors %+v", out.Items, out.Errors)
		}
		same(t, "refundable after replays", map[string]string{inv1: "1000.00", inv2: "800.00"}, maxAdjustments(t, e))

		// One entry passes, one asks for more than remains, one names no invoice of the
		// agreement, one is in the wrong currency: the request succeeds with per-entry errors.
		eur := entry(inv2, "1.00", "e2e-eur")
		eur.CurrencyCode = aws.String("EUR")
		out, err = batch(t, e.seller, entry(inv2, "100.00", "e2e-small"), entry(inv1, "1000.01", "e2e-too-much"),
			entry("inv-unknown", "1.00", "e2e-unknown"), eur)
		must(t, err)
		ids, errs = items(t, out)
		small := ids["e2e-small"]
		if len(ids) != 1 || small == "" {
			t.Errorf("mixed batch items: %v", ids)
		}
		for token, code := range map[string]types.BillingAdjustmentErrorCode{
			"e2e-too-much": types.BillingAdjustmentErrorCodeValidationException,
			"e2e-unknown":  types.BillingAdjustmentErrorCodeResourceNotFoundException,
			"e2e-eur":      types.BillingAdjustmentErrorCodeValidationException,
		} {
			if got := errs[token]; got.Code != code || aws.ToString(got.Message) == "" {
				t.Errorf("entry %s: error %q %q, want %s", token, got.Code, aws.ToString(got.Message), code)
			}
		}
		if msg := aws.ToString(errs["e2e-too-much"].Message); !strings.Contains(msg, "1000.00") {
			t.Errorf("over-limit message %q does not say what remains (1000.00)", msg)
		}

		// The rest of the first invoice: a full refund.
		out, err = batch(t, e.seller, entry(inv1, "1000.00", "e2e-rest"))
		must(t, err)
		ids, _ = items(t, out)
		rest := ids["e2e-rest"]
		same(t, "refundable after the full refund", map[string]string{inv1: "0.00", inv2: "700.00"}, maxAdjustments(t, e))

		// Whole-request refusals.
		six := make([]types.BatchCreateBillingAdjustmentRequestEntry, 6)
		for i := range six {
			six[i] = entry(inv2, "1.00", fmt.Sprintf("e2e-six-%d", i))
		}
		_, err = batch(t, e.seller, six...)
		ve := wantError[*types.ValidationException](t, err)
		if ve.Reason != types.ValidationExceptionReasonBillingAdjustmentsLimitExceeded || len(ve.Fields) != 1 ||
			aws.ToString(ve.Fields[0].Name) != "billingAdjustmentRequestEntries" {
			t.Errorf("six entries: reason %q fields %+v", ve.Reason, ve.Fields)
		}
		if _, status := apiError(t, err); status != 400 {
			t.Errorf("six entries: HTTP %d", status)
		}
		other := entry(inv2, "1.00", "e2e-other")
		other.AgreementId = aws.String(agmtFixed)
		_, err = batch(t, e.seller, entry(inv2, "1.00", "e2e-mixed"), other)
		if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonMultipleAgreementIds {
			t.Errorf("two agreements: reason %q", ve.Reason)
		}
		_, err = batch(t, e.seller, []types.BatchCreateBillingAdjustmentRequestEntry{}...) // an empty list, not a missing one
		if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonMissingBillingAdjustments {
			t.Errorf("no entries: reason %q", ve.Reason)
		}
		_, err = batch(t, e.buyer1, entry(inv2, "1.00", "e2e-buyer"))
		wantError[*types.AccessDeniedException](t, err)
		bad := entry(inv2, "1.123456789", "e2e-bad!")
		_, err = batch(t, e.seller, bad)
		ve = wantError[*types.ValidationException](t, err)
		fields := map[string]bool{}
		for _, f := range ve.Fields {
			fields[aws.ToString(f.Name)] = true
		}
		if !fields["billingAdjustmentRequestEntries[0].adjustmentAmount"] || !fields["billingAdjustmentRequestEntries[0].clientToken"] {
			t.Errorf("malformed entry: fields %+v", ve.Fields)
		}
		same(t, "refundable after refused requests", map[string]string{inv1: "0.00", inv2: "700.00"}, maxAdjustments(t, e))

		// The seller's list: three requests, pending, one page at a time.
		listed := func(in *ma.ListBillingAdjustmentRequestsInput) map[string]types.BillingAdjustmentStatus {
			t.Helper()
			got := map[string]types.BillingAdjustmentStatus{}
			p := ma.NewListBillingAdjustmentRequestsPaginator(e.seller, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx())
				must(t, err)
				for _, s := range out.Items {
					if aws.ToString(s.Catalog) != "AWSMarketplace" || aws.ToString(s.AgreementType) != "PurchaseAgreement" ||
						aws.ToString(s.CurrencyCode) != "USD" || s.CreatedAt == nil || s.UpdatedAt == nil {
						t.Errorf("summary %+v", s)
					}
					got[aws.ToString(s.BillingAdjustmentRequestId)] = s.Status
				}
			}
			return got
		}
		pending := map[string]types.BillingAdjustmentStatus{partial: "PENDING", rest: "PENDING"}
		for id := range listed(&ma.ListBillingAdjustmentRequestsInput{AgreementId: aws.String(agmtContract)}) {
			if id != partial && id != rest {
				pending[id] = "PENDING"
			}
		}
		if len(pending) != 3 {
			t.Errorf("listed %d adjustments, want 3: %v", len(pending), pending)
		}
		same(t, "adjustments, a page of one at a time", pending, listed(&ma.ListBillingAdjustmentRequestsInput{MaxResults: aws.Int32(1)}))
		same(t, "completed adjustments before processing", map[string]types.BillingAdjustmentStatus{},
			listed(&ma.ListBillingAdjustmentRequestsInput{Status: types.BillingAdjustmentStatusCompleted}))
		page, err := e.seller.ListBillingAdjustmentRequests(ctx(), &ma.ListBillingAdjustmentRequestsInput{MaxResults: aws.Int32(2)})
		must(t, err)
		if len(page.Items) != 2 || page.NextToken == nil {
			t.Errorf("first page of 2 of 3: %d items, token %v", len(page.Items), page.NextToken)
		}
		page, err = e.seller.ListBillingAdjustmentRequests(ctx(), &ma.ListBillingAdjustmentRequestsInput{MaxResults: aws.Int32(2), NextToken: page.NextToken})
		must(t, err)
		if len(page.Items) != 1 || page.NextToken != nil {
			t.Errorf("last page of 2 of 3: %d items, token %v", len(page.Items), page.NextToken)
		}

		// Processing (a job due at creation) completes them with credit memos.
		e.srv.advance(t, "0s")
		same(t, "adjustments after processing", map[string]types.BillingAdjustmentStatus{partial: "COMPLETED", rest: "COMPLETED", small: "COMPLETED"},
			listed(&ma.ListBillingAdjustmentRequestsInput{Status: types.BillingAdjustmentStatusCompleted}))
		got, err = e.seller.GetBillingAdjustmentRequest(ctx(), &ma.GetBillingAdjustmentRequestInput{
			AgreementId: aws.String(agmtContract), BillingAdjustmentRequestId: aws.String(partial)})
		must(t, err)
		if got.Status != types.BillingAdjustmentStatusCompleted || got.StatusMessage != nil {
			t.Errorf("processed adjustment: status %s, message %v", got.Status, got.StatusMessage)
		}
		memos := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract), InvoiceType: types.InvoiceTypeCreditMemo})
		var amounts []string
		for _, m := range memos {
			if m.InvoiceType != types.InvoiceTypeCreditMemo || !strings.HasPrefix(aws.ToString(m.InvoiceId), "cm-") {
				t.Errorf("credit memo %s of type %s", aws.ToString(m.InvoiceId), m.InvoiceType)
			}
			amounts = append(amounts, aws.ToString(m.PricingCurrencyAmount.Amount))
		}
		same(t, "credit memos", []string{"100.00", "1000.00", "200.00"}, sorted(amounts...))
		same(t, "refundable after processing", map[string]string{inv1: "0.00", inv2: "700.00"}, maxAdjustments(t, e))

		// Only the seller who made a request sees it.
		_, err = e.buyer1.GetBillingAdjustmentRequest(ctx(), &ma.GetBillingAdjustmentRequestInput{
			AgreementId: aws.String(agmtContract), BillingAdjustmentRequestId: aws.String(partial)})
		nf := wantError[*types.ResourceNotFoundException](t, err)
		if nf.ResourceType != types.ResourceTypeBillingAdjustmentRequest {
			t.Errorf("not found: resource type %q", nf.ResourceType)
		}
		// Another seller's agreement fails each entry as not found (the operation has no
		// ResourceNotFoundException in the model).
		out, err = batch(t, e.stranger, entry(inv2, "1.00", "e2e-stranger-1"), entry(inv2, "2.00", "e2e-stranger-2"))
		must(t, err)
		if _, errs := items(t, out); len(out.Items) != 0 || len(errs) != 2 ||
			errs["e2e-stranger-1"].Code != types.BillingAdjustmentErrorCodeResourceNotFoundException ||
			errs["e2e-stranger-2"].Code != types.BillingAdjustmentErrorCodeResourceNotFoundException {
			t.Errorf("the stranger's batch: items %+v errors %+v", out.Items, out.Errors)
		}
		if l, err := e.stranger.ListBillingAdjustmentRequests(ctx(), &ma.ListBillingAdjustmentRequestsInput{}); err != nil || len(l.Items) != 0 {
			t.Errorf("the stranger lists %+v, %v", l, err)
		}
	})
}
