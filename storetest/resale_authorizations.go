package storetest

import (
	"context"
	"encoding/json"
	"sync"
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

// testLockResaleAuthorization checks that LockResaleAuthorization returns the authorization
// (ENotFound for an unknown one), and that two UpdateRows transactions that lock one, read it
// and write it run one after the other: the second reads what the first wrote, and neither
// write is lost. On SQLite the second begins only once the first has committed.
func testLockResaleAuthorization(t *testing.T, s mercato.Store) {
	r := mercato.ResaleAuthorization{ID: "resaleauthz-1", ManufacturerID: seller, ResellerID: seller2, ProductID: "prod-1",
		State: mercato.ResaleAuthorizationActive, MaxOffers: 1, Currency: "USD", CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx mercato.Tx) error { return tx.PutResaleAuthorization(r) })
	same(t, "LockResaleAuthorization", r, read(t, s, func(tx mercato.Tx) (mercato.ResaleAuthorization, error) {
		return tx.LockResaleAuthorization(r.ID)
	}))
	updateCode(t, s, "LockResaleAuthorization of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.LockResaleAuthorization("resaleauthz-none")
		return err
	})

	const holdFor = 200 * time.Millisecond
	locked := make(chan struct{})
	var seen [2]int
	raise := func(tx mercato.Tx, i int, hold func()) error {
		got, err := tx.LockResaleAuthorization(r.ID)
		if err != nil {
			return err
		}
		seen[i] = got.MaxOffers
		hold()
		got.MaxOffers++
		return tx.PutResaleAuthorization(got)
	}
	var errs [2]error
	var wg sync.WaitGroup
	wg.Go(func() {
		errs[0] = s.UpdateRows(context.Background(), func(tx mercato.Tx) error {
			return raise(tx, 0, func() { close(locked); time.Sleep(holdFor) })
		})
	})
	wg.Go(func() {
		<-locked
		errs[1] = s.UpdateRows(context.Background(), func(tx mercato.Tx) error { return raise(tx, 1, func() {}) })
	})
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("transaction %d failed: %v", i+1, err)
		}
	}
	same(t, "MaxOffers read under the lock (first, second)", [2]int{1, 2}, seen)
	same(t, "MaxOffers after both", 3, read(t, s, func(tx mercato.Tx) (int, error) {
		got, err := tx.GetResaleAuthorization(r.ID)
		return got.MaxOffers, err
	}))
}
