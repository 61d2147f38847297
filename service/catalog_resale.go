package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"mercato"
)

// resaleAuthorizationEntity is the Catalog's entity type of resale authorizations.
const resaleAuthorizationEntity = "ResaleAuthorization@1.0"

// resaleAuthorizationKind marks resale authorizations in catalogEntityTypes: no product has it.
const resaleAuthorizationKind mercato.ProductType = "resale-authorization"

// Limits of resale authorization details.
const (
	maxResaleName        = 255
	maxResaleDescription = 255
)

// resaleChanges are the change types of ResaleAuthorization@1.0, each a function of the plan.
var resaleChanges = map[string]func(*catalogPlan, *mercato.Change) error{
	"CreateResaleAuthorization":   (*catalogPlan).createResaleAuthorization,
	"UpdateInformation":           (*catalogPlan).updateResaleInformation,
	"UpdatePricingTerms":          (*catalogPlan).updateResalePricing,
	"UpdatePaymentScheduleTerms":  (*catalogPlan).updateResalePricing,
	"UpdateLegalTerms":            (*catalogPlan).updateResalePricing,
	"UpdateSupportTerms":          (*catalogPlan).updateResalePricing,
	"UpdateAvailability":          (*catalogPlan).updateResaleAvailability,
	"UpdateBuyerTargetingTerms":   (*catalogPlan).updateResaleTargeting,
	"ReleaseResaleAuthorization":  (*catalogPlan).releaseResaleAuthorization,
	"RestrictResaleAuthorization": (*catalogPlan).restrictResaleAuthorization,
}

// applyResaleAuthorization applies a change to a ResaleAuthorization@1.0 entity.
func (p *catalogPlan) applyResaleAuthorization(ch *mercato.Change) error {
	fn, ok := resaleChanges[ch.ChangeType]
	if !ok {
		return invalid("INVALID_CHANGE_TYPE", "ChangeType", "ChangeType %s is not a change type of %s", ch.ChangeType, resaleAuthorizationEntity)
	}
	return fn(p, ch)
}

// resaleAuthorization returns the caller's (the maker's) resale authorization with the ID, as
// the changes so far left it.
func (p *catalogPlan) resaleAuthorization(id string) (*mercato.ResaleAuthorization, error) {
	if r, ok := p.auths[id]; ok {
		return r, nil
	}
	if id == "" {
		return nil, invalid("MISSING_ENTITY_IDENTIFIER", "Entity.Identifier", "Entity.Identifier is required for this change type")
	}
	r, err := p.tx.GetResaleAuthorization(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && r.ManufacturerID != p.seller) {
		return nil, &mercato.Error{Code: mercato.ENotFound, Reason: "ENTITY_NOT_FOUND",
			Message: "Entity.Identifier: no resale authorization " + id + " of yours", ResourceID: id, ResourceType: "ResaleAuthorization"}
	}
	if err != nil {
		return nil, err
	}
	p.keepResaleAuthorization(&r)
	return &r, nil
}

func (p *catalogPlan) keepResaleAuthorization(r *mercato.ResaleAuthorization) {
	p.auths[r.ID] = r
	p.order = append(p.order, r.ID)
}

// changingResale decodes the details of a change to an existing authorization, which only a
// draft or an active one accepts: a restricted authorization is final.
func (p *catalogPlan) changingResale(ch *mercato.Change, d any) (*mercato.ResaleAuthorization, error) {
	r, err := p.resaleAuthorization(ch.EntityID)
	if err != nil {
		return nil, err
	}
	if r.State == mercato.ResaleAuthorizationRestricted {
		return nil, invalid("INVALID_STATE", "Entity.Identifier", "resale authorization %s is restricted: it can no longer change", r.ID)
	}
	return r, decodeDetails(ch, d)
}

