package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// usageAuthorization has the maker authorize partner to resell its product to buyer at a usage
// rate of 0.10 per API call, with its EULA and refund policy, until 2026-02-28; it returns the
// authorization's ID.
func (e *env) usageAuthorization() string {
	e.t.Helper()
	ref := "$RA.Entity.Identifier"
	create := ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "Metered deal", "ResellerAccountId": "`+partner+`"}`)
	create.ChangeName = "RA"
	cs := e.changeSet(seller, create,
		ra("UpdatePricingTerms", ref, `{"PricingModel": "Usage", "Terms": [{"Type": "ResaleUsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard": [{"DimensionKey": "api_calls", "Price": "0.10"}]}]}]}`),
		ra("UpdateLegalTerms", ref, `{"Terms": [{"Type": "ResaleLegalTerm", "Documents": [{"Type": "CustomEula", "Url": "https://example.com/eula.pdf"}]}]}`),
		ra("UpdateSupportTerms", ref, `{"Terms": [{"Type": "ResaleSupportTerm", "RefundPolicy": "No refunds of metered usage."}]}`),
		ra("UpdateBuyerTargetingTerms", ref, `{"Terms": [{"Type": "BuyerTargetingTerm", "PositiveTargeting": {"BuyerAccounts": [{"BuyerAccountId": "`+buyer+`"}]}}]}`),
		ra("UpdateAvailability", ref, `{"AvailabilityEndDate": "2026-02-28"}`),
		ra("ReleaseResaleAuthorization", ref, `{}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		e.t.Fatalf("the maker's usage authorization: %s %+v", cs.Status, cs.Changes)
	}
	return cs.Changes[0].EntityID
}

