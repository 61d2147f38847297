package service_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// ch is a change of a change set, with Details as JSON text.
func ch(changeType, id, details string) mercato.Change {
	return mercato.Change{ChangeType: changeType, EntityType: "Offer@1.0", EntityID: id, Details: json.RawMessage(details)}
}

// named is ch with a change name, for references from later changes.
func named(name, changeType, id, details string) mercato.Change {
	c := ch(changeType, id, details)
	c.ChangeName = name
	return c
}

// changeSet starts a change set as the seller, runs the job that applies it, and returns it as
// it ended.
func (e *env) changeSet(as string, changes ...mercato.Change) mercato.ChangeSet {
	e.t.Helper()
	cs, err := e.svc.StartChangeSet(e.ctx, as, service.StartChangeSetInput{Catalog: "AWSMarketplace", Changes: changes})
	if err != nil {
		e.t.Fatalf("StartChangeSet: %v", err)
	}
	if cs.Status != mercato.ChangeSetPreparing {
		e.t.Fatalf("a new change set is %s", cs.Status)
	}
	e.advanceTo(e.clk.Now())
	cs, err = e.svc.ChangeSet(e.ctx, as, "AWSMarketplace", cs.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}

// failsWith checks that a change set failed with the code on change i, naming the field.
func failsWith(t *testing.T, cs mercato.ChangeSet, i int, code, field string) {
	t.Helper()
	if cs.Status != mercato.ChangeSetFailed || cs.FailureCode != mercato.FailureClientError {
		t.Fatalf("change set is %s (%s), want FAILED CLIENT_ERROR", cs.Status, cs.FailureCode)
	}
	errs := cs.Changes[i].Errors
	if len(errs) != 1 || errs[0].Code != code || !strings.Contains(errs[0].Message, field) {
		t.Fatalf("change %d errors %+v, want %s naming %s", i, errs, code, field)
	}
}

// privateDraft returns the changes that make a complete private offer of product to the buyers,
// available until end, released if release is set.
func privateDraft(product, buyers, end string, release bool) []mercato.Change {
	ref := "$O.Entity.Identifier"
	cs := []mercato.Change{
		named("O", "CreateOffer", "", `{"ProductId": "`+product+`", "Name": "Private"}`),
		ch("UpdateTargeting", ref, `{"PositiveTargeting": {"BuyerAccounts": [`+buyers+`]}}`),
		ch("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "900.00", "Duration": "P12M"}]}`),
		ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "`+end+`"}`),
	}
	if release {
		cs = append(cs, ch("ReleaseOffer", ref, `{}`))
	}
	return cs
}

// TestChangeSetReleasesAPrivateOfferThatItsBuyerAccepts: one change set creates, targets, prices
// and releases a private offer; only its buyer accepts it, and once accepted it is not ended by
// its availability.
func TestChangeSetReleasesAPrivateOfferThatItsBuyerAccepts(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		cs := e.changeSet(seller, privateDraft(product, `"`+buyer2+`"`, "2026-01-31", true)...)
		if cs.Status != mercato.ChangeSetSucceeded || cs.EndTime.IsZero() {
			t.Fatalf("change set %s: %+v", cs.Status, cs.Changes)
		}
		id := cs.Changes[0].EntityID
		for i, c := range cs.Changes {
			if c.EntityID != id {
				t.Errorf("change %d names entity %q, want the created %s", i, c.EntityID, id)
			}
		}
		o := offer(t, e, id)
		// The last day buyers may accept is the 31st, until its end: the offer expires at midnight.
		if o.State != mercato.OfferReleased || !o.ExpiresAt.Equal(day(2026, 2, 1)) || o.Visibility != "private" ||
			o.Listing.ReleasedAt != day(2026, 1, 1) {
			t.Errorf("released offer: %+v", o)
		}
		if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: id, BuyerID: buyer}); mercato.ErrorCodeOf(err) != mercato.EForbidden {
			t.Errorf("an untargeted buyer accepts: %v", err)
		}
		e.accept(id, buyer2)

		events := e.events(seller)
		if !strings.Contains(events, "Change Set Succeeded") || !strings.Contains(events, "Offer Released") {
			t.Errorf("seller's events: %s", events)
		}

		// Once accepted, the offer is not ended by its availability but by a cancellation request.
		end := e.changeSet(seller, ch("UpdateAvailability", id, `{"AvailabilityEndDate": "2025-12-31"}`))
		failsWith(t, end, 0, "OFFER_ALREADY_ACCEPTED", "cancellation request")
		if o := offer(t, e, id); !o.ExpiresAt.Equal(day(2026, 2, 1)) {
			t.Errorf("a failed change set changed the offer's expiry to %s", o.ExpiresAt)
		}
	})
}

func offer(t *testing.T, e *env, id string) mercato.Offer {
	t.Helper()
	os, err := e.svc.Offers(e.ctx, mercato.OfferFilter{SellerID: seller})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("no offer %s", id)
	return mercato.Offer{}
}

// events returns the detail types of an account's events, in order, joined by commas.
func (e *env) events(account string) string {
	e.t.Helper()
	var out []string
	err := e.store.View(e.ctx, func(tx mercato.Tx) error {
		evs, err := tx.ListEvents(mercato.EventFilter{AccountID: account})
		for _, ev := range evs {
			out = append(out, ev.DetailType)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.Join(out, ",")
}

// TestDraftOffersAreInvisibleToBuyers: a draft is on no buyer's offers page, cannot be accepted
// and is not found through Discovery.
func TestDraftOffersAreInvisibleToBuyers(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	cs := e.changeSet(seller, privateDraft(product, `"`+buyer2+`"`, "2026-01-31", false)...)
	id := cs.Changes[0].EntityID
	if o := offer(t, e, id); o.State != mercato.OfferDraft {
		t.Fatalf("offer is %s", o.State)
	}
	offers, err := e.svc.BuyerOffers(e.ctx, buyer2)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offers {
		if o.ID == id {
			t.Errorf("the buyer's offers page lists a draft")
		}
	}
	if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: id, BuyerID: buyer2}); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("accepting a draft: %v, want ENotFound", err)
	}
	if _, err := e.svc.DiscoverOffer(e.ctx, buyer2, id); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("discovering a draft: %v, want ENotFound", err)
	}
}

// TestChangeSetRules holds one change set per rule of the catalog and the seeds, each failing
// with its error on the change at fault, and changing nothing.
func TestChangeSetRules(t *testing.T) {
	const freeSeller = "222233334444"
	ref := "$O.Entity.Identifier"
	create := func(product string) mercato.Change {
		return named("O", "CreateOffer", "", `{"ProductId": "`+product+`"}`)
	}
	pricing := ch("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "10", "Duration": "P1M"}]}`)
	schedule := make([]string, 61)
	for i := range schedule {
		schedule[i] = fmt.Sprintf(`{"ChargeDate": "2026-%02d-01", "ChargeAmount": "1"}`, i%12+1)
	}
	cases := []struct {
		name    string
		as      string
		changes []mercato.Change
		at      int
		code    string
		field   string
	}{
		{"a private offer before any paid public product", freeSeller, privateDraft("prod-free", `"`+buyer+`"`, "2026-02-01", true),
			4, "PRIVATE_OFFER_PREREQUISITE", "public product"},
		{"a private offer without an end date", seller, []mercato.Change{create(product),
			ch("UpdateTargeting", ref, `{"PositiveTargeting": {"BuyerAccounts": ["`+buyer+`"]}}`), pricing, ch("ReleaseOffer", ref, `{}`)},
			3, "MISSING_AVAILABILITY_END_DATE", "AvailabilityEndDate"},
		{"an offer without pricing", seller, []mercato.Change{create(product), ch("ReleaseOffer", ref, `{}`)},
			1, "MISSING_PRICING_TERMS", "UpdatePricingTerms"},
		{"a second public offer", seller, []mercato.Change{create(product), pricing, ch("ReleaseOffer", ref, `{}`)},
			2, "DUPLICATE_PUBLIC_OFFER", "offer-public"},
		{"a paid offer without a refund policy", freeSeller, []mercato.Change{create("prod-free"), pricing, ch("ReleaseOffer", ref, `{}`)},
			2, "MISSING_REFUND_POLICY", "refund policy"},
		{"an end date on a public offer", seller, []mercato.Change{create(product), ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "2026-02-01"}`)},
			1, "INVALID_AVAILABILITY_END_DATE", "private offers only"},
		{"a date that is no date", seller, append(privateDraft(product, `"`+buyer+`"`, "2026-02-01", false)[:3],
			ch("UpdateAvailability", ref, `{"AvailabilityEndDate": "01/02/2026"}`)), 3, "INVALID_INPUT", "Details.AvailabilityEndDate"},
		{"a buyer account that is no account", seller, []mercato.Change{create(product),
			ch("UpdateTargeting", ref, `{"PositiveTargeting": {"BuyerAccounts": ["12345"]}}`)}, 1, "INVALID_BUYER_ACCOUNTS", "BuyerAccounts[0]"},
		{"61 payments", seller, []mercato.Change{create(product), ch("UpdatePaymentScheduleTerms", ref,
			`{"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": [`+strings.Join(schedule, ",")+`]}]}`)},
			1, "INVALID_INPUT", "Details.Terms[0].Schedule"},
		{"a term of another change type", seller, []mercato.Change{create(product), ch("UpdateLegalTerms", ref,
			`{"Terms": [{"Type": "SupportTerm", "RefundPolicy": "x"}]}`)}, 1, "INVALID_INPUT", "Details.Terms[0].Type"},
		{"two currencies", seller, []mercato.Change{create(product), ch("UpdatePricingTerms", ref, `{"PricingModel": "Contract", "Terms": [
			{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "10"}, {"Type": "RecurringPaymentTerm", "CurrencyCode": "EUR", "BillingPeriod": "Monthly", "Price": "1"}]}`)},
			1, "INVALID_INPUT", "Details.Terms[1].CurrencyCode"},
		{"a refund policy too long", seller, []mercato.Change{create(product), ch("UpdateSupportTerms", ref,
			`{"Terms": [{"Type": "SupportTerm", "RefundPolicy": "`+strings.Repeat("x", 501)+`"}]}`)}, 1, "INVALID_INPUT", "RefundPolicy"},
		{"a reference to no change", seller, []mercato.Change{ch("UpdateInformation", "$Nope.Entity.Identifier", `{"Name": "x"}`)},
			0, "INVALID_REFERENCE", "Nope"},
		{"a change type offers lack", seller, []mercato.Change{create(product), ch("AddDimensions", ref, `[]`)},
			1, "INVALID_CHANGE_TYPE", "AddDimensions"},
		{"details that are not an object of the change", seller, []mercato.Change{create(product), ch("UpdateInformation", ref, `{"Name": 7}`)},
			1, "INVALID_INPUT", "Details.Name"},
		{"a product of another seller", freeSeller, []mercato.Change{create(product)}, 0, "INVALID_INPUT", "Details.ProductId"},
		{"an agreement of another seller", freeSeller, []mercato.Change{named("O", "CreateReplacementOffer", "", `{"AgreementId": "agmt-nope"}`)},
			0, "INVALID_AGREEMENT_ID", "Details.AgreementId"},
	}
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.apply(mercato.Scenario{
			Accounts: []mercato.Account{{ID: freeSeller, Name: "Free Tools", Roles: []mercato.Role{mercato.RoleSeller}}},
			Products: []mercato.Product{{ID: "prod-free", SellerID: freeSeller, Type: mercato.ProductSaaS, Title: "Free tool"}},
			Offers: []mercato.Offer{{ID: "offer-free", ProductID: "prod-free", Visibility: "public", Terms: mercato.Terms{
				{Byol: &mercato.ByolPricingTerm{}}}}},
		})
		before := offerCount(t, e)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				se := *e
				se.t = t
				failsWith(t, se.changeSet(c.as, c.changes...), c.at, c.code, c.field)
				if n := offerCount(t, e); n != before {
					t.Errorf("a failed change set left %d offers, want %d", n, before)
				}
			})
		}
		if !strings.Contains(e.events(seller), "Change Set Failed") {
			t.Errorf("no Change Set Failed event: %s", e.events(seller))
		}
	})
}

func offerCount(t *testing.T, e *env) int {
	t.Helper()
	os, err := e.svc.Offers(e.ctx, mercato.OfferFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(os)
}

// TestAnExpiredPrivateOfferIsExtended extends a scenario's private offer after it expired: its
// buyer may accept it again until the new end date.
func TestAnExpiredPrivateOfferIsExtended(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 3, 2)) // offer-private expired on the 1st
	if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-private", BuyerID: buyer}); mercato.ErrorCodeOf(err) != mercato.EInvalid {
		t.Fatalf("accepting the expired offer: %v", err)
	}
	d, err := e.svc.DiscoverOffer(e.ctx, buyer, "offer-private")
	if err != nil || d.Status != service.OfferExpired {
		t.Fatalf("the buyer sees the expired offer as %q (%v)", d.Status, err)
	}
	cs := e.changeSet(seller, ch("UpdateAvailability", "offer-private", `{"AvailabilityEndDate": "2026-03-31"}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("extend: %s %+v", cs.Status, cs.Changes)
	}
	e.accept("offer-private", buyer)
	if d, _ := e.svc.DiscoverOffer(e.ctx, buyer, "offer-private"); d.Status != service.OfferAccepted {
		t.Errorf("after acceptance the buyer sees %q", d.Status)
	}
}

