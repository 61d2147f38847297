package scenario

import (
	"mercato"
)

// checkPayers checks the organisations the file defines: a payer in the file is not itself a
// linked account.
func (p *parser) checkPayers(list []mercato.Account, accounts map[string]*mercato.Account) {
	for i := range list {
		a, name := &list[i], entryName("accounts", i)
		if p.broken[name] || a.Payer == "" {
			continue
		}
		if payer, ok := accounts[a.Payer]; ok && payer.Payer != "" {
			var ps mercato.Problems
			ps.Add("payer", "%s is itself a linked account of %s; name the organisation's payer", payer.ID, payer.Payer)
			p.rules(name, "invalid account "+a.ID, ps)
		}
	}
}

// checkPrivateMarketplaces checks each private marketplace alone and against the accounts and
// products of the file: its administrator has the privateMarketplaceAdmin role, it governs buyer
// accounts that no other marketplace of the file governs. Its products may exist already, so
// the service checks them.
func (p *parser) checkPrivateMarketplaces(list []mercato.PrivateMarketplace, accounts map[string]*mercato.Account) {
	seen := ids{}
	governed := map[string]string{} // account → the entry governing it
	for i := range list {
		m, name := &list[i], entryName("privateMarketplaces", i)
		if p.broken[name] {
			continue
		}
		ps := problemsOf(m.Validate())
		seen.claim(p, name, m.ID, &ps)
		if a, ok := accounts[m.AdminID]; ok && !a.HasRole(mercato.RolePrivateMarketplaceAdmin) {
			ps.Add("administrator", "account %s has no %s role", a.ID, mercato.RolePrivateMarketplaceAdmin)
		}
		for _, id := range m.Accounts {
			if a, ok := accounts[id]; ok && !a.HasRole(mercato.RoleBuyer) {
				ps.Add("accounts", "account %s has no buyer role", id)
			}
			if first, dup := governed[id]; dup && first != name {
				ps.Add("accounts", "account %s is already governed by %s (%s)", id, first, p.where[first])
			}
			governed[id] = name
		}
		p.rules(name, "invalid private marketplace "+m.ID, ps)
	}
}
