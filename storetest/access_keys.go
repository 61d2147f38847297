package storetest

import (
	"testing"
	"time"

	"mercato"
)

// testAccessKeyState: a key's policy, status and creation time are stored as given, and a key
// declared without them reads back without them.
func testAccessKeyState(t *testing.T, s mercato.Store) {
	a := sellerAccount()
	created := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	a.AccessKeys = []mercato.AccessKey{
		{ID: "AKIASELLER0000001", Secret: "sealed-one"},
		{ID: "AKIASELLER0000002", Secret: "sealed-two", Policy: "AWSMarketplaceSellerProductsReadOnly",
			Status: mercato.KeyRevoked, Created: created},
		{ID: "AKIASELLER0000003", Secret: "sealed-three", Policy: `{"Version":"2012-10-17","Statement":[]}`,
			Status: mercato.KeyActive, Created: created},
	}
	update(t, s, func(tx mercato.Tx) error { return tx.PutAccount(a) })
	got := read(t, s, func(tx mercato.Tx) (mercato.Account, error) { return tx.AccountByAccessKey("AKIASELLER0000002") })
	same(t, "keys with policies, statuses and creation times", a, got)
	if got.AccessKeys[1].Active() || !got.AccessKeys[0].Active() {
		t.Errorf("Active: %v, %v", got.AccessKeys[0].Active(), got.AccessKeys[1].Active())
	}
}