// TestAPrivateOfferIsCancelledBeforeAcceptance ends a released private offer's availability
// with a past date: it expires at once, and its buyer can no longer accept it.
func TestAPrivateOfferIsCancelledBeforeAcceptance(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	id := e.changeSet(seller, privateDraft(product, `"`+buyer2+`"`, "2026-01-31", true)...).Changes[0].EntityID
	if cs := e.changeSet(seller, ch("UpdateAvailability", id, `{"AvailabilityEndDate": "2026-01-09"}`)); cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("cancel: %s %+v", cs.Status, cs.Changes)
	}
	if o := offer(t, e, id); !o.ExpiresAt.Equal(day(2026, 1, 10)) {
		t.Errorf("the cancelled offer expires at %s, want the business time", o.ExpiresAt)
	}
	if _, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: id, BuyerID: buyer2}); mercato.ErrorCodeOf(err) != mercato.EInvalid {
		t.Errorf("accepting the cancelled offer: %v", err)
	}
}

// TestAReplacementOfferReplacesTheAgreement makes an agreement-based offer for an agreement of
// the seller: private to its buyer, naming the agreement it replaces.
func TestAReplacementOfferReplacesTheAgreement(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	a := e.accept("offer-private", buyer)
	cs := e.changeSet(seller,
		named("R", "CreateReplacementOffer", "", `{"AgreementId": "`+a.ID+`"}`),
		ch("UpdatePricingTerms", "$R.Entity.Identifier", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "0.0"}]}`),
		ch("UpdatePaymentScheduleTerms", "$R.Entity.Identifier", `{"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": [{"ChargeDate": "2026-04-15", "ChargeAmount": "1000.00"}, {"ChargeDate": "2026-07-15", "ChargeAmount": "1000.00"}]}]}`),
		ch("UpdateValidityTerms", "$R.Entity.Identifier", `{"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P12M"}]}`),
		ch("UpdateAvailability", "$R.Entity.Identifier", `{"AvailabilityEndDate": "2026-02-28"}`),
		ch("ReleaseOffer", "$R.Entity.Identifier", `{}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("%s %+v", cs.Status, cs.Changes)
	}
	o := offer(t, e, cs.Changes[0].EntityID)
	if o.ReplacesAgreementID != a.ID || o.Visibility != "private" || len(o.Buyers) != 1 || o.Buyers[0] != buyer {
		t.Fatalf("replacement offer: %+v", o)
	}
	b, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: o.ID, BuyerID: buyer})
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.svc.Agreement(e.ctx, a.ID)
	if err != nil || old.Status != mercato.AgreementReplaced || b.Status != mercato.AgreementActive {
		t.Errorf("after the replacement: old %s, new %s (%v)", old.Status, b.Status, err)
	}
}

