package service

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"mercato"
)

// jobApplyChangeSet applies a catalog change set, due as soon as it is started.
const jobApplyChangeSet mercato.JobKind = "apply-change-set"

// Limits of the Catalog API (marketplace-catalog 2018-09-17).
const (
	MaxChanges        = 20    // changes in one change set
	MaxDetailsBytes   = 16384 // a change's Details document
	maxChangeSetName  = 100
	maxCatalogTags    = 200
	catalogRegion     = "us-east-1"
	catalogARNService = "aws-marketplace"
)

var (
	changeTypePattern   = regexp.MustCompile(`^[A-Z]\w*$`)
	identifierPattern   = regexp.MustCompile(`^[\w\-@]+$`)
	changeNamePattern   = regexp.MustCompile(`^[a-zA-Z]$|^[a-zA-Z]+[a-zA-Z0-9]+$`)
	catalogTokenPattern = regexp.MustCompile(`^[!-~]{1,64}$`)
	referencePattern    = regexp.MustCompile(`^\$([a-zA-Z][a-zA-Z0-9]*)\.Entity\.Identifier$`)
)

// catalogEntityTypes are the entity types the catalog describes, with the product type of the
// product ones ("" for offers).
var catalogEntityTypes = map[string]mercato.ProductType{
	"Offer@1.0":                       "",
	"SaaSProduct@1.0":                 mercato.ProductSaaS,
	"AmiProduct@1.0":                  mercato.ProductAMI,
	"ContainerProduct@1.0":            mercato.ProductContainer,
	"ProfessionalServicesProduct@1.0": mercato.ProductProfessionalServices,
	"DataProduct@1.0":                 mercato.ProductData,
	resaleAuthorizationEntity:         resaleAuthorizationKind,
	experienceEntity:                  experienceKind,
	procurementPolicyEntity:           procurementPolicyKind,
}

// StartChangeSetInput is a request to change catalog entities.
type StartChangeSetInput struct {
	Catalog     string
	Name        string
	ClientToken string
	Intent      string // APPLY (default) or VALIDATE
	Changes     []mercato.Change
	Tags        []mercato.Tag
}

// Validate reports every problem with the request's shape, naming each field as the Catalog API
// does (ChangeSet[0].Entity.Type). What a change's Details say is checked when the change set
// applies, and reported per change.
func (in *StartChangeSetInput) Validate() error {
	var p mercato.Problems
	checkCatalog(&p, "Catalog", in.Catalog)
	if in.Name != "" && len(in.Name) > maxChangeSetName {
		p.Add("ChangeSetName", "must be 1 to %d characters", maxChangeSetName)
	}
	if in.ClientToken != "" && !catalogTokenPattern.MatchString(in.ClientToken) {
		p.Add("ClientRequestToken", "must be 1 to 64 printable ASCII characters without spaces")
	}
	if in.Intent != "" && in.Intent != "APPLY" && in.Intent != "VALIDATE" {
		p.Add("Intent", "must be APPLY or VALIDATE")
	}
	if len(in.Tags) > 0 {
		checkTags(&p, "ChangeSetTags", in.Tags)
	}
	if len(in.Changes) < 1 || len(in.Changes) > MaxChanges {
		p.Add("ChangeSet", "must hold 1 to %d changes, has %d", MaxChanges, len(in.Changes))
		return p.Err("invalid change set")
	}
	names := map[string]bool{}
	targets := map[string]bool{}
	for i, ch := range in.Changes {
		validateChange(&p, fmt.Sprintf("ChangeSet[%d]", i), &ch)
		if ch.ChangeName != "" {
			if names[ch.ChangeName] {
				p.Add(fmt.Sprintf("ChangeSet[%d].ChangeName", i), "%q names another change of the set", ch.ChangeName)
			}
			names[ch.ChangeName] = true
		}
		if key := ch.ChangeType + "\x00" + ch.EntityID; ch.EntityID != "" && targets[key] {
			p.Add(fmt.Sprintf("ChangeSet[%d]", i), "change type %s targets entity %s twice", ch.ChangeType, ch.EntityID)
		} else {
			targets[key] = true
		}
	}
	return p.Err("invalid change set")
}