// createResaleAuthorization makes a draft authorization of one of the caller's products for a
// channel partner: a registered channel-partner account other than the caller.
func (p *catalogPlan) createResaleAuthorization(ch *mercato.Change) error {
	var d struct{ ProductId, Name, Description, ResellerAccountId string }
	if err := p.creating(ch, &d); err != nil {
		return err
	}
	switch {
	case d.ProductId == "":
		return fieldError("Details.ProductId", "is required")
	case d.ResellerAccountId == "":
		return fieldError("Details.ResellerAccountId", "is required")
	case !accountPattern.MatchString(d.ResellerAccountId):
		return fieldError("Details.ResellerAccountId", "%q is not a 12-digit account ID", d.ResellerAccountId)
	case d.ResellerAccountId == p.seller:
		return fieldError("Details.ResellerAccountId", "is your own account: a seller cannot resell its own product")
	}
	if err := checkResaleText(d.Name, d.Description, true); err != nil {
		return err
	}
	pr, err := p.tx.GetProduct(d.ProductId)
	if err != nil || pr.SellerID != p.seller {
		return fieldError("Details.ProductId", "names no product of yours (%s)", d.ProductId)
	}
	reseller, err := p.tx.GetAccount(d.ResellerAccountId)
	if err != nil || !reseller.HasRole(mercato.RoleChannelPartner) {
		return invalid("INVALID_RESELLER", "Details.ResellerAccountId",
			"Details.ResellerAccountId %s is not a registered channel partner", d.ResellerAccountId)
	}
	r := &mercato.ResaleAuthorization{ID: "resaleauthz-" + randomID(13), ManufacturerID: p.seller,
		ResellerID: reseller.ID, ProductID: pr.ID, Name: d.Name, Description: d.Description,
		State: mercato.ResaleAuthorizationDraft, CreatedAt: p.now}
	p.keepResaleAuthorization(r)
	ch.EntityID = r.ID
	return nil
}

// checkResaleText checks an authorization's name and description.
func checkResaleText(name, description string, nameRequired bool) error {
	if n := len([]rune(name)); (nameRequired || name != "") && (n < 1 || n > maxResaleName) {
		return fieldError("Details.Name", "must be 1 to %d characters", maxResaleName)
	}
	if len([]rune(description)) > maxResaleDescription {
		return fieldError("Details.Description", "must be at most %d characters", maxResaleDescription)
	}
	return nil
}

// updateResaleInformation sets an authorization's name and description.
func (p *catalogPlan) updateResaleInformation(ch *mercato.Change) error {
	var d struct{ Name, Description *string }
	r, err := p.changingResale(ch, &d)
	if err != nil {
		return err
	}
	name, desc := r.Name, r.Description
	if d.Name != nil {
		name = *d.Name
	}
	if d.Description != nil {
		desc = *d.Description
	}
	if err := checkResaleText(name, desc, d.Name != nil); err != nil {
		return err
	}
	r.Name, r.Description = name, desc
	return nil
}

// resaleTerm is one of the ISV's terms of an authorization, in the Catalog's shape.
type resaleTerm struct {
	Type         string
	CurrencyCode mercato.Currency
	Price        string                                      // ResaleFixedUpfrontPricingTerm
	Duration     string                                      // ResaleFixedUpfrontPricingTerm
	Grants       []json.RawMessage                           // ResaleFixedUpfrontPricingTerm
	Schedule     []struct{ ChargeDate, ChargeAmount string } // ResalePaymentScheduleTerm
}

// updateResalePricing sets terms of an authorization, one of each type the change type sets
// (resaleTermTypes): the ISV's price (the wholesale price) of the whole contract, a fixed
// upfront price or a payment schedule whose payments add up to it; its per-unit rates of usage
// and of a configurable contract; a free trial; its legal and support terms. The terms are kept
// as sent.
func (p *catalogPlan) updateResalePricing(ch *mercato.Change) error {
	var d struct {
		PricingModel string
		Terms        []json.RawMessage
	}
	r, err := p.changingResale(ch, &d)
	if err != nil {
		return err
	}
	if r.State != mercato.ResaleAuthorizationDraft && !p.authsReleased[r.ID] {
		return invalid("INVALID_STATE", "Details.Terms", "resale authorization %s is released: its price cannot change", r.ID)
	}
	if ch.ChangeType == "UpdatePricingTerms" {
		if err := checkPricingModel(d.PricingModel); err != nil {
			return err
		}
	}
	if len(d.Terms) < 1 || len(d.Terms) > len(resaleTermTypes) {
		return fieldError("Details.Terms", "must hold 1 to %d terms", len(resaleTermTypes))
	}
	seen := map[string]bool{}
	for i, raw := range d.Terms {
		field := fmt.Sprintf("Details.Terms[%d]", i)
		typ := resaleTermType(raw)
		if resaleTermTypes[typ] != ch.ChangeType {
			return fieldError(field+".Type", "%q is not a resale term type that %s sets (%s)", typ, ch.ChangeType, resaleTermTypesOf(ch.ChangeType))
		}
		if seen[typ] {
			return fieldError(field+".Type", "%s appears twice", typ)
		}
		seen[typ] = true
		if err := p.setResaleTerm(r, raw, typ, field); err != nil {
			return err
		}
	}
	return nil
}

