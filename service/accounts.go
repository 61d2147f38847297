package service

import (
	"context"
	"errors"
	"slices"

	"mercato"
	"mercato/iam"
)

// Audit actions of accounts and their keys.
const (
	auditCreateAccount   = "CreateAccount"
	auditSetPayout       = "SetPayout"
	auditCreateAccessKey = "CreateAccessKey"
	auditRevokeAccessKey = "RevokeAccessKey"
)

// validateAccount checks an account and its keys' policies, reporting every problem at once.
func validateAccount(a *mercato.Account) error {
	var p mercato.Problems
	if e, ok := errors.AsType[*mercato.Error](a.Validate()); ok {
		p.Append(e.Fields...)
	}
	for _, k := range a.AccessKeys {
		if _, err := iam.Resolve(k.Policy); err != nil {
			p.Add("accessKeys.policy", "key %s: %v", k.ID, err)
		}
	}
	return p.Err("invalid account " + a.ID)
}

// AccountInput is what an operator gives to create an account, and what may change later.
type AccountInput struct {
	ID              string
	Name            string
	Roles           []mercato.Role
	TaxJurisdiction string
	Disbursement    *mercato.Disbursement
}

// CreateAccount creates an account without keys; the operator then creates its first key (or
// the account's owner does, once given one). EForbidden unless actor is an operator; EInvalid
// for bad fields; EConflict if the ID is taken.
func (s *Service) CreateAccount(ctx context.Context, actor string, in AccountInput) (mercato.Account, error) {
	a := mercato.Account{ID: in.ID, Name: in.Name, Roles: in.Roles, TaxJurisdiction: in.TaxJurisdiction,
		Disbursement: in.Disbursement}
	if err := a.Validate(); err != nil {
		return a, err
	}
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		if err := requireOperator(tx, actor); err != nil {
			return err
		}
		if _, err := tx.GetAccount(a.ID); err == nil {
			return mercato.Errorf(mercato.EConflict, "account %s already exists", a.ID)
		} else if mercato.ErrorCodeOf(err) != mercato.ENotFound {
			return err
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		return audit(tx, s.Now(), actor, auditCreateAccount, "Account", a.ID, "", in)
	})
	return a, err
}

// SetPayout sets a seller's payout schedule (daily, or monthly on a day 1-28) and bank accounts.
// The seller itself or an operator may: ENotFound for anyone else, EForbidden for an account that
// is no seller, EInvalid for a bad schedule or bank account.
func (s *Service) SetPayout(ctx context.Context, actor, accountID string, d mercato.Disbursement) error {
	return s.updateAccount(ctx, actor, accountID, func(a *mercato.Account) error {
		if !a.HasRole(mercato.RoleSeller) {
			return mercato.Errorf(mercato.EForbidden, "account %s is not a seller: it has no payouts", a.ID)
		}
		a.Disbursement = &d
		return nil
	})
}

// updateAccount applies change to the account in one transaction with its audit record (a
// SetPayout, its only change so far), after checking that actor is the account itself or an
// operator.
func (s *Service) updateAccount(ctx context.Context, actor, id string, change func(*mercato.Account) error) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := ownAccount(tx, actor, id)
		if err != nil {
			return err
		}
		if err := change(&a); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		return audit(tx, s.Now(), actor, auditSetPayout, "Account", a.ID, "", a.Disbursement)
	})
}

// CreateAccessKey creates a key for the account with an optional policy (see iam.Resolve) and
// returns it with its secret: the only time the secret is shown. The account itself or an
// operator may. EInvalid for a malformed policy (naming its field); EQuota past maxActiveKeys.
func (s *Service) CreateAccessKey(ctx context.Context, actor, accountID, policy string) (mercato.AccessKey, error) {
	if _, err := iam.Resolve(policy); err != nil {
		return mercato.AccessKey{}, policyError(err)
	}
	k := newAccessKey(policy, s.Now())
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		return s.addKey(tx, actor, accountID, k, "")
	})
	return k, err
}

// RotateAccessKey replaces a key: a new key with the old one's policy is created and the old one
// revoked, in one transaction. It returns the new key with its secret.
func (s *Service) RotateAccessKey(ctx context.Context, actor, accountID, keyID string) (mercato.AccessKey, error) {
	var k mercato.AccessKey
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := ownAccount(tx, actor, accountID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(a.AccessKeys, func(k mercato.AccessKey) bool { return k.ID == keyID })
		if i < 0 || !a.AccessKeys[i].Active() {
			return mercato.NotFound("AccessKey", keyID)
		}
		k = newAccessKey(a.AccessKeys[i].Policy, s.Now())
		return s.addKey(tx, actor, accountID, k, keyID)
	})
	s.keys.Delete(keyID)
	return k, err
}

