package service_test

import (
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

const pmpAdmin = "999900001111"

// governed applies the marketplace with buyer governed by a private marketplace that allows
// nothing yet; buyer2 is free.
func governed(e *env) {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{
		Accounts: []mercato.Account{{ID: pmpAdmin, Name: "Buyer Corp IT",
			Roles: []mercato.Role{mercato.RolePrivateMarketplaceAdmin}}},
		PrivateMarketplaces: []mercato.PrivateMarketplace{{ID: "exp-corp", AdminID: pmpAdmin, Accounts: []string{buyer}}},
	})
}

// eventKinds returns the detail types of the account's events about resource id.
func (e *env) eventKinds(account, id string) []string {
	e.t.Helper()
	evs, err := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: account, ResourceIDs: []string{id}})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.DetailType)
	}
	return out
}

func TestPrivateMarketplaceRefusesProductsNotAllowed(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		governed(e)
		_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer})
		ae := errorOf(t, err, mercato.EForbidden)
		if !strings.Contains(ae.Message, "not approved for procurement in your private marketplace") ||
			ae.Reason != "INVALID_ACCESS" || ae.ResourceID != "offer-public" {
			t.Errorf("refusal = %+v", ae)
		}
		// the private offer that targets the buyer is refused too: the product decides
		_, err = e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer})
		errorOf(t, err, mercato.EForbidden)
		// a buyer outside the private marketplace is not governed by it
		e.accept("offer-public", buyer2)
		// the buyer's offers page shows both refused, with the reason
		offers, err := e.svc.BuyerOffers(e.ctx, buyer)
		if err != nil || len(offers) != 2 {
			t.Fatalf("offers = %+v, %v", offers, err)
		}
		for _, o := range offers {
			if o.Available || !strings.Contains(o.Why, "not approved for procurement") {
				t.Errorf("offers page: %s available %v (%s)", o.Offer.ID, o.Available, o.Why)
			}
		}
	})
}

func TestProductRequestApprovedThenAccepted(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		governed(e)
		r, err := e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product, Note: "for the data team"})
		if err != nil || r.Status != mercato.ProductRequestPending || r.MarketplaceID != "exp-corp" {
			t.Fatalf("request = %+v, %v", r, err)
		}
		_, err = e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product})
		errorOf(t, err, mercato.EConflict) // one pending request per product
		_, err = e.svc.RequestProduct(e.ctx, buyer2, service.ProductRequestInput{ProductID: product})
		errorOf(t, err, mercato.EForbidden) // nobody governs buyer2
		// only the administrator decides; to anyone else the request does not exist
		_, err = e.svc.DecideProductRequest(e.ctx, seller, service.DecideProductRequestInput{RequestID: r.ID, Approve: true})
		errorOf(t, err, mercato.ENotFound)

		r, err = e.svc.DecideProductRequest(e.ctx, pmpAdmin, service.DecideProductRequestInput{RequestID: r.ID, Approve: true})
		if err != nil || r.Status != mercato.ProductRequestApproved || !r.DecidedAt.Equal(e.svc.Now()) {
			t.Fatalf("approve = %+v, %v", r, err)
		}
		_, err = e.svc.DecideProductRequest(e.ctx, pmpAdmin, service.DecideProductRequestInput{RequestID: r.ID, Reason: "changed my mind"})
		errorOf(t, err, mercato.EConflict) // decided once
		e.accept("offer-public", buyer)

		want := []string{"Product Request Created", "Product Request Approved"}
		for _, acct := range []string{buyer, pmpAdmin} {
			if got := e.eventKinds(acct, r.ID); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("events of %s: %v, want %v", acct, got, want)
			}
		}
		v, err := e.svc.PrivateMarketplaces(e.ctx, pmpAdmin)
		if err != nil || len(v.Administered) != 1 || strings.Join(v.Administered[0].Products, ",") != product || len(v.Requests) != 1 {
			t.Errorf("administrator's view = %+v, %v", v, err)
		}
	})
}

