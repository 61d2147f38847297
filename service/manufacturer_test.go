package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// TestManufacturerSeesTheResale: the maker finds the partner's resale of its product as
// Manufacturer and describes it without the buyer's price or terms; it may not read its terms,
// its entitlements or its invoice line items, and the partner finds nothing as Manufacturer.
func TestManufacturerSeesTheResale(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.resaleMarketplace()
		a := e.accept("offer-cppo", buyer)

		found, _, err := e.svc.SearchAgreements(e.ctx, seller, service.SearchInput{Party: service.Manufacturer,
			Filters: map[string]string{"PartyType": "Manufacturer", "Status": "ACTIVE", "AcceptorAccountId": buyer}})
		if err != nil || len(found) != 1 || found[0].ID != a.ID || found[0].Value != 0 || found[0].Terms != nil {
			t.Fatalf("the maker's search: %+v, %v; want the resale without its price", found, err)
		}
		got, err := e.svc.DescribeAgreement(e.ctx, seller, a.ID)
		if err != nil || got.ProposerID != partner || got.Currency != "" || got.Resale.Price != 0 || got.Resale.Wholesale != amt("1000") {
			t.Errorf("the maker describes %+v, %v; want the partner's agreement with its wholesale and no price", got, err)
		}
		if _, _, err := e.svc.AgreementTerms(e.ctx, seller, a.ID, service.Page{}); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("the maker reads the terms: %v", err)
		}
		if _, err := e.svc.AgreementEntitlements(e.ctx, seller, a.ID); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("the maker reads the entitlements: %v", err)
		}
		if _, _, err := e.svc.InvoiceLineItems(e.ctx, seller, service.InvoiceQuery{AgreementID: a.ID}); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("the maker lists the invoices: %v", err)
		}
		if found, _, err := e.svc.SearchAgreements(e.ctx, partner, service.SearchInput{Party: service.Manufacturer}); err != nil || len(found) != 0 {
			t.Errorf("the partner's search as Manufacturer: %+v, %v", found, err)
		}
		_, _, err = e.svc.SearchAgreements(e.ctx, seller, service.SearchInput{Party: service.Manufacturer,
			Filters: map[string]string{"InitialAgreementId": a.ID}})
		if mercato.ErrorCodeOf(err) != mercato.EInvalid {
			t.Errorf("a Proposer-only filter as Manufacturer: %v", err)
		}
	})
}
