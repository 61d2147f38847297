package storetest

import (
	"testing"
	"time"

	"mercato"
)

// testPrivateMarketplaces covers private marketplaces, the accounts they govern, product
// requests, and an account's payer.
func testPrivateMarketplaces(t *testing.T, s mercato.Store) {
	m := mercato.PrivateMarketplace{ID: "exp-1", AdminID: seller2, Name: "Corp", Accounts: []string{buyer, buyer2}, Products: []string{"prod-1"}}
	other := mercato.PrivateMarketplace{ID: "exp-2", AdminID: seller, Accounts: []string{}, Products: []string{}}
	put(t, s, func(tx mercato.Tx) error { return tx.PutPrivateMarketplace(m) }, func(tx mercato.Tx) error { return tx.PutPrivateMarketplace(other) })
	same(t, "GetPrivateMarketplace", m, read(t, s, func(tx mercato.Tx) (mercato.PrivateMarketplace, error) { return tx.GetPrivateMarketplace("exp-1") }))
	same(t, "PrivateMarketplaceOf", m, read(t, s, func(tx mercato.Tx) (mercato.PrivateMarketplace, error) { return tx.PrivateMarketplaceOf(buyer2) }))
	viewCode(t, s, "PrivateMarketplaceOf an ungoverned account", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.PrivateMarketplaceOf(seller)
		return err
	})
	same(t, "ListPrivateMarketplaces of an administrator", []mercato.PrivateMarketplace{m},
		read(t, s, func(tx mercato.Tx) ([]mercato.PrivateMarketplace, error) { return tx.ListPrivateMarketplaces(seller2) }))

	// An account is governed by one private marketplace; a rejected put leaves the tx usable.
	other.Accounts = []string{buyer}
	updateCode(t, s, "governing another's account", mercato.EConflict, func(tx mercato.Tx) error { return tx.PutPrivateMarketplace(other) })
	// Putting again replaces the audience, the allow-list and the settings.
	m.Accounts, m.Products = []string{buyer2}, []string{"prod-1", "prod-2"}
	m.Disabled, m.RequestsDenied = true, true
	update(t, s, func(tx mercato.Tx) error { return tx.PutPrivateMarketplace(m) })
	same(t, "replaced", m, read(t, s, func(tx mercato.Tx) (mercato.PrivateMarketplace, error) { return tx.GetPrivateMarketplace("exp-1") }))
	viewCode(t, s, "an account no longer governed", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.PrivateMarketplaceOf(buyer)
		return err
	})

	at := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	r1 := mercato.ProductProcurementRequest{ID: "prodprocreq-1", MarketplaceID: "exp-1", BuyerID: buyer2, ProductID: "prod-3",
		Note: "please", Status: mercato.ProductRequestPending, CreatedAt: at}
	r2 := r1
	r2.ID, r2.ProductID, r2.CreatedAt = "prodprocreq-2", "prod-4", at.Add(time.Hour)
	put(t, s, func(tx mercato.Tx) error { return tx.InsertProductRequest(r1) }, func(tx mercato.Tx) error { return tx.InsertProductRequest(r2) })
	updateCode(t, s, "InsertProductRequest of a taken ID", mercato.EConflict, func(tx mercato.Tx) error { return tx.InsertProductRequest(r1) })
	r1.Status, r1.Reason, r1.DecidedAt = mercato.ProductRequestDeclined, "no", at.Add(2*time.Hour)
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateProductRequest(r1) })
	same(t, "GetProductRequest", r1, read(t, s, func(tx mercato.Tx) (mercato.ProductProcurementRequest, error) {
		return tx.GetProductRequest("prodprocreq-1")
	}))
	same(t, "ListProductRequests, newest first", []mercato.ProductProcurementRequest{r2, r1},
		read(t, s, func(tx mercato.Tx) ([]mercato.ProductProcurementRequest, error) {
			return tx.ListProductRequests(mercato.ProductRequestFilter{MarketplaceID: "exp-1"})
		}))
	same(t, "ListProductRequests by status", []mercato.ProductProcurementRequest{r2},
		read(t, s, func(tx mercato.Tx) ([]mercato.ProductProcurementRequest, error) {
			return tx.ListProductRequests(mercato.ProductRequestFilter{BuyerID: buyer2, Status: mercato.ProductRequestPending})
		}))
	updateCode(t, s, "UpdateProductRequest of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		r := r1
		r.ID = "prodprocreq-9"
		return tx.UpdateProductRequest(r)
	})

	// A linked account keeps its payer.
	linked := buyerAccount()
	linked.Payer = seller
	update(t, s, func(tx mercato.Tx) error { return tx.PutAccount(linked) })
	same(t, "account with a payer", linked, read(t, s, func(tx mercato.Tx) (mercato.Account, error) { return tx.GetAccount(buyer) }))
}