func TestProductRequestDeclined(t *testing.T) {
	e := newEnv(t)
	governed(e)
	r, err := e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.DecideProductRequest(e.ctx, pmpAdmin, service.DecideProductRequestInput{RequestID: r.ID})
	if ae := errorOf(t, err, mercato.EInvalid); len(ae.Fields) != 1 || ae.Fields[0].Name != "reason" {
		t.Errorf("decline without a reason: %+v", ae)
	}
	r, err = e.svc.DecideProductRequest(e.ctx, pmpAdmin, service.DecideProductRequestInput{RequestID: r.ID, Reason: "use the approved BI tool"})
	if err != nil || r.Status != mercato.ProductRequestDeclined || r.Reason != "use the approved BI tool" {
		t.Fatalf("decline = %+v, %v", r, err)
	}
	_, err = e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer})
	errorOf(t, err, mercato.EForbidden)
	evs, err := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: buyer, ResourceIDs: []string{r.ID}})
	if err != nil || len(evs) != 2 || evs[1].DetailType != "Product Request Declined" ||
		!strings.Contains(string(evs[1].Detail), `"declinedCause":"use the approved BI tool"`) {
		t.Errorf("events = %+v, %v", evs, err)
	}
	// the buyer may ask again once declined
	if _, err := e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product}); err != nil {
		t.Errorf("second request: %v", err)
	}
}

func TestAdministratorCuratesAllowList(t *testing.T) {
	e := newEnv(t)
	governed(e)
	if err := e.svc.SetProductAllowed(e.ctx, buyer, "exp-corp", product, true); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("a buyer curating: %v", err)
	}
	if err := e.svc.SetProductAllowed(e.ctx, pmpAdmin, "exp-corp", product, true); err != nil {
		t.Fatal(err)
	}
	e.accept("offer-public", buyer)
	if err := e.svc.SetProductAllowed(e.ctx, pmpAdmin, "exp-corp", product, false); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer})
	errorOf(t, err, mercato.EForbidden)
}

// A request nobody decides is declined 30 days after it was made, and the buyer is told why.
func TestProductRequestLapsesAfter30Days(t *testing.T) {
	e := newEnv(t)
	governed(e)
	r, err := e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product})
	if err != nil {
		t.Fatal(err)
	}
	e.advanceTo(r.CreatedAt.Add(30*24*time.Hour - time.Second))
	if v, _ := e.svc.PrivateMarketplaces(e.ctx, buyer); len(v.Requests) != 1 || v.Requests[0].Status != mercato.ProductRequestPending {
		t.Fatalf("a second before 30 days: %+v", v.Requests)
	}
	e.advanceTo(r.CreatedAt.Add(30 * 24 * time.Hour))
	v, err := e.svc.PrivateMarketplaces(e.ctx, buyer)
	if err != nil || len(v.Requests) != 1 || v.Requests[0].Status != mercato.ProductRequestDeclined ||
		!v.Requests[0].DecidedAt.Equal(r.ExpiresAt()) || !strings.Contains(v.Requests[0].Reason, "30 days") {
		t.Fatalf("after 30 days: %+v, %v", v.Requests, err)
	}
	if got := e.eventKinds(pmpAdmin, r.ID); strings.Join(got, ",") != "Product Request Created,Product Request Declined" {
		t.Errorf("administrator's events: %v", got)
	}
	// a request decided before it lapses stays as decided
	r2, err := e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DecideProductRequest(e.ctx, pmpAdmin, service.DecideProductRequestInput{RequestID: r2.ID, Approve: true}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(r2.ExpiresAt().Add(time.Hour))
	if got := e.eventKinds(buyer, r2.ID); strings.Join(got, ",") != "Product Request Created,Product Request Approved" {
		t.Errorf("an approved request's events after its lapse date: %v", got)
	}
}