func checkCatalog(p *mercato.Problems, field, catalog string) {
	if catalog != Catalog {
		p.Add(field, "must be %s", Catalog)
	}
}

// validateChange checks one change's shape.
func validateChange(p *mercato.Problems, f string, ch *mercato.Change) {
	if !changeTypePattern.MatchString(ch.ChangeType) || len(ch.ChangeType) > 255 {
		p.Add(f+".ChangeType", "must be a change type such as CreateOffer")
	}
	if _, ok := catalogEntityTypes[ch.EntityType]; !ok {
		p.Add(f+".Entity.Type", "%q is not an entity type of this catalog (%s)", ch.EntityType,
			strings.Join(slices.Sorted(maps.Keys(catalogEntityTypes)), ", "))
	}
	if id := ch.EntityID; id != "" && !referencePattern.MatchString(id) && (!identifierPattern.MatchString(id) || len(id) > 255) {
		p.Add(f+".Entity.Identifier", "must be 1 to 255 letters, digits, _ - @, or a reference $ChangeName.Entity.Identifier")
	}
	if ch.ChangeName != "" && (!changeNamePattern.MatchString(ch.ChangeName) || len(ch.ChangeName) > 100) {
		p.Add(f+".ChangeName", "must be 1 to 100 letters and digits, starting with a letter")
	}
	switch d := bytes.TrimSpace(ch.Details); {
	case len(d) == 0:
		p.Add(f+".Details", "Details or DetailsDocument is required")
	case len(d) > MaxDetailsBytes:
		p.Add(f+".Details", "is larger than %d bytes", MaxDetailsBytes)
	case (d[0] != '{' && d[0] != '[') || !json.Valid(d):
		p.Add(f+".Details", "must be a JSON object (or, for AddDimensions, an array)")
	}
}

// changeSetRef is what StartChangeSet answers: the change set's ID and ARN.
type changeSetRef struct {
	ID string `json:"id"`
}

// StartChangeSet accepts a change set of the caller's entities (a seller's), to apply
// asynchronously: it is PREPARING until the catalog's job applies every change or none.
// Errors: EInvalid (the request's shape; what the changes say is reported per change by
// DescribeChangeSet), ENotFound (an entity that is not the caller's), EConflict (reason
// RESOURCE_IN_USE: another open change set holds an entity; or a client token reused with
// another request).
func (s *Service) StartChangeSet(ctx context.Context, caller string, in StartChangeSetInput) (mercato.ChangeSet, error) {
	if err := in.Validate(); err != nil {
		return mercato.ChangeSet{}, err
	}
	var cs mercato.ChangeSet
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		ref, err := idempotent(tx, now, caller, "StartChangeSet", in.ClientToken, in, func() (changeSetRef, error) {
			c, err := s.startChangeSet(tx, caller, in, now)
			return changeSetRef{ID: c.ID}, err
		})
		if err != nil {
			return err
		}
		cs, err = tx.GetChangeSet(ref.ID)
		return err
	})
	if err != nil {
		return mercato.ChangeSet{}, fmt.Errorf("start change set: %w", err)
	}
	s.wakeJobs() // the change set applies now, not at the scheduler's next tick
	return cs, nil
}

