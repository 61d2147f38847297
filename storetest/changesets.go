package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"mercato"
)

// catalogTests are the conformance tests of the Catalog API's storage: offer drafts, change sets,
// tags and the products of a seller.
var catalogTests = []struct {
	name string
	fn   func(*testing.T, mercato.Store)
}{
	{"OfferStateAndListing", testOfferStateAndListing},
	{"ChangeSets", testChangeSets},
	{"Tags", testTags},
	{"ListProducts", testListProducts},
}

func testOfferStateAndListing(t *testing.T, s mercato.Store) {
	o := offer("offer-draft", "prod-1", seller, "private")
	o.State = mercato.OfferDraft
	o.Listing = mercato.OfferListing{Name: "Draft", Description: "For one buyer", Countries: []string{"US", "DE"},
		ExcludedCountries: []string{"FR"}, ReleasedAt: at(time.Hour), ModifiedAt: at(2 * time.Hour)}
	update(t, s, func(tx mercato.Tx) error { return tx.PutOffer(o) })
	same(t, "draft offer", o, read(t, s, func(tx mercato.Tx) (mercato.Offer, error) { return tx.GetOffer(o.ID) }))

	o.State = mercato.OfferReleased
	update(t, s, func(tx mercato.Tx) error { return tx.PutOffer(o) })
	same(t, "released offer", o, read(t, s, func(tx mercato.Tx) (mercato.Offer, error) { return tx.GetOffer(o.ID) }))
}

func changeSet(id, seller string, status mercato.ChangeSetStatus, start time.Time, entities ...string) mercato.ChangeSet {
	cs := mercato.ChangeSet{ID: id, Catalog: "AWSMarketplace", SellerID: seller, Intent: "APPLY", Status: status, StartTime: start}
	for _, e := range entities {
		cs.Changes = append(cs.Changes, mercato.Change{ChangeType: "UpdateInformation", EntityType: "Offer@1.0", EntityID: e,
			Details: json.RawMessage(`{"Name":"x"}`)})
	}
	return cs
}

func testChangeSets(t *testing.T, s mercato.Store) {
	rich := changeSet("cs-rich", seller, mercato.ChangeSetFailed, at(time.Minute), "offer-1", "offer-2")
	rich.Name, rich.ClientToken, rich.EndTime = "rich", "tok-1", at(2*time.Minute)
	rich.FailureCode, rich.FailureDescription = mercato.FailureClientError, "1 of 2 changes have errors"
	rich.Changes[1].Errors = []mercato.ChangeError{{Code: "INVALID_INPUT", Message: "Details.Name must be text"}}
	rich.Changes[0].DetailsAsString, rich.Tags = true, []mercato.Tag{{Key: "team", Value: "sales"}}
	sets := []mercato.ChangeSet{rich,
		changeSet("cs-open", seller, mercato.ChangeSetPreparing, at(3*time.Minute), "offer-3"),
		changeSet("cs-applying", seller, mercato.ChangeSetApplying, at(4*time.Minute), "offer-4"),
		changeSet("cs-other", seller2, mercato.ChangeSetPreparing, at(5*time.Minute), "offer-5"),
	}
	update(t, s, func(tx mercato.Tx) error {
		for _, cs := range sets {
			if err := tx.InsertChangeSet(cs); err != nil {
				return err
			}
		}
		return nil
	})
	same(t, "GetChangeSet", rich, read(t, s, func(tx mercato.Tx) (mercato.ChangeSet, error) { return tx.GetChangeSet("cs-rich") }))
	updateCode(t, s, "insert a taken ID", mercato.EConflict, func(tx mercato.Tx) error { return tx.InsertChangeSet(sets[1]) })
	updateCode(t, s, "update an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		return tx.UpdateChangeSet(changeSet("cs-none", seller, mercato.ChangeSetFailed, t0))
	})
	viewCode(t, s, "get an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error { _, err := tx.GetChangeSet("cs-none"); return err })

	for _, tc := range []struct {
		filter mercato.ChangeSetFilter
		want   []string
	}{
		{mercato.ChangeSetFilter{}, []string{"cs-other", "cs-applying", "cs-open", "cs-rich"}},
		{mercato.ChangeSetFilter{SellerID: seller}, []string{"cs-applying", "cs-open", "cs-rich"}},
		{mercato.ChangeSetFilter{SellerID: seller, Open: true}, []string{"cs-applying", "cs-open"}},
		{mercato.ChangeSetFilter{ClientToken: "tok-1"}, []string{"cs-rich"}},
		{mercato.ChangeSetFilter{SellerID: seller2, ClientToken: "tok-1"}, nil},
	} {
		got := read(t, s, func(tx mercato.Tx) ([]string, error) {
			css, err := tx.ListChangeSets(tc.filter)
			var ids []string
			for _, cs := range css {
				ids = append(ids, cs.ID)
			}
			return ids, err
		})
		same(t, "ListChangeSets", tc.want, got)
	}

	open := sets[1]
	open.Status, open.EndTime = mercato.ChangeSetCancelled, at(time.Hour)
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateChangeSet(open) })
	same(t, "updated change set", open, read(t, s, func(tx mercato.Tx) (mercato.ChangeSet, error) { return tx.GetChangeSet("cs-open") }))
	got := read(t, s, func(tx mercato.Tx) ([]mercato.ChangeSet, error) {
		return tx.ListChangeSets(mercato.ChangeSetFilter{SellerID: seller, Open: true})
	})
	if len(got) != 1 || got[0].ID != "cs-applying" {
		t.Errorf("open change sets after a cancellation: %v", got)
	}
}