// markedUp returns the changes by which the partner offers the authorized product marked up by
// pct, available until 2026-01-31, released.
func markedUp(authorization, pct string) []mercato.Change {
	ref := "$O.Entity.Identifier"
	return []mercato.Change{
		named("O", "CreateOfferUsingResaleAuthorization", "", `{"ResaleAuthorizationId": "`+authorization+`", "Name": "Resold by use"}`),
		ch("UpdateMarkup", ref, `{"Markup": {"Percentage": "`+pct+`"}}`),
		ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "2026-01-31"}`),
		ch("ReleaseOffer", ref, `{}`),
	}
}

// TestUsageResaleSplitsAtTheMakersRate: the maker authorizes usage at 0.10 per call; the
// partner marks it up 25% (0.125) and the buyer accepts; the maker, whose product it is, meters
// 1,234 calls (the partner may not). January's invoice of 154.25 gives the maker 123.40 less its
// fee of 4.32 (3.5%) and the partner 30.85 less 1.08 (the invoice's fee 5.39875 -> 5.40); both
// are paid out that, and check finds nothing wrong.
func TestUsageResaleSplitsAtTheMakersRate(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		id := e.usageAuthorization()
		cs := e.changeSet(partner, markedUp(id, "25")...)
		if cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("the partner's CPPO: %s %+v", cs.Status, cs.Changes)
		}
		o := e.offerOf(cs.Changes[0].EntityID)
		u := o.Terms.Usage()
		if u == nil || u.RateCards[0].RateCard[0].Price != amt("0.125") || o.Terms.Currency() != "USD" || !hasKinds(o.Terms, "LegalTerm", "SupportTerm") {
			t.Fatalf("the marked-up offer's terms %+v", o.Terms)
		}
		if r, ok := o.Resale.UsageRate("api_calls"); !ok || r != amt("0.10") || o.Resale.Price != 0 {
			t.Fatalf("the offer's resale %+v, want the maker's rate 0.10 and no contract price", o.Resale)
		}
		a := e.accept(o.ID, buyer)

		e.advanceTo(day(2026, 1, 10))
		calls := []service.UsageRecordInput{{CustomerAccountID: buyer, Dimension: "api_calls", Timestamp: day(2026, 1, 10), Quantity: 1234}}
		if res, err := e.svc.BatchMeterUsage(e.ctx, partner, product, calls); err == nil && len(res) == 1 && res[0].Status == service.MeterSuccess {
			t.Errorf("the partner metered the maker's product: %+v", res)
		}
		res, err := e.svc.BatchMeterUsage(e.ctx, seller, product, calls)
		if err != nil || len(res) != 1 || res[0].Status != service.MeterSuccess {
			t.Fatalf("the maker meters: %+v, %v", res, err)
		}
		e.advanceTo(day(2026, 2, 2))
		invs := e.invoices(a.ID)
		if len(invs) != 1 {
			t.Fatalf("invoices %+v", invs)
		}
		inv := invs[0]
		if inv.PreTax != amt("154.25") || inv.MakerAmount != amt("123.40") || inv.MakerFee != amt("4.32") || inv.ListingFee != amt("5.40") {
			t.Fatalf("January's invoice %s: maker %s fee %s, listing fee %s", inv.PreTax, inv.MakerAmount, inv.MakerFee, inv.ListingFee)
		}
		e.advanceTo(day(2026, 3, 20))
		for who, want := range map[string]string{seller: "119.08", partner: "29.77"} {
			ps, err := e.svc.Payouts(e.ctx, mercato.PayoutFilter{SellerID: who})
			var got mercato.Amount
			for _, p := range ps {
				got += p.Amount
			}
			if err != nil || got != amt(want) {
				t.Errorf("payouts of %s = %s (%+v, %v), want %s", who, got, ps, err, want)
			}
		}
		if vs := e.violations(); len(vs) != 0 {
			t.Errorf("check: %v", vs)
		}
	})
}

// TestCheckProvesARatedSplitFromItsCharges: check recomputes a usage resale's split from the
// quantities its charges record: a charge whose quantity no longer gives the maker's amount
// (1,000 calls give 100.00, not the invoice's 123.40) is named under resale-split.
func TestCheckProvesARatedSplitFromItsCharges(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.channelPartners()
	cs := e.changeSet(partner, markedUp(e.usageAuthorization(), "25")...)
	a := e.accept(cs.Changes[0].EntityID, buyer)
	e.advanceTo(day(2026, 1, 10))
	calls := []service.UsageRecordInput{{CustomerAccountID: buyer, Dimension: "api_calls", Timestamp: day(2026, 1, 10), Quantity: 1234}}
	if _, err := e.svc.BatchMeterUsage(e.ctx, seller, product, calls); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 2, 2))
	if vs := e.violations(); len(vs) != 0 {
		t.Fatalf("sound books: %v", vs)
	}
	inv := e.invoices(a.ID)[0]
	e.plant(func(tx mercato.Tx) error {
		cs, err := tx.ListCharges(mercato.ChargeFilter{AgreementID: a.ID})
		if err != nil || len(cs) != 1 {
			t.Fatalf("charges %+v, %v", cs, err)
		}
		cs[0].Quantity = 1000
		return tx.UpdateCharge(cs[0])
	})
	found := false
	for _, v := range e.violations()[service.RuleResaleSplit] {
		found = found || v.Subject == "invoice "+inv.ID
	}
	if !found {
		t.Errorf("check did not name invoice %s, whose charge no longer gives its split", inv.ID)
	}
}

// TestRatedResaleRules: a partner's explicit rate below the maker's, a dimension left out and
// one the maker does not rate are each refused at release with INVALID_PRICE; the maker's
// terms are checked naming the field; a released offer's resale keeps the maker's rates.
func TestRatedResaleRules(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		id := e.usageAuthorization()
		priced := func(card string) []mercato.Change {
			cs := markedUp(id, "0")
			cs[1] = ch("UpdatePricingTerms", "$O.Entity.Identifier", `{"PricingModel": "Usage", "Terms": [{"Type": "UsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard": [`+card+`]}]}]}`)
			return cs
		}
		failsWith(t, e.changeSet(partner, priced(`{"DimensionKey": "api_calls", "Price": "0.0999"}`)...), 3, "INVALID_PRICE", "below the wholesale rate 0.10")
		failsWith(t, e.changeSet(partner, priced(`{"DimensionKey": "gb", "Price": "1"}`)...), 3, "INVALID_PRICE", "does not price dimension api_calls")
		failsWith(t, e.changeSet(partner, priced(`{"DimensionKey": "api_calls", "Price": "0.10"}, {"DimensionKey": "gb", "Price": "1"}`)...), 3, "INVALID_PRICE", "does not rate")
		if cs := e.changeSet(partner, priced(`{"DimensionKey": "api_calls", "Price": "0.10"}`)...); cs.Status != mercato.ChangeSetSucceeded {
			t.Errorf("an offer at the wholesale rate: %s %+v", cs.Status, cs.Changes)
		}

		draft := func(details string) mercato.ChangeSet {
			create := ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "Bad", "ResellerAccountId": "`+partner+`"}`)
			create.ChangeName = "RA"
			return e.changeSet(seller, create, ra("UpdatePricingTerms", "$RA.Entity.Identifier", details))
		}
		failsWith(t, draft(`{"PricingModel": "Usage", "Terms": [{"Type": "ResaleUsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard": [{"DimensionKey": "api_calls", "Price": "-1"}]}]}]}`),
			1, "INVALID_INPUT", "Details.Terms[0].RateCards[0].RateCard[0].Price")
		failsWith(t, draft(`{"PricingModel": "Usage", "Terms": [{"Type": "ResaleRecurringPaymentTerm", "CurrencyCode": "USD"}]}`),
			1, "INVALID_INPUT", "Details.Terms[0].Type")
		failsWith(t, draft(`{"PricingModel": "Usage", "Terms": [{"Type": "ResaleFreeTrialPricingTerm", "Duration": "P90D"}]}`),
			1, "INVALID_INPUT", "Details.Terms[0].Duration")
		failsWith(t, draft(`{"PricingModel": "Contract", "Terms": [{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "10", "Duration": "P12M"}, {"Type": "ResaleUsageBasedPricingTerm", "CurrencyCode": "EUR", "RateCards": [{"RateCard": [{"DimensionKey": "api_calls", "Price": "1"}]}]}]}`),
			1, "INVALID_INPUT", "Details.Terms[1].CurrencyCode")
		failsWith(t, draft(`{"PricingModel": "Contract", "Terms": [{"Type": "ResaleConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [{"Selector": {"Type": "Duration", "Value": ""}, "RateCard": [{"DimensionKey": "users", "Price": "10"}]}]}]}`),
			1, "INVALID_INPUT", "Details.Terms[0].RateCards[0].Selector.Value")
	})
}

