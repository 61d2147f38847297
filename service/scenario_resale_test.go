package service_test

import (
	"os"
	"strings"
	"testing"

	"mercato"
	"mercato/scenario"
	"mercato/service"
)

// parseFile reads a scenario file.
func parseFile(t *testing.T, path string) mercato.Scenario {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestScenarioResaleAuthorization applies examples/cppo.yaml: Acme's authorization to Channel
// Co at 1,000.00 USD, and Channel Co's offer naming it at 1,200.00, which Buyer One accepts.
// The offer's resale terms come from the authorization; applying the file again changes
// nothing; an offer naming it below wholesale, or for a buyer it does not allow, is refused.
func TestScenarioResaleAuthorization(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		sc := parseFile(t, "../examples/cppo.yaml")
		e.apply(sc)
		e.apply(sc) // idempotent

		granted, _, err := e.svc.ResaleAuthorizations(e.ctx, "111122223333")
		if err != nil || len(granted) != 1 {
			t.Fatalf("granted: %v, %v", granted, err)
		}
		r := granted[0]
		if r.ID != "resaleauthz-cppo-demo" || r.State != mercato.ResaleAuthorizationActive || r.Wholesale != amt("1000") ||
			r.Currency != "USD" || r.MaxOffers != 2 || !r.ExpiresAt.Equal(day(2026, 7, 1)) || r.Released != 1 || len(r.Terms) != 1 {
			t.Errorf("the authorization: %+v", r)
		}
		_, held, err := e.svc.ResaleAuthorizations(e.ctx, "222233334444")
		if err != nil || len(held) != 1 || held[0].Unusable != "" {
			t.Errorf("held by Channel Co: %+v, %v", held, err)
		}
		offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: "222233334444"})
		if err != nil || len(offers) != 1 {
			t.Fatalf("the partner's offers: %v, %v", offers, err)
		}
		want := mercato.Resale{AuthorizationID: "resaleauthz-cppo-demo", ManufacturerID: "111122223333", Wholesale: amt("1000"), Price: amt("1200")}
		if got := offers[0].Resale; got == nil || *got != want {
			t.Errorf("the offer's resale terms: %+v, want %+v", got, want)
		}
		e.advanceTo(day(2026, 1, 16)) // Buyer One accepts on 15 January
		a, err := e.svc.DescribeAgreement(e.ctx, "444455556666", "agmt-cppo-buyer-one")
		if err != nil || a.ProposerID != "222233334444" {
			t.Errorf("the agreement: %+v, %v", a, err)
		}

		for _, c := range []struct{ name, price, buyer, want string }{
			{"below wholesale", "999.99", "444455556666", "below the wholesale price 1000.00"},
			{"buyer not allowed", "1500.00", "777788889999", "buyer 777788889999 is not one resale authorization"},
		} {
			bad := sc
			bad.ResaleAuthorizations, bad.Agreements = nil, nil
			o := sc.Offers[0]
			o.ID, o.Buyers = "offer-cppo-"+strings.ReplaceAll(c.name, " ", "-"), []string{c.buyer}
			o.Resale = &mercato.Resale{AuthorizationID: "resaleauthz-cppo-demo"}
			o.Terms = mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD",
				Duration: &mercato.Period{Months: 12}, Price: amt(c.price)}}}
			bad.Offers = []mercato.Offer{o}
			bad.Accounts = append(bad.Accounts, mercato.Account{ID: "777788889999", Name: "Other", Roles: []mercato.Role{mercato.RoleBuyer}})
			err := e.svc.ApplyScenario(e.ctx, bad)
			if mercato.ErrorCodeOf(err) != mercato.EInvalid || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "offers[0]") {
				t.Errorf("%s: %v, want EInvalid naming offers[0] and %q", c.name, err, c.want)
			}
		}

		// The authorization allows 2 offers and one is released: a second is made, a third refused.
		more := func(id string) error {
			next := sc
			next.ResaleAuthorizations, next.Agreements = nil, nil
			o := sc.Offers[0]
			o.ID = id
			o.Resale = &mercato.Resale{AuthorizationID: "resaleauthz-cppo-demo"}
			next.Offers = []mercato.Offer{o}
			return e.svc.ApplyScenario(e.ctx, next)
		}
		if err := more("offer-cppo-second"); err != nil {
			t.Fatalf("the second offer: %v", err)
		}
		if err := more("offer-cppo-third"); mercato.ErrorCodeOf(err) != mercato.EInvalid || !strings.Contains(err.Error(), "allows 2 offers, all made") {
			t.Errorf("the third offer: %v, want EInvalid: allows 2 offers, all made", err)
		}
	})
}

// TestScenarioResaleAuthorizationRules: an authorization for a reseller that is no channel
// partner, or for another seller's product, is refused naming the entry; a changed entry with
// the same ID conflicts.
func TestScenarioResaleAuthorizationRules(t *testing.T) {
	e := newEnv(t)
	sc := parseFile(t, "../examples/cppo.yaml")
	sc.Offers, sc.Agreements = nil, nil
	e.apply(sc)
	for _, c := range []struct {
		name string
		edit func(*mercato.ScenarioResaleAuthorization)
		code mercato.ErrorCode
		want string
	}{
		{"not a partner", func(r *mercato.ScenarioResaleAuthorization) { r.ID, r.ResellerID = "resaleauthz-x", "444455556666" }, mercato.EInvalid, "not a registered channel partner"},
		{"not the maker's", func(r *mercato.ScenarioResaleAuthorization) { r.ID, r.ManufacturerID = "resaleauthz-y", "444455556666" }, mercato.EInvalid, "no product of manufacturer"},
		{"changed", func(r *mercato.ScenarioResaleAuthorization) { r.Wholesale = amt("900") }, mercato.EConflict, "already exists with different content"},
	} {
		changed := sc
		r := sc.ResaleAuthorizations[0]
		c.edit(&r)
		changed.ResaleAuthorizations = []mercato.ScenarioResaleAuthorization{r}
		err := e.svc.ApplyScenario(e.ctx, changed)
		if mercato.ErrorCodeOf(err) != c.code || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "resaleAuthorizations[0]") {
			t.Errorf("%s: %v, want %s naming the entry and %q", c.name, err, c.code, c.want)
		}
	}

	// Restricted by its maker through the Catalog, the authorization is left alone by the file.
	if _, err := e.svc.StartChangeSet(e.ctx, "111122223333", service.StartChangeSetInput{Catalog: service.Catalog,
		Changes: []mercato.Change{service.ResaleStateChange("RestrictResaleAuthorization", "resaleauthz-cppo-demo")}}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(e.svc.Now())
	if err := e.svc.ApplyScenario(e.ctx, sc); err != nil {
		t.Errorf("applying the file after a restriction: %v", err)
	}
	if granted, _, _ := e.svc.ResaleAuthorizations(e.ctx, "111122223333"); len(granted) != 1 || granted[0].State != mercato.ResaleAuthorizationRestricted {
		t.Errorf("after applying the file again: %+v", granted)
	}
}
