package service_test

import (
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// refundMarket adds a product with a prepaid monthly plan (30.00 a month, upfront) and one with
// a 10-day free trial then 100.00 a month, to the usual marketplace.
func refundMarket(e *env) {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{
		Products: []mercato.Product{
			{ID: "prod-backup", SellerID: seller, Type: mercato.ProductSaaS, Title: "Backup", RefundPolicy: "Pro rata."},
			{ID: "prod-trial", SellerID: seller, Type: mercato.ProductSaaS, Title: "Trial", RefundPolicy: "Pro rata."},
		},
		Offers: []mercato.Offer{
			{ID: "offer-backup", ProductID: "prod-backup", Visibility: "public", Terms: mercato.Terms{
				{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("30.00"), Duration: &mercato.Period{Months: 1}}}}},
			{ID: "offer-trial", ProductID: "prod-trial", Visibility: "public", Terms: mercato.Terms{
				{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 10}}},
				{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("100.00")}}}},
		},
	})
}

func file(e *env, caller string, in service.RefundRequestInput) mercato.RefundCase {
	e.t.Helper()
	c, err := e.svc.FileRefundRequest(e.ctx, caller, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func refunded(e *env, agreementID string) mercato.Amount {
	e.t.Helper()
	e.advanceTo(e.svc.Now())
	var sum mercato.Amount
	for _, inv := range e.invoices(agreementID) {
		if inv.Type == mercato.InvoiceTypeCreditMemo {
			sum += inv.PreTax
		}
	}
	return sum
}

func TestCancellationWithin48HoursRefundsEverything(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-backup", buyer)
	e.advanceTo(day(2026, 1, 10).Add(47*time.Hour + 59*time.Minute))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-backup", Kind: "CANCELLATION"})
	if c.Status != mercato.RefundCompleted || c.Rule != "CANCELLATION_WITHIN_48_HOURS" || !c.Cancelled || len(c.Adjustments) != 1 {
		t.Fatalf("case: %+v", c)
	}
	if got := refunded(e, a.ID); got != amt("30") {
		t.Errorf("refunded %s, want the full 30.00", got)
	}
	if ag, _ := e.svc.Agreement(e.ctx, a.ID); ag.Status != mercato.AgreementCancelled {
		t.Errorf("agreement %s", ag.Status)
	}
	audit, _ := e.svc.Audit(e.ctx, mercato.AuditFilter{ResourceID: c.Adjustments[0]})
	if len(audit) == 0 || audit[0].Actor != "policy" {
		t.Errorf("the adjustment's audit names %+v, want the policy", audit)
	}
}

func TestCancellationAfter48Hours(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	a := e.accept("offer-public", buyer2) // pay as you go, not prepaid
	e.advanceTo(day(2026, 1, 3).Add(time.Minute))
	c := file(e, buyer2, service.RefundRequestInput{BuyerID: buyer2, SellerID: seller, ProductID: product, Kind: "CANCELLATION"})
	if c.Status != mercato.RefundAwaitingSeller || c.Rule != "SELLER_AUTHORIZATION" || c.StatusReason == "" {
		t.Fatalf("case: %+v", c)
	}
	c, err := e.svc.RejectRefundRequest(e.ctx, seller, c.ID, "used the whole month")
	if err != nil || c.Status != mercato.RefundRejected {
		t.Fatalf("reject: %+v, %v", c, err)
	}
	if ag, _ := e.svc.Agreement(e.ctx, a.ID); ag.Status != mercato.AgreementActive {
		t.Errorf("a rejected cancellation cancelled the agreement")
	}
}

func TestProratedRefundOfPrepaidMonth(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	a := e.accept("offer-backup", buyer)
	e.advanceTo(day(2026, 1, 21))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-backup", Kind: "CANCELLATION"})
	if c.Status != mercato.RefundCompleted || c.Rule != "PRORATED_MONTHLY_CANCELLATION" {
		t.Fatalf("case: %+v", c)
	}
	// 11 of January's 31 days are left: 30.00 x 11/31 = 10.645... -> 10.65
	if got := refunded(e, a.ID); got != amt("10.65") {
		t.Errorf("refunded %s, want 10.65", got)
	}
}

func TestFreeTrialConversionRefund(t *testing.T) {
	e := newEnv(t)
	refundMarket(e)
	e.advanceTo(day(2026, 2, 1))
	a := e.accept("offer-trial", buyer) // converts on Feb 11
	e.advanceTo(day(2026, 2, 14))
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: "prod-trial", Kind: "REFUND",
		Periods: []mercato.BillingPeriod{{Month: 2, Year: 2026}}})
	if c.Status != mercato.RefundPending {
		t.Fatalf("before February is invoiced the case waits: %+v", c)
	}
	e.advanceTo(day(2026, 3, 3))
	c, _ = e.svc.RefundCase(e.ctx, buyer, c.ID)
	if c.Status != mercato.RefundCompleted || c.Rule != "FREE_TRIAL_CONVERSION_7_DAYS" {
		t.Fatalf("after the close: %+v", c)
	}
	// February: 18 converted days of 28 = 64.29; the first 7 of them: 64.29 x 7/18 = 25.00
	if got := refunded(e, a.ID); got != amt("25.00") {
		t.Errorf("refunded %s, want 25.00", got)
	}
}

