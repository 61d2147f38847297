package service_test

import (
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

func TestPrivateOfferAcceptanceErrors(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	tests := []struct {
		name   string
		buyer  string
		code   mercato.ErrorCode
		reason string
		says   string
	}{
		{"the seller itself", seller, mercato.EForbidden, "INVALID_ACCESS", "wrong account"},
		{"a buyer not targeted", buyer2, mercato.EForbidden, "INVALID_ACCESS", "not targeted: offer offer-private is a private offer that does not target account " + buyer2},
		{"an unknown account", "000000000000", mercato.ENotFound, "", "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: tt.buyer})
			got := errorOf(t, err, tt.code)
			if got.Reason != tt.reason || !strings.Contains(got.Message, tt.says) {
				t.Errorf("error = %q (reason %q), want reason %q saying %q", got.Message, got.Reason, tt.reason, tt.says)
			}
		})
	}
	t.Run("after expiry", func(t *testing.T) {
		e.advanceTo(day(2026, 3, 1)) // expires at 2026-03-01T00:00:00Z exactly
		_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer})
		got := errorOf(t, err, mercato.EInvalid)
		if got.Reason != "EXPIRED_AGREEMENT_PROPOSAL" || !strings.Contains(got.Message, "expired") {
			t.Errorf("error = %q (reason %q)", got.Message, got.Reason)
		}
	})
	agreements, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{})
	if err != nil || len(agreements) != 0 {
		t.Errorf("refused acceptances left %d agreements (%v)", len(agreements), err)
	}
}

func TestPrivateOfferAcceptedBeforeExpiry(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 2, 28).Add(23*3600e9 + 59*60e9)) // one minute before expiry
	a := e.accept("offer-private", buyer)
	if !a.Private || a.Status != mercato.AgreementActive || a.Value != amt("3600") {
		t.Errorf("agreement = %+v", a)
	}
	if !a.EndTime.Equal(a.StartTime.AddDate(0, 12, 0)) {
		t.Errorf("end %s, want 12 months after %s", a.EndTime, a.StartTime)
	}
	if a.ListingFeeRate != mercato.Percent(300) {
		t.Errorf("listing fee rate = %s, want 3%% (private, under 1M)", a.ListingFeeRate)
	}
}

func TestOneActiveContractPerProduct(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	first := e.accept("offer-private", buyer)
	_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer})
	got := errorOf(t, err, mercato.EConflict)
	if got.Reason != "DUPLICATE_AGREEMENT" || !strings.Contains(got.Message, "already has an active contract") ||
		got.ResourceID != first.ID {
		t.Errorf("error = %+v", got)
	}
	// another buyer is not affected
	e.accept("offer-public", buyer2)
	// once the first agreement ends, the buyer may subscribe again
	if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: first.ID, Actor: buyer}); err != nil {
		t.Fatal(err)
	}
	e.accept("offer-public", buyer)
}

func TestReplaceCancelsUnissuedInstallmentsAndKeepsInvoices(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	old := e.accept("offer-private", buyer)
	e.advanceTo(day(2026, 2, 1)) // the Jan 15 installment is invoiced
	e.apply(mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-upgrade", ProductID: product, Visibility: "private",
		Buyers: []string{buyer}, ExpiresAt: day(2026, 3, 1), ReplacesAgreementID: old.ID, Terms: mercato.Terms{
			{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("5000.00")}},
		}}}})
	repl := e.accept("offer-upgrade", buyer)

	old, err := e.svc.Agreement(e.ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Status != mercato.AgreementReplaced || !old.EndTime.Equal(day(2026, 2, 1)) {
		t.Errorf("old agreement: status %s end %s, want REPLACED at 2026-02-01", old.Status, old.EndTime)
	}
	if repl.InitialAgreementID != old.ID || repl.SourceAgreementID != old.ID {
		t.Errorf("replacement initial %q source %q, want %q", repl.InitialAgreementID, repl.SourceAgreementID, old.ID)
	}
	charges, err := e.svc.Charges(e.ctx, mercato.ChargeFilter{AgreementID: old.ID})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, c := range charges {
		states = append(states, string(c.Status))
	}
	if strings.Join(states, ",") != "INVOICED,CANCELLED,CANCELLED" {
		t.Errorf("old charges = %v, want the first invoiced and the two later cancelled", states)
	}
	e.advanceTo(day(2026, 12, 31))
	if inv := e.invoices(old.ID); len(inv) != 1 || inv[0].PreTax != amt("1200") || !inv[0].IssuedAt.Equal(day(2026, 1, 15)) {
		t.Errorf("old invoices = %+v, want only the Jan 15 installment", inv)
	}
	if inv := e.invoices(repl.ID); len(inv) != 1 || inv[0].PreTax != amt("5000") {
		t.Errorf("replacement invoices = %+v, want the 5000.00 upfront", inv)
	}
}

func TestReplaceRequiresActiveAgreementOfBuyer(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	a := e.accept("offer-public", buyer2)
	_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer, ReplacesAgreementID: a.ID})
	errorOf(t, err, mercato.ENotFound) // another buyer's agreement is invisible
}

func TestCreateOffer(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	o := mercato.Offer{ID: "offer-new", ProductID: product, Visibility: "private", Buyers: []string{buyer2},
		ExpiresAt: day(2026, 2, 1), Terms: mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("10")}}}}
	_, err := e.svc.CreateOffer(e.ctx, buyer, o)
	errorOf(t, err, mercato.ENotFound)
	got, err := e.svc.CreateOffer(e.ctx, seller, o)
	if err != nil || got.ProposalID == "" || got.SellerID != seller {
		t.Fatalf("created: %+v, %v", got, err)
	}
	if a := e.accept("offer-new", buyer2); a.Value != amt("10") {
		t.Errorf("accepted value %s", a.Value)
	}
	_, err = e.svc.CreateOffer(e.ctx, seller, o)
	errorOf(t, err, mercato.EConflict)
	public := o
	public.ID, public.Visibility, public.Buyers, public.ExpiresAt = "offer-public-2", "public", nil, time.Time{}
	_, err = e.svc.CreateOffer(e.ctx, seller, public)
	errorOf(t, err, mercato.EConflict) // the product has a public offer
}

func TestBuyerOffers(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	seen := func(buyerID string) map[string]service.BuyerOffer {
		t.Helper()
		offers, err := e.svc.BuyerOffers(e.ctx, buyerID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]service.BuyerOffer{}
		for _, o := range offers {
			out[o.ID] = o
		}
		return out
	}
	if got := seen(buyer2); len(got) != 1 || !got["offer-public"].Available {
		t.Errorf("an untargeted buyer sees %v, want only the public offer", got)
	}
	a := e.accept("offer-public", buyer)
	got := seen(buyer)
	// Acceptance would refuse a second SaaS agreement, so the page does not offer it.
	if p := got["offer-private"]; len(got) != 2 || p.Available || p.Reason != "DUPLICATE_AGREEMENT" || p.Active == nil || p.Active.ID != a.ID {
		t.Errorf("the targeted buyer sees %+v", got)
	}
	if len(seen(seller)) != 0 {
		t.Error("a seller is offered its own offers")
	}
	e.advanceTo(day(2026, 3, 1))
	if p := seen(buyer)["offer-private"]; p.Available || p.Reason != "EXPIRED_AGREEMENT_PROPOSAL" || p.Why == "" {
		t.Errorf("after expiry: %+v", p)
	}
}
