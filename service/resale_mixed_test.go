package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// TestFixedAndConfiguredResaleSplitsEachPart: the maker authorizes a fixed price of 800.00 and
// a configurable contract at 33.33333333 a user; the partner marks both up 25% (1,000.00 and
// 41.66666667) and the buyer takes 3 users: 1,000.00 + 125.00 (125.00000001 rounded). The
// maker is owed its rate card for the users, 99.99999999 -> 100.00, and its wholesale share of
// the fixed price, 1,000.00 × 800 / 1,000 = 800.00: 900.00, fee 31.50 (3.5%). The buyer's
// configured users are not part of the price the fixed line splits by.
func TestFixedAndConfiguredResaleSplitsEachPart(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		create := ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "Platform and seats", "ResellerAccountId": "`+partner+`"}`)
		create.ChangeName = "RA"
		ref := "$RA.Entity.Identifier"
		cs := e.changeSet(seller, create,
			ra("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [
				{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "800.00", "Duration": "P12M"},
				{"Type": "ResaleConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [{"Selector": {"Type": "Duration", "Value": "P12M"}, "Constraints": {"MultipleDimensionSelection": "Allowed", "QuantityConfiguration": "Allowed"}, "RateCard": [{"DimensionKey": "users", "Price": "33.33333333"}]}]}]}`),
			ra("UpdateSupportTerms", ref, `{"Terms": [{"Type": "ResaleSupportTerm", "RefundPolicy": "Pro rata."}]}`),
			ra("UpdateAvailability", ref, `{"AvailabilityEndDate": "2026-02-28"}`),
			ra("ReleaseResaleAuthorization", ref, `{}`))
		if cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("the maker's authorization: %s %+v", cs.Status, cs.Changes)
		}
		offer := markedUp(cs.Changes[0].EntityID, "25")
		offer = append(offer[:3:3], ch("UpdateTargeting", "$O.Entity.Identifier", `{"PositiveTargeting": {"BuyerAccounts": ["`+buyer+`"]}}`), offer[3])
		made := e.changeSet(partner, offer...)
		if made.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("the partner's CPPO: %s %+v", made.Status, made.Changes)
		}
		o := e.offerOf(made.Changes[0].EntityID)
		terms := o.Terms.Clone()
		for i := range terms {
			if cu := terms[i].ConfigurableUpfront; cu != nil {
				cu.Configuration = &mercato.ConfigurableUpfrontConfiguration{SelectorValue: "P12M",
					Dimensions: []mercato.DimensionQuantity{{DimensionKey: "users", DimensionValue: 3}}}
			}
		}
		a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: o.ID, BuyerID: buyer, Terms: terms})
		if err != nil {
			t.Fatal(err)
		}
		e.advanceTo(day(2026, 1, 2))
		invs := e.invoices(a.ID)
		if len(invs) != 1 || invs[0].PreTax != amt("1125") {
			t.Fatalf("the contract's invoices %+v, want one of 1,125.00", invs)
		}
		if inv := invs[0]; inv.MakerAmount != amt("900") || inv.MakerFee != amt("31.5") {
			t.Errorf("the maker's part %s, fee %s; want 900.00, fee 31.50", inv.MakerAmount, inv.MakerFee)
		}
		if vs := e.violations(); len(vs) != 0 {
			t.Errorf("check: %v", vs)
		}
	})
}