// setResaleTerm checks one term and sets it on the authorization, in its currency.
func (p *catalogPlan) setResaleTerm(r *mercato.ResaleAuthorization, raw json.RawMessage, typ, field string) error {
	var currency mercato.Currency
	var total mercato.Amount
	if typ == "ResaleFixedUpfrontPricingTerm" || typ == "ResalePaymentScheduleTerm" {
		var t resaleTerm
		if err := strictJSON(raw, &t); err != nil {
			return fieldError(field+jsonErrorField(err), "%s", jsonErrorMessage(err))
		}
		var err error
		if total, err = resaleTermTotal(&t, field); err != nil {
			return err
		}
		currency = t.CurrencyCode
	} else {
		t, err := wholesaleTerm(raw, field)
		if err != nil {
			return err
		}
		currency = termCurrency(&t)
	}
	if currency != "" && r.Currency != "" && r.Currency != currency {
		return fieldError(field+".CurrencyCode", "is %s; the authorization's other terms are in %s", currency, r.Currency)
	}
	if currency != "" {
		r.Currency = currency
	}
	r.Terms = replaceResaleTerm(r.Terms, typ, raw)
	// A payment schedule is the price paid in parts: it rules when present.
	if typ == "ResalePaymentScheduleTerm" || (typ == "ResaleFixedUpfrontPricingTerm" && !hasResaleTerm(r.Terms, "ResalePaymentScheduleTerm")) {
		r.Wholesale = total
	}
	return nil
}

// resaleTermTotal checks a resale term and returns what it asks for the whole contract.
func resaleTermTotal(t *resaleTerm, field string) (mercato.Amount, error) {
	if !t.CurrencyCode.Valid() {
		return 0, fieldError(field+".CurrencyCode", "%q is not an ISO 4217 currency code", t.CurrencyCode)
	}
	amount := func(field, s string) (mercato.Amount, error) {
		a, err := mercato.ParseAmount(s)
		if err != nil || a < 0 {
			return 0, fieldError(field, "%q is not a non-negative decimal amount", s)
		}
		if msg := mercato.MinorUnitsProblem(a, t.CurrencyCode); msg != "" {
			return 0, fieldError(field, "%s", msg)
		}
		return a, nil
	}
	if t.Type == "ResaleFixedUpfrontPricingTerm" {
		if t.Schedule != nil {
			return 0, fieldError(field+".Schedule", "is not a member of %s", t.Type)
		}
		return amount(field+".Price", t.Price)
	}
	if t.Price != "" || t.Duration != "" || t.Grants != nil {
		return 0, fieldError(field, "%s holds CurrencyCode and Schedule only", t.Type)
	}
	if len(t.Schedule) < 1 || len(t.Schedule) > mercato.MaxInstallments {
		return 0, fieldError(field+".Schedule", "must hold 1 to %d payments", mercato.MaxInstallments)
	}
	var total mercato.Amount
	for i, it := range t.Schedule {
		if _, err := time.Parse(time.RFC3339, it.ChargeDate); err != nil {
			return 0, fieldError(fmt.Sprintf("%s.Schedule[%d].ChargeDate", field, i), "%q is not an ISO 8601 time", it.ChargeDate)
		}
		a, err := amount(fmt.Sprintf("%s.Schedule[%d].ChargeAmount", field, i), it.ChargeAmount)
		if err != nil {
			return 0, err
		}
		total += a
	}
	return total, nil
}

