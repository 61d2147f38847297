package service

import (
	"fmt"
	"reflect"
	"slices"

	"mercato"
)

// checkPayers checks the organisations of the scenario's accounts, once all of them exist: a
// linked account's payer is an account, and a payer is nobody's linked account (AWS
// organisations have one management account that pays for all).
func checkPayers(tx mercato.Tx, sc *mercato.Scenario) error {
	for i, a := range sc.Accounts {
		if a.Payer == "" {
			continue
		}
		payer, err := tx.GetAccount(a.Payer)
		if err != nil {
			return entryError(sc, fmt.Sprintf("accounts[%d]", i), fmt.Errorf("payer: %w", err))
		}
		if payer.Payer != "" {
			return entryError(sc, fmt.Sprintf("accounts[%d]", i), mercato.Errorf(mercato.EInvalid,
				"payer %s is itself a linked account of %s; name the organisation's payer", payer.ID, payer.Payer))
		}
	}
	return nil
}

// putPrivateMarketplace creates a private marketplace, or does nothing if an identical one
// exists. Its administrator has the privateMarketplaceAdmin role, its accounts are buyers and
// its products exist.
func putPrivateMarketplace(tx mercato.Tx, m mercato.PrivateMarketplace) error {
	if err := m.Validate(); err != nil {
		return err
	}
	admin, err := tx.GetAccount(m.AdminID)
	if err != nil {
		return fmt.Errorf("administrator: %w", err)
	}
	if !admin.HasRole(mercato.RolePrivateMarketplaceAdmin) {
		return mercato.Errorf(mercato.EInvalid, "administrator %s has no %s role", admin.ID, mercato.RolePrivateMarketplaceAdmin)
	}
	for _, id := range m.Accounts {
		a, err := tx.GetAccount(id)
		if err != nil {
			return fmt.Errorf("accounts: %w", err)
		}
		if !a.HasRole(mercato.RoleBuyer) {
			return mercato.Errorf(mercato.EInvalid, "account %s is not a buyer", id)
		}
	}
	for _, id := range m.Products {
		if _, err := tx.GetProduct(id); err != nil {
			return fmt.Errorf("products: %w", err)
		}
	}
	old, err := tx.GetPrivateMarketplace(m.ID)
	if err == nil {
		return samePrivateMarketplace(old, m)
	}
	if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return err
	}
	return tx.PutPrivateMarketplace(m)
}

// samePrivateMarketplace returns nil if old and m are the same, EConflict otherwise.
func samePrivateMarketplace(old, m mercato.PrivateMarketplace) error {
	norm := func(x *mercato.PrivateMarketplace) {
		x.Accounts, x.Products = slices.Clip(append([]string{}, x.Accounts...)), slices.Clip(append([]string{}, x.Products...))
	}
	norm(&old)
	norm(&m)
	if reflect.DeepEqual(old, m) {
		return nil
	}
	return mercato.Errorf(mercato.EConflict, "private marketplace %s exists and differs", m.ID)
}
