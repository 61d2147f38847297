package service

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"mercato"
)

// The private marketplace's entities in the Catalog API. An Experience is a private
// marketplace; its ProcurementPolicy is the marketplace's allow-list, one per experience,
// described as an entity of its own; its Audience, the governed accounts, is changed through
// the experience (AssociateAudience, DisassociateAudience) and shown in its DetailsDocument.
const (
	experienceEntity        = "Experience@1.0"
	procurementPolicyEntity = "ProcurementPolicy@1.0"
	// experienceKind and procurementPolicyKind stand for the two in catalogEntityTypes.
	experienceKind        mercato.ProductType = "experience"
	procurementPolicyKind mercato.ProductType = "procurement-policy"
	// maxProcurementIds bounds the product IDs of one AllowProductProcurement or
	// DenyProductProcurement, as AWS does.
	maxProcurementIds = 50
	maxExperienceName = 255
)

// policyPrefix starts the ID of an experience's procurement policy, which is the experience's
// ID with this prefix instead of "exp-".
const policyPrefix = "procpolicy-"

var accountPrincipal = regexp.MustCompile(`^\d{12}$`)

// policyID is the ID of the experience's procurement policy.
func policyID(experienceID string) string {
	return policyPrefix + strings.TrimPrefix(experienceID, "exp-")
}

// experienceOfPolicy is the ID of the experience whose procurement policy has the ID.
func experienceOfPolicy(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, policyPrefix)
	return "exp-" + rest, ok && rest != ""
}

// applyExperience applies a change of an Experience@1.0.
func (p *catalogPlan) applyExperience(ch *mercato.Change) error {
	switch ch.ChangeType {
	case "CreateExperience":
		return p.createExperience(ch)
	case "UpdateExperience":
		return p.updateExperience(ch)
	case "CreateProcurementPolicy":
		return p.createProcurementPolicy(ch)
	case "UpdateProcurementPolicy":
		return p.updateProcurementPolicy(ch)
	case "AllowProductProcurement":
		return p.procureProducts(ch, true)
	case "DenyProductProcurement":
		return p.procureProducts(ch, false)
	case "AssociateAudience":
		return p.associateAudience(ch)
	case "DisassociateAudience":
		return p.disassociateAudience(ch)
	case "CreateBrandingSettings", "UpdateBrandingSettings", "RestrictExperience", "ReviveExperience":
		return invalid("UNSUPPORTED_CHANGE_TYPE", "ChangeType",
			"ChangeType %s is not supported: mercato's private marketplaces have no branding and cannot be archived (disable one with UpdateExperience)", ch.ChangeType)
	}
	return invalid("UNSUPPORTED_CHANGE_TYPE", "ChangeType", "ChangeType %s is not a change type of %s", ch.ChangeType, experienceEntity)
}

// experience returns the caller's experience with the ID, as the changes so far left it.
func (p *catalogPlan) experience(id string) (*mercato.PrivateMarketplace, error) {
	if m, ok := p.experiences[id]; ok {
		return m, nil
	}
	if id == "" {
		return nil, invalid("MISSING_ENTITY_IDENTIFIER", "Entity.Identifier", "Entity.Identifier is required for this change type")
	}
	m, err := administered(p.tx, p.seller, id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return nil, &mercato.Error{Code: mercato.ENotFound, Reason: "ENTITY_NOT_FOUND",
			Message: "Entity.Identifier: no experience " + id + " of yours", ResourceID: id, ResourceType: "Experience"}
	}
	if err != nil {
		return nil, err
	}
	p.keepExperience(&m)
	return &m, nil
}

func (p *catalogPlan) keepExperience(m *mercato.PrivateMarketplace) {
	p.experiences[m.ID] = m
	p.order = append(p.order, m.ID)
}

// changingExperience decodes a change of an existing experience and returns the experience.
func (p *catalogPlan) changingExperience(ch *mercato.Change, d any) (*mercato.PrivateMarketplace, error) {
	if err := decodeDetails(ch, d); err != nil {
		return nil, err
	}
	return p.experience(ch.EntityID)
}

// createExperience makes a private marketplace the caller administers, disabled (as AWS makes
// it), with no audience and no products: it governs nobody until it is enabled and has one.
func (p *catalogPlan) createExperience(ch *mercato.Change) error {
	var d struct{ Name string }
	if err := p.creating(ch, &d); err != nil {
		return err
	}
	if err := checkExperienceName("Details.Name", d.Name); err != nil {
		return err
	}
	admin, err := p.tx.GetAccount(p.seller)
	if err != nil {
		return err
	}
	if !admin.HasRole(mercato.RolePrivateMarketplaceAdmin) {
		return &mercato.Error{Code: mercato.EForbidden, Reason: "CALLER_NOT_AUTHORIZED",
			Message: fmt.Sprintf("caller not authorized to create an experience: account %s has no %s role", p.seller, mercato.RolePrivateMarketplaceAdmin)}
	}
	m := &mercato.PrivateMarketplace{ID: "exp-" + randomID(13), AdminID: p.seller, Name: d.Name,
		Accounts: []string{}, Products: []string{}, Disabled: true}
	p.keepExperience(m)
	ch.EntityID = m.ID
	return nil
}