func resaleTermType(raw json.RawMessage) string {
	var t struct{ Type string }
	_ = json.Unmarshal(raw, &t)
	return t.Type
}

func hasResaleTerm(terms []json.RawMessage, typ string) bool {
	return slices.ContainsFunc(terms, func(raw json.RawMessage) bool { return resaleTermType(raw) == typ })
}

// replaceResaleTerm returns terms with the one of the type replaced by raw.
func replaceResaleTerm(terms []json.RawMessage, typ string, raw json.RawMessage) []json.RawMessage {
	out := slices.DeleteFunc(slices.Clone(terms), func(t json.RawMessage) bool { return resaleTermType(t) == typ })
	return append(out, raw)
}

// updateResaleAvailability sets the last day on which the reseller may make offers with the
// authorization (until 23:59:59 UTC); a day already past ends it now.
func (p *catalogPlan) updateResaleAvailability(ch *mercato.Change) error {
	var d struct {
		AvailabilityEndDate *string
		OffersMaxQuantity   *int
	}
	r, err := p.changingResale(ch, &d)
	if err != nil {
		return err
	}
	day, err := availabilityEndDay(d.AvailabilityEndDate)
	if err != nil {
		return err
	}
	if d.OffersMaxQuantity != nil && *d.OffersMaxQuantity < 1 {
		return fieldError("Details.OffersMaxQuantity", "must be at least 1")
	}
	if d.OffersMaxQuantity != nil {
		r.MaxOffers = *d.OffersMaxQuantity
	}
	r.ExpiresAt = day.UTC().AddDate(0, 0, 1)
	if r.ExpiresAt.Before(p.now) {
		r.ExpiresAt = p.now // a day already past ends it now
	}
	return nil
}

// updateResaleTargeting limits the buyers to whom the reseller may offer the product.
func (p *catalogPlan) updateResaleTargeting(ch *mercato.Change) error {
	type buyer struct{ BuyerAccountId, EulaUrl string }
	var d struct {
		Terms []struct {
			Type              string
			PositiveTargeting struct{ BuyerAccounts []buyer }
		}
	}
	r, err := p.changingResale(ch, &d)
	if err != nil {
		return err
	}
	if r.State != mercato.ResaleAuthorizationDraft && !p.authsReleased[r.ID] {
		return invalid("INVALID_STATE", "Details.Terms", "resale authorization %s is released: its buyers cannot change", r.ID)
	}
	if len(d.Terms) != 1 || d.Terms[0].Type != "BuyerTargetingTerm" {
		return fieldError("Details.Terms", "must hold exactly one BuyerTargetingTerm")
	}
	var buyers []string
	for i, b := range d.Terms[0].PositiveTargeting.BuyerAccounts {
		if !accountPattern.MatchString(b.BuyerAccountId) {
			return invalid("INVALID_BUYER_ACCOUNTS", fmt.Sprintf("Details.Terms[0].PositiveTargeting.BuyerAccounts[%d].BuyerAccountId", i),
				"Details.Terms[0].PositiveTargeting.BuyerAccounts[%d].BuyerAccountId %q is not a 12-digit account ID", i, b.BuyerAccountId)
		}
		buyers = append(buyers, b.BuyerAccountId)
	}
	if len(buyers) > mercato.MaxOfferBuyers {
		return fieldError("Details.Terms[0].PositiveTargeting.BuyerAccounts", "holds %d accounts; at most %d", len(buyers), mercato.MaxOfferBuyers)
	}
	slices.Sort(buyers)
	r.Buyers = slices.Compact(buyers)
	return nil
}

// releaseResaleAuthorization makes a draft authorization usable by its reseller. Its price may
// be set later in the same change set (as AWS's examples do); it is checked when the reseller
// uses it.
func (p *catalogPlan) releaseResaleAuthorization(ch *mercato.Change) error {
	var d struct{}
	r, err := p.changingResale(ch, &d)
	if err != nil {
		return err
	}
	if r.State != mercato.ResaleAuthorizationDraft {
		return invalid("INVALID_STATE", "Entity.Identifier", "resale authorization %s is already released", r.ID)
	}
	r.State = mercato.ResaleAuthorizationActive
	p.authsReleased[r.ID] = true
	return nil
}

