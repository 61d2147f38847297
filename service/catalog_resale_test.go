package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"mercato"
)

// otherPartner is a channel partner the authorizations of these tests do not name.
const otherPartner = "333344445555"

// ra is a change of a resale authorization, with Details as JSON text.
func ra(changeType, id, details string) mercato.Change {
	return mercato.Change{ChangeType: changeType, EntityType: "ResaleAuthorization@1.0", EntityID: id, Details: json.RawMessage(details)}
}

// resaleAuthorization has the maker authorize partner to resell its product to buyer at a
// wholesale price of 1,000.00 for 12 months, until end; it returns the authorization's ID.
func (e *env) resaleAuthorization(end string) string {
	e.t.Helper()
	ref := "$RA.Entity.Identifier"
	create := ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "Channel Co deal", "Description": "For Buyer Corp", "ResellerAccountId": "`+partner+`"}`)
	create.ChangeName = "RA"
	cs := e.changeSet(seller, create,
		ra("ReleaseResaleAuthorization", ref, `{}`),
		ra("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "1000.00", "Duration": "P12M", "Grants": [{"DimensionKey": "api_calls", "MaxQuantity": 1}]}]}`),
		ra("UpdateBuyerTargetingTerms", ref, `{"Terms": [{"Type": "BuyerTargetingTerm", "PositiveTargeting": {"BuyerAccounts": [{"BuyerAccountId": "`+buyer+`", "EulaUrl": ""}]}}]}`),
		ra("UpdateAvailability", ref, `{"AvailabilityEndDate": "`+end+`"}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		e.t.Fatalf("the maker's authorization: %s %+v", cs.Status, cs.Changes)
	}
	return cs.Changes[0].EntityID
}

// channelPartners adds the channel partners to the marketplace.
func (e *env) channelPartners() {
	e.t.Helper()
	e.apply(mercato.Scenario{Accounts: []mercato.Account{
		{ID: partner, Name: "Channel Co", Roles: []mercato.Role{mercato.RoleChannelPartner}},
		{ID: otherPartner, Name: "Other Channel", Roles: []mercato.Role{mercato.RoleChannelPartner}},
	}})
}

// cppo returns the changes by which a partner makes an offer with the authorization at price
// (the whole 12-month contract, upfront), available until end, released.
func cppo(authorization, price, end string) []mercato.Change {
	ref := "$O.Entity.Identifier"
	return []mercato.Change{
		named("O", "CreateOfferUsingResaleAuthorization", "", `{"ProductId": "`+product+`", "ResaleAuthorizationId": "`+authorization+`", "Name": "Resold"}`),
		ch("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "`+price+`", "Duration": "P12M"}]}`),
		ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "`+end+`"}`),
		ch("ReleaseOffer", ref, `{}`),
	}
}

// TestAResaleAuthorizationMakesACPPO: the maker authorizes a channel partner through the
// Catalog; the partner sees it shared, prices an offer with it at 1,200.00 (a markup of 200.00
// on the wholesale 1,000.00) and releases it to the buyer the authorization names. The offer
// carries the resale as the scenario path does, both sellers hear of its release, and the
// buyer's agreement is the partner's, with the maker in its resale.
func TestAResaleAuthorizationMakesACPPO(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		id := e.resaleAuthorization("2026-02-28")

		got, err := e.svc.CatalogEntity(e.ctx, partner, "AWSMarketplace", id)
		if err != nil || got.ResaleAuthorization == nil || got.Visibility != "Active" {
			t.Fatalf("the partner describes its authorization: %+v, %v", got, err)
		}
		doc, _ := json.Marshal(got.Document())
		for _, want := range []string{`"ResellerAccountId":"` + partner, `"Price":"1000.00"`, `"BuyerAccountId":"` + buyer, `"AvailabilityEndDate":"2026-02-28"`} {
			if !strings.Contains(string(doc), want) {
				t.Errorf("DetailsDocument %s lacks %s", doc, want)
			}
		}
		shared, err := e.svc.SharedCatalogEntities(e.ctx, partner, "ResaleAuthorization")
		if err != nil || len(shared) != 1 || shared[0].ID != id {
			t.Errorf("shared with the partner: %+v, %v", shared, err)
		}
		if _, err := e.svc.CatalogEntity(e.ctx, otherPartner, "AWSMarketplace", id); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("another partner describes the authorization: %v", err)
		}

		cs := e.changeSet(partner, cppo(id, "1200.00", "2026-01-31")...)
		if cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("the partner's CPPO: %s %+v", cs.Status, cs.Changes)
		}
		offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner})
		if err != nil || len(offers) != 1 || offers[0].ID != cs.Changes[0].EntityID {
			t.Fatalf("the partner's offers: %+v, %v", offers, err)
		}
		o := offers[0]
		want := mercato.Resale{AuthorizationID: id, ManufacturerID: seller, Wholesale: amt("1000"), Price: amt("1200")}
		if o.Resale == nil || *o.Resale != want || o.SellerID != partner || len(o.Buyers) != 1 || o.Buyers[0] != buyer {
			t.Fatalf("the CPPO = %+v (resale %+v), want %+v to %s", o, o.Resale, want, buyer)
		}
		for _, who := range []string{seller, partner} {
			if evs := e.events(who); !strings.Contains(evs, "Offer Released") {
				t.Errorf("events of %s: %s; want Offer Released", who, evs)
			}
		}
		a := e.accept(o.ID, buyer)
		if a.ProposerID != partner || a.Resale == nil || a.Resale.ManufacturerID != seller || a.Resale.Wholesale != amt("1000") {
			t.Errorf("agreement %+v (resale %+v), want the partner's with the maker's wholesale", a, a.Resale)
		}
	})
}

// TestResaleAuthorizationRules: each rule refuses its change naming the field, and leaves
// nothing made: only a channel partner is authorized; only the partner named uses it; a price
// below wholesale, a buyer the authorization does not name, a restricted and an expired
// authorization are all refused.
func TestResaleAuthorizationRules(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		notPartner := e.changeSet(seller, ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "x", "ResellerAccountId": "`+buyer+`"}`))
		failsWith(t, notPartner, 0, "INVALID_RESELLER", "Details.ResellerAccountId")

		id := e.resaleAuthorization("2026-02-28")
		wrong := e.changeSet(otherPartner, cppo(id, "1200.00", "2026-01-31")...)
		failsWith(t, wrong, 0, "INVALID_RESALE_AUTHORIZATION", "Details.ResaleAuthorizationId")

		below := e.changeSet(partner, cppo(id, "999.99", "2026-01-31")...)
		failsWith(t, below, 3, "INVALID_PRICE", "wholesale price 1000")

		late := e.changeSet(partner, cppo(id, "1200.00", "2026-03-31")...)
		failsWith(t, late, 3, "INVALID_AVAILABILITY_END_DATE", "AvailabilityEndDate")

		other := append(cppo(id, "1200.00", "2026-01-31")[:3:3],
			ch("UpdateTargeting", "$O.Entity.Identifier", `{"PositiveTargeting": {"BuyerAccounts": ["`+buyer2+`"]}}`),
			ch("ReleaseOffer", "$O.Entity.Identifier", `{}`))
		failsWith(t, e.changeSet(partner, other...), 4, "INVALID_BUYER_ACCOUNTS", buyer2)

		public := append(cppo(id, "1200.00", "2026-01-31")[:3:3],
			ch("UpdateTargeting", "$O.Entity.Identifier", `{"PositiveTargeting": {"BuyerAccounts": []}}`),
			ch("ReleaseOffer", "$O.Entity.Identifier", `{}`))
		failsWith(t, e.changeSet(partner, public...), 4, "INVALID_BUYER_ACCOUNTS", "must target its buyers")

		restricted := e.changeSet(seller, ra("RestrictResaleAuthorization", id, `{}`))
		if restricted.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("restrict: %s %+v", restricted.Status, restricted.Changes)
		}
		failsWith(t, e.changeSet(partner, cppo(id, "1200.00", "2026-01-31")...), 0, "INVALID_RESALE_AUTHORIZATION", "restricted")
		failsWith(t, e.changeSet(seller, ra("UpdateInformation", id, `{"Name": "again"}`)), 0, "INVALID_STATE", "restricted")

		soon := e.resaleAuthorization("2026-01-10")
		e.advanceTo(day(2026, 1, 11))
		failsWith(t, e.changeSet(partner, cppo(soon, "1200.00", "2026-01-31")...), 0, "INVALID_RESALE_AUTHORIZATION", "expired")

		offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner})
		if err != nil || len(offers) != 0 {
			t.Errorf("refused change sets left offers %+v, %v", offers, err)
		}
	})
}

