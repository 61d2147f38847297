package sqlstore

import (
	"mercato"
)

var accountCols = []string{"id", "name", "roles", "tax_jurisdiction", "disbursement", "payer"}

var (
	upsertAccount    = upsertSQL("accounts", accountCols)
	selectAccounts   = selectSQL("accounts", accountCols)
	insertAccessKey  = insertNewSQL("access_keys", []string{"key_id", "account_id", "position", "secret", "policy", "status", "created_at"})
	deleteAccessKeys = "DELETE FROM access_keys WHERE account_id = $1"
	selectAccessKeys = "SELECT account_id, key_id, secret, policy, status, created_at FROM access_keys"
	selectKeyOwner   = "SELECT account_id FROM access_keys WHERE key_id = $1"
	accessKeyOrder   = " ORDER BY account_id, position"
)

// PutAccount creates or replaces the account and its access keys. A key of another account is
// EConflict.
func (t *tx) PutAccount(a mercato.Account) error {
	if _, err := t.exec(upsertAccount, a.ID, a.Name, jsonArg{a.Roles}, a.TaxJurisdiction, jsonArg{a.Disbursement}, a.Payer); err != nil {
		return t.fail(err, "put", "Account", a.ID)
	}
	if _, err := t.exec(deleteAccessKeys, a.ID); err != nil {
		return t.fail(err, "put access keys of", "Account", a.ID)
	}
	for i, k := range a.AccessKeys {
		n, err := t.execCount(insertAccessKey, k.ID, a.ID, i, k.Secret, k.Policy, string(k.Status), micros(k.Created))
		if err != nil {
			return t.fail(err, "put", "AccessKey", k.ID)
		}
		if n == 0 {
			return conflict("AccessKey", k.ID, "is already in use")
		}
	}
	return nil
}

// GetAccount returns the account with the ID.
func (t *tx) GetAccount(id string) (mercato.Account, error) {
	a, err := getRow(t, scanAccount, selectAccounts+" WHERE id = $1", id)
	if err != nil {
		return a, t.fail(err, "get", "Account", id)
	}
	keys, err := list(t, scanAccessKey, selectAccessKeys+" WHERE account_id = $1"+accessKeyOrder, id)
	if err != nil {
		return a, t.fail(err, "get access keys of", "Account", id)
	}
	for _, k := range keys {
		a.AccessKeys = append(a.AccessKeys, k.key)
	}
	return a, nil
}

// AccountByAccessKey returns the account owning the access key.
func (t *tx) AccountByAccessKey(keyID string) (mercato.Account, error) {
	owner, err := getRow(t, scanString, selectKeyOwner, keyID)
	if err != nil {
		return mercato.Account{}, t.fail(err, "get", "AccessKey", keyID)
	}
	return t.GetAccount(owner)
}

// ListAccounts returns every account, ordered by ID.
func (t *tx) ListAccounts() ([]mercato.Account, error) {
	accounts, err := list(t, scanAccount, selectAccounts+" ORDER BY id")
	if err != nil {
		return nil, wrap(err, "list accounts")
	}
	keys, err := list(t, scanAccessKey, selectAccessKeys+accessKeyOrder)
	if err != nil {
		return nil, wrap(err, "list access keys")
	}
	byAccount := map[string][]mercato.AccessKey{}
	for _, k := range keys {
		byAccount[k.accountID] = append(byAccount[k.accountID], k.key)
	}
	for i := range accounts {
		accounts[i].AccessKeys = byAccount[accounts[i].ID]
	}
	return accounts, nil
}

func scanAccount(s scanner) (mercato.Account, error) {
	var a mercato.Account
	err := s.Scan(&a.ID, &a.Name, jsonCol{&a.Roles}, &a.TaxJurisdiction, jsonCol{&a.Disbursement}, &a.Payer)
	return a, err
}

type ownedKey struct {
	accountID string
	key       mercato.AccessKey
}

func scanAccessKey(s scanner) (ownedKey, error) {
	var k ownedKey
	var created int64
	err := s.Scan(&k.accountID, &k.key.ID, &k.key.Secret, &k.key.Policy, &k.key.Status, &created)
	k.key.Created = fromMicros(created)
	return k, err
}

func scanString(s scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}
