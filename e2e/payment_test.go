package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

const (
	termWait = "offer-e2e-consulting-wait-term-1" // EUR, max 5000.00, WAIT_FOR_APPROVAL
	termAuto = "offer-e2e-consulting-auto-term-2" // USD, max 10000.00, AUTO_APPROVE_ON_EXPIRATION after P10D
)

func sendPayment(c *ma.Client, agreementID, term, name, amount, token string) (*ma.SendAgreementPaymentRequestOutput, error) {
	in := &ma.SendAgreementPaymentRequestInput{AgreementId: aws.String(agreementID), TermId: aws.String(term),
		Name: aws.String(name), ChargeAmount: aws.String(amount), Description: aws.String("Work: " + name)}
	if token != "" {
		in.ClientToken = aws.String(token)
	}
	return c.SendAgreementPaymentRequest(ctx(), in)
}

func getPayment(t *testing.T, c *ma.Client, agreementID, id string) *ma.GetAgreementPaymentRequestOutput {
	t.Helper()
	out, err := c.GetAgreementPaymentRequest(ctx(), &ma.GetAgreementPaymentRequestInput{AgreementId: aws.String(agreementID), PaymentRequestId: aws.String(id)})
	must(t, err)
	return out
}

func TestPaymentRequests(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		// Approved by the buyer: a charge and an invoice follow.
		sent, err := sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 1", "1500.00", "e2e-pr-1")
		must(t, err)
		first := aws.ToString(sent.PaymentRequestId)
		if !strings.HasPrefix(first, "pr-") {
			t.Fatalf("payment request ID %q", first)
		}
		same(t, "the sent payment request", &ma.SendAgreementPaymentRequestOutput{
			PaymentRequestId: aws.String(first), AgreementId: aws.String(agmtConsultingWait),
			Status: types.PaymentRequestStatusPendingApproval, Name: aws.String("Workshop day 1"),
			Description: aws.String("Work: Workshop day 1"), ChargeAmount: aws.String("1500.00"),
			CurrencyCode: aws.String("EUR"), CreatedAt: &scenarioNow,
		}, sent)
		again, err := sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 1", "1500.00", "e2e-pr-1")
		must(t, err)
		if id := aws.ToString(again.PaymentRequestId); id != first {
			t.Errorf("replay returned %s, want %s", id, first)
		}
		_, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 1", "1600.00", "e2e-pr-1")
		wantError[*types.ConflictException](t, err)

		got := getPayment(t, e.buyer2, agmtConsultingWait, first)
		if got.Status != types.PaymentRequestStatusPendingApproval || got.ChargeId != nil || !got.UpdatedAt.Equal(scenarioNow) {
			t.Errorf("pending request: %s charge %v updated %v", got.Status, got.ChargeId, got.UpdatedAt)
		}
		_, err = e.seller.AcceptAgreementPaymentRequest(ctx(), &ma.AcceptAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(first)})
		wantError[*types.AccessDeniedException](t, err)
		accepted, err := e.buyer2.AcceptAgreementPaymentRequest(ctx(), &ma.AcceptAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(first), PurchaseOrderReference: aws.String("PO-42")})
		must(t, err)
		if accepted.Status != types.PaymentRequestStatusApproved || aws.ToString(accepted.ChargeAmount) != "1500.00" {
			t.Errorf("accepted: %s %s", accepted.Status, aws.ToString(accepted.ChargeAmount))
		}
		got = getPayment(t, e.seller, agmtConsultingWait, first)
		chargeID := aws.ToString(got.ChargeId)
		if got.Status != types.PaymentRequestStatusApproved || !strings.HasPrefix(chargeID, "ch-") {
			t.Errorf("approved request: %s charge %q", got.Status, chargeID)
		}
		cs := charges(t, e.buyer2, agmtConsultingWait)
		if len(cs) != 1 || aws.ToString(cs[0].Id) != chargeID || aws.ToString(cs[0].Amount) != "1500.00" ||
			aws.ToString(cs[0].CurrencyCode) != "EUR" || aws.ToString(cs[0].PurchaseOrderReference) != "PO-42" {
			t.Errorf("charges after approval: %+v", cs)
		}
		invs := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtConsultingWait)})
		if len(invs) != 1 || aws.ToString(invs[0].PricingCurrencyAmount.Amount) != "1500.00" || aws.ToString(invs[0].PricingCurrencyAmount.CurrencyCode) != "EUR" {
			t.Errorf("invoices after approval: %+v", invs)
		}
		_, err = e.buyer2.AcceptAgreementPaymentRequest(ctx(), &ma.AcceptAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(first)})
		wantError[*types.ConflictException](t, err)

		// Rejected by the buyer.
		sent, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 2", "3000.00", "")
		must(t, err)
		second := aws.ToString(sent.PaymentRequestId)
		rejected, err := e.buyer2.RejectAgreementPaymentRequest(ctx(), &ma.RejectAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(second), RejectionReason: aws.String("Not agreed")})
		must(t, err)
		if rejected.Status != types.PaymentRequestStatusRejected || aws.ToString(rejected.StatusMessage) != "Not agreed" || rejected.UpdatedAt == nil {
			t.Errorf("rejected: %s %q", rejected.Status, aws.ToString(rejected.StatusMessage))
		}

		// What remains of the maximum: 5000.00 less the approved 1500.00 (rejections free theirs).
		_, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 3", "3500.01", "")
		ve := wantError[*types.ValidationException](t, err)
		if ve.Reason != types.ValidationExceptionReasonInvalidChargeAmount || len(ve.Fields) != 1 || aws.ToString(ve.Fields[0].Name) != "chargeAmount" {
			t.Errorf("over the maximum: reason %q fields %+v", ve.Reason, ve.Fields)
		}
		// Withdrawn by the seller.
		sent, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 3", "3500.00", "")
		must(t, err)
		third := aws.ToString(sent.PaymentRequestId)
		_, err = e.buyer2.CancelAgreementPaymentRequest(ctx(), &ma.CancelAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(third)})
		wantError[*types.AccessDeniedException](t, err)
		cancelled, err := e.seller.CancelAgreementPaymentRequest(ctx(), &ma.CancelAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(third)})
		must(t, err)
		if cancelled.Status != types.PaymentRequestStatusCancelled || aws.ToString(cancelled.CurrencyCode) != "EUR" {
			t.Errorf("cancelled: %s %s", cancelled.Status, aws.ToString(cancelled.CurrencyCode))
		}
		_, err = e.buyer2.AcceptAgreementPaymentRequest(ctx(), &ma.AcceptAgreementPaymentRequestInput{
			AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(third)})
		wantError[*types.ConflictException](t, err)

		// Requests the seller may not make.
		for name, c := range map[string]struct {
			client          *ma.Client
			agreement, term string
			reason          types.ValidationExceptionReason
		}{
			"not a variable payment term": {e.seller, agmtContract, "offer-e2e-contract-term-2", types.ValidationExceptionReasonInvalidTermId},
			"unknown term":                {e.seller, agmtConsultingWait, "no-such-term", types.ValidationExceptionReasonInvalidTermId},
		} {
			_, err := sendPayment(c.client, c.agreement, c.term, "Some work", "1.00", "")
			if ve := wantError[*types.ValidationException](t, err); ve.Reason != c.reason {
				t.Errorf("%s: reason %q, want %s", name, ve.Reason, c.reason)
			}
		}
		_, err = sendPayment(e.buyer2, agmtConsultingWait, termWait, "Some work", "1.00", "")
		wantError[*types.AccessDeniedException](t, err)
		_, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Wee", "1.00", "")
		if ve := wantError[*types.ValidationException](t, err); len(ve.Fields) != 1 || aws.ToString(ve.Fields[0].Name) != "name" {
			t.Errorf("a 3-character name: fields %+v", ve.Fields)
		}
		_, err = e.stranger.GetAgreementPaymentRequest(ctx(), &ma.GetAgreementPaymentRequestInput{AgreementId: aws.String(agmtConsultingWait), PaymentRequestId: aws.String(first)})
		if nf := wantError[*types.ResourceNotFoundException](t, err); nf.ResourceType != types.ResourceTypePaymentRequest || aws.ToString(nf.ResourceId) != first {
			t.Errorf("stranger: not found %s %s", nf.ResourceType, aws.ToString(nf.ResourceId))
		}

		// Approved automatically once the term's expiration duration (10 days) has passed.
		sent, err = sendPayment(e.seller, agmtConsultingAuto, termAuto, "Migration phase 1", "2000.00", "")
		must(t, err)
		auto := aws.ToString(sent.PaymentRequestId)
		e.srv.advance(t, "239h")
		if got := getPayment(t, e.buyer1, agmtConsultingAuto, auto); got.Status != types.PaymentRequestStatusPendingApproval {
			t.Errorf("after 9 days 23 hours: %s", got.Status)
		}
		e.srv.advance(t, "1h")
		got = getPayment(t, e.buyer1, agmtConsultingAuto, auto)
		if got.Status != types.PaymentRequestStatusApproved || got.ChargeId == nil || !got.UpdatedAt.Equal(*at("2026-03-11T00:00:00Z")) {
			t.Errorf("after 10 days: %s charge %v updated %v", got.Status, got.ChargeId, got.UpdatedAt)
		}
		if cs := charges(t, e.buyer1, agmtConsultingAuto); len(cs) != 1 || aws.ToString(cs[0].Amount) != "2000.00" || !cs[0].Time.Equal(*at("2026-03-11T00:00:00Z")) {
			t.Errorf("charges after auto-approval: %+v", cs)
		}

		// Lists by party, status and page.
		list := func(c *ma.Client, in *ma.ListAgreementPaymentRequestsInput) map[string]types.PaymentRequestStatus {
			t.Helper()
			got := map[string]types.PaymentRequestStatus{}
			p := ma.NewListAgreementPaymentRequestsPaginator(c, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx())
				must(t, err)
				for _, s := range out.Items {
					if s.Status == types.PaymentRequestStatusApproved && s.ChargeId == nil || s.CreatedAt == nil || s.Name == nil {
						t.Errorf("summary %+v", s)
					}
					got[aws.ToString(s.PaymentRequestId)] = s.Status
				}
			}
			return got
		}
		all := map[string]types.PaymentRequestStatus{first: "APPROVED", second: "REJECTED", third: "CANCELLED", auto: "APPROVED"}
		same(t, "the seller's payment requests", all, list(e.seller, &ma.ListAgreementPaymentRequestsInput{PartyType: aws.String("Proposer"), MaxResults: aws.Int32(1)}))
		same(t, "buyer two's payment requests", map[string]types.PaymentRequestStatus{first: "APPROVED", second: "REJECTED", third: "CANCELLED"},
			list(e.buyer2, &ma.ListAgreementPaymentRequestsInput{PartyType: aws.String("Acceptor")}))
		same(t, "approved requests", map[string]types.PaymentRequestStatus{first: "APPROVED", auto: "APPROVED"},
			list(e.seller, &ma.ListAgreementPaymentRequestsInput{PartyType: aws.String("Proposer"), Status: types.PaymentRequestStatusApproved}))
		same(t, "requests of the auto-approved agreement", map[string]types.PaymentRequestStatus{auto: "APPROVED"},
			list(e.buyer1, &ma.ListAgreementPaymentRequestsInput{PartyType: aws.String("Acceptor"), AgreementId: aws.String(agmtConsultingAuto)}))
	})
}
