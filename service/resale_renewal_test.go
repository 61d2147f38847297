package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// TestResoldAgreementRenews: a channel partner's 12-month resale of 1,200.00 (wholesale
// 1,000.00) with a 3% renewal renews on January 1, 2027 into 1,236.00, and the maker's wholesale
// rises in the same proportion: 1,000.00 × 1,236 / 1,200 = 1,030.00. The renewal's fee rate is
// 1.5% for a renewal plus 0.5% for the channel partner, 2.0%: the invoice's fee is 24.72, the
// maker's 20.60 (2% of 1,030.00), the partner's 4.12 on its markup of 206.00. The resale
// authorization was restricted and has expired by then: the renewal goes through all the same.
// On February 10 both are paid out: the maker 1,009.40, the partner 201.88; check finds nothing.
func TestResoldAgreementRenews(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		first, auth := acceptResold(t, e, "renewing", &mercato.RenewalTerm{PriceIncrease: fixedIncrease("3")})
		auth.State = mercato.ResaleAuthorizationRestricted // the maker stops new offers; expiry passes too
		putAuthorization(t, e, auth)

		e.advanceTo(day(2027, 1, 2))
		renewals, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{OfferID: first.OfferID, Status: mercato.AgreementActive})
		if err != nil || len(renewals) != 1 {
			t.Fatalf("renewals of %s: %+v, %v", first.ID, renewals, err)
		}
		next := renewals[0]
		want := mercato.Resale{AuthorizationID: auth.ID, ManufacturerID: seller, Wholesale: amt("1030.00"), Price: amt("1236.00")}
		if next.Resale == nil || *next.Resale != want || next.ProposerID != partner || next.ListingFeeRate != mercato.Percent(200) {
			t.Fatalf("renewal: proposer %s, fee rate %s, resale %+v; want the partner, 2%%, %+v", next.ProposerID, next.ListingFeeRate, next.Resale, want)
		}
		invs := e.invoices(next.ID)
		if len(invs) != 1 {
			t.Fatalf("the renewal's invoices: %+v", invs)
		}
		inv := invs[0]
		if inv.PreTax != amt("1236.00") || inv.ListingFee != amt("24.72") || inv.MakerID != seller ||
			inv.MakerAmount != amt("1030.00") || inv.MakerFee != amt("20.60") || inv.ProposerNet() != amt("201.88") {
			t.Errorf("renewal invoice: pre-tax %s fee %s, maker %s %s fee %s, partner net %s",
				inv.PreTax, inv.ListingFee, inv.MakerID, inv.MakerAmount, inv.MakerFee, inv.ProposerNet())
		}

		e.advanceTo(day(2027, 2, 11))
		for _, w := range []struct{ seller, net string }{{seller, "1009.40"}, {partner, "201.88"}} {
			if got := paidFor(t, e, w.seller, inv.ID); got != amt(w.net) {
				t.Errorf("%s is paid %s for the renewal invoice, want %s", w.seller, got, w.net)
			}
		}
		vs, err := e.svc.Check(e.ctx)
		if err != nil || len(vs) != 0 {
			t.Errorf("check: %v, %v", vs, err)
		}
	})
}

// fixedIncrease is a renewal term's fixed price increase of pct percent.
func fixedIncrease(pct string) *mercato.PriceIncrease {
	pi := mercato.PriceIncrease{}
	pi.FixedPercentage = &struct {
		Value mercato.Amount `json:"value" yaml:"value"`
	}{Value: amt(pct)}
	return &pi
}

// acceptResold has buyer accept, on 2026-01-01 with auto-renewal on, a channel partner's
// 12-month resale of the seller's product at 1,200.00 USD (wholesale 1,000.00) that renews under
// renewal, made under an active authorization ending 2026-06-01; offer and authorization are
// named after name. It returns the agreement and the authorization.
func acceptResold(t *testing.T, e *env, name string, renewal *mercato.RenewalTerm) (mercato.Agreement, mercato.ResaleAuthorization) {
	t.Helper()
	e.marketplace()
	terms := mercato.Terms{
		{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: amt("1200.00")}},
		{Renewal: renewal}}
	auth := mercato.ResaleAuthorization{ID: "resaleauthz-" + name, ManufacturerID: seller, ResellerID: partner, ProductID: product,
		State: mercato.ResaleAuthorizationActive, Wholesale: amt("1000.00"), Currency: "USD", ExpiresAt: day(2026, 6, 1)}
	offerID := "offer-cppo-" + name
	e.apply(mercato.Scenario{
		Accounts: []mercato.Account{{ID: partner, Name: "Channel Co", Roles: []mercato.Role{mercato.RoleSeller}}},
		Offers: []mercato.Offer{{ID: offerID, ProductID: product, SellerID: partner, Visibility: "private",
			Buyers: []string{buyer}, ExpiresAt: day(2026, 3, 1), Terms: terms,
			Resale: &mercato.Resale{AuthorizationID: auth.ID, Wholesale: amt("1000.00"), Price: amt("1200.00")}}},
	})
	putAuthorization(t, e, auth)
	accepted := terms.Clone()
	accepted[1].Renewal.Configuration = &mercato.RenewalConfiguration{EnableAutoRenew: true}
	first, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: offerID, BuyerID: buyer, Terms: accepted})
	if err != nil {
		t.Fatal(err)
	}
	return first, auth
}

// putAuthorization stores a resale authorization as it stands.
func putAuthorization(t *testing.T, e *env, r mercato.ResaleAuthorization) {
	t.Helper()
	if err := e.store.Update(e.ctx, func(tx mercato.Tx) error { return tx.PutResaleAuthorization(r) }); err != nil {
		t.Fatal(err)
	}
}

// paidFor returns what the seller's payouts paid it for one document.
func paidFor(t *testing.T, e *env, sellerID, documentID string) mercato.Amount {
	t.Helper()
	ps, err := e.svc.Payouts(e.ctx, mercato.PayoutFilter{SellerID: sellerID})
	if err != nil {
		t.Fatal(err)
	}
	var sum mercato.Amount
	for _, p := range ps {
		for _, l := range p.LineItems {
			if l.DocumentID == documentID {
				sum += l.Amount
			}
		}
	}
	return sum
}
