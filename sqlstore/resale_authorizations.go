package sqlstore

import (
	"mercato"
)

// resaleAuthorizationType is the resource type of resale authorizations in errors.
const resaleAuthorizationType = "ResaleAuthorization"

var (
	resaleAuthorizationCols    = []string{"id", "manufacturer_id", "reseller_id", "doc"}
	upsertResaleAuthorization  = upsertSQL("resale_authorizations", resaleAuthorizationCols)
	selectResaleAuthorizations = selectSQL("resale_authorizations", resaleAuthorizationCols)
)

// PutResaleAuthorization creates or replaces a resale authorization.
func (t *tx) PutResaleAuthorization(r mercato.ResaleAuthorization) error {
	if _, err := t.exec(upsertResaleAuthorization, r.ID, r.ManufacturerID, r.ResellerID, jsonArg{r}); err != nil {
		return t.fail(err, "put", resaleAuthorizationType, r.ID)
	}
	return nil
}

// GetResaleAuthorization returns the resale authorization with the ID.
func (t *tx) GetResaleAuthorization(id string) (mercato.ResaleAuthorization, error) {
	r, err := getRow(t, scanResaleAuthorization, selectResaleAuthorizations+" WHERE id = $1", id)
	return r, t.fail(err, "get", resaleAuthorizationType, id)
}

// LockResaleAuthorization takes the lock of the resale authorization (the dialect's LockKeys;
// without it transactions do not overlap anyway), then returns it.
func (t *tx) LockResaleAuthorization(id string) (mercato.ResaleAuthorization, error) {
	if t.d.LockKeys != "" {
		if _, err := t.exec(t.d.LockKeys, []int64{lockKey("resale-authorization", id)}); err != nil {
			return mercato.ResaleAuthorization{}, wrap(err, "lock resale authorization %s", id)
		}
	}
	return t.GetResaleAuthorization(id)
}

// ListResaleAuthorizations returns those the account grants or holds, ordered by ID.
func (t *tx) ListResaleAuthorizations(accountID string) ([]mercato.ResaleAuthorization, error) {
	rs, err := list(t, scanResaleAuthorization,
		selectResaleAuthorizations+" WHERE manufacturer_id = $1 OR reseller_id = $1 ORDER BY id", accountID)
	return rs, wrap(err, "list resale authorizations of %s", accountID)
}

func scanResaleAuthorization(s scanner) (mercato.ResaleAuthorization, error) {
	var r mercato.ResaleAuthorization
	var id, maker, reseller string
	err := s.Scan(&id, &maker, &reseller, jsonCol{&r})
	return r, err
}