func testTags(t *testing.T, s mercato.Store) {
	const arn, other = "arn:aws:aws-marketplace:us-east-1:111111111111:AWSMarketplace/Offer/offer-1", "arn:other"
	put(t, s,
		func(tx mercato.Tx) error {
			return tx.PutTags(arn, mercato.Tag{Key: "b", Value: "1"}, mercato.Tag{Key: "a", Value: "2"})
		},
		func(tx mercato.Tx) error { return tx.PutTags(other, mercato.Tag{Key: "a", Value: "x"}) },
		func(tx mercato.Tx) error { return tx.PutTags(arn, mercato.Tag{Key: "b", Value: "3"}) },
	)
	same(t, "tags", []mercato.Tag{{Key: "a", Value: "2"}, {Key: "b", Value: "3"}},
		read(t, s, func(tx mercato.Tx) ([]mercato.Tag, error) { return tx.ListTags(arn) }))
	update(t, s, func(tx mercato.Tx) error { return tx.DeleteTags(arn, "a", "absent") })
	same(t, "tags after delete", []mercato.Tag{{Key: "b", Value: "3"}},
		read(t, s, func(tx mercato.Tx) ([]mercato.Tag, error) { return tx.ListTags(arn) }))
	same(t, "other resource's tags", []mercato.Tag{{Key: "a", Value: "x"}},
		read(t, s, func(tx mercato.Tx) ([]mercato.Tag, error) { return tx.ListTags(other) }))
}

func testListProducts(t *testing.T, s mercato.Store) {
	put(t, s,
		func(tx mercato.Tx) error { return tx.PutProduct(product("prod-b", seller, "code-b")) },
		func(tx mercato.Tx) error { return tx.PutProduct(product("prod-a", seller, "code-a")) },
		func(tx mercato.Tx) error { return tx.PutProduct(product("prod-c", seller2, "code-c")) },
	)
	ids := func(sellerID string) []string {
		ps := read(t, s, func(tx mercato.Tx) ([]mercato.Product, error) { return tx.ListProducts(sellerID) })
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	same(t, "a seller's products", []string{"prod-a", "prod-b"}, ids(seller))
	same(t, "all products", []string{"prod-a", "prod-b", "prod-c"}, ids(""))
}