func TestPrivateOfferRefundNeedsTheSeller(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	// The 12-month agreement is an annual subscription: its refund names the cancellation date.
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: product, Kind: "REFUND", Amount: amt("300")})
	if c.Status != mercato.RefundActionRequired || c.StatusReason != "annual subscriptions need a cancellation date" {
		t.Fatalf("without a date: %+v", c)
	}
	c = file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, ProductID: product, Kind: "REFUND", Amount: amt("300"),
		CancellationDate: day(2027, 1, 10)})
	if c.Status != mercato.RefundActionRequired || c.StatusReason != "name the invoice(s) or billing period(s) to refund" {
		t.Fatalf("without an invoice: %+v", c)
	}
	_, err := e.svc.AnswerRefundRequest(e.ctx, seller, c.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}})
	errorOf(t, err, mercato.EForbidden)
	// An answer is checked as a request is: no negative amount, comments within the limit.
	bad := service.RefundRequestInput{InvoiceIDs: []string{inv.ID}, Amount: -1,
		Comments: strings.Repeat("é", service.MaxRefundComments+1)}
	_, err = e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, bad)
	if fields := errorOf(t, err, mercato.EInvalid).Fields; len(fields) != 2 {
		t.Errorf("bad answer reports %v, want the amount and the comments", fields)
	}
	c, err = e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, service.RefundRequestInput{InvoiceIDs: []string{inv.ID}})
	if err != nil || c.Status != mercato.RefundAwaitingSeller {
		t.Fatalf("answered: %+v, %v", c, err)
	}
	_, err = e.svc.ApproveRefundRequest(e.ctx, buyer, c.ID)
	errorOf(t, err, mercato.EForbidden)
	c, err = e.svc.ApproveRefundRequest(e.ctx, seller, c.ID)
	if err != nil || c.Status != mercato.RefundCompleted || c.Rule != "SELLER_AUTHORIZATION" || len(c.Adjustments) != 1 {
		t.Fatalf("approved: %+v, %v", c, err)
	}
	if got := refunded(e, a.ID); got != amt("300") {
		t.Errorf("refunded %s, want 300.00", got)
	}
	_, err = e.svc.ApproveRefundRequest(e.ctx, seller, c.ID)
	errorOf(t, err, mercato.EConflict)
	// a stranger sees nothing
	_, err = e.svc.RefundCase(e.ctx, buyer2, c.ID)
	errorOf(t, err, mercato.ENotFound)
}

func TestSellerFiledRefundIsAuthorized(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	c := file(e, seller, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "REFUND",
		Amount: amt("1200"), InvoiceIDs: []string{inv.ID}, CancellationDate: day(2027, 1, 10)})
	if c.Status != mercato.RefundCompleted || c.Rule != "SELLER_AUTHORIZATION" {
		t.Fatalf("case: %+v", c)
	}
	if got := refunded(e, a.ID); got != amt("1200") {
		t.Errorf("refunded %s", got)
	}
	_, err := e.svc.FileRefundRequest(e.ctx, seller, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "REFUND",
		Amount: amt("1"), InvoiceIDs: []string{inv.ID}, CancellationDate: day(2027, 1, 10)})
	if got := errorOf(t, err, mercato.EInvalid); got.Reason != "EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT" {
		t.Errorf("a refund beyond the invoice: %+v", got)
	}
}

