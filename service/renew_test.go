package service_test

import (
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// TestAgreementRenewsAtItsEnd: a 12-month contract of 1,200.00 USD whose buyer turned
// auto-renewal on renews on its end date into a contract of 1,236.00 USD (3% more), invoiced
// that day at the renewal listing fee (1.5%: 18.54 USD); MaxRenewals 1 lets the renewal expire.
func TestAgreementRenewsAtItsEnd(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		one := 1
		pi := mercato.PriceIncrease{}
		pi.FixedPercentage = &struct {
			Value mercato.Amount `json:"value" yaml:"value"`
		}{Value: amt("3")}
		e.apply(mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-renewing", ProductID: product, Visibility: "private",
			Buyers: []string{buyer2}, ExpiresAt: day(2026, 3, 1), Terms: mercato.Terms{
				{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: amt("1200.00")}},
				{Renewal: &mercato.RenewalTerm{MaxRenewals: &one, PriceIncrease: &pi}}}}}})
		q, err := e.svc.CreateAgreementRequest(e.ctx, buyer2, service.CreateAgreementRequestInput{Intent: "NEW",
			ProposalID: offer(t, e, "offer-renewing").ProposalID, Terms: []service.RequestedTerm{{ID: "offer-renewing-term-1"},
				{ID: "offer-renewing-term-2", Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: true}}}})
		if err != nil {
			t.Fatal(err)
		}
		first, err := e.svc.AcceptAgreementRequest(e.ctx, buyer2, q.Request.ID, nil)
		if err != nil {
			t.Fatal(err)
		}

		// Both parties hear of the end 180, 120, 90, 60 and 30 days ahead; the seller hears of the
		// renewal 30 days ahead.
		e.advanceTo(day(2026, 12, 31))
		if got := e.events(buyer2); strings.Count(got, "Purchase Agreement Ending - Acceptor") != 5 {
			t.Errorf("the buyer's events: %s", got)
		}
		if got := e.events(seller); strings.Count(got, "Purchase Agreement Ending - Proposer") != 5 ||
			strings.Count(got, "Purchase Agreement Renewal Upcoming - Proposer") != 1 {
			t.Errorf("the seller's events: %s", got)
		}

		e.advanceTo(day(2027, 1, 2))
		old, _ := e.svc.Agreement(e.ctx, first)
		if old.Status != mercato.AgreementRenewed {
			t.Fatalf("at its end the agreement is %s, want RENEWED", old.Status)
		}
		renewals, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{AcceptorID: buyer2, OfferID: "offer-renewing", Status: mercato.AgreementActive})
		if err != nil || len(renewals) != 1 {
			t.Fatalf("renewals: %v %v", renewals, err)
		}
		next := renewals[0]
		if next.SourceAgreementID != first || next.InitialAgreementID != first || !next.StartTime.Equal(day(2027, 1, 1)) ||
			!next.EndTime.Equal(day(2028, 1, 1)) || next.ListingFeeRate != mercato.Percent(150) || next.Terms[0].FixedUpfront.Price != amt("1236.00") {
			t.Errorf("renewal: source %s, %s to %s, fee %s, price %s", next.SourceAgreementID, next.StartTime, next.EndTime,
				next.ListingFeeRate, next.Terms[0].FixedUpfront.Price)
		}
		invoices, err := e.svc.Invoices(e.ctx, mercato.InvoiceFilter{AgreementID: next.ID})
		if err != nil || len(invoices) != 1 || invoices[0].PreTax != amt("1236.00") || invoices[0].ListingFee != amt("18.54") || !invoices[0].IssuedAt.Equal(day(2027, 1, 1)) {
			t.Errorf("the renewal's invoices: %+v %v", invoices, err)
		}

		e.advanceTo(day(2028, 1, 2))
		last, _ := e.svc.Agreement(e.ctx, next.ID)
		if last.Status != mercato.AgreementExpired {
			t.Errorf("after its one renewal the agreement is %s, want EXPIRED", last.Status)
		}
		if all, _ := e.svc.Agreements(e.ctx, mercato.AgreementFilter{AcceptorID: buyer2, OfferID: "offer-renewing"}); len(all) != 2 {
			t.Errorf("%d agreements, want the first and its one renewal", len(all))
		}
	})
}
