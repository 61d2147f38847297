package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

func sendCancellation(t *testing.T, e *env, agreementID, token, description string) (*ma.SendAgreementCancellationRequestOutput, error) {
	t.Helper()
	in := &ma.SendAgreementCancellationRequestInput{AgreementId: aws.String(agreementID),
		ReasonCode: types.AgreementCancellationRequestReasonCodeIncorrectTermsAccepted, Description: aws.String(description)}
	if token != "" {
		in.ClientToken = aws.String(token)
	}
	return e.seller.SendAgreementCancellationRequest(ctx(), in)
}

func getCancellation(t *testing.T, c *ma.Client, agreementID, id string) *ma.GetAgreementCancellationRequestOutput {
	t.Helper()
	out, err := c.GetAgreementCancellationRequest(ctx(), &ma.GetAgreementCancellationRequestInput{
		AgreementId: aws.String(agreementID), AgreementCancellationRequestId: aws.String(id)})
	must(t, err)
	return out
}

func agreementStatus(t *testing.T, c *ma.Client, id string) types.AgreementStatus {
	t.Helper()
	out, err := c.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(id)})
	must(t, err)
	return out.Status
}

func TestCancellationRequests(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		// Rejected by the buyer.
		sent, err := sendCancellation(t, e, agmtContract, "e2e-acr-1", "Wrong edition")
		must(t, err)
		first := aws.ToString(sent.AgreementCancellationRequestId)
		if !strings.HasPrefix(first, "acr-") {
			t.Fatalf("cancellation request ID %q", first)
		}
		same(t, "the sent request", &ma.SendAgreementCancellationRequestOutput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(first),
			Status:      types.AgreementCancellationRequestStatusPendingApproval,
			ReasonCode:  types.AgreementCancellationRequestReasonCodeIncorrectTermsAccepted,
			Description: aws.String("Wrong edition"), CreatedAt: &scenarioNow, UpdatedAt: &scenarioNow,
		}, sent)

		// Idempotent replay, and the token reused for another request.
		again, err := sendCancellation(t, e, agmtContract, "e2e-acr-1", "Wrong edition")
		must(t, err)
		if id := aws.ToString(again.AgreementCancellationRequestId); id != first {
			t.Errorf("replay returned %s, want %s", id, first)
		}
		_, err = sendCancellation(t, e, agmtContract, "e2e-acr-1", "Another description")
		wantError[*types.ConflictException](t, err)
		// Only one pending request per agreement.
		_, err = sendCancellation(t, e, agmtContract, "e2e-acr-2", "Wrong edition")
		ce := wantError[*types.ConflictException](t, err)
		if ce.ResourceType != types.ResourceTypeAgreementCancellationRequest || aws.ToString(ce.ResourceId) != first {
			t.Errorf("second pending request: conflict on %s %s", ce.ResourceType, aws.ToString(ce.ResourceId))
		}
		// Only the buyer decides; only the seller sends.
		_, err = e.seller.AcceptAgreementCancellationRequest(ctx(), &ma.AcceptAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(first)})
		wantError[*types.AccessDeniedException](t, err)
		_, err = e.buyer1.SendAgreementCancellationRequest(ctx(), &ma.SendAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), ReasonCode: types.AgreementCancellationRequestReasonCodeOther})
		wantError[*types.AccessDeniedException](t, err)
		_, err = e.stranger.GetAgreementCancellationRequest(ctx(), &ma.GetAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(first)})
		if nf := wantError[*types.ResourceNotFoundException](t, err); nf.ResourceType != types.ResourceTypeAgreementCancellationRequest {
			t.Errorf("stranger: not found resource type %q", nf.ResourceType)
		}

		got := getCancellation(t, e.buyer1, agmtContract, first)
		if got.Status != types.AgreementCancellationRequestStatusPendingApproval || aws.ToString(got.Description) != "Wrong edition" {
			t.Errorf("the buyer gets %s %q", got.Status, aws.ToString(got.Description))
		}
		rejected, err := e.buyer1.RejectAgreementCancellationRequest(ctx(), &ma.RejectAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(first),
			RejectionReason: aws.String("We still use it")})
		must(t, err)
		if rejected.Status != types.AgreementCancellationRequestStatusRejected || aws.ToString(rejected.StatusMessage) != "We still use it" {
			t.Errorf("rejected: %s %q", rejected.Status, aws.ToString(rejected.StatusMessage))
		}
		if got := getCancellation(t, e.seller, agmtContract, first); got.Status != types.AgreementCancellationRequestStatusRejected ||
			aws.ToString(got.StatusMessage) != "We still use it" {
			t.Errorf("the seller gets %s %q", got.Status, aws.ToString(got.StatusMessage))
		}
		if s := agreementStatus(t, e.seller, agmtContract); s != types.AgreementStatusActive {
			t.Errorf("after a rejection the agreement is %s", s)
		}
		_, err = e.buyer1.RejectAgreementCancellationRequest(ctx(), &ma.RejectAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(first), RejectionReason: aws.String("again")})
		wantError[*types.ConflictException](t, err)

		// Withdrawn by the seller.
		sent, err = sendCancellation(t, e, agmtContract, "", "Second thoughts")
		must(t, err)
		second := aws.ToString(sent.AgreementCancellationRequestId)
		withdrawn, err := e.seller.CancelAgreementCancellationRequest(ctx(), &ma.CancelAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(second),
			CancellationReason: aws.String("Sent by mistake")})
		must(t, err)
		if withdrawn.Status != types.AgreementCancellationRequestStatusCancelled || aws.ToString(withdrawn.StatusMessage) != "Sent by mistake" {
			t.Errorf("withdrawn: %s %q", withdrawn.Status, aws.ToString(withdrawn.StatusMessage))
		}
		_, err = e.buyer1.AcceptAgreementCancellationRequest(ctx(), &ma.AcceptAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(second)})
		wantError[*types.ConflictException](t, err)

		// Approved by the buyer: the agreement is cancelled with its future charges.
		sent, err = sendCancellation(t, e, agmtContract, "", "Replaced by a new deal")
		must(t, err)
		third := aws.ToString(sent.AgreementCancellationRequestId)
		approved, err := e.buyer1.AcceptAgreementCancellationRequest(ctx(), &ma.AcceptAgreementCancellationRequestInput{
			AgreementId: aws.String(agmtContract), AgreementCancellationRequestId: aws.String(third)})
		must(t, err)
		if approved.Status != types.AgreementCancellationRequestStatusApproved || aws.ToString(approved.AgreementCancellationRequestId) != third ||
			approved.ReasonCode != types.AgreementCancellationRequestReasonCodeIncorrectTermsAccepted || !approved.UpdatedAt.Equal(scenarioNow) {
			t.Errorf("approved: %+v", approved)
		}
		if s := agreementStatus(t, e.buyer1, agmtContract); s != types.AgreementStatusCancelled {
			t.Errorf("after approval the agreement is %s", s)
		}
		var left []string
		for _, c := range charges(t, e.buyer1, agmtContract) {
			left = append(left, aws.ToString(c.Amount))
		}
		same(t, "charges left after the cancellation (the June installment is gone)", []string{"1200.00", "800.00"}, left)
		_, err = sendCancellation(t, e, agmtContract, "", "Once more")
		if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonInactiveAgreement {
			t.Errorf("a cancelled agreement: reason %q", ve.Reason)
		}

		// Approved on the buyer's behalf after 7 days without an answer.
		sent, err = sendCancellation(t, e, agmtPaygOne, "", "Product retired")
		must(t, err)
		fourth := aws.ToString(sent.AgreementCancellationRequestId)
		e.srv.advance(t, "167h")
		if got := getCancellation(t, e.buyer1, agmtPaygOne, fourth); got.Status != types.AgreementCancellationRequestStatusPendingApproval {
			t.Errorf("after 6 days 23 hours the request is %s", got.Status)
		}
		e.srv.advance(t, "1h")
		got = getCancellation(t, e.buyer1, agmtPaygOne, fourth)
		if got.Status != types.AgreementCancellationRequestStatusApproved || !got.UpdatedAt.Equal(*at("2026-03-08T00:00:00Z")) {
			t.Errorf("after 7 days the request is %s, updated %v", got.Status, got.UpdatedAt)
		}
		if s := agreementStatus(t, e.buyer1, agmtPaygOne); s != types.AgreementStatusCancelled {
			t.Errorf("after auto-approval the agreement is %s", s)
		}

		// Lists, by party, status and page.
		list := func(c *ma.Client, in *ma.ListAgreementCancellationRequestsInput) map[string]types.AgreementCancellationRequestStatus {
			t.Helper()
			got := map[string]types.AgreementCancellationRequestStatus{}
			p := ma.NewListAgreementCancellationRequestsPaginator(c, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx())
				must(t, err)
				if in.MaxResults != nil && len(out.Items) > int(*in.MaxResults) {
					t.Errorf("page of %d holds %d", *in.MaxResults, len(out.Items))
				}
				for _, s := range out.Items {
					if aws.ToString(s.Catalog) != "AWSMarketplace" || aws.ToString(s.AgreementType) != "PurchaseAgreement" || s.CreatedAt == nil {
						t.Errorf("summary %+v", s)
					}
					got[aws.ToString(s.AgreementCancellationRequestId)] = s.Status
				}
			}
			return got
		}
		all := map[string]types.AgreementCancellationRequestStatus{first: "REJECTED", second: "CANCELLED", third: "APPROVED", fourth: "APPROVED"}
		same(t, "the seller's requests", all, list(e.seller, &ma.ListAgreementCancellationRequestsInput{PartyType: aws.String("Proposer"), MaxResults: aws.Int32(1)}))
		same(t, "buyer one's requests", all, list(e.buyer1, &ma.ListAgreementCancellationRequestsInput{PartyType: aws.String("Acceptor")}))
		same(t, "buyer one as proposer", map[string]types.AgreementCancellationRequestStatus{},
			list(e.buyer1, &ma.ListAgreementCancellationRequestsInput{PartyType: aws.String("Proposer")}))
		same(t, "approved requests of the contract", map[string]types.AgreementCancellationRequestStatus{third: "APPROVED"},
			list(e.seller, &ma.ListAgreementCancellationRequestsInput{PartyType: aws.String("Proposer"), AgreementId: aws.String(agmtContract),
				Status: types.AgreementCancellationRequestStatusApproved}))
		same(t, "buyer two's requests", map[string]types.AgreementCancellationRequestStatus{},
			list(e.buyer2, &ma.ListAgreementCancellationRequestsInput{PartyType: aws.String("Acceptor")}))
		_, err = e.seller.ListAgreementCancellationRequests(ctx(), &ma.ListAgreementCancellationRequestsInput{PartyType: aws.String("Nobody")})
		if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonInvalidPartyType {
			t.Errorf("partyType Nobody: reason %q, want INVALID_PARTY_TYPE", ve.Reason)
		}
	})
}

