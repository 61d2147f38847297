package service

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"mercato"
)

// catalogPlan applies the changes of one change set to copies of the entities they name, so
// that nothing is written unless every change succeeds (save).
type catalogPlan struct {
	tx     mercato.Tx
	seller string
	now    time.Time
	// offers and products hold the entities changed so far, by ID; order is the order in which
	// they were first changed, which save keeps.
	offers   map[string]*mercato.Offer
	products map[string]*mercato.Product
	auths    map[string]*mercato.ResaleAuthorization
	// experiences are the private marketplaces the changes touched (Experience@1.0).
	experiences map[string]*mercato.PrivateMarketplace
	// authsReleased are the authorizations this change set releases: their terms may still
	// be set by its later changes, as AWS's own examples do.
	authsReleased map[string]bool
	order         []string
	// names maps a change's name to the entity it changed, for $Name.Entity.Identifier.
	names    map[string]string
	released []string // offers released by the change set
	tags     map[string][]mercato.Tag
}

func newCatalogPlan(tx mercato.Tx, seller string, now time.Time) *catalogPlan {
	return &catalogPlan{tx: tx, seller: seller, now: now, offers: map[string]*mercato.Offer{},
		products: map[string]*mercato.Product{}, auths: map[string]*mercato.ResaleAuthorization{}, experiences: map[string]*mercato.PrivateMarketplace{}, authsReleased: map[string]bool{}, names: map[string]string{}, tags: map[string][]mercato.Tag{}}
}

// apply applies one change, resolving its references to earlier changes first.
func (p *catalogPlan) apply(ch *mercato.Change) error {
	if err := p.resolve(ch); err != nil {
		return err
	}
	var err error
	switch kind := catalogEntityTypes[ch.EntityType]; {
	case kind == resaleAuthorizationKind:
		err = p.applyResaleAuthorization(ch)
	case kind == experienceKind:
		err = p.applyExperience(ch)
	case kind == procurementPolicyKind:
		err = invalid("INVALID_INPUT", "Entity.Type", "Entity.Type: a procurement policy is changed through its experience (%s)", experienceEntity)
	case kind == "":
		err = p.applyOffer(ch)
	default:
		err = p.applyProduct(ch)
	}
	if err != nil {
		return err
	}
	if ch.ChangeName != "" {
		p.names[ch.ChangeName] = ch.EntityID
	}
	if len(ch.EntityTags) > 0 {
		p.tags[ch.EntityID] = append(p.tags[ch.EntityID], ch.EntityTags...)
	}
	return nil
}

// resolve replaces references to earlier changes ($Name.Entity.Identifier) in the change's
// entity and details with the IDs of the entities those changes made or changed.
func (p *catalogPlan) resolve(ch *mercato.Change) error {
	if m := referencePattern.FindStringSubmatch(ch.EntityID); m != nil {
		id, ok := p.names[m[1]]
		if !ok {
			return invalid("INVALID_REFERENCE", "Entity.Identifier",
				"Entity.Identifier %s refers to no earlier change named %s", ch.EntityID, m[1])
		}
		ch.EntityID = id
	}
	for name, id := range p.names {
		ref, _ := json.Marshal("$" + name + ".Entity.Identifier")
		val, _ := json.Marshal(id)
		ch.Details = bytes.ReplaceAll(ch.Details, ref, val)
	}
	if bytes.Contains(ch.Details, []byte(`.Entity.Identifier"`)) {
		return invalid("INVALID_REFERENCE", "Details", "Details refer to an entity of no earlier change of the set")
	}
	return nil
}

// offer returns the seller's offer with the ID, as the changes so far left it.
func (p *catalogPlan) offer(id string) (*mercato.Offer, error) {
	if o, ok := p.offers[id]; ok {
		return o, nil
	}
	if id == "" {
		return nil, invalid("MISSING_ENTITY_IDENTIFIER", "Entity.Identifier", "Entity.Identifier is required for this change type")
	}
	o, err := p.tx.GetOffer(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && o.SellerID != p.seller) {
		return nil, &mercato.Error{Code: mercato.ENotFound, Reason: "ENTITY_NOT_FOUND",
			Message: "Entity.Identifier: no offer " + id + " of yours", ResourceID: id, ResourceType: "Offer"}
	}
	if err != nil {
		return nil, err
	}
	p.keepOffer(&o)
	return &o, nil
}

func (p *catalogPlan) keepOffer(o *mercato.Offer) {
	p.offers[o.ID] = o
	p.order = append(p.order, o.ID)
}

// product returns the seller's product with the ID, as the changes so far left it.
func (p *catalogPlan) product(id string) (*mercato.Product, error) {
	if pr, ok := p.products[id]; ok {
		return pr, nil
	}
	pr, err := p.tx.GetProduct(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && pr.SellerID != p.seller) {
		return nil, &mercato.Error{Code: mercato.ENotFound, Reason: "ENTITY_NOT_FOUND",
			Message: "no product " + id + " of yours", ResourceID: id, ResourceType: "Product"}
	}
	if err != nil {
		return nil, err
	}
	p.products[id] = &pr
	p.order = append(p.order, id)
	return &pr, nil
}

// save writes every entity the changes touched, and their tags.
func (p *catalogPlan) save() error {
	for _, id := range p.order {
		if m, ok := p.experiences[id]; ok {
			if err := p.tx.PutPrivateMarketplace(*m); err != nil {
				return err
			}
		} else if r, ok := p.auths[id]; ok {
			r.UpdatedAt = p.now
			if err := p.tx.PutResaleAuthorization(*r); err != nil {
				return err
			}
		} else if o, ok := p.offers[id]; ok {
			o.Listing.ModifiedAt = p.now
			if err := p.tx.PutOffer(*o); err != nil {
				return err
			}
		} else if err := p.tx.PutProduct(*p.products[id]); err != nil {
			return err
		}
	}
	for id, tags := range p.tags {
		if err := p.tx.PutTags(p.arn(id), tags...); err != nil {
			return err
		}
	}
	return nil
}

// arn is the ARN of an entity the plan holds.
func (p *catalogPlan) arn(id string) string {
	if _, ok := p.offers[id]; ok {
		return entityARN(p.seller, "Offer", id)
	}
	if _, ok := p.auths[id]; ok {
		return entityARN(p.seller, "ResaleAuthorization", id)
	}
	if _, ok := p.experiences[id]; ok {
		return entityARN(p.seller, "Experience", id)
	}
	return entityARN(p.seller, productKind(p.products[id].Type), id)
}

// decodeDetails decodes a change's Details into v, refusing members v does not know; its error
// names the member.
func decodeDetails(ch *mercato.Change, v any) error {
	if err := strictJSON(ch.Details, v); err != nil {
		return fieldError("Details"+jsonErrorField(err), "%s", jsonErrorMessage(err))
	}
	return nil
}

// productKind is the Catalog's name of a product type's entities (SaaSProduct ...).
func productKind(t mercato.ProductType) string {
	for k, v := range catalogEntityTypes {
		if v == t && v != "" {
			return strings.TrimSuffix(k, "@1.0")
		}
	}
	return "Product"
}