// startChangeSet stores a new change set and schedules its job.
func (s *Service) startChangeSet(tx mercato.Tx, caller string, in StartChangeSetInput, now time.Time) (mercato.ChangeSet, error) {
	cs := mercato.ChangeSet{ID: randomID(25), Name: in.Name, Catalog: in.Catalog, SellerID: caller,
		Intent: cmp.Or(in.Intent, "APPLY"), Status: mercato.ChangeSetPreparing, ClientToken: in.ClientToken,
		StartTime: now, Changes: slices.Clone(in.Changes), Tags: in.Tags}
	for i := range cs.Changes {
		cs.Changes[i].EntityID = entityID(cs.Changes[i].EntityID)
		if err := s.checkEntity(tx, caller, &cs.Changes[i]); err != nil {
			return cs, err
		}
	}
	if err := checkUnlocked(tx, caller, cs.EntityIDs()); err != nil {
		return cs, err
	}
	if err := tx.InsertChangeSet(cs); err != nil {
		return cs, err
	}
	if len(cs.Tags) > 0 {
		if err := tx.PutTags(changeSetARN(caller, cs.ID), cs.Tags...); err != nil {
			return cs, err
		}
	}
	if err := putJob(tx, jobApplyChangeSet, "change-set:"+cs.ID, now, cs.ID); err != nil {
		return cs, err
	}
	return cs, audit(tx, now, caller, "StartChangeSet", "ChangeSet", cs.ID, in.ClientToken,
		map[string]any{"name": cs.Name, "intent": cs.Intent, "entities": cs.EntityIDs(), "changes": len(cs.Changes)})
}

// entityID strips the revision from an entity identifier (offer-1@3 is offer-1).
func entityID(id string) string {
	if referencePattern.MatchString(id) {
		return id
	}
	base, _, _ := strings.Cut(id, "@")
	return base
}

// checkEntity checks that a change names an entity of the caller of its type, unless it
// creates one or refers to one an earlier change creates.
func (s *Service) checkEntity(tx mercato.Tx, caller string, ch *mercato.Change) error {
	id := ch.EntityID
	if id == "" || strings.HasPrefix(id, "$") {
		return nil
	}
	if _, err := catalogEntityOf(tx, caller, id, ch.EntityType); err != nil {
		return err
	}
	return nil
}

// checkUnlocked refuses entities that an open change set of the seller holds.
func checkUnlocked(tx mercato.Tx, seller string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	open, err := tx.ListChangeSets(mercato.ChangeSetFilter{SellerID: seller, Open: true})
	if err != nil {
		return err
	}
	for _, other := range open {
		for _, id := range other.EntityIDs() {
			if slices.Contains(ids, id) {
				e := conflict("Entity", id, "entity %s is in use by change set %s, which is %s", id, other.ID, other.Status)
				e.Reason = "RESOURCE_IN_USE"
				return e
			}
		}
	}
	return nil
}

// ChangeSet returns one of the caller's change sets. Errors: EInvalid (catalog), ENotFound.
func (s *Service) ChangeSet(ctx context.Context, caller, catalog, id string) (mercato.ChangeSet, error) {
	var cs mercato.ChangeSet
	var p mercato.Problems
	if checkCatalog(&p, "catalog", catalog); len(p) > 0 {
		return cs, p.Err("invalid request")
	}
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		cs, err = ownChangeSet(tx, caller, id)
		return err
	})
	return cs, err
}

// ownChangeSet reads a change set of the caller; others' are ENotFound.
func ownChangeSet(tx mercato.Tx, caller, id string) (mercato.ChangeSet, error) {
	cs, err := tx.GetChangeSet(id)
	if err == nil && cs.SellerID != caller {
		err = mercato.NotFound("ChangeSet", id)
	}
	return cs, err
}

// ChangeSets returns the caller's change sets, newest first.
func (s *Service) ChangeSets(ctx context.Context, caller string) ([]mercato.ChangeSet, error) {
	var out []mercato.ChangeSet
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListChangeSets(mercato.ChangeSetFilter{SellerID: caller})
		return err
	})
	return out, err
}

