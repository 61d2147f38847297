package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"mercato"
)

// CatalogEntity is an entity of the catalog as its seller sees it through the Catalog API.
type CatalogEntity struct {
	Type         string // e.g. Offer@1.0, SaaSProduct@1.0
	ID           string
	ARN          string
	Name         string
	Visibility   string // Public, Limited, Draft ...
	LastModified time.Time
	Offer        *mercato.Offer   // for offers
	Product      *mercato.Product // for products
	// ResaleAuthorization is set for resale authorizations.
	ResaleAuthorization *mercato.ResaleAuthorization
	// Experience is set for experiences and their procurement policies (told apart by Type).
	Experience *mercato.PrivateMarketplace
}

// Kind is the entity type without its version (Offer, SaaSProduct ...).
func (e *CatalogEntity) Kind() string { kind, _, _ := strings.Cut(e.Type, "@"); return kind }

// catalogEntityOf reads the caller's entity with the ID, of the entity type if one is given.
// Another seller's entity, or one of another type, is ENotFound.
func catalogEntityOf(tx mercato.Tx, caller, id, entityType string) (CatalogEntity, error) {
	notFound := &mercato.Error{Code: mercato.ENotFound, Message: "no entity " + id + " of yours in the catalog",
		ResourceID: id, ResourceType: "Entity"}
	if entityType == "" || entityType == experienceEntity || entityType == procurementPolicyEntity {
		e, ok, err := experienceEntityFor(tx, caller, id, entityType)
		switch {
		case err != nil:
			return CatalogEntity{}, err
		case ok:
			return e, nil
		case entityType != "":
			return CatalogEntity{}, notFound
		}
	}
	if entityType == "" || entityType == "Offer@1.0" {
		o, err := tx.GetOffer(id)
		switch {
		case err == nil && o.SellerID == caller:
			return offerEntity(&o), nil
		case err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound:
			return CatalogEntity{}, err
		}
	}
	if entityType == "Offer@1.0" {
		return CatalogEntity{}, notFound
	}
	if entityType == "" || entityType == resaleAuthorizationEntity {
		r, err := tx.GetResaleAuthorization(id)
		switch {
		case err == nil && r.ManufacturerID == caller:
			return resaleEntity(&r), nil
		case err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound:
			return CatalogEntity{}, err
		case entityType != "":
			return CatalogEntity{}, notFound
		}
	}
	pr, err := tx.GetProduct(id)
	switch {
	case err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound:
		return CatalogEntity{}, err
	case err != nil || pr.SellerID != caller:
		return CatalogEntity{}, notFound
	}
	e := productEntity(&pr)
	if entityType != "" && e.Type != entityType {
		return CatalogEntity{}, notFound
	}
	return e, nil
}

func offerEntity(o *mercato.Offer) CatalogEntity {
	vis := "Public"
	switch {
	case !o.Released():
		vis = "Draft"
	case o.IsPrivate():
		vis = "Private"
	}
	return CatalogEntity{Type: "Offer@1.0", ID: o.ID, ARN: entityARN(o.SellerID, "Offer", o.ID), Name: o.Listing.Name,
		Visibility: vis, LastModified: o.Listing.ModifiedAt, Offer: o}
}

func productEntity(p *mercato.Product) CatalogEntity {
	kind := productKind(p.Type)
	vis := "Public"
	switch p.Visibility {
	case "limited":
		vis = "Limited"
	case "restricted":
		vis = "Restricted"
	}
	return CatalogEntity{Type: kind + "@1.0", ID: p.ID, ARN: entityARN(p.SellerID, kind, p.ID), Name: p.Title,
		Visibility: vis, Product: p}
}

// CatalogEntity returns one of the caller's catalog entities. Errors: EInvalid (catalog),
// ENotFound.
func (s *Service) CatalogEntity(ctx context.Context, caller, catalog, id string) (CatalogEntity, error) {
	var p mercato.Problems
	if checkCatalog(&p, "catalog", catalog); len(p) > 0 {
		return CatalogEntity{}, p.Err("invalid request")
	}
	var e CatalogEntity
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		e, err = catalogEntityOf(tx, caller, entityID(id), "")
		if mercato.ErrorCodeOf(err) == mercato.ENotFound {
			e, err = heldResaleEntity(tx, caller, entityID(id)) // shared with its reseller
		}
		return err
	})
	return e, err
}

