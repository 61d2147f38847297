package service_test

import (
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// TestAmountsFinerThanTheCurrencyAreRefused: an adjustment, a payment request and a recorded
// payment are in the currency's minor unit (USD: cents) or refused, naming the currency and its
// decimals; nothing of a refused entry is reserved or credited.
func TestAmountsFinerThanTheCurrencyAreRefused(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{
		entry(a, inv, "0.00999999", "tiny"), entry(a, inv, "123.45678901", "fine"), entry(a, inv, "123.45", "cents"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].ClientToken != "cents" || len(res.Errors) != 2 {
		t.Fatalf("items %+v errors %+v", res.Items, res.Errors)
	}
	for _, er := range res.Errors {
		if er.Code != "VALIDATION_EXCEPTION" || !strings.Contains(er.Message, "USD allows: at most 2") {
			t.Errorf("%s: %s %q", er.ClientToken, er.Code, er.Message)
		}
	}
	e.advanceTo(e.svc.Now())
	got := e.invoiceWithKey(a.ID, inv.Key)
	if got.MaxAdjustment() != amt("1076.55") {
		t.Errorf("refundable after 123.45: %s, want 1076.55", got.MaxAdjustment())
	}

	_, err = e.svc.RecordPayment(e.ctx, inv.ID, amt("0.001"))
	if er := errorOf(t, err, mercato.EInvalid); !strings.Contains(er.Error(), "USD") {
		t.Errorf("payment of 0.001: %v", er)
	}

	v := variableOffer(e, "")
	_, err = e.svc.SendPaymentRequest(e.ctx, seller, service.SendPaymentInput{AgreementID: v.ID, TermID: "vp",
		Name: "Kickoff", Amount: amt("0.001")})
	if er := errorOf(t, err, mercato.EInvalid); len(er.Fields) != 1 || er.Fields[0].Name != "chargeAmount" ||
		!strings.Contains(er.Message, "USD allows: at most 2") {
		t.Errorf("payment request of 0.001: %+v", er)
	}
}

// TestAdjustmentEntryRulesAreTheService's: the description's length and the client token's form
// are checked by the service, whatever the transport.
func TestAdjustmentEntryRulesAreTheServices(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	long := entry(a, inv, "1", "long")
	long.Description = strings.Repeat("é", mercato.MaxAdjustmentDescription+1)
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{long, entry(a, inv, "1", "bad token!")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 0 || len(res.Errors) != 2 {
		t.Fatalf("items %+v errors %+v", res.Items, res.Errors)
	}
	for _, er := range res.Errors {
		if er.Code != "VALIDATION_EXCEPTION" {
			t.Errorf("%s: %s %q", er.ClientToken, er.Code, er.Message)
		}
	}
	_, err = e.svc.SendCancellationRequest(e.ctx, seller, service.SendCancellationInput{AgreementID: a.ID,
		ReasonCode: mercato.CancellationReasons[0], Description: strings.Repeat("x", service.MaxCancellationDescription+1)})
	if er := errorOf(t, err, mercato.EInvalid); len(er.Fields) != 1 || er.Fields[0].Name != "description" {
		t.Errorf("long cancellation description: %+v", er)
	}
}

// TestRefundRequestAmountsInMinorUnits: a refund request, and an answer to one, ask for an
// amount in the agreement's currency's minor unit or are refused.
func TestRefundRequestAmountsInMinorUnits(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	in := service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: mercato.RefundKindRefund,
		InvoiceIDs: []string{inv.ID}, Amount: amt("10.005"), CancellationDate: day(2026, 6, 1)}
	_, err := e.svc.FileRefundRequest(e.ctx, buyer, in)
	if er := errorOf(t, err, mercato.EInvalid); len(er.Fields) != 1 || er.Fields[0].Name != "amount" ||
		!strings.Contains(er.Message, "USD allows: at most 2") {
		t.Errorf("refund request of 10.005: %+v", er)
	}
	in.Amount, in.CancellationDate = amt("10"), time.Time{} // an annual plan: the date is missing
	c, err := e.svc.FileRefundRequest(e.ctx, buyer, in)
	if err != nil || c.Status != mercato.RefundActionRequired {
		t.Fatalf("filed: %+v, %v", c, err)
	}
	_, err = e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, service.RefundRequestInput{Amount: amt("0.001"), CancellationDate: day(2026, 6, 1)})
	errorOf(t, err, mercato.EInvalid)
}