func checkExperienceName(field, name string) error {
	if name == "" || len([]rune(name)) > maxExperienceName {
		return fieldError(field, "must be 1 to %d characters", maxExperienceName)
	}
	return nil
}

// updateExperience renames an experience or enables or disables it. A disabled one keeps its
// audience and products but governs nobody.
func (p *catalogPlan) updateExperience(ch *mercato.Change) error {
	var d struct{ Name, Status *string }
	m, err := p.changingExperience(ch, &d)
	if err != nil {
		return err
	}
	if d.Status != nil {
		switch *d.Status {
		case "Enabled", "Disabled":
			m.Disabled = *d.Status == "Disabled"
		default:
			return fieldError("Details.Status", "must be Enabled or Disabled")
		}
	}
	if d.Name != nil {
		if err := checkExperienceName("Details.Name", *d.Name); err != nil {
			return err
		}
		m.Name = *d.Name
	}
	return nil
}

// createProcurementPolicy names the experience's procurement policy. Every private
// marketplace of mercato has its allow-list from the start, so this only checks the name.
func (p *catalogPlan) createProcurementPolicy(ch *mercato.Change) error {
	var d struct{ Name string }
	if _, err := p.changingExperience(ch, &d); err != nil {
		return err
	}
	return checkExperienceName("Details.Name", d.Name)
}

// updateProcurementPolicy sets whether governed buyers may request products.
func (p *catalogPlan) updateProcurementPolicy(ch *mercato.Change) error {
	var d struct {
		Configuration struct{ PolicyResourceRequests string }
	}
	m, err := p.changingExperience(ch, &d)
	if err != nil {
		return err
	}
	switch v := d.Configuration.PolicyResourceRequests; v {
	case "Allow", "Deny":
		m.RequestsDenied = v == "Deny"
		return nil
	}
	return fieldError("Details.Configuration.PolicyResourceRequests", "must be Allow or Deny")
}

// procureProducts adds the products to the experience's allow-list, or removes them.
func (p *catalogPlan) procureProducts(ch *mercato.Change, allow bool) error {
	var d struct{ Products []procurementProducts }
	m, err := p.changingExperience(ch, &d)
	if err != nil {
		return err
	}
	ids, err := p.procurementIds(d.Products)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if allow && !m.Allows(id) {
			m.Products = append(m.Products, id)
		} else if !allow {
			m.Products = slices.DeleteFunc(m.Products, func(p string) bool { return p == id })
		}
	}
	return nil
}

// procurementProducts is an entry of an allow or deny change's Products: product IDs, with
// notes on the decision for the administrator's own records (mercato keeps them in the change
// set, not on the marketplace).
type procurementProducts struct {
	Ids   []string
	Notes string
}