// CatalogEntities returns the caller's entities of a kind (Offer, SaaSProduct, AmiProduct,
// ContainerProduct, ProfessionalServicesProduct, DataProduct), ordered by ID. Errors: EInvalid
// (another kind).
func (s *Service) CatalogEntities(ctx context.Context, caller, kind string) ([]CatalogEntity, error) {
	typ, ok := catalogEntityTypes[kind+"@1.0"]
	if !ok {
		return nil, invalid("", "EntityType", "EntityType %q is not listed by this catalog", kind)
	}
	var out []CatalogEntity
	err := s.view(ctx, func(tx mercato.Tx) error {
		if typ == experienceKind || typ == procurementPolicyKind {
			var err error
			out, err = experienceEntities(tx, caller, typ == procurementPolicyKind)
			return err
		}
		if typ == resaleAuthorizationKind {
			rs, err := tx.ListResaleAuthorizations(caller)
			for i := range rs {
				if rs[i].ManufacturerID == caller {
					out = append(out, resaleEntity(&rs[i]))
				}
			}
			return err
		}
		if typ == "" {
			offers, err := tx.ListOffers(mercato.OfferFilter{SellerID: caller})
			for i := range offers {
				out = append(out, offerEntity(&offers[i]))
			}
			return err
		}
		products, err := tx.ListProducts(caller)
		for i := range products {
			if products[i].Type == typ {
				out = append(out, productEntity(&products[i]))
			}
		}
		return err
	})
	return out, err
}

// Document is the entity's DetailsDocument, as DescribeEntity returns it.
func (e *CatalogEntity) Document() map[string]any {
	if e.Offer != nil {
		return offerDocument(e.Offer)
	}
	if e.ResaleAuthorization != nil {
		return resaleDocument(e.ResaleAuthorization)
	}
	if e.Experience != nil && e.Type == procurementPolicyEntity {
		return policyDocument(e.Experience)
	}
	if e.Experience != nil {
		return experienceDocument(e.Experience)
	}
	return productDocument(e.Product)
}

// offerDocument writes an offer as the Catalog API's Offer@1.0 DetailsDocument.
func offerDocument(o *mercato.Offer) map[string]any {
	terms := make([]any, 0, len(o.Terms))
	for _, t := range o.Terms {
		terms = append(terms, encodeCatalogTerm(t))
	}
	state := string(mercato.OfferReleased)
	if !o.Released() {
		state = string(mercato.OfferDraft)
	}
	doc := map[string]any{"Id": o.ID, "State": state, "ProductId": o.ProductID, "Terms": terms,
		"Rules": offerRules(o)}
	if o.Listing.Name != "" {
		doc["Name"] = o.Listing.Name
	}
	if o.Listing.Description != "" {
		doc["Description"] = o.Listing.Description
	}
	return doc
}

// offerRules writes an offer's targeting and availability as the Catalog's rules.
func offerRules(o *mercato.Offer) []any {
	pos := map[string]any{}
	if len(o.Buyers) > 0 {
		pos["BuyerAccounts"] = o.Buyers
	}
	if len(o.Listing.Countries) > 0 {
		pos["CountryCodes"] = o.Listing.Countries
	}
	rule := map[string]any{"Type": "TargetingRule", "PositiveTargeting": pos}
	if len(o.Listing.ExcludedCountries) > 0 {
		rule["NegativeTargeting"] = map[string]any{"CountryCodes": o.Listing.ExcludedCountries}
	}
	rules := []any{rule}
	if o.IsPrivate() && !o.ExpiresAt.IsZero() {
		rules = append(rules, map[string]any{"Type": "AvailabilityRule", "AvailabilityEndDate": AvailabilityEndDate(o)})
	}
	return rules
}

// AvailabilityEndDate is the last day (YYYY-MM-DD) a private offer may be accepted.
func AvailabilityEndDate(o *mercato.Offer) string {
	return o.ExpiresAt.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
}