// TestStartChangeSetIsIdempotentAndLocksItsEntities: a client token returns the same change set;
// an open change set holds its entities; only the seller's entities can be changed; a change set
// still preparing can be cancelled.
func TestStartChangeSetIsIdempotentAndLocksItsEntities(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	in := service.StartChangeSetInput{Catalog: "AWSMarketplace", ClientToken: "tok-1",
		Changes: []mercato.Change{ch("UpdateInformation", "offer-private", `{"Name": "A"}`)}}
	first, err := e.svc.StartChangeSet(e.ctx, seller, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.StartChangeSet(e.ctx, seller, in)
	if err != nil || again.ID != first.ID {
		t.Errorf("the same token and request: %v, change set %s, want %s", err, again.ID, first.ID)
	}
	in.Changes = []mercato.Change{ch("UpdateInformation", "offer-private", `{"Name": "B"}`)}
	if _, err := e.svc.StartChangeSet(e.ctx, seller, in); mercato.ErrorCodeOf(err) != mercato.EConflict {
		t.Errorf("the same token with another request: %v", err)
	}
	in.ClientToken = ""
	_, err = e.svc.StartChangeSet(e.ctx, seller, in)
	if me, ok := err.(interface{ Unwrap() error }); !ok || mercato.ErrorCodeOf(err) != mercato.EConflict || !strings.Contains(me.Unwrap().Error(), "in use") {
		t.Errorf("a second change set on a held offer: %v", err)
	}
	if _, err := e.svc.StartChangeSet(e.ctx, buyer, service.StartChangeSetInput{Catalog: "AWSMarketplace",
		Changes: []mercato.Change{ch("UpdateInformation", "offer-public", `{"Name": "mine"}`)}}); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("another account's offer: %v, want ENotFound", err)
	}

	// A change set still preparing can be cancelled, and then it never applies.
	cancelled, err := e.svc.CancelChangeSet(e.ctx, seller, "AWSMarketplace", first.ID)
	if err != nil || cancelled.Status != mercato.ChangeSetCancelled {
		t.Fatalf("cancel: %v %s", err, cancelled.Status)
	}
	e.advanceTo(e.clk.Now())
	if o := offer(t, e, "offer-private"); o.Listing.Name != "" {
		t.Errorf("a cancelled change set was applied: %q", o.Listing.Name)
	}
	if _, err := e.svc.CancelChangeSet(e.ctx, seller, "AWSMarketplace", first.ID); mercato.ErrorCodeOf(err) != mercato.EConflict {
		t.Errorf("cancelling twice: %v", err)
	}
	if !strings.Contains(e.events(seller), "Change Set Cancelled") {
		t.Errorf("events: %s", e.events(seller))
	}
}

