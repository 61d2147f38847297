package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// xp is a change of an Experience@1.0, with Details as JSON text.
func xp(changeType, id, details string) mercato.Change {
	return mercato.Change{ChangeType: changeType, EntityType: "Experience@1.0", EntityID: id, Details: json.RawMessage(details)}
}

// experience has the administrator make a private marketplace through the Catalog, as AWS's
// guide does, governing buyer; it returns its ID.
func (e *env) experience() string {
	e.t.Helper()
	e.apply(mercato.Scenario{Accounts: []mercato.Account{
		{ID: pmpAdmin, Name: "Buyer Corp IT", Roles: []mercato.Role{mercato.RolePrivateMarketplaceAdmin}}}})
	create := xp("CreateExperience", "", `{"Name": "Buyer Corp marketplace"}`)
	create.ChangeName = "X"
	ref := "$X.Entity.Identifier"
	cs := e.changeSet(pmpAdmin, create,
		xp("CreateProcurementPolicy", ref, `{"Name": "Approved software"}`),
		xp("AssociateAudience", ref, `{"Name": "Buyer Corp", "Principals": ["`+buyer+`"]}`),
		xp("UpdateExperience", ref, `{"Status": "Enabled"}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		e.t.Fatalf("the administrator's experience: %s %+v", cs.Status, cs.Changes)
	}
	return cs.Changes[0].EntityID
}

// TestAnExperienceGovernsThroughTheCatalog: an experience made through the Catalog governs its
// audience: the governed buyer is refused a product until AllowProductProcurement, buys it
// then, and is refused again after DenyProductProcurement; the administrator describes the
// experience and its procurement policy and lists both.
func TestAnExperienceGovernsThroughTheCatalog(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		id := e.experience()
		accept := func() error {
			_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer})
			return err
		}
		if err := accept(); mercato.ErrorCodeOf(err) != mercato.EForbidden || !strings.Contains(err.Error(), "not approved") {
			t.Fatalf("a product not allowed: %v, want EForbidden", err)
		}
		allow := e.changeSet(pmpAdmin, xp("AllowProductProcurement", id, `{"Products": [{"Ids": ["`+product+`"], "Notes": "analytics for finance"}]}`))
		if allow.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("allow: %s %+v", allow.Status, allow.Changes)
		}
		if err := accept(); err != nil {
			t.Fatalf("an allowed product: %v", err)
		}

		policy, err := e.svc.CatalogEntity(e.ctx, pmpAdmin, "AWSMarketplace", "procpolicy-"+strings.TrimPrefix(id, "exp-"))
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := json.Marshal(policy.Document())
		if policy.Type != "ProcurementPolicy@1.0" || !strings.Contains(string(doc), `"Effect":"Allow","Resources":[{"Ids":["`+product+`"]`) {
			t.Errorf("procurement policy %s: %s", policy.Type, doc)
		}
		exp, err := e.svc.CatalogEntity(e.ctx, pmpAdmin, "AWSMarketplace", id)
		doc, _ = json.Marshal(exp.Document())
		if err != nil || !strings.Contains(string(doc), `"Principals":["`+buyer+`"]`) || !strings.Contains(string(doc), `"Status":"Enabled"`) {
			t.Errorf("experience %s: %s, %v", id, doc, err)
		}
		for kind, want := range map[string]string{"Experience": id, "ProcurementPolicy": policy.ID} {
			list, err := e.svc.CatalogEntities(e.ctx, pmpAdmin, kind)
			if err != nil || len(list) != 1 || list[0].ID != want {
				t.Errorf("ListEntities %s: %+v, %v", kind, list, err)
			}
		}
		if _, err := e.svc.CatalogEntity(e.ctx, seller, "AWSMarketplace", id); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("another account describes the experience: %v", err)
		}

		deny := e.changeSet(pmpAdmin, xp("DenyProductProcurement", id, `{"Products": [{"Ids": ["`+product+`"]}]}`))
		if deny.Status != mercato.ChangeSetSucceeded {
			t.Fatalf("deny: %s %+v", deny.Status, deny.Changes)
		}
		if err := accept(); mercato.ErrorCodeOf(err) != mercato.EForbidden {
			t.Fatalf("a product denied again: %v, want EForbidden", err)
		}
	})
}

// TestExperienceChangesMercatoCannotHonourAreRefused: what AWS's shapes carry that mercato's
// private marketplaces do not have is refused naming the field, and nothing is applied.
func TestExperienceChangesMercatoCannotHonourAreRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		id := e.experience()
		cases := []struct {
			name   string
			as     string
			change mercato.Change
			code   string
			field  string
		}{
			{"an organisational unit", pmpAdmin, xp("AssociateAudience", id, `{"Principals": ["ou-abcd-01234567"]}`), "INVALID_INPUT", "Details.Principals[0]"},
			{"a seller in the audience", pmpAdmin, xp("AssociateAudience", id, `{"Principals": ["`+seller+`"]}`), "INVALID_INPUT", "Details.Principals[0]"},
			{"a status AWS has not", pmpAdmin, xp("UpdateExperience", id, `{"Status": "Archived"}`), "INVALID_INPUT", "Details.Status"},
			{"requests neither allowed nor denied", pmpAdmin, xp("UpdateProcurementPolicy", id, `{"Configuration": {"PolicyResourceRequests": "Maybe"}}`), "INVALID_INPUT", "PolicyResourceRequests"},
			{"branding", pmpAdmin, xp("CreateBrandingSettings", id, `{"Name": "b"}`), "UNSUPPORTED_CHANGE_TYPE", "ChangeType"},
			{"a member the shape lacks", pmpAdmin, xp("AllowProductProcurement", id, `{"Products": [{"Ids": ["`+product+`"], "Note": "x"}]}`), "INVALID_INPUT", "Details.Note"},
			{"a product twice", pmpAdmin, xp("AllowProductProcurement", id, `{"Products": [{"Ids": ["`+product+`"]}, {"Ids": ["`+product+`"]}]}`), "INVALID_INPUT", "Details.Products[1].Ids[0]"},
			{"an unknown product", pmpAdmin, xp("AllowProductProcurement", id, `{"Products": [{"Ids": ["prod-nope"]}]}`), "INVALID_INPUT", "Details.Products[0].Ids[0]"},
			{"an account without the role", buyer2, xp("CreateExperience", "", `{"Name": "mine"}`), "CALLER_NOT_AUTHORIZED", "privateMarketplaceAdmin"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				failsWith(t, e.changeSet(c.as, c.change), 0, c.code, c.field)
			})
		}
		// A buyer another experience governs cannot join this one.
		other := e.changeSet(pmpAdmin, xp("CreateExperience", "", `{"Name": "other"}`))
		failsWith(t, e.changeSet(pmpAdmin, xp("AssociateAudience", other.Changes[0].EntityID, `{"Principals": ["`+buyer+`"]}`)),
			0, "ENTITY_ALREADY_EXISTS", "Details.Principals[0]")
	})
}

// TestExperienceStatusAndRequestsThroughTheCatalog: a new experience is disabled, as AWS makes
// it, and governs nobody until enabled; disabled again it keeps its audience but lets the buyer
// buy; a policy that denies requests refuses the buyer's request, one that allows them takes it.
func TestExperienceStatusAndRequestsThroughTheCatalog(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.apply(mercato.Scenario{
			Products: []mercato.Product{{ID: "prod-notes", SellerID: seller, Type: mercato.ProductSaaS, Title: "Notes", RefundPolicy: "None."}},
			Offers: []mercato.Offer{{ID: "offer-notes", ProductID: "prod-notes", Visibility: "public", Terms: mercato.Terms{
				{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("10.00")}}}}},
		})
		id := e.experience()
		status := func(want string) {
			t.Helper()
			got, err := e.svc.CatalogEntity(e.ctx, pmpAdmin, "AWSMarketplace", id)
			if doc, _ := json.Marshal(got.Document()); err != nil || !strings.Contains(string(doc), `"Status":"`+want+`"`) {
				t.Fatalf("experience %s: %s, %v; want Status %s", id, doc, err, want)
			}
		}
		apply := func(c mercato.Change) {
			t.Helper()
			if cs := e.changeSet(pmpAdmin, c); cs.Status != mercato.ChangeSetSucceeded {
				t.Fatalf("%s: %s %+v", c.ChangeType, cs.Status, cs.Changes)
			}
		}
		request := func() error {
			_, err := e.svc.RequestProduct(e.ctx, buyer, service.ProductRequestInput{ProductID: product, Note: "for finance"})
			return err
		}

		apply(xp("UpdateProcurementPolicy", id, `{"Configuration": {"PolicyResourceRequests": "Deny"}}`))
		if err := request(); mercato.ErrorCodeOf(err) != mercato.EForbidden || !strings.Contains(err.Error(), "does not take product requests") {
			t.Fatalf("a request where requests are denied: %v", err)
		}
		apply(xp("UpdateProcurementPolicy", id, `{"Configuration": {"PolicyResourceRequests": "Allow"}}`))
		if err := request(); err != nil {
			t.Fatalf("a request where requests are allowed: %v", err)
		}

		apply(xp("UpdateExperience", id, `{"Status": "Disabled"}`))
		status("Disabled")
		e.accept("offer-public", buyer)

		apply(xp("UpdateExperience", id, `{"Status": "Enabled"}`))
		status("Enabled")
		if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-notes", BuyerID: buyer}); mercato.ErrorCodeOf(err) != mercato.EForbidden {
			t.Fatalf("enabled again, a product not allowed: %v, want EForbidden", err)
		}

		fresh := e.changeSet(pmpAdmin, xp("CreateExperience", "", `{"Name": "new"}`))
		got, err := e.svc.CatalogEntity(e.ctx, pmpAdmin, "AWSMarketplace", fresh.Changes[0].EntityID)
		if doc, _ := json.Marshal(got.Document()); err != nil || !strings.Contains(string(doc), `"Status":"Disabled"`) {
			t.Errorf("a new experience: %s, %v; want Disabled", doc, err)
		}
	})
}