// addKey adds k to the account, revoking the key `replaces` if not empty.
func (s *Service) addKey(tx mercato.Tx, actor, accountID string, k mercato.AccessKey, replaces string) error {
	a, err := ownAccount(tx, actor, accountID)
	if err != nil {
		return err
	}
	if err := s.openKeys(tx, &a); err != nil {
		return err
	}
	active := 0
	for i := range a.AccessKeys {
		if a.AccessKeys[i].ID == replaces {
			a.AccessKeys[i].Status = mercato.KeyRevoked
		}
		if a.AccessKeys[i].Active() {
			active++
		}
	}
	if active >= maxActiveKeys {
		return mercato.Errorf(mercato.EQuota, "account %s has %d active access keys, the most it may have: revoke one first", a.ID, active)
	}
	a.AccessKeys = append(a.AccessKeys, k)
	if err := s.sealKeys(tx, &a); err != nil {
		return err
	}
	if err := tx.PutAccount(a); err != nil {
		return err
	}
	details := map[string]string{"accessKeyId": k.ID, "policy": k.Policy, "replaces": replaces}
	return audit(tx, s.Now(), actor, auditCreateAccessKey, "Account", a.ID, "", details)
}

// RevokeAccessKey revokes a key: it signs nothing from now on this node, and within keyTTL on
// every other. The account itself or an operator may. ENotFound for a key the account lacks;
// revoking a revoked key does nothing.
func (s *Service) RevokeAccessKey(ctx context.Context, actor, accountID, keyID string) error {
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := ownAccount(tx, actor, accountID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(a.AccessKeys, func(k mercato.AccessKey) bool { return k.ID == keyID })
		if i < 0 {
			return mercato.NotFound("AccessKey", keyID)
		}
		if !a.AccessKeys[i].Active() {
			return nil
		}
		a.AccessKeys[i].Status = mercato.KeyRevoked
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		return audit(tx, s.Now(), actor, auditRevokeAccessKey, "Account", a.ID, "", map[string]string{"accessKeyId": keyID})
	})
	s.keys.Delete(keyID)
	return err
}

// AccessKeys lists an account's keys, revoked ones included, without their secrets. The account
// itself or an operator may.
func (s *Service) AccessKeys(ctx context.Context, actor, accountID string) ([]mercato.AccessKey, error) {
	var keys []mercato.AccessKey
	err := s.view(ctx, func(tx mercato.Tx) error {
		a, err := ownAccount(tx, actor, accountID)
		keys = a.AccessKeys
		return err
	})
	for i := range keys {
		keys[i].Secret = ""
	}
	return keys, err
}

// ownAccount returns the account if actor is that account or an operator. ENotFound for an
// account the actor may not see, so that account IDs do not leak.
func ownAccount(tx mercato.Tx, actor, id string) (mercato.Account, error) {
	if actor != id {
		if err := requireOperator(tx, actor); err != nil {
			return mercato.Account{}, mercato.NotFound("Account", id)
		}
	}
	return tx.GetAccount(id)
}

// requireOperator returns EForbidden unless actor is an operator account.
func requireOperator(tx mercato.Tx, actor string) error {
	a, err := tx.GetAccount(actor)
	if err != nil || !a.HasRole(mercato.RoleOperator) {
		return mercato.Errorf(mercato.EForbidden, "only operators manage accounts; %s is not one", actor)
	}
	return nil
}

// policyError turns a malformed policy into EInvalid naming the policy's field.
func policyError(err error) error {
	if e, ok := err.(*iam.Error); ok {
		var p mercato.Problems
		p.Add("policy", "%s %s", e.Field, e.Message)
		return p.Err("invalid policy")
	}
	return err
}

// Accounts lists every account, without its keys' secrets. Operators only: EForbidden otherwise.
func (s *Service) Accounts(ctx context.Context, actor string) ([]mercato.Account, error) {
	var out []mercato.Account
	err := s.view(ctx, func(tx mercato.Tx) error {
		if err := requireOperator(tx, actor); err != nil {
			return err
		}
		var err error
		out, err = tx.ListAccounts()
		return err
	})
	for i := range out {
		for j := range out[i].AccessKeys {
			out[i].AccessKeys[j].Secret = ""
		}
	}
	return out, err
}