// TestConfigurableResaleSplitsAtTheMakersRateCard: a contract with consumption, authorized as a
// configurable contract of 12 months at 33.33333333 per user and usage at 0.10 per call, is
// marked up 25% (41.6666666625 -> 41.66666666 per user, 0.125 per call); the buyer configures
// 3 users, paying 3 × 41.66666666 = 124.99999998 -> 125.00 upfront, of which the maker has
// 3 × 33.33333333 = 99.99999999 -> 100.00, fee 3.50.
func TestConfigurableResaleSplitsAtTheMakersRateCard(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		create := ra("CreateResaleAuthorization", "", `{"ProductId": "`+product+`", "Name": "Seats", "ResellerAccountId": "`+partner+`"}`)
		create.ChangeName = "RA"
		ref := "$RA.Entity.Identifier"
		cs := e.changeSet(seller, create,
			ra("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [
				{"Type": "ResaleConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [{"Selector": {"Type": "Duration", "Value": "P12M"}, "Constraints": {"MultipleDimensionSelection": "Allowed", "QuantityConfiguration": "Allowed"}, "RateCard": [{"DimensionKey": "users", "Price": "33.33333333"}]}]},
				{"Type": "ResaleUsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard": [{"DimensionKey": "api_calls", "Price": "0.10"}]}]}]}`),
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
		if len(invs) != 1 || invs[0].PreTax != amt("125") || invs[0].MakerAmount != amt("100") || invs[0].MakerFee != amt("3.5") {
			t.Fatalf("the contract's invoice %+v", invs)
		}
		if vs := e.violations(); len(vs) != 0 {
			t.Errorf("check: %v", vs)
		}
	})
}

// offerOf returns the offer with the ID.
func (e *env) offerOf(id string) mercato.Offer {
	e.t.Helper()
	for _, o := range e.offers() {
		if o.ID == id {
			return o
		}
	}
	e.t.Fatalf("no offer %s", id)
	return mercato.Offer{}
}

// hasKinds reports whether the terms include a term of each kind.
func hasKinds(ts mercato.Terms, kinds ...string) bool {
	for _, k := range kinds {
		found := false
		for _, t := range ts {
			found = found || t.Kind() == k
		}
		if !found {
			return false
		}
	}
	return true
}

// replacement returns the changes by which the partner replaces agreement with an offer made
// with the authorization, marked up by pct, available until 2026-01-31, released.
func replacement(agreement, authorization, pct string) []mercato.Change {
	ref := "$R.Entity.Identifier"
	return []mercato.Change{
		named("R", "CreateReplacementOfferUsingResaleAuthorization", "", `{"AgreementId": "`+agreement+`", "ResaleAuthorizationId": "`+authorization+`"}`),
		ch("UpdateInformation", ref, `{"Name": "Renewed early", "Description": "Replaces the current contract"}`),
		ch("UpdateMarkup", ref, `{"Markup": {"Percentage": "`+pct+`"}}`),
		ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "2026-01-31"}`),
		ch("ReleaseOffer", ref, `{}`),
	}
}