// TestResalePaymentScheduleSetsTheWholesalePrice: a payment schedule prices the authorization
// by the sum of its payments, and a malformed amount is refused naming its member.
func TestResalePaymentScheduleSetsTheWholesalePrice(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		create := ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "Scheduled", "ResellerAccountId": "`+partner+`"}`)
		create.ChangeName = "RA"
		cs := e.changeSet(seller, create,
			ra("UpdatePaymentScheduleTerms", "$RA.Entity.Identifier", `{"Terms": [{"Type": "ResalePaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": [{"ChargeDate": "2026-02-01T00:00:00Z", "ChargeAmount": "400.00"}, {"ChargeDate": "2026-08-01T00:00:00Z", "ChargeAmount": "350.50"}]}]}`))
		if cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("%s %+v", cs.Status, cs.Changes)
		}
		var r mercato.ResaleAuthorization
		err := e.store.View(e.ctx, func(tx mercato.Tx) error {
			var err error
			r, err = tx.GetResaleAuthorization(cs.Changes[0].EntityID)
			return err
		})
		if err != nil || r.Wholesale != amt("750.50") || r.State != mercato.ResaleAuthorizationDraft {
			t.Errorf("authorization %+v, %v; want a draft at 750.50", r, err)
		}
		bad := e.changeSet(seller, ra("UpdatePricingTerms", r.ID, `{"PricingModel": "Contract", "Terms": [{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "1.001", "Duration": "P12M"}]}`))
		failsWith(t, bad, 0, "INVALID_INPUT", "Details.Terms[0].Price")
		if _, err := e.svc.SharedCatalogEntities(e.ctx, partner, "ResaleAuthorization"); err != nil {
			t.Error(err)
		}
	})
}

// TestUpdateMarkupPricesACPPO: UpdateMarkup prices the partner's offer at the authorization's
// wholesale 1,000.00 plus 20%, so the released resale's price is 1,200.00 for the same 12
// months; the authorization allows one offer, so a second is refused; an offer not made with
// an authorization takes no markup.
func TestUpdateMarkupPricesACPPO(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		id := e.resaleAuthorization("2026-02-28")
		if cs := e.changeSet(seller, ra("UpdateAvailability", id, `{"AvailabilityEndDate": "2026-02-28", "OffersMaxQuantity": 1}`)); cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("%s %+v", cs.Status, cs.Changes)
		}
		ref := "$O.Entity.Identifier"
		marked := []mercato.Change{
			named("O", "CreateOfferUsingResaleAuthorization", "", `{"ResaleAuthorizationId": "`+id+`", "Name": "Marked up"}`),
			ch("UpdateMarkup", ref, `{"Markup": {"Percentage": "20"}}`),
			ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "2026-01-31"}`),
			ch("ReleaseOffer", ref, `{}`),
		}
		cs := e.changeSet(partner, marked...)
		if cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("%s %+v", cs.Status, cs.Changes)
		}
		offers, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: partner})
		if err != nil || len(offers) != 1 {
			t.Fatalf("offers %+v, %v", offers, err)
		}
		o := offers[0]
		fu := o.Terms[0].FixedUpfront
		if len(o.Terms) != 1 || fu == nil || fu.Price != amt("1200") || fu.Duration == nil || fu.Duration.Months != 12 ||
			o.Resale.Price != amt("1200") || o.Resale.Wholesale != amt("1000") {
			t.Errorf("marked-up offer terms %+v, resale %+v", o.Terms, o.Resale)
		}
		failsWith(t, e.changeSet(partner, marked...), 3, "INVALID_RESALE_AUTHORIZATION", "allows 1 offers")
		failsWith(t, e.changeSet(seller, named("O", "CreateOffer", "", `{"ProductId": "`+product+`", "Name": "Own"}`),
			ch("UpdateMarkup", ref, `{"Markup": {"Percentage": "20"}}`)), 1, "INVALID_INPUT", "resale authorization")
	})
}
