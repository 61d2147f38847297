package sqlstore

import (
	"mercato"
)

const changeSetType = "ChangeSet"

var changeSetCols = []string{"id", "seller_id", "status", "client_token", "start_time", "data"}

var (
	insertChangeSet  = insertNewSQL("change_sets", changeSetCols)
	updateChangeSet  = updateSQL("change_sets", changeSetCols)
	selectChangeSets = "SELECT data FROM change_sets"
	upsertTag        = "INSERT INTO resource_tags (resource, key, value) VALUES ($1, $2, $3) " +
		"ON CONFLICT (resource, key) DO UPDATE SET value = excluded.value"
)

func changeSetArgs(c *mercato.ChangeSet) []any {
	return []any{c.ID, c.SellerID, string(c.Status), c.ClientToken, micros(c.StartTime), jsonArg{c}}
}

func scanChangeSet(s scanner) (mercato.ChangeSet, error) {
	var c mercato.ChangeSet
	err := s.Scan(jsonCol{&c})
	return c, err
}

// InsertChangeSet stores a new change set; an existing ID is EConflict.
func (t *tx) InsertChangeSet(c mercato.ChangeSet) error {
	return t.insertNew(changeSetType, c.ID, insertChangeSet, changeSetArgs(&c)...)
}

// UpdateChangeSet replaces a stored change set; an unknown ID is ENotFound.
func (t *tx) UpdateChangeSet(c mercato.ChangeSet) error {
	return t.updateExisting(changeSetType, c.ID, updateChangeSet, changeSetArgs(&c)...)
}

// GetChangeSet returns the change set with the ID.
func (t *tx) GetChangeSet(id string) (mercato.ChangeSet, error) {
	c, err := getRow(t, scanChangeSet, selectChangeSets+" WHERE id = $1", id)
	return c, t.fail(err, "get", changeSetType, id)
}

// ListChangeSets returns the change sets matching f, newest first.
func (t *tx) ListChangeSets(f mercato.ChangeSetFilter) ([]mercato.ChangeSet, error) {
	var w filter
	w.eq("seller_id", f.SellerID)
	w.eq("client_token", f.ClientToken)
	if f.Open {
		w.in("status", []string{string(mercato.ChangeSetPreparing), string(mercato.ChangeSetApplying)})
	}
	out, err := list(t, scanChangeSet, selectChangeSets+w.clause()+" ORDER BY start_time DESC, id DESC", w.args...)
	return out, wrap(err, "list change sets")
}

// PutTags sets tags of a resource, replacing the values of keys it has.
func (t *tx) PutTags(resource string, tags ...mercato.Tag) error {
	for _, tag := range tags {
		if _, err := t.exec(upsertTag, resource, tag.Key, tag.Value); err != nil {
			return wrap(err, "tag %s", resource)
		}
	}
	return nil
}

// DeleteTags removes the tags with the keys from a resource; absent keys are ignored.
func (t *tx) DeleteTags(resource string, keys ...string) error {
	for _, k := range keys {
		if _, err := t.exec("DELETE FROM resource_tags WHERE resource = $1 AND key = $2", resource, k); err != nil {
			return wrap(err, "untag %s", resource)
		}
	}
	return nil
}

// ListTags returns a resource's tags ordered by key.
func (t *tx) ListTags(resource string) ([]mercato.Tag, error) {
	out, err := list(t, func(s scanner) (mercato.Tag, error) {
		var tag mercato.Tag
		err := s.Scan(&tag.Key, &tag.Value)
		return tag, err
	}, "SELECT key, value FROM resource_tags WHERE resource = $1 ORDER BY key", resource)
	return out, wrap(err, "list tags of %s", resource)
}

// ListProducts returns the seller's products (all if sellerID is empty), ordered by ID.
func (t *tx) ListProducts(sellerID string) ([]mercato.Product, error) {
	var w filter
	w.eq("seller_id", sellerID)
	out, err := list(t, scanProduct, selectProducts+w.clause()+" ORDER BY id", w.args...)
	return out, wrap(err, "list products")
}
