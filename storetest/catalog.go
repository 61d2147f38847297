package storetest

import (
	"errors"
	"testing"

	"mercato"
)

func testAccounts(t *testing.T, s mercato.Store) {
	sel, buy := sellerAccount(), buyerAccount()
	update(t, s, func(tx mercato.Tx) error { return tx.PutAccount(buy) })
	update(t, s, func(tx mercato.Tx) error { return tx.PutAccount(sel) })

	same(t, "GetAccount", sel, read(t, s, func(tx mercato.Tx) (mercato.Account, error) { return tx.GetAccount(seller) }))
	same(t, "AccountByAccessKey", sel, read(t, s, func(tx mercato.Tx) (mercato.Account, error) {
		return tx.AccountByAccessKey("AKIASELLER0000001")
	}))
	same(t, "ListAccounts (ordered by ID)", []mercato.Account{sel, buy}, read(t, s, mercato.Tx.ListAccounts))

	// Putting again replaces the account and its keys.
	sel.Name, sel.Disbursement = "Seller LLC", nil
	sel.AccessKeys = []mercato.AccessKey{{ID: "AKIASELLER0000003", Secret: "secret-three"}}
	update(t, s, func(tx mercato.Tx) error { return tx.PutAccount(sel) })
	same(t, "replaced account", sel, read(t, s, func(tx mercato.Tx) (mercato.Account, error) {
		return tx.AccountByAccessKey("AKIASELLER0000003")
	}))
	viewCode(t, s, "AccountByAccessKey of a removed key", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.AccountByAccessKey("AKIASELLER0000001")
		return err
	})

	// An access key belongs to one account.
	buy.AccessKeys = []mercato.AccessKey{{ID: "AKIASELLER0000003", Secret: "stolen!!"}}
	updateCode(t, s, "PutAccount with another account's key", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.PutAccount(buy)
	})
	same(t, "owner of the contested key", seller, read(t, s, func(tx mercato.Tx) (string, error) {
		a, err := tx.AccountByAccessKey("AKIASELLER0000003")
		return a.ID, err
	}))
}

func testProducts(t *testing.T, s mercato.Store) {
	p1, p2 := product("prod-1", seller, "code-1"), product("prod-2", seller2, "code-2")
	p2.Dimensions = nil
	p1.FulfillmentURL, p1.CustomerIdentifier = "https://example.com/register?from=mp", true
	put(t, s, func(tx mercato.Tx) error { return tx.PutProduct(p1) }, func(tx mercato.Tx) error { return tx.PutProduct(p2) })

	same(t, "GetProduct", p1, read(t, s, func(tx mercato.Tx) (mercato.Product, error) { return tx.GetProduct("prod-1") }))
	same(t, "ProductByCode", p2, read(t, s, func(tx mercato.Tx) (mercato.Product, error) { return tx.ProductByCode("code-2") }))

	p1.Title, p1.ProductCode, p1.Visibility = "Renamed", "code-1b", "limited"
	p1.FulfillmentURL, p1.CustomerIdentifier = "", false
	p1.AllowedBuyers = []string{"444455556666", "777788889999"} // a limited product's allow-list, in order
	update(t, s, func(tx mercato.Tx) error { return tx.PutProduct(p1) })
	same(t, "replaced product", p1, read(t, s, func(tx mercato.Tx) (mercato.Product, error) { return tx.ProductByCode("code-1b") }))
	viewCode(t, s, "ProductByCode of the old code", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.ProductByCode("code-1")
		return err
	})
	updateCode(t, s, "PutProduct with another product's code", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.PutProduct(product("prod-3", seller, "code-2"))
	})
}

