package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// replacedAMIAnnual gives Buyer Corp an AMI annual agreement with Acme whose schedule charges
// 1,200.00 on 15 January, 15 April and 15 July (the first invoiced on acceptance, the clock being
// at 16 January), and replaces it by another AMI offer. It returns both agreements' IDs.
func (e *env) replacedAMIAnnual() (old, repl string) {
	e.t.Helper()
	hourly := mercato.Term{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
		{RateCard: []mercato.RateCardItem{{DimensionKey: "hours", Price: mercato.MustAmount("0.10")}}}}}}
	d := func(m time.Month) time.Time { return time.Date(2026, m, 15, 0, 0, 0, 0, time.UTC) }
	if err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{
		Products: []mercato.Product{{ID: "prod-acme-ami", SellerID: acme, Type: mercato.ProductAMI, Title: "Acme Appliance",
			RefundPolicy: "None.", Dimensions: []mercato.Dimension{{Key: "hours", Metered: true}}}},
		Offers: []mercato.Offer{
			{ID: "offer-ami-annual", ProductID: "prod-acme-ami", Visibility: "public", Terms: mercato.Terms{hourly,
				{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
				{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
					{ChargeDate: d(1), ChargeAmount: mercato.MustAmount("1200")},
					{ChargeDate: d(4), ChargeAmount: mercato.MustAmount("1200")},
					{ChargeDate: d(7), ChargeAmount: mercato.MustAmount("1200")},
				}}}}},
			{ID: "offer-ami-hourly", ProductID: "prod-acme-ami", Visibility: "private", Buyers: []string{buyerCorp},
				ExpiresAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Terms: mercato.Terms{hourly}},
		},
	}); err != nil {
		e.t.Fatal(err)
	}
	for _, offer := range []string{"offer-ami-annual", "offer-ami-hourly"} {
		a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: offer, BuyerID: buyerCorp})
		if err != nil {
			e.t.Fatal(err)
		}
		old, repl = repl, a.ID
	}
	return old, repl
}

// The seller of a replaced agreement sees its pending installments and stops them with the form;
// the page then says so, its history records it, and it offers nothing more. Neither the buyer nor another seller can post
// it, and an active agreement's page has no such form.
func TestSellerStopsTheReplacedOffersPendingPayments(t *testing.T) {
	e := newEnv(t)
	old, repl := e.replacedAMIAnnual()
	c := e.client()
	c.signIn(acmeKey, acmeSecret)
	path := "/console/seller/agreements/" + old

	page := c.get(path)
	if !strings.Contains(page.body, `id="pending-charges"`) || !strings.Contains(page.body, `id="stop-pending-payments"`) ||
		strings.Count(page.body, `class="pending-charge"`) != 2 {
		t.Fatalf("the replaced agreement's page does not show its 2 pending installments and the form:\n%s", page.body)
	}
	if p := c.get("/console/seller/agreements/" + repl); strings.Contains(p.body, `id="stop-pending-payments"`) {
		t.Error("an active agreement's page offers to stop the previous offer's payments")
	}

	// Neither the buyer nor another seller may post the form.
	for _, k := range [][3]string{{buyerKey, buyerSecret, "/console/buyer/agreements"}, {otherKey, otherSecret, "/console/seller/agreements"}} {
		other := e.client()
		other.signIn(k[0], k[1])
		token := other.csrf(k[2])
		if r := other.post(path+"/pending-charges/cancel", other.form(token)); r.status != http.StatusNotFound {
			t.Errorf("%s posts the form: %d, want 404", k[0], r.status)
		}
	}

	token := c.csrf(path)
	if r := c.post(path+"/pending-charges/cancel", c.form("wrong")); r.status != http.StatusForbidden {
		t.Errorf("without its CSRF token: %d, want 403", r.status)
	}
	r := c.post(path+"/pending-charges/cancel", c.form(token))
	if r.status != http.StatusSeeOther || r.location != path+"?notice=payments-stopped#pending-charges" {
		t.Fatalf("stop payments: %d to %q\n%s", r.status, r.location, r.body)
	}
	charges, err := e.svc.Charges(e.ctx, mercato.ChargeFilter{AgreementID: old, Status: mercato.ChargeCancelled})
	if err != nil || len(charges) != 2 {
		t.Errorf("cancelled charges = %d, %v; want the April and July installments", len(charges), err)
	}
	page = c.get(r.location)
	if !strings.Contains(page.body, "will not be invoiced") || strings.Contains(page.body, `id="stop-pending-payments"`) ||
		!strings.Contains(page.body, "pending payments stopped by the seller") {
		t.Errorf("after stopping: no notice, or the form is still there:\n%s", page.body)
	}

	// Posting to the active agreement shows the service's reason on its page.
	r = c.post("/console/seller/agreements/"+repl+"/pending-charges/cancel", c.form(token))
	if r.status != http.StatusConflict || !strings.Contains(r.body, `id="stop-problem"`) || !strings.Contains(r.body, "stopped by a cancellation request") {
		t.Errorf("on the active agreement: %d", r.status)
	}
}