// TestValidateIntentChangesNothing: intent VALIDATE succeeds without applying the change.
func TestValidateIntentChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	cs, err := e.svc.StartChangeSet(e.ctx, seller, service.StartChangeSetInput{Catalog: "AWSMarketplace", Intent: "VALIDATE",
		Changes: []mercato.Change{ch("UpdateInformation", "offer-private", `{"Name": "Checked"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	e.advanceTo(e.clk.Now())
	cs, _ = e.svc.ChangeSet(e.ctx, seller, "AWSMarketplace", cs.ID)
	if cs.Status != mercato.ChangeSetSucceeded || offer(t, e, "offer-private").Listing.Name != "" {
		t.Errorf("VALIDATE: %s, name %q", cs.Status, offer(t, e, "offer-private").Listing.Name)
	}
}

// TestStartChangeSetInputNamesEveryBadField checks the synchronous validation of a request's
// shape: each problem is named as the Catalog names the member.
func TestStartChangeSetInputNamesEveryBadField(t *testing.T) {
	in := service.StartChangeSetInput{Catalog: "Elsewhere", Intent: "MAYBE", ClientToken: "has space", Changes: []mercato.Change{
		{ChangeType: "lower", EntityType: "Widget@1.0", Details: json.RawMessage(`"text"`)},
		{ChangeType: "UpdateInformation", EntityType: "Offer@1.0", EntityID: "bad id!", ChangeName: "9x", Details: json.RawMessage(`{}`)},
	}}
	err := in.Validate()
	var me *mercato.Error
	if !errorsAs(err, &me) {
		t.Fatalf("Validate: %v", err)
	}
	var got []string
	for _, f := range me.Fields {
		got = append(got, f.Name)
	}
	want := "Catalog ClientRequestToken Intent ChangeSet[0].ChangeType ChangeSet[0].Entity.Type ChangeSet[0].Details ChangeSet[1].Entity.Identifier ChangeSet[1].ChangeName"
	if strings.Join(got, " ") != want {
		t.Errorf("fields %v\nwant %s", got, want)
	}
}

func errorsAs(err error, me **mercato.Error) bool {
	e, ok := err.(*mercato.Error)
	*me = e
	return ok
}

// TestAChangeSetThatCannotApplyFreesItsEntities: when the job of a change set gives up on a
// fault, the change set ends FAILED with SERVER_FAULT rather than lock its entities for ever.
func TestAChangeSetThatCannotApplyFreesItsEntities(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	in := service.StartChangeSetInput{Catalog: "AWSMarketplace", Changes: []mercato.Change{ch("UpdateInformation", "offer-private", `{"Name": "A"}`)}}
	cs, err := e.svc.StartChangeSet(e.ctx, seller, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := service.FailChangeSetOnFault(e.ctx, e.svc, cs.ID); err != nil {
		t.Fatal(err)
	}
	cs, _ = e.svc.ChangeSet(e.ctx, seller, "AWSMarketplace", cs.ID)
	if cs.Status != mercato.ChangeSetFailed || cs.FailureCode != mercato.FailureServerFault {
		t.Errorf("change set %s %s", cs.Status, cs.FailureCode)
	}
	if next := e.changeSet(seller, in.Changes...); next.Status != mercato.ChangeSetSucceeded {
		t.Errorf("the offer is still held: %s", next.Status)
	}
	if !strings.Contains(e.events(seller), "Change Set Failed") {
		t.Errorf("events: %s", e.events(seller))
	}
}

// TestOfferChangesMakeTheOffer: the change set the console builds from an offer makes that
// offer, terms, targeting and availability included.
func TestOfferChangesMakeTheOffer(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	p12 := mercato.Period{Months: 12}
	want := mercato.Offer{ProductID: product, Visibility: "private", Buyers: []string{buyer2}, ExpiresAt: day(2026, 2, 1),
		Listing: mercato.OfferListing{Name: "From the console"}, Terms: mercato.Terms{
			{Validity: &mercato.ValidityTerm{AgreementDuration: &p12}},
			{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "EUR", Schedule: []mercato.ScheduleItem{
				{ChargeDate: day(2026, 3, 1), ChargeAmount: amt("500.00")}, {ChargeDate: day(2026, 9, 1), ChargeAmount: amt("500.00")}}}},
			{Support: &mercato.SupportTerm{RefundPolicy: "Write to billing@acme.example within 14 days"}},
		}}
	cs := e.changeSet(seller, service.OfferChanges(want, true, true)...)
	if cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("%s %+v", cs.Status, cs.Changes)
	}
	got := offer(t, e, cs.Changes[0].EntityID)
	want.Terms.FillIDs(got.ID)
	if got.State != mercato.OfferReleased || got.Listing.Name != want.Listing.Name || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		len(got.Buyers) != 1 || got.Buyers[0] != buyer2 {
		t.Errorf("offer %+v", got)
	}
	b1, _ := json.Marshal(want.Terms)
	b2, _ := json.Marshal(got.Terms)
	if string(b1) != string(b2) {
		t.Errorf("terms\n got %s\nwant %s", b2, b1)
	}
}

// TestAScenarioAppliesAgainAfterTheCatalogChangedItsOffer: a sandbox restarted with its scenario
// applies it again; an offer the seller has extended since is the scenario's still, not a
// conflict.
func TestAScenarioAppliesAgainAfterTheCatalogChangedItsOffer(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	if cs := e.changeSet(seller, ch("UpdateAvailability", "offer-private", `{"AvailabilityEndDate": "2026-06-30"}`)); cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("extend: %s", cs.Status)
	}
	e.marketplace()
	if o := offer(t, e, "offer-private"); !o.ExpiresAt.Equal(day(2026, 7, 1)) {
		t.Errorf("applying the scenario again changed the extended offer: expires %s", o.ExpiresAt)
	}
}

// TestAmendChangesTheRenewalConfigurationOnly: intent AMEND turns auto-renewal on in place;
// every other change is UNSUPPORTED_ACTION, and the seller may not amend the buyer's choice.
func TestAmendChangesTheRenewalConfigurationOnly(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	three := 3
	e.apply(mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-renewing", ProductID: product, Visibility: "private",
		Buyers: []string{buyer2}, ExpiresAt: day(2026, 3, 1), Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: amt("1200")}},
			{Renewal: &mercato.RenewalTerm{MaxRenewals: &three}}}}}})
	a := e.accept("offer-renewing", buyer2)
	in := service.CreateAgreementRequestInput{Intent: "AMEND", SourceAgreementID: a.ID,
		Terms: []service.RequestedTerm{{ID: "offer-renewing-term-2", Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: true}}}}
	if _, err := e.svc.CreateAgreementRequest(e.ctx, seller, in); mercato.ErrorCodeOf(err) != mercato.EForbidden {
		t.Errorf("the seller amends: %v", err)
	}
	bad := in
	bad.Terms = []service.RequestedTerm{{ID: "offer-renewing-term-1"}}
	if _, err := e.svc.CreateAgreementRequest(e.ctx, buyer2, bad); !hasReason(err, "UNSUPPORTED_ACTION") {
		t.Errorf("amending the price term: %v", err)
	}
	q, err := e.svc.CreateAgreementRequest(e.ctx, buyer2, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Summary.Charges) != 0 {
		t.Errorf("an amendment of the renewal charges %+v", q.Summary.Charges)
	}
	id, err := e.svc.AcceptAgreementRequest(e.ctx, buyer2, q.Request.ID, nil)
	if err != nil || id != a.ID {
		t.Fatalf("accept: %v, agreement %s", err, id)
	}
	got, _ := e.svc.Agreement(e.ctx, a.ID)
	if b, _ := service.EndTimeBehavior(&got); b != "RENEW" || got.Status != mercato.AgreementActive {
		t.Errorf("after the amendment: %s, %s", b, got.Status)
	}
	if !strings.Contains(e.events(buyer2), "Purchase Agreement Amended - Acceptor") {
		t.Errorf("events: %s", e.events(buyer2))
	}
}

func hasReason(err error, reason string) bool {
	me, ok := err.(*mercato.Error)
	return ok && me.Reason == reason
}

// TestProductChanges applies the product change types the seeds need: title, dimensions and
// visibility; a product named with another product type's entity type is not found.
func TestProductChanges(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	prod := func(changeType, details string) mercato.Change {
		return mercato.Change{ChangeType: changeType, EntityType: "SaaSProduct@1.0", EntityID: product, Details: json.RawMessage(details)}
	}
	cs := e.changeSet(seller,
		prod("UpdateInformation", `{"ProductTitle": "Analytics Pro"}`),
		prod("AddDimensions", `[{"Key": "seats", "Description": "Seats", "Name": "Seats", "Types": ["Entitled"], "Unit": "Users"},
			{"Key": "gigabytes", "Name": "Storage", "Types": ["ExternallyMetered"], "Unit": "GB"}]`),
		prod("UpdateVisibility", `{"TargetVisibility": "Limited"}`))
	if cs.Status != mercato.ChangeSetSucceeded {
		t.Fatalf("%s %+v", cs.Status, cs.Changes)
	}
	p, err := e.svc.Product(e.ctx, product)
	if err != nil {
		t.Fatal(err)
	}
	seats, _ := p.Dimension("seats")
	gb, _ := p.Dimension("gigabytes")
	if p.Title != "Analytics Pro" || p.Visibility != "limited" || seats.Metered || !gb.Metered || gb.Unit != "GB" {
		t.Errorf("product %+v", p)
	}
	if cs := e.changeSet(seller, prod("ReleaseProduct", `{}`)); cs.Status != mercato.ChangeSetSucceeded {
		t.Errorf("release: %s", cs.Status)
	} else if p, _ := e.svc.Product(e.ctx, product); p.Visibility != "public" {
		t.Errorf("a released product is %s", p.Visibility)
	}
	failsWith(t, e.changeSet(seller, prod("AddDimensions", `[{"Key": "seats"}]`)), 0, "DUPLICATE_DIMENSION", "Details[0].Key")
	wrong := prod("UpdateInformation", `{"ProductTitle": "x"}`)
	wrong.EntityType = "AmiProduct@1.0"
	_, err = e.svc.StartChangeSet(e.ctx, seller, service.StartChangeSetInput{Catalog: "AWSMarketplace", Changes: []mercato.Change{wrong}})
	if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("a SaaS product named as an AMI product: %v, want ENotFound", err)
	}
}
