package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// TestResaleChangeBuilders prices CPPOs through the change sets the console and the CLI build:
// the maker's authorization at a wholesale price, the partner's offer at a markup (each amount
// plus the percentage of it rounded to the currency's minor unit, half away from zero) or at an
// explicit price. Hand-worked: 999.99 + 12.5% = 999.99 + 124.99875 → 1,124.99 (the markup
// rounds to 125.00); 1,000.00 + 20% = 1,200.00; ¥100,000 + 7.5% = ¥107,500; ¥99,999 + 0.5% =
// 99,999 + 499.995 → ¥100,499; an explicit price equal to wholesale is allowed, one cent below
// is refused.
func TestResaleChangeBuilders(t *testing.T) {
	e := newEnv(t)
	e.apply(parseFile(t, "../examples/cppo.yaml"))
	const maker, partner, buyer = "111122223333", "222233334444", "444455556666"
	for i, c := range []struct {
		name                     string
		currency                 mercato.Currency
		wholesale, markup, price string
		want                     string // the buyer's price of the whole contract; "" if refused
	}{
		{"12.5% rounds the markup", "USD", "999.99", "12.5", "", "1124.99"},
		{"20%", "USD", "1000.00", "20", "", "1200.00"},
		{"yen, 7.5%", "JPY", "100000", "7.5", "", "107500"},
		{"yen, half a yen rounds up", "JPY", "99999", "0.5", "", "100499"},
		{"at wholesale", "USD", "1000.00", "", "1000.00", "1000.00"},
		{"a cent below wholesale", "USD", "1000.00", "", "999.99", ""},
	} {
		name := "Builder case " + string(rune('A'+i))
		d := service.ResaleAuthorizationDraft{ProductID: "prod-cppo-backup", ResellerID: partner, Name: name, Currency: c.currency,
			Price: amt(c.wholesale), Duration: "P12M", LastDay: "2026-06-30", Buyers: []string{buyer}, Release: true}
		e.resaleChangeSet(maker, service.ResaleAuthorizationChanges(d), true)
		auth := e.grantedNamed(maker, name)
		o := service.ResaleOfferDraft{AuthorizationID: auth.ID, Name: c.name, Markup: c.markup, Buyers: []string{buyer},
			LastDay: "2026-03-31", Release: true}
		if c.price != "" {
			o.Price = amt(c.price)
		}
		changes, err := service.ResaleOfferChanges(&auth, o)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cs := e.resaleChangeSet(partner, changes, c.want != "")
		if c.want == "" {
			continue
		}
		offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner})
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, of := range offers {
			if of.ID != cs.Changes[0].EntityID {
				continue
			}
			found++
			if !of.Released() || of.Resale == nil || of.Resale.Price != amt(c.want) || of.Resale.Wholesale != amt(c.wholesale) {
				t.Errorf("%s: resale terms %+v, want price %s of wholesale %s", c.name, of.Resale, c.want, c.wholesale)
			}
		}
		if found != 1 {
			t.Errorf("%s: no offer %q", c.name, cs.Changes[0].EntityID)
		}
	}
}

// resaleChangeSet starts changes as the caller, runs the catalog's job and checks the outcome.
func (e *env) resaleChangeSet(caller string, changes []mercato.Change, succeed bool) mercato.ChangeSet {
	e.t.Helper()
	cs, err := e.svc.StartChangeSet(e.ctx, caller, service.StartChangeSetInput{Catalog: service.Catalog, Changes: changes})
	if err != nil {
		e.t.Fatal(err)
	}
	e.advanceTo(e.svc.Now())
	if cs, err = e.svc.ChangeSet(e.ctx, caller, service.Catalog, cs.ID); err != nil {
		e.t.Fatal(err)
	}
	if (cs.Status == mercato.ChangeSetSucceeded) != succeed {
		e.t.Errorf("change set %s is %s, want success %v: %+v", cs.ID, cs.Status, succeed, cs.Changes)
	}
	return cs
}

// grantedNamed returns the caller's authorization with the name.
func (e *env) grantedNamed(caller, name string) mercato.ResaleAuthorization {
	e.t.Helper()
	granted, _, err := e.svc.ResaleAuthorizations(e.ctx, caller)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, g := range granted {
		if g.Name == name {
			return g.ResaleAuthorization
		}
	}
	e.t.Fatalf("no authorization %q", name)
	return mercato.ResaleAuthorization{}
}