func TestAnnualCancellationNeedsADate(t *testing.T) {
	e := newEnv(t)
	a, _ := paidInstallment(e) // 12 months
	c := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "CANCELLATION"})
	if c.Status != mercato.RefundActionRequired || c.StatusReason != "annual subscriptions need a cancellation date" {
		t.Fatalf("case: %+v", c)
	}
	c, err := e.svc.AnswerRefundRequest(e.ctx, buyer, c.ID, service.RefundRequestInput{CancellationDate: day(2026, 6, 30)})
	if err != nil || c.Status != mercato.RefundAwaitingSeller {
		t.Fatalf("answered: %+v, %v", c, err)
	}
	if c, err = e.svc.ApproveRefundRequest(e.ctx, seller, c.ID); err != nil || c.Cancelled {
		t.Fatalf("approved: %+v, %v (cancelled before its date)", c, err)
	}
	e.advanceTo(day(2026, 7, 1))
	ag, _ := e.svc.Agreement(e.ctx, a.ID)
	if ag.Status != mercato.AgreementCancelled || !ag.EndTime.Equal(day(2026, 6, 30)) {
		t.Errorf("agreement %s ended %s, want CANCELLED on 2026-06-30", ag.Status, ag.EndTime)
	}
	if n := len(e.invoices(a.ID)); n != 2 {
		t.Errorf("%d invoices: the July installment must not be issued", n)
	}
}

func TestMeteringErrorRefundsEveryAffectedBuyerOnce(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	a1 := e.accept("offer-public", buyer)
	a2 := e.accept("offer-public", buyer2)
	for _, a := range []mercato.Agreement{a1, a2} {
		if err := e.svc.RecordUsage(e.ctx, a.ID, "api_calls", day(2026, 1, 5), 2000); err != nil {
			t.Fatal(err)
		}
	}
	e.advanceTo(day(2026, 2, 2))
	in := service.MeteringErrorInput{ProductID: product, Dimension: "api_calls", Period: mercato.BillingPeriod{Month: 1, Year: 2026}}
	cases, err := e.svc.ConfirmMeteringError(e.ctx, seller, in)
	if err != nil || len(cases) != 2 {
		t.Fatalf("cases: %+v, %v", cases, err)
	}
	for _, a := range []mercato.Agreement{a1, a2} {
		// only the 2.00 of usage (2000 x 0.001), not the 100.00 monthly fee
		if got := refunded(e, a.ID); got != amt("2") {
			t.Errorf("%s refunded %s, want 2.00", a.ID, got)
		}
	}
	again, err := e.svc.ConfirmMeteringError(e.ctx, seller, in)
	if err != nil || len(again) != 0 {
		t.Errorf("confirming again: %d cases, %v", len(again), err)
	}
	_, err = e.svc.ConfirmMeteringError(e.ctx, buyer, in)
	errorOf(t, err, mercato.ENotFound)
}

func TestOperatorSeesWaitingRefundCases(t *testing.T) {
	e := newEnv(t)
	a, _ := paidInstallment(e)
	e.apply(mercato.Scenario{Accounts: []mercato.Account{{ID: "999900001111", Name: "Ops", Roles: []mercato.Role{mercato.RoleOperator}}}})
	waiting := file(e, buyer, service.RefundRequestInput{BuyerID: buyer, SellerID: seller, AgreementID: a.ID, Kind: "REFUND", Amount: amt("5")})
	_, err := e.svc.WaitingRefundCases(e.ctx, seller)
	errorOf(t, err, mercato.EForbidden)
	cases, err := e.svc.WaitingRefundCases(e.ctx, "999900001111")
	if err != nil || len(cases) != 1 || cases[0].ID != waiting.ID {
		t.Errorf("waiting cases: %+v, %v", cases, err)
	}
}