// TestReplacementOfferUsingResaleAuthorization: the partner replaces its buyer's CPPO agreement
// (1,200.00 for 1,000.00 wholesale) with an offer made with a second authorization of the
// product at 1,000.00 marked up 50%: the buyer accepts it, the first agreement is replaced, and
// the new one's invoice of 1,500.00 gives the maker its 1,000.00. The partner cannot replace
// the maker's own agreement, nor price the replacement below wholesale.
func TestReplacementOfferUsingResaleAuthorization(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		first := e.resaleAuthorization("2026-02-28")
		made := e.changeSet(partner, cppo(first, "1200.00", "2026-01-31")...)
		old := e.accept(made.Changes[0].EntityID, buyer)
		direct := e.accept("offer-public", buyer2)
		second := e.resaleAuthorization("2026-02-28")

		failsWith(t, e.changeSet(partner, replacement(direct.ID, second, "50")...), 0, "INVALID_AGREEMENT_ID", "Details.AgreementId")
		failsWith(t, e.changeSet(otherPartner, replacement(old.ID, second, "50")...), 0, "INVALID_RESALE_AUTHORIZATION", "Details.ResaleAuthorizationId")
		below := replacement(old.ID, second, "0")
		below[2] = ch("UpdatePricingTerms", "$R.Entity.Identifier", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "999.99", "Duration": "P12M"}]}`)
		failsWith(t, e.changeSet(partner, below...), 4, "INVALID_PRICE", "wholesale price 1000")

		cs := e.changeSet(partner, replacement(old.ID, second, "50")...)
		if cs.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("the replacement: %s %+v", cs.Status, cs.Changes)
		}
		o := e.offerOf(cs.Changes[0].EntityID)
		if o.ReplacesAgreementID != old.ID || o.Resale == nil || o.Resale.AuthorizationID != second || o.Resale.Price != amt("1500") ||
			len(o.Buyers) != 1 || o.Buyers[0] != buyer {
			t.Fatalf("the replacement offer %+v (resale %+v)", o, o.Resale)
		}
		b := e.accept(o.ID, buyer)
		if b.ProposerID != partner || b.Resale == nil || b.Resale.AuthorizationID != second || b.Resale.Wholesale != amt("1000") {
			t.Fatalf("the new agreement %+v (resale %+v)", b, b.Resale)
		}
		replaced, err := e.svc.DescribeAgreement(e.ctx, partner, old.ID)
		if err != nil || replaced.Status != mercato.AgreementReplaced {
			t.Errorf("the old agreement is %s (%v), want REPLACED", replaced.Status, err)
		}
		e.advanceTo(day(2026, 1, 2))
		for _, inv := range e.invoices(b.ID) {
			if inv.PreTax != amt("1500") || inv.MakerID != seller || inv.MakerAmount != amt("1000") {
				t.Errorf("invoice %s of %s gives maker %q %s", inv.ID, inv.PreTax, inv.MakerID, inv.MakerAmount)
			}
		}
		if vs := e.violations(); len(vs) != 0 {
			t.Errorf("check: %v", vs)
		}
	})
}