// CancelChangeSet cancels a change set that has not started to apply. Errors: ENotFound,
// EConflict (reason RESOURCE_IN_USE: it is applying; or it has ended).
func (s *Service) CancelChangeSet(ctx context.Context, caller, catalog, id string) (mercato.ChangeSet, error) {
	var p mercato.Problems
	if checkCatalog(&p, "catalog", catalog); len(p) > 0 {
		return mercato.ChangeSet{}, p.Err("invalid request")
	}
	var cs mercato.ChangeSet
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if cs, err = ownChangeSet(tx, caller, id); err != nil {
			return err
		}
		if cs.Status != mercato.ChangeSetPreparing {
			e := conflict("ChangeSet", id, "change set %s is %s: only a change set still PREPARING can be cancelled", id, cs.Status)
			e.Reason = "RESOURCE_IN_USE"
			return e
		}
		now := s.Now()
		if err := cs.Transition(mercato.ChangeSetCancelled); err != nil {
			return err
		}
		cs.EndTime = now
		if err := tx.UpdateChangeSet(cs); err != nil {
			return err
		}
		if err := emitChangeSetCancelled(tx, now, &cs); err != nil {
			return err
		}
		return audit(tx, now, caller, "CancelChangeSet", "ChangeSet", id, "", nil)
	})
	return cs, err
}

// applyChangeSet is the job of a change set: it marks it APPLYING, then applies every change in
// one transaction, or, if any change has an error, none of them. A change set cancelled
// meanwhile is left alone.
func (s *Service) applyChangeSet(ctx context.Context, j mercato.Job) error {
	id, err := jobPayload[string](j)
	if err != nil {
		return err
	}
	err = s.startApplying(ctx, id)
	if err == nil {
		err = s.store.Update(ctx, func(tx mercato.Tx) error {
			cs, err := tx.GetChangeSet(id)
			if err != nil || cs.Status != mercato.ChangeSetApplying {
				return err
			}
			return s.apply(tx, &cs, s.Now())
		})
	}
	if err != nil && j.Attempts+1 >= mercato.MaxJobAttempts {
		// The job gives up after this attempt: end the change set rather than hold its
		// entities for ever.
		return errors.Join(err, s.failOnFault(ctx, id, err))
	}
	return err
}

// failOnFault ends an open change set as FAILED with a SERVER_FAULT: nothing of it was
// applied, and its entities are free again.
func (s *Service) failOnFault(ctx context.Context, id string, cause error) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		cs, err := tx.GetChangeSet(id)
		if err != nil || !cs.Status.Open() {
			return err
		}
		if err := cs.Transition(mercato.ChangeSetFailed); err != nil {
			return err
		}
		now := s.Now()
		cs.EndTime, cs.FailureCode = now, mercato.FailureServerFault
		cs.FailureDescription = "the change set could not be applied; no change was applied"
		if err := tx.UpdateChangeSet(cs); err != nil {
			return err
		}
		s.log.Error("change set failed on a fault", "changeSet", id, "err", cause)
		return emitChangeSetFailed(tx, now, &cs)
	})
}

// startApplying moves a PREPARING change set to APPLYING: from then on it cannot be cancelled.
func (s *Service) startApplying(ctx context.Context, id string) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		cs, err := tx.GetChangeSet(id)
		if err != nil || cs.Status != mercato.ChangeSetPreparing {
			return err
		}
		if err := cs.Transition(mercato.ChangeSetApplying); err != nil {
			return err
		}
		return tx.UpdateChangeSet(cs)
	})
}

// apply applies the changes of cs and records the outcome, in tx.
func (s *Service) apply(tx mercato.Tx, cs *mercato.ChangeSet, now time.Time) error {
	plan := newCatalogPlan(tx, cs.SellerID, now)
	failed := 0
	applied := slices.Clone(cs.Changes) // as the plan resolves them; kept only if all succeed
	for i := range applied {
		ch := &applied[i]
		cs.Changes[i].Errors = nil
		err := plan.apply(ch)
		if err == nil {
			continue
		}
		ce, ok := changeErrorOf(err)
		if !ok {
			return fmt.Errorf("change set %s, change %d: %w", cs.ID, i, err)
		}
		cs.Changes[i].Errors = append(cs.Changes[i].Errors, ce)
		failed++
	}
	cs.EndTime = now
	if failed > 0 {
		return s.failChangeSet(tx, cs, failed)
	}
	for i := range applied {
		cs.Changes[i].EntityID = applied[i].EntityID // the entities created, for DescribeChangeSet
	}
	if cs.Intent == "APPLY" {
		if err := plan.save(); err != nil {
			return err
		}
	}
	return s.succeedChangeSet(tx, cs, plan)
}