// restrictResaleAuthorization stops a released authorization from making new offers; offers
// and agreements already made with it stand.
func (p *catalogPlan) restrictResaleAuthorization(ch *mercato.Change) error {
	var d struct{}
	r, err := p.changingResale(ch, &d)
	if err != nil {
		return err
	}
	if r.State != mercato.ResaleAuthorizationActive {
		return invalid("INVALID_STATE", "Entity.Identifier", "resale authorization %s is %s: only a released one can be restricted", r.ID, r.State)
	}
	r.State = mercato.ResaleAuthorizationRestricted
	return nil
}

// createOfferUsingResaleAuthorization makes the reseller's draft private offer (a CPPO) of the
// product an authorization it holds names, targeting the authorization's buyers if it names
// any. The reseller prices it (UpdatePricingTerms) no lower than the wholesale price.
func (p *catalogPlan) createOfferUsingResaleAuthorization(ch *mercato.Change) error {
	var d struct{ ProductId, ResaleAuthorizationId, Name, Description string }
	if err := p.creating(ch, &d); err != nil {
		return err
	}
	if err := checkOfferName(d.Name); err != nil {
		return err
	}
	r, err := p.heldAuthorization(d.ResaleAuthorizationId, "Details.ResaleAuthorizationId")
	if err != nil {
		return err
	}
	if d.ProductId != "" && d.ProductId != r.ProductID {
		return fieldError("Details.ProductId", "is %s; resale authorization %s is for product %s", d.ProductId, r.ID, r.ProductID)
	}
	if len([]rune(d.Description)) > maxOfferDescription {
		return fieldError("Details.Description", "must be at most %d characters", maxOfferDescription)
	}
	o := p.newOffer(r.ProductID, d.Name)
	o.Listing.Description = d.Description
	o.Visibility, o.Buyers = "private", slices.Clone(r.Buyers)
	o.Resale = &mercato.Resale{AuthorizationID: r.ID, ManufacturerID: r.ManufacturerID, Wholesale: r.Wholesale, Rates: resaleRates(r)}
	o.Terms = authorizedTerms(r)
	o.Terms.FillIDs(o.ID)
	ch.EntityID = o.ID
	return nil
}

// heldAuthorization reads an authorization the plan's seller holds as reseller and may use now.
// A restricted, expired, unpriced or unreleased one is refused naming the field.
func (p *catalogPlan) heldAuthorization(id, field string) (*mercato.ResaleAuthorization, error) {
	return p.usableAuthorization(id, field, p.tx.GetResaleAuthorization)
}

// usableAuthorization is heldAuthorization reading the authorization with read: a release
// reads it with its lock, so that it is read once.
func (p *catalogPlan) usableAuthorization(id, field string, read func(string) (mercato.ResaleAuthorization, error)) (*mercato.ResaleAuthorization, error) {
	if id == "" {
		return nil, fieldError(field, "is required")
	}
	r, err := read(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && r.ResellerID != p.seller) {
		return nil, invalid("INVALID_RESALE_AUTHORIZATION", field, "%s names no resale authorization granted to you (%s)", field, id)
	}
	if err != nil {
		return nil, err
	}
	if why := r.Usable(p.now); why != "" {
		return nil, invalid("INVALID_RESALE_AUTHORIZATION", field, "%s %s %s", field, id, why)
	}
	if !hasResalePricing(&r) {
		return nil, invalid("INVALID_RESALE_AUTHORIZATION", field, "%s %s has no pricing terms", field, id)
	}
	return &r, nil
}

