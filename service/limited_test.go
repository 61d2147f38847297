package service_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// limit makes the marketplace's product a limited listing that allow-lists the accounts, through
// the Catalog API's product change types, as a seller does.
func (e *env) limit(accounts ...string) {
	e.t.Helper()
	list, _ := json.Marshal(accounts)
	prod := func(changeType, details string) mercato.Change {
		return mercato.Change{ChangeType: changeType, EntityType: "SaaSProduct@1.0", EntityID: product, Details: json.RawMessage(details)}
	}
	cs := e.changeSet(seller, prod("UpdateVisibility", `{"TargetVisibility": "Limited"}`),
		prod("UpdateTargeting", `{"PositiveTargeting": {"BuyerAccounts": `+string(list)+`}}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		e.t.Fatalf("limit: %s %+v", cs.Status, cs.Changes)
	}
}

// hidden checks that err is the not found of something the account may not see.
func hidden(t *testing.T, what string, err error) {
	t.Helper()
	if mercato.ErrorCodeOf(err) != mercato.ENotFound || !strings.Contains(err.Error(), "limited listing") {
		t.Errorf("%s: %v, want ENotFound naming limited listings among the reasons", what, err)
	}
}

// TestALimitedListingHidesItselfFromBuyersOutsideItsAllowList: a buyer outside the allow-list
// neither sees the product nor its offers, and cannot quote or accept them, while an
// allow-listed buyer accepts; allow-listing comes before a private offer's targeting.
func TestALimitedListingHidesItselfFromBuyersOutsideItsAllowList(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.limit(buyer2)

		// buyer is targeted by offer-private, but is not on the allow-list.
		_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer})
		hidden(t, "accept the private offer", err)
		_, err = e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer})
		hidden(t, "accept the public offer", err)
		pub := offer(t, e, "offer-public")
		var terms []service.RequestedTerm
		for _, term := range pub.Terms {
			h, _ := term.Header()
			terms = append(terms, service.RequestedTerm{ID: h.ID})
		}
		_, err = e.svc.CreateAgreementRequest(e.ctx, buyer, service.CreateAgreementRequestInput{Intent: "NEW", ProposalID: pub.ProposalID,
			Terms: terms})
		hidden(t, "quote", err)
		_, err = e.svc.DiscoverOffer(e.ctx, buyer, "offer-private")
		hidden(t, "discover the offer", err)
		if _, _, err := e.svc.DiscoverProduct(e.ctx, buyer, product); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("discover the product: %v, want ENotFound", err)
		}
		if ps, _, _ := e.svc.DiscoverProducts(e.ctx, buyer); len(ps) != 0 {
			t.Errorf("the search finds %d products for a buyer outside the allow-list", len(ps))
		}
		if os, _ := e.svc.DiscoverOffers(e.ctx, buyer, ""); len(os) != 0 {
			t.Errorf("the buyer sees %d offers", len(os))
		}
		if os, _ := e.svc.BuyerOffers(e.ctx, buyer); len(os) != 0 {
			t.Errorf("the buyer's offers page lists %d offers", len(os))
		}

		// The allow-listed buyer sees the product and accepts its public offer.
		if ps, _, _ := e.svc.DiscoverProducts(e.ctx, buyer2); len(ps) != 1 {
			t.Errorf("the search finds %d products for an allow-listed buyer", len(ps))
		}
		if os, _ := e.svc.BuyerOffers(e.ctx, buyer2); len(os) != 1 || os[0].ID != "offer-public" {
			t.Errorf("the allow-listed buyer's offers: %+v", os)
		}
		e.accept("offer-public", buyer2)

		// The seller still sees its own limited product; allow-listing buyer lets it accept.
		if _, _, err := e.svc.DiscoverProduct(e.ctx, seller, product); err != nil {
			t.Errorf("the seller's own limited product: %v", err)
		}
		e.limit(buyer, buyer2)
		e.accept("offer-private", buyer)
	})
}

// TestProductTargetingReplacesTheAllowList: UpdateTargeting sets the whole list, checks each
// account, and DescribeEntity shows it.
func TestProductTargetingReplacesTheAllowList(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.limit(buyer, buyer2)
	e.limit(buyer2)
	p, err := e.svc.Product(e.ctx, product)
	if err != nil || !slices.Equal(p.AllowedBuyers, []string{buyer2}) || p.Visibility != "limited" {
		t.Fatalf("product %+v, %v", p, err)
	}
	ent, err := e.svc.CatalogEntity(e.ctx, seller, "AWSMarketplace", product)
	if err != nil {
		t.Fatal(err)
	}
	if ent.Visibility != "Limited" {
		t.Errorf("entity visibility %s", ent.Visibility)
	}
	bad := mercato.Change{ChangeType: "UpdateTargeting", EntityType: "SaaSProduct@1.0", EntityID: product,
		Details: json.RawMessage(`{"PositiveTargeting": {"BuyerAccounts": ["` + buyer + `", "12"]}}`)}
	failsWith(t, e.changeSet(seller, bad), 0, "INVALID_BUYER_ACCOUNTS", "BuyerAccounts[1]")
	bad.Details = json.RawMessage(`{}`)
	failsWith(t, e.changeSet(seller, bad), 0, "INVALID_INPUT", "PositiveTargeting")
}

// TestARestrictedProductTakesNoNewBuyers: UpdateVisibility to Restricted ends new purchases (the
// allow-list included) while its agreements stay, as AWS restricts a product; DescribeEntity
// says Restricted.
func TestARestrictedProductTakesNoNewBuyers(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.limit(buyer, buyer2)
	a := e.accept("offer-private", buyer)
	cs := e.changeSet(seller, mercato.Change{ChangeType: "UpdateVisibility", EntityType: "SaaSProduct@1.0", EntityID: product,
		Details: json.RawMessage(`{"TargetVisibility": "Restricted"}`)})
	if cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("restrict: %s %+v", cs.Status, cs.Changes)
	}
	_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer2})
	hidden(t, "an allow-listed buyer accepting a restricted product's offer", err)
	if ent, err := e.svc.CatalogEntity(e.ctx, seller, "AWSMarketplace", product); err != nil || ent.Visibility != "Restricted" {
		t.Errorf("entity visibility %q, %v", ent.Visibility, err)
	}
	if got, err := e.svc.Agreement(e.ctx, a.ID); err != nil || got.Status != mercato.AgreementActive {
		t.Errorf("the existing agreement: %s, %v", got.Status, err)
	}
}