func testOffers(t *testing.T, s mercato.Store) {
	rich := offer("offer-rich", "prod-1", seller, "private")
	rich.Terms = richTerms()
	rich.ReplacesAgreementID, rich.Renewal, rich.ChannelPartner = "agmt-old", true, seller2
	rich.ProposalID = "ap-rich"
	offers := []mercato.Offer{
		offer("offer-b", "prod-1", seller, "public"),
		rich,
		offer("offer-a", "prod-2", seller2, "private"),
		offer("offer-c", "prod-1", seller, "private"),
	}
	offers[2].ProposalID = "ap-a"
	update(t, s, func(tx mercato.Tx) error {
		for _, o := range offers {
			if err := tx.PutOffer(o); err != nil {
				return err
			}
		}
		return nil
	})
	same(t, "GetOffer", rich, read(t, s, func(tx mercato.Tx) (mercato.Offer, error) { return tx.GetOffer("offer-rich") }))

	for _, tc := range []struct {
		filter mercato.OfferFilter
		want   []string
	}{
		{mercato.OfferFilter{}, []string{"offer-a", "offer-b", "offer-c", "offer-rich"}},
		{mercato.OfferFilter{ProductID: "prod-1"}, []string{"offer-b", "offer-c", "offer-rich"}},
		{mercato.OfferFilter{SellerID: seller2}, []string{"offer-a"}},
		{mercato.OfferFilter{Visibility: "private"}, []string{"offer-a", "offer-c", "offer-rich"}},
		{mercato.OfferFilter{ProductID: "prod-1", Visibility: "public"}, []string{"offer-b"}},
		{mercato.OfferFilter{ProductID: "prod-3"}, nil},
		{mercato.OfferFilter{ProposalID: "ap-rich"}, []string{"offer-rich"}},
		{mercato.OfferFilter{ProposalID: "ap-a", SellerID: seller2}, []string{"offer-a"}},
		{mercato.OfferFilter{ProposalID: "ap-a", SellerID: seller}, nil},
		{mercato.OfferFilter{ProposalID: "ap-x"}, nil},
	} {
		got := read(t, s, func(tx mercato.Tx) ([]string, error) {
			os, err := tx.ListOffers(tc.filter)
			var ids []string
			for _, o := range os {
				ids = append(ids, o.ID)
			}
			return ids, err
		})
		same(t, "ListOffers", tc.want, got)
	}

	rich.Visibility, rich.Buyers, rich.ExpiresAt = "public", nil, t0.AddDate(1, 0, 0)
	update(t, s, func(tx mercato.Tx) error { return tx.PutOffer(rich) })
	same(t, "replaced offer", rich, read(t, s, func(tx mercato.Tx) (mercato.Offer, error) { return tx.GetOffer("offer-rich") }))
}

// testOfferProposals checks that an offer's proposal ID is unique, when it has one, and finds
// the offer.
func testOfferProposals(t *testing.T, s mercato.Store) {
	o1, o2 := offer("offer-1", "prod-1", seller, "public"), offer("offer-2", "prod-1", seller, "private")
	o1.ProposalID = "ap-1"
	// Offers without a proposal ID do not conflict.
	put(t, s,
		func(tx mercato.Tx) error { return tx.PutOffer(o1) },
		func(tx mercato.Tx) error { return tx.PutOffer(o2) },
		func(tx mercato.Tx) error { return tx.PutOffer(offer("offer-3", "prod-1", seller, "public")) },
	)
	byProposal := func(id string) []mercato.Offer {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]mercato.Offer, error) {
			return tx.ListOffers(mercato.OfferFilter{ProposalID: id})
		})
	}
	same(t, "offer by proposal ID", []mercato.Offer{o1}, byProposal("ap-1"))

	taken := o2
	taken.ProposalID = "ap-1"
	updateCode(t, s, "PutOffer with another offer's proposal ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.PutOffer(taken)
	})
	updateCode(t, s, "PutOffer of a new offer with a used proposal ID", mercato.EConflict, func(tx mercato.Tx) error {
		o := offer("offer-4", "prod-2", seller2, "public")
		o.ProposalID = "ap-1"
		return tx.PutOffer(o)
	})
	same(t, "offer by proposal ID after conflicts", []mercato.Offer{o1}, byProposal("ap-1"))
	same(t, "offer without a proposal ID after a conflict", o2, read(t, s, func(tx mercato.Tx) (mercato.Offer, error) {
		return tx.GetOffer("offer-2")
	}))

	// Replacing an offer may keep its proposal ID, or free it for another.
	o1.Terms = mercato.Terms{upfrontTerm()}
	update(t, s, func(tx mercato.Tx) error { return tx.PutOffer(o1) })
	same(t, "offer replaced with its proposal ID", []mercato.Offer{o1}, byProposal("ap-1"))
	o1.ProposalID = "ap-1b"
	o2.ProposalID = "ap-1"
	put(t, s, func(tx mercato.Tx) error { return tx.PutOffer(o1) }, func(tx mercato.Tx) error { return tx.PutOffer(o2) })
	same(t, "offer of a freed proposal ID", []mercato.Offer{o2}, byProposal("ap-1"))
	same(t, "offer of a new proposal ID", []mercato.Offer{o1}, byProposal("ap-1b"))
}