// procurementIds checks the product IDs of an allow or deny change: 1 to 50 in all, each once,
// each a product of the marketplace.
func (p *catalogPlan) procurementIds(products []procurementProducts) ([]string, error) {
	var ids []string
	for i, pr := range products {
		for j, id := range pr.Ids {
			field := fmt.Sprintf("Details.Products[%d].Ids[%d]", i, j)
			if slices.Contains(ids, id) {
				return nil, fieldError(field, "%s: values in Ids must be unique", id)
			}
			if _, err := p.tx.GetProduct(id); mercato.ErrorCodeOf(err) == mercato.ENotFound {
				return nil, fieldError(field, "names no product (%s)", id)
			} else if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
	}
	if len(ids) < 1 || len(ids) > maxProcurementIds {
		return nil, fieldError("Details.Products", "must name 1 to %d product Ids in all, names %d", maxProcurementIds, len(ids))
	}
	return ids, nil
}

// associateAudience adds accounts to the experience's audience. An account is governed by one
// experience at most; organisational units and organisations are not principals mercato knows.
func (p *catalogPlan) associateAudience(ch *mercato.Change) error {
	var d struct {
		Name, Description string
		Principals        []string
	}
	m, err := p.changingExperience(ch, &d)
	if err != nil {
		return err
	}
	if err := p.checkPrincipals(d.Principals); err != nil {
		return err
	}
	for i, a := range d.Principals {
		if err := p.ungoverned(m.ID, a, fmt.Sprintf("Details.Principals[%d]", i)); err != nil {
			return err
		}
		if !slices.Contains(m.Accounts, a) {
			m.Accounts = append(m.Accounts, a)
		}
	}
	return nil
}

// disassociateAudience removes accounts from the experience's audience.
func (p *catalogPlan) disassociateAudience(ch *mercato.Change) error {
	var d struct{ Principals []string }
	m, err := p.changingExperience(ch, &d)
	if err != nil {
		return err
	}
	if err := p.checkPrincipals(d.Principals); err != nil {
		return err
	}
	for i, a := range d.Principals {
		if !slices.Contains(m.Accounts, a) {
			return fieldError(fmt.Sprintf("Details.Principals[%d]", i), "account %s is not in the audience of experience %s", a, m.ID)
		}
	}
	m.Accounts = slices.DeleteFunc(m.Accounts, func(a string) bool { return slices.Contains(d.Principals, a) })
	return nil
}

// checkPrincipals checks an audience change's principals: 1 or more buyer accounts, each once.
func (p *catalogPlan) checkPrincipals(principals []string) error {
	if len(principals) == 0 {
		return fieldError("Details.Principals", "must name at least one account")
	}
	for i, a := range principals {
		field := fmt.Sprintf("Details.Principals[%d]", i)
		if !accountPrincipal.MatchString(a) {
			return fieldError(field, "%q is not an account ID: organisational units and organisations are not supported", a)
		}
		if slices.Contains(principals[:i], a) {
			return fieldError(field, "account %s is named twice", a)
		}
		acct, err := p.tx.GetAccount(a)
		if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && !acct.HasRole(mercato.RoleBuyer)) {
			return fieldError(field, "account %s is not a buyer of this marketplace", a)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ungoverned refuses an account that another experience governs, as AWS does.
func (p *catalogPlan) ungoverned(experienceID, account, field string) error {
	for _, other := range p.experiences {
		if other.ID != experienceID && slices.Contains(other.Accounts, account) {
			return invalid("ENTITY_ALREADY_EXISTS", field, "%s: experience %s is already associated with account %s; disassociate it first", field, other.ID, account)
		}
	}
	m, err := p.tx.PrivateMarketplaceOf(account)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.ENotFound:
		return nil
	case err != nil:
		return err
	case m.ID != experienceID && !p.releases(m.ID, account):
		return invalid("ENTITY_ALREADY_EXISTS", field, "%s: an experience is already associated with account %s; disassociate it first", field, account)
	}
	return nil
}

// releases reports whether an earlier change of the plan took the account out of the
// experience's audience.
func (p *catalogPlan) releases(experienceID, account string) bool {
	m, ok := p.experiences[experienceID]
	return ok && !slices.Contains(m.Accounts, account)
}

// experienceEntityOf writes a private marketplace as a catalog entity: the Experience, or
// with policy its ProcurementPolicy.
func experienceEntityOf(m *mercato.PrivateMarketplace, policy bool) CatalogEntity {
	if policy {
		id := policyID(m.ID)
		return CatalogEntity{Type: procurementPolicyEntity, ID: id, ARN: entityARN(m.AdminID, "ProcurementPolicy", id),
			Name: m.Name, Visibility: "Public", Experience: m}
	}
	return CatalogEntity{Type: experienceEntity, ID: m.ID, ARN: entityARN(m.AdminID, "Experience", m.ID), Name: m.Name,
		Visibility: "Public", Experience: m}
}

// experienceEntityFor reads the caller's experience or procurement policy with the ID. Others'
// are ENotFound.
func experienceEntityFor(tx mercato.Tx, caller, id, entityType string) (CatalogEntity, bool, error) {
	expID, policy := experienceOfPolicy(id)
	if !policy {
		expID = id
	}
	switch {
	case entityType == experienceEntity && policy, entityType == procurementPolicyEntity && !policy:
		return CatalogEntity{}, false, nil
	case entityType == "" && !policy && !strings.HasPrefix(id, "exp-"):
		return CatalogEntity{}, false, nil
	}
	m, err := administered(tx, caller, expID)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return CatalogEntity{}, false, nil
	}
	if err != nil {
		return CatalogEntity{}, false, err
	}
	return experienceEntityOf(&m, policy), true, nil
}

// experienceEntities lists the caller's experiences, or their procurement policies.
func experienceEntities(tx mercato.Tx, caller string, policy bool) ([]CatalogEntity, error) {
	ms, err := tx.ListPrivateMarketplaces(caller)
	out := make([]CatalogEntity, 0, len(ms))
	for i := range ms {
		out = append(out, experienceEntityOf(&ms[i], policy))
	}
	return out, err
}

// experienceDocument writes an experience as its DetailsDocument: AWS's Name, Status and
// ProcurementPolicies, with the audience's accounts.
func experienceDocument(m *mercato.PrivateMarketplace) map[string]any {
	status := "Enabled"
	if m.Disabled {
		status = "Disabled"
	}
	return map[string]any{"Name": m.Name, "Status": status, "ProcurementPolicies": []string{policyID(m.ID)},
		"BrandingSettings": []string{}, "Audience": map[string]any{"Principals": m.Accounts}}
}

// policyDocument writes an experience's allow-list as a ProcurementPolicy DetailsDocument.
func policyDocument(m *mercato.PrivateMarketplace) map[string]any {
	statements := []any{}
	if len(m.Products) > 0 {
		statements = append(statements, map[string]any{"Effect": "Allow",
			"Resources": []any{map[string]any{"Type": "Product", "Ids": m.Products}}})
	}
	requests := "Allow"
	if m.RequestsDenied {
		requests = "Deny"
	}
	return map[string]any{"Name": m.Name, "Statements": statements,
		"Configuration": map[string]any{"PolicyResourceRequests": requests}}
}