// releasableResale checks a CPPO against its authorization when the reseller releases it: the
// authorization is still usable and allows another offer, the offer's buyers are among those
// it names, the offer ends no later than it, in its currency, at a price of at least the
// wholesale price. It then fixes the resale's price, the buyer's price of the whole contract.
func (p *catalogPlan) releasableResale(o *mercato.Offer) error {
	// Two releases with one authorization count its offers one after the other, whatever the
	// isolation: the second waits here, reading it with its lock, until the first has committed.
	r, err := p.usableAuthorization(o.Resale.AuthorizationID, "ResaleAuthorizationId", p.tx.LockResaleAuthorization)
	if err != nil {
		return err
	}
	if !o.IsPrivate() { // every channel-partner offer is private, as the scenario path requires
		return invalid("INVALID_BUYER_ACCOUNTS", "PositiveTargeting.BuyerAccounts",
			"PositiveTargeting.BuyerAccounts: offer %s resells a product and must target its buyers", o.ID)
	}
	if err := p.withinAuthorization(o, r); err != nil {
		return err
	}
	// A configurable contract's value is the buyer's to configure: its rates are checked below.
	value, err := resaleContractValue(o.Terms, p.now)
	if err != nil {
		return catalogOfferProblem(err)
	}
	if value < r.Wholesale {
		return invalid("INVALID_PRICE", "Terms", "offer %s's price %s is below the wholesale price %s of resale authorization %s",
			o.ID, value, r.Wholesale, r.ID)
	}
	rates := resaleRates(r)
	if err := checkRatedPrices(o, r, rates); err != nil {
		return err
	}
	o.Resale.ManufacturerID, o.Resale.Wholesale, o.Resale.Price = r.ManufacturerID, r.Wholesale, value
	o.Resale.Rates = rates
	return nil
}

// withinAuthorization checks the offer's buyers, end, currency and count against r.
func (p *catalogPlan) withinAuthorization(o *mercato.Offer, r *mercato.ResaleAuthorization) error {
	if len(r.Buyers) > 0 {
		for _, b := range o.Buyers {
			if !slices.Contains(r.Buyers, b) {
				return invalid("INVALID_BUYER_ACCOUNTS", "PositiveTargeting.BuyerAccounts",
					"PositiveTargeting.BuyerAccounts: buyer %s is not one resale authorization %s allows (%v)", b, r.ID, r.Buyers)
			}
		}
	}
	if !r.ExpiresAt.IsZero() && o.ExpiresAt.After(r.ExpiresAt) {
		return invalid("INVALID_AVAILABILITY_END_DATE", "AvailabilityEndDate",
			"AvailabilityEndDate of offer %s is after that of resale authorization %s (%s)", o.ID, r.ID, r.ExpiresAt.Add(-time.Nanosecond).Format(time.DateOnly))
	}
	if c := o.Terms.Currency(); c != "" && c != r.Currency {
		return invalid("INCOMPATIBLE_TERMS", "Terms", "offer %s is priced in %s; resale authorization %s in %s", o.ID, c, r.ID, r.Currency)
	}
	if r.MaxOffers == 0 {
		return nil
	}
	made, err := p.tx.ListOffers(mercato.OfferFilter{SellerID: p.seller, ProductID: r.ProductID})
	if err != nil {
		return err
	}
	n := 0
	for _, other := range made {
		if other.ID != o.ID && other.Released() && other.Resale != nil && other.Resale.AuthorizationID == r.ID {
			n++
		}
	}
	if n >= r.MaxOffers {
		return invalid("INVALID_RESALE_AUTHORIZATION", "ResaleAuthorizationId",
			"ResaleAuthorizationId %s allows %d offers, all made", r.ID, r.MaxOffers)
	}
	return nil
}

// resaleEntity writes an authorization as a catalog entity.
func resaleEntity(r *mercato.ResaleAuthorization) CatalogEntity {
	return CatalogEntity{Type: resaleAuthorizationEntity, ID: r.ID, ARN: entityARN(r.ManufacturerID, "ResaleAuthorization", r.ID),
		Name: r.Name, Visibility: string(r.State), LastModified: r.UpdatedAt, ResaleAuthorization: r}
}