// testNotFound checks that every lookup of an unknown key is ENotFound.
func testNotFound(t *testing.T, s mercato.Store) {
	for name, get := range map[string]func(mercato.Tx) error{
		"GetAccount":         func(tx mercato.Tx) error { _, err := tx.GetAccount(seller); return err },
		"AccountByAccessKey": func(tx mercato.Tx) error { _, err := tx.AccountByAccessKey("AKIANOBODY000000"); return err },
		"GetProduct":         func(tx mercato.Tx) error { _, err := tx.GetProduct("prod-x"); return err },
		"ProductByCode":      func(tx mercato.Tx) error { _, err := tx.ProductByCode("code-x"); return err },
		"GetOffer":           func(tx mercato.Tx) error { _, err := tx.GetOffer("offer-x"); return err },
		"GetAgreement":       func(tx mercato.Tx) error { _, err := tx.GetAgreement("agmt-x"); return err },
		"GetInvoice":         func(tx mercato.Tx) error { _, err := tx.GetInvoice("inv-x"); return err },
		"GetIdempotency":     func(tx mercato.Tx) error { _, err := tx.GetIdempotency(buyer, "Accept", "tok"); return err },
		"GetSetting":         func(tx mercato.Tx) error { _, err := tx.GetSetting("nothing"); return err },
	} {
		viewCode(t, s, name, mercato.ENotFound, get)
	}
	// The requests' errors name them by their AWS resource types.
	for name, tc := range map[string]struct {
		typ, id string
		fn      func(mercato.Tx) error
	}{
		"GetAdjustment": {"BillingAdjustmentRequest", "adj-x",
			func(tx mercato.Tx) error { _, err := tx.GetAdjustment("adj-x"); return err }},
		"GetCancellationRequest": {"AgreementCancellationRequest", "acr-x",
			func(tx mercato.Tx) error { _, err := tx.GetCancellationRequest("acr-x"); return err }},
		"GetPaymentRequest": {"PaymentRequest", "pr-x",
			func(tx mercato.Tx) error { _, err := tx.GetPaymentRequest("pr-x"); return err }},
		"GetAgreementRequest": {"AgreementRequest", "ar-x",
			func(tx mercato.Tx) error { _, err := tx.GetAgreementRequest("ar-x"); return err }},
		"SetAdjustmentStatus": {"BillingAdjustmentRequest", "adj-x",
			func(tx mercato.Tx) error { return tx.SetAdjustmentStatus(adjustment("adj-x", seller, "tok-x", t0)) }},
		"UpdateCancellationRequest": {"AgreementCancellationRequest", "acr-x",
			func(tx mercato.Tx) error { return tx.UpdateCancellationRequest(cancellationRequest("acr-x", t0)) }},
		"UpdatePaymentRequest": {"PaymentRequest", "pr-x",
			func(tx mercato.Tx) error { return tx.UpdatePaymentRequest(paymentRequest("pr-x", t0)) }},
		"UpdateAgreementRequest": {"AgreementRequest", "ar-x",
			func(tx mercato.Tx) error { return tx.UpdateAgreementRequest(agreementRequest("ar-x", t0)) }},
	} {
		err := s.Update(t.Context(), tc.fn)
		wantCode(t, name, err, mercato.ENotFound)
		var e *mercato.Error
		if !errors.As(err, &e) || e.ResourceType != tc.typ || (tc.id != "" && e.ResourceID != tc.id) {
			t.Errorf("%s error %#v does not name %s %s", name, err, tc.typ, tc.id)
		}
	}
	for name, write := range map[string]func(mercato.Tx) error{
		"UpdateAgreement": func(tx mercato.Tx) error { return tx.UpdateAgreement(agreement("agmt-x", nil, t0, t0)) },
		"UpdateCharge":    func(tx mercato.Tx) error { return tx.UpdateCharge(charge("ch-x", "agmt-x", "k", t0)) },
		"FinishJob":       func(tx mercato.Tx) error { return tx.FinishJob(mercato.Job{ID: 424242, Status: mercato.JobDone}) },
	} {
		updateCode(t, s, name, mercato.ENotFound, write)
	}
	var e *mercato.Error
	err := s.View(t.Context(), func(tx mercato.Tx) error { _, err := tx.GetAgreement("agmt-x"); return err })
	if !errors.As(err, &e) || e.ResourceID != "agmt-x" || e.ResourceType != "Agreement" {
		t.Errorf("GetAgreement error %#v does not name the agreement", err)
	}
}