// productDocument writes a product as the Catalog API's product DetailsDocument.
func productDocument(p *mercato.Product) map[string]any {
	dims := make([]any, 0, len(p.Dimensions))
	for _, d := range p.Dimensions {
		types := []string{"Entitled"}
		if d.Metered {
			types = []string{"ExternallyMetered"}
		}
		dim := map[string]any{"Key": d.Key, "Name": d.Key, "Types": types}
		if d.Unit != "" {
			dim["Unit"] = d.Unit
		}
		dims = append(dims, dim)
	}
	doc := map[string]any{"Description": map[string]any{"ProductTitle": p.Title, "Visibility": productEntity(p).Visibility},
		"Dimensions": dims, "ProductCode": p.ProductCode}
	if p.RefundPolicy != "" {
		doc["SupportInformation"] = map[string]any{"Description": p.RefundPolicy}
	}
	if len(p.AllowedBuyers) > 0 {
		doc["Targeting"] = map[string]any{"PositiveTargeting": map[string]any{"BuyerAccounts": p.AllowedBuyers}}
	}
	return doc
}

// resourceOwner checks that an ARN names a change set or entity of the caller, and returns the
// ARN. Errors: ENotFound.
func resourceOwner(tx mercato.Tx, caller, arn string) error {
	prefix := "arn:aws:" + catalogARNService + ":" + catalogRegion + ":" + caller + ":" + Catalog + "/"
	rest, ok := strings.CutPrefix(arn, prefix)
	kind, id, _ := strings.Cut(rest, "/")
	if ok && kind == "ChangeSet" {
		_, err := ownChangeSet(tx, caller, id)
		return err
	}
	if ok && id != "" {
		e, err := catalogEntityOf(tx, caller, id, "")
		if err == nil && e.Kind() == kind {
			return nil
		}
		if err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound {
			return err
		}
	}
	return &mercato.Error{Code: mercato.ENotFound, Message: "no resource " + arn + " of yours", ResourceID: arn}
}

// Tags returns the tags of one of the caller's catalog resources (by ARN). Errors: ENotFound.
func (s *Service) Tags(ctx context.Context, caller, arn string) ([]mercato.Tag, error) {
	var out []mercato.Tag
	err := s.view(ctx, func(tx mercato.Tx) error {
		if err := resourceOwner(tx, caller, arn); err != nil {
			return err
		}
		var err error
		out, err = tx.ListTags(arn)
		return err
	})
	return out, err
}

// TagResource adds tags to one of the caller's catalog resources, replacing the values of keys
// it has. Errors: EInvalid (tags), ENotFound.
func (s *Service) TagResource(ctx context.Context, caller, arn string, tags []mercato.Tag) error {
	var p mercato.Problems
	checkTags(&p, "Tags", tags)
	if err := p.Err("invalid tags"); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		if err := resourceOwner(tx, caller, arn); err != nil {
			return err
		}
		if err := tx.PutTags(arn, tags...); err != nil {
			return err
		}
		return audit(tx, s.Now(), caller, "TagResource", "CatalogResource", arn, "", tags)
	})
}

// UntagResource removes tags from one of the caller's catalog resources. Errors: ENotFound.
func (s *Service) UntagResource(ctx context.Context, caller, arn string, keys []string) error {
	if len(keys) < 1 || len(keys) > maxCatalogTags {
		return invalid("", "TagKeys", "TagKeys must hold 1 to %d keys", maxCatalogTags)
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		if err := resourceOwner(tx, caller, arn); err != nil {
			return err
		}
		if err := tx.DeleteTags(arn, keys...); err != nil {
			return err
		}
		return audit(tx, s.Now(), caller, "UntagResource", "CatalogResource", arn, "", keys)
	})
}

// checkTags checks tags as the Catalog API bounds them.
func checkTags(p *mercato.Problems, field string, tags []mercato.Tag) {
	if len(tags) < 1 || len(tags) > maxCatalogTags {
		p.Add(field, "must hold 1 to %d tags", maxCatalogTags)
	}
	var keys []string
	for i, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			p.Add(field, "tag %d needs a key of 1 to 128 characters and a value of at most 256", i)
		}
		if slices.Contains(keys, t.Key) {
			p.Add(field, "key %q appears twice", t.Key)
		}
		keys = append(keys, t.Key)
	}
}
