package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"mercato"
)

// testResaleAuthorizations covers resale authorizations: stored whole, replaced by a put,
// listed for the maker and the reseller but no one else.
func testResaleAuthorizations(t *testing.T, s mercato.Store) {
	r := mercato.ResaleAuthorization{ID: "resaleauthz-1", ManufacturerID: seller, ResellerID: seller2, ProductID: "prod-1",
		Name: "Partner deal", State: mercato.ResaleAuthorizationDraft, Wholesale: 100000, Currency: "USD",
		Terms:     []json.RawMessage{json.RawMessage(`{"Type":"ResaleFixedUpfrontPricingTerm","Price":"1000.00"}`)},
		Buyers:    []string{buyer},
		ExpiresAt: at(48 * time.Hour), CreatedAt: at(0), UpdatedAt: at(0)}
	other := mercato.ResaleAuthorization{ID: "resaleauthz-2", ManufacturerID: seller2, ResellerID: buyer2, ProductID: "prod-2",
		State: mercato.ResaleAuthorizationActive, CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour)}
	put(t, s, func(tx mercato.Tx) error { return tx.PutResaleAuthorization(r) }, func(tx mercato.Tx) error { return tx.PutResaleAuthorization(other) })
	same(t, "GetResaleAuthorization", r, read(t, s, func(tx mercato.Tx) (mercato.ResaleAuthorization, error) {
		return tx.GetResaleAuthorization(r.ID)
	}))
	viewCode(t, s, "GetResaleAuthorization of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetResaleAuthorization("resaleauthz-none")
		return err
	})
	r.State = mercato.ResaleAuthorizationRestricted
	update(t, s, func(tx mercato.Tx) error { return tx.PutResaleAuthorization(r) })
	list := func(account string) func(mercato.Tx) ([]mercato.ResaleAuthorization, error) {
		return func(tx mercato.Tx) ([]mercato.ResaleAuthorization, error) {
			return tx.ListResaleAuthorizations(account)
		}
	}
	same(t, "ListResaleAuthorizations of the maker", []mercato.ResaleAuthorization{r}, read(t, s, list(seller)))
	same(t, "ListResaleAuthorizations of a party to both", []mercato.ResaleAuthorization{r, other}, read(t, s, list(seller2)))
	if got := read(t, s, list(buyer)); len(got) != 0 {
		t.Errorf("ListResaleAuthorizations of a buyer named only as a target = %+v, want none", got)
	}
}