// heldResaleEntity reads an authorization shared with the caller as its reseller: a released
// (or since restricted) one; a draft is the maker's alone. Errors: ENotFound.
func heldResaleEntity(tx mercato.Tx, caller, id string) (CatalogEntity, error) {
	r, err := tx.GetResaleAuthorization(id)
	if err != nil || r.ResellerID != caller || r.State == mercato.ResaleAuthorizationDraft {
		if err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound {
			return CatalogEntity{}, err
		}
		return CatalogEntity{}, &mercato.Error{Code: mercato.ENotFound, Message: "no entity " + id + " of yours in the catalog",
			ResourceID: id, ResourceType: "Entity"}
	}
	return resaleEntity(&r), nil
}

// SharedCatalogEntities returns the entities of a kind shared with the caller (ListEntities'
// OwnershipType SHARED): the resale authorizations it holds as reseller, released or
// restricted, ordered by ID. Other kinds have none.
func (s *Service) SharedCatalogEntities(ctx context.Context, caller, kind string) ([]CatalogEntity, error) {
	if _, ok := catalogEntityTypes[kind+"@1.0"]; !ok {
		return nil, invalid("", "EntityType", "EntityType %q is not listed by this catalog", kind)
	}
	var out []CatalogEntity
	if kind+"@1.0" != resaleAuthorizationEntity {
		return out, nil
	}
	err := s.view(ctx, func(tx mercato.Tx) error {
		rs, err := tx.ListResaleAuthorizations(caller)
		for i := range rs {
			if rs[i].ResellerID == caller && rs[i].State != mercato.ResaleAuthorizationDraft {
				out = append(out, resaleEntity(&rs[i]))
			}
		}
		return err
	})
	return out, err
}

// resaleDocument writes an authorization as the Catalog's ResaleAuthorization@1.0
// DetailsDocument: its terms as the maker sent them, its buyer targeting and availability.
func resaleDocument(r *mercato.ResaleAuthorization) map[string]any {
	terms := make([]any, 0, len(r.Terms)+1)
	for _, t := range r.Terms {
		terms = append(terms, t)
	}
	if len(r.Buyers) > 0 {
		accounts := make([]any, 0, len(r.Buyers))
		for _, b := range r.Buyers {
			accounts = append(accounts, map[string]any{"BuyerAccountId": b})
		}
		terms = append(terms, map[string]any{"Type": "BuyerTargetingTerm", "PositiveTargeting": map[string]any{"BuyerAccounts": accounts}})
	}
	rules := []any{map[string]any{"Type": "PartnerTargetingRule", "PositiveTargeting": map[string]any{"SellerAccounts": []string{r.ResellerID}}}}
	if !r.ExpiresAt.IsZero() || r.MaxOffers > 0 {
		avail := map[string]any{"Type": "AvailabilityRule"}
		if !r.ExpiresAt.IsZero() {
			avail["AvailabilityEndDate"] = r.ExpiresAt.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
		}
		if r.MaxOffers > 0 {
			avail["OffersMaxQuantity"] = r.MaxOffers
		}
		rules = append(rules, avail)
	}
	doc := map[string]any{"Id": r.ID, "ProductId": r.ProductID, "Name": r.Name, "Status": string(r.State),
		"ManufacturerAccountId": r.ManufacturerID, "ResellerAccountId": r.ResellerID, "CreatedDate": CatalogTime(r.CreatedAt),
		"Terms": terms, "Rules": rules}
	if r.Description != "" {
		doc["Description"] = r.Description
	}
	return doc
}

// maxMarkupPercent bounds a markup: a partner marks a price up, at most tenfold.
const maxMarkupPercent = 1000

