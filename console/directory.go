package console

import (
	"context"

	"mercato"
)

// account returns the account with the ID from the directory, or one inferred from what it did
// when the console has no directory.
func (c *Console) account(ctx context.Context, id string) (mercato.Account, error) {
	if c.dir == nil {
		return c.inferAccount(ctx, id)
	}
	a, err := c.dir.Account(ctx, id)
	a.AccessKeys = nil // the console never needs the secrets; keep them out of every page's data
	return a, err
}

// inferAccount guesses an account's roles from the service's data: a seller has offers or
// agreements it proposed; a buyer has agreements it accepted, and so is every account that is
// not a seller. The operator role cannot be inferred, so without a directory the operator pages
// stay closed. The name is the ID.
func (c *Console) inferAccount(ctx context.Context, id string) (mercato.Account, error) {
	a := mercato.Account{ID: id, Name: id}
	offers, err := c.svc.Offers(ctx, mercato.OfferFilter{SellerID: id})
	if err != nil {
		return a, err
	}
	proposed, err := c.svc.Agreements(ctx, mercato.AgreementFilter{ProposerID: id, Limit: 1})
	if err != nil {
		return a, err
	}
	accepted, err := c.svc.Agreements(ctx, mercato.AgreementFilter{AcceptorID: id, Limit: 1})
	if err != nil {
		return a, err
	}
	seller := len(offers) > 0 || len(proposed) > 0
	if seller {
		a.Roles = append(a.Roles, mercato.RoleSeller)
	}
	if !seller || len(accepted) > 0 {
		a.Roles = append(a.Roles, mercato.RoleBuyer)
	}
	return a, nil
}

// names resolves account names and product titles for one request, each ID once. A lookup that
// fails shows the ID: a name is a convenience, never a reason to fail a page.
type names struct {
	ctx      context.Context
	dir      Directory
	accounts map[string]string
	products map[string]string
}

func (c *Console) names(ctx context.Context) *names {
	return &names{ctx: ctx, dir: c.dir, accounts: map[string]string{}, products: map[string]string{}}
}

// Account returns the account's name, or its ID.
func (n *names) Account(id string) string {
	if v, ok := n.accounts[id]; ok {
		return v
	}
	v := id
	if n.dir != nil {
		if a, err := n.dir.Account(n.ctx, id); err == nil && a.Name != "" {
			v = a.Name
		}
	}
	n.accounts[id] = v
	return v
}

// Product returns the product's title, or its ID.
func (n *names) Product(id string) string {
	if v, ok := n.products[id]; ok {
		return v
	}
	v := id
	if n.dir != nil {
		if p, err := n.dir.Product(n.ctx, id); err == nil && p.Title != "" {
			v = p.Title
		}
	}
	n.products[id] = v
	return v
}