// failChangeSet records a change set that failed: nothing it asked is applied.
func (s *Service) failChangeSet(tx mercato.Tx, cs *mercato.ChangeSet, failed int) error {
	if err := cs.Transition(mercato.ChangeSetFailed); err != nil {
		return err
	}
	cs.FailureCode = mercato.FailureClientError
	cs.FailureDescription = fmt.Sprintf("%d of %d changes have errors (see each change's ErrorDetailList); no change was applied",
		failed, len(cs.Changes))
	if err := tx.UpdateChangeSet(*cs); err != nil {
		return err
	}
	if err := emitChangeSetFailed(tx, cs.EndTime, cs); err != nil {
		return err
	}
	return audit(tx, cs.EndTime, "catalog", "FailChangeSet", "ChangeSet", cs.ID, "",
		map[string]any{"failedChanges": failed})
}

// succeedChangeSet records a change set whose changes were all applied (or, with intent
// VALIDATE, would have been).
func (s *Service) succeedChangeSet(tx mercato.Tx, cs *mercato.ChangeSet, plan *catalogPlan) error {
	if err := cs.Transition(mercato.ChangeSetSucceeded); err != nil {
		return err
	}
	if err := tx.UpdateChangeSet(*cs); err != nil {
		return err
	}
	if err := emitChangeSetSucceeded(tx, cs.EndTime, cs); err != nil {
		return err
	}
	if cs.Intent == "APPLY" {
		for _, id := range plan.released {
			if err := emitOfferReleased(tx, cs.EndTime, plan.offers[id]); err != nil {
				return err
			}
		}
	}
	return audit(tx, cs.EndTime, "catalog", "ApplyChangeSet", "ChangeSet", cs.ID, "",
		map[string]any{"intent": cs.Intent, "entities": cs.EntityIDs()})
}

// changeErrorOf turns the error of a change into its ErrorDetail, if it is a problem with the
// change (a domain error) rather than a fault.
func changeErrorOf(err error) (mercato.ChangeError, bool) {
	var me *mercato.Error
	if !errors.As(err, &me) {
		return mercato.ChangeError{}, false
	}
	code := me.Reason
	switch me.Code {
	case mercato.EInvalid:
		code = cmp.Or(code, "INVALID_INPUT")
	case mercato.ENotFound:
		code = cmp.Or(code, "RESOURCE_NOT_FOUND")
	case mercato.EConflict, mercato.EForbidden:
		code = cmp.Or(code, "INVALID_STATE")
	default:
		return mercato.ChangeError{}, false
	}
	return mercato.ChangeError{Code: code, Message: me.Error()}, true
}

// fieldError is a problem with a member of a change's Details, named as the Catalog names it.
func fieldError(field, format string, args ...any) *mercato.Error {
	return invalid("INVALID_INPUT", field, "%s %s", field, fmt.Sprintf(format, args...))
}

// changeSetARN is the ARN of a change set.
func changeSetARN(seller, id string) string {
	return "arn:aws:" + catalogARNService + ":" + catalogRegion + ":" + seller + ":" + Catalog + "/ChangeSet/" + id
}

// ChangeSetARN returns the ARN of a change set, as the Catalog API names it.
func ChangeSetARN(cs *mercato.ChangeSet) string { return changeSetARN(cs.SellerID, cs.ID) }

// entityARN is the ARN of a catalog entity of a kind (Offer, SaaSProduct ...).
func entityARN(seller, kind, id string) string {
	return "arn:aws:" + catalogARNService + ":" + catalogRegion + ":" + seller + ":" + Catalog + "/" + kind + "/" + id
}
