package awsapi

import (
	"context"
	"slices"
	"strings"

	"mercato"
	"mercato/iam"
	"mercato/service"
)

// The resources and condition keys of Catalog calls, as the Service Authorization Reference
// gives them for AWS Marketplace Catalog: entities and change sets by ARN, catalog:ChangeType
// for StartChangeSet (every change type of the change set), aws:RequestTag/<key> and
// aws:TagKeys where a request tags (StartChangeSet, TagResource, UntagResource).

// resources returns the ARNs a Catalog call acts on. StartChangeSet acts on every existing
// entity its changes name and, for a change that creates an entity (which has no ARN yet), on
// the change set being started; DescribeEntity and BatchDescribeEntities on the entities;
// DescribeChangeSet and CancelChangeSet on the change set; the tag and resource-policy
// operations on the ARN they name; the list operations on "*".
func (c *catalogAPI) resources(ctx context.Context, caller string, in any) []string {
	switch in := in.(type) {
	case *startChangeSetIn:
		return c.changeSetResources(ctx, caller, in)
	case *entityQuery:
		return []string{c.entityARN(ctx, caller, in.Catalog, in.EntityID, "")}
	case *batchDescribeIn:
		var out []string
		for _, r := range in.EntityRequestList {
			out = appendNew(out, c.entityARN(ctx, caller, r.Catalog, r.EntityID, ""))
		}
		return out
	case *changeSetQuery:
		if in.ChangeSetID != "" {
			return []string{mercato.ChangeSetARN(caller, in.ChangeSetID)}
		}
	case *arnIn:
		if in.ResourceArn != "" {
			return []string{in.ResourceArn}
		}
	}
	return nil
}

func (c *catalogAPI) changeSetResources(ctx context.Context, caller string, in *startChangeSetIn) []string {
	var out []string
	for _, ch := range in.ChangeSet {
		id := ch.Entity.Identifier
		// A change that creates an entity, or names one the change set creates, acts on the
		// change set being started, whose ID ("*") is still unknown.
		if id == "" || strings.HasPrefix(id, "$") {
			out = appendNew(out, mercato.ChangeSetARN(caller, "*"))
			continue
		}
		kind, _, _ := strings.Cut(ch.Entity.Type, "@")
		out = appendNew(out, c.entityARN(ctx, caller, service.Catalog, id, kind))
	}
	return out
}

// entityARN is the ARN of the entity id as the Catalog names it (in its owner's account, with
// its kind). An entity the caller cannot see is named with the kind the request gives, in the
// caller's account, or is "*" when the request gives none: the call then answers not found,
// or is refused by a policy that names resources.
func (c *catalogAPI) entityARN(ctx context.Context, caller, catalog, id, kind string) string {
	if e, err := c.svc.CatalogEntity(ctx, caller, cmpCatalog(catalog), id); err == nil {
		return e.ARN
	}
	if kind == "" || id == "" {
		return "*"
	}
	return service.EntityARN(caller, kind, id)
}

// cmpCatalog is the catalog a request names, AWSMarketplace when it names none (its validation
// then says what is wrong).
func cmpCatalog(catalog string) string {
	if catalog == "" {
		return service.Catalog
	}
	return catalog
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// conditionKeys states catalog:ChangeType (each change type once), and the tags the change
// set and its entities are to get.
func (in *startChangeSetIn) conditionKeys(k iam.Keys) {
	var types []string
	tags := tagsIn(in.ChangeSetTags)
	for _, ch := range in.ChangeSet {
		types = appendNew(types, ch.ChangeType)
		tags = append(tags, tagsIn(ch.EntityTags)...)
	}
	k.Set("catalog:ChangeType", types...)
	requestTags(k, tags)
}

// conditionKeys states the tags TagResource adds, and the tag keys UntagResource removes.
func (in *arnIn) conditionKeys(k iam.Keys) {
	requestTags(k, tagsIn(in.Tags))
	if len(in.TagKeys) > 0 {
		k.Set("aws:TagKeys", in.TagKeys...)
	}
}

// requestTags states aws:RequestTag/<key> for each tag and aws:TagKeys for all, when there are
// any.
func requestTags(k iam.Keys, tags []mercato.Tag) {
	if len(tags) == 0 {
		return
	}
	var keys []string
	for _, t := range tags {
		k.Set("aws:RequestTag/"+t.Key, t.Value)
		keys = appendNew(keys, t.Key)
	}
	k.Set("aws:TagKeys", keys...)
}