// TestCancelAgreementWithin48HoursRefundsEverything buys a year's contract through the
// Agreement API and cancels it with CancelAgreement a day later: a purchase that was not a
// private offer, cancelled within 48 hours, is refunded in full, contracts included.
func TestCancelAgreementWithin48HoursRefundsEverything(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		quote, err := e.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(5)})
		must(t, err)
		accepted, err := e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
		must(t, err)
		id := aws.ToString(accepted.AgreementId)
		e.srv.advance(t, "24h")

		_, err = e.buyer1.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(id)})
		must(t, err)
		if s := agreementStatus(t, e.seller, id); s != types.AgreementStatusCancelled {
			t.Errorf("after CancelAgreement the agreement is %s", s)
		}
		e.srv.advance(t, "0s") // the refund's billing adjustment is processed by a job due at once
		total := func(typ types.InvoiceType) []string {
			var out []string
			for _, g := range lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(id), InvoiceType: typ}) {
				out = append(out, aws.ToString(g.PricingCurrencyAmount.Amount))
			}
			return out
		}
		// 5 seats at 10.00 invoiced on acceptance, and all of it credited back.
		same(t, "invoices", []string{"50.00"}, total(types.InvoiceTypeInvoice))
		same(t, "credit memos", []string{"50.00"}, total(types.InvoiceTypeCreditMemo))
	})
}