// updateMarkup prices a CPPO draft at the authorization's terms marked up by a percentage:
// each wholesale amount (the fixed price, each scheduled payment) plus that percentage of it,
// rounded to the currency's minor unit, half away from zero; each per-unit rate (usage, a
// configurable contract's rate cards) plus that percentage, rounded to 8 decimals. A free
// trial, legal and support terms of the authorization are taken as they are.
func (p *catalogPlan) updateMarkup(ch *mercato.Change) error {
	var d struct{ Markup *struct{ Percentage string } }
	o, err := p.changing(ch, &d)
	if err != nil {
		return err
	}
	if o.Resale == nil || o.Resale.AuthorizationID == "" {
		return invalid("INVALID_INPUT", "Entity.Identifier", "offer %s was not made with a resale authorization: price it with UpdatePricingTerms", o.ID)
	}
	if o.Released() {
		return invalid("INVALID_STATE", "Details.Markup", "offer %s is released: its price cannot change", o.ID)
	}
	if d.Markup == nil {
		return fieldError("Details.Markup", "is required")
	}
	pct, err := mercato.ParseAmount(d.Markup.Percentage)
	if err != nil || pct < 0 || pct > maxMarkupPercent*mercato.AmountScale {
		return fieldError("Details.Markup.Percentage", "%q is not a percentage from 0 to %d", d.Markup.Percentage, maxMarkupPercent)
	}
	r, err := p.heldAuthorization(o.Resale.AuthorizationID, "ResaleAuthorizationId")
	if err != nil {
		return err
	}
	terms, err := markedUpTerms(r, pct)
	if err != nil {
		return err
	}
	for _, kind := range termsSetByResale {
		if kind == "UpdatePricingTerms" || kind == "UpdatePaymentScheduleTerms" || slices.ContainsFunc(terms, func(t mercato.Term) bool { return catalogTermKinds[t.Kind()] == kind }) {
			o.Terms = replaceTerms(o.Terms, nil, kind)
		}
	}
	o.Terms = append(o.Terms, terms...)
	o.Terms.FillIDs(o.ID)
	return nil
}

// markedUp returns a plus pct percent of it, rounded to the currency's minor unit.
func markedUp(a, pct mercato.Amount, c mercato.Currency) mercato.Amount {
	return a + a.MulFrac(int64(pct), 100*mercato.AmountScale, c)
}

// markedUpTerms turns the authorization's resale terms into the offer's, marked up by pct. A
// payment schedule prices the contract by itself: the fixed price beside it is then zero.
func markedUpTerms(r *mercato.ResaleAuthorization, pct mercato.Amount) (mercato.Terms, error) {
	scheduled := hasResaleTerm(r.Terms, "ResalePaymentScheduleTerm")
	var out mercato.Terms
	for _, raw := range r.Terms {
		var t resaleTerm
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, err
		}
		doc := map[string]any{"CurrencyCode": t.CurrencyCode}
		kind := "UpdatePricingTerms"
		switch t.Type {
		case "ResaleFixedUpfrontPricingTerm":
			price := mercato.Amount(0)
			if !scheduled {
				a, _ := mercato.ParseAmount(t.Price)
				price = markedUp(a, pct, t.CurrencyCode)
			}
			doc["Type"], doc["Price"], doc["Duration"] = "FixedUpfrontPricingTerm", price.Format(t.CurrencyCode.MinorDigits()), t.Duration
			if t.Grants != nil {
				doc["Grants"] = t.Grants
			}
		case "ResalePaymentScheduleTerm":
			kind = "UpdatePaymentScheduleTerms"
			items := make([]any, 0, len(t.Schedule))
			for _, it := range t.Schedule {
				a, _ := mercato.ParseAmount(it.ChargeAmount)
				when, _ := time.Parse(time.RFC3339, it.ChargeDate)
				items = append(items, map[string]any{"ChargeDate": when.UTC().Format(time.DateOnly),
					"ChargeAmount": markedUp(a, pct, t.CurrencyCode).Format(t.CurrencyCode.MinorDigits())})
			}
			doc["Type"], doc["Schedule"] = "PaymentScheduleTerm", items
		case "ResaleConfigurableUpfrontPricingTerm", "ResaleUsageBasedPricingTerm", "ResaleFreeTrialPricingTerm", "ResaleLegalTerm", "ResaleSupportTerm":
			term, err := markedUpWholesale(raw, pct)
			if err != nil {
				return nil, err
			}
			out = append(out, term)
			continue
		default:
			continue
		}
		b, _ := json.Marshal(doc)
		term, err := decodeCatalogTerm(b, "Details.Markup", kind)
		if err != nil {
			return nil, err
		}
		out = append(out, term)
	}
	return out, nil
}
