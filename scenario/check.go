package scenario

import (
	"errors"
	"strings"

	"mercato"
)

// check fills in defaults and checks each entry, alone and against the rest of the file.
// Checks against the file are light: an account or product the file does not define may
// already exist, and the service, which sees the marketplace, is the authority.
func (p *parser) check(sc *mercato.Scenario) {
	accounts := p.checkAccounts(sc.Accounts)
	products := p.checkProducts(sc.Products, accounts)
	p.checkResaleAuthorizations(sc, accounts, products)
	p.checkOffers(sc.Offers, products)
	p.checkAgreements(sc.Agreements, accounts)
	p.checkEventDestinations(sc.EventDestinations)
	p.checkPayers(sc.Accounts, accounts)
	p.checkPrivateMarketplaces(sc.PrivateMarketplaces, accounts)
}

// rules records the problems of the entry name, if any, as one error ("invalid offer x (...)").
// A problem with a field written on another line than the entry is named with that line.
func (p *parser) rules(name, what string, ps mercato.Problems) {
	lines := p.lines[name]
	for i, f := range ps {
		if line, ok := lines[f.Name]; ok && line != lines[""] {
			ps[i].Name = label(f.Name, line)
		}
	}
	if err := ps.Err(strings.TrimSpace(what)); err != nil {
		p.add(name, lines[""], "%s", err)
	}
}

// problemsOf returns the field problems of err, the result of a Validate method.
func problemsOf(err error) mercato.Problems {
	if err == nil {
		return nil
	}
	var e *mercato.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields
	}
	return mercato.Problems{{Name: "entry", Message: err.Error()}}
}

// ids finds IDs used twice within one section of the file.
type ids map[string]string // id → the entry that first used it

// claim records that entry name uses id and adds a problem if another entry already does.
func (seen ids) claim(p *parser, name, id string, ps *mercato.Problems) {
	if id == "" {
		return
	}
	if first, dup := seen[id]; dup {
		ps.Add("id", "%s is already used by %s (%s)", id, first, p.where[first])
		return
	}
	seen[id] = name
}

func (p *parser) checkAccounts(accounts []mercato.Account) map[string]*mercato.Account {
	byID := map[string]*mercato.Account{}
	seen := ids{}
	for i := range accounts {
		a, name := &accounts[i], entryName("accounts", i)
		byID[a.ID] = a
		if p.broken[name] {
			continue
		}
		ps := problemsOf(a.Validate())
		seen.claim(p, name, a.ID, &ps)
		p.rules(name, "invalid account "+a.ID, ps)
	}
	return byID
}

func (p *parser) checkProducts(products []mercato.Product, accounts map[string]*mercato.Account) map[string]*mercato.Product {
	byID := map[string]*mercato.Product{}
	seen := ids{}
	for i := range products {
		pr, name := &products[i], entryName("products", i)
		if pr.ProductCode == "" {
			pr.ProductCode = pr.ID
		}
		if pr.Visibility == "" {
			pr.Visibility = "public"
		}
		byID[pr.ID] = pr
		if p.broken[name] {
			continue
		}
		ps := problemsOf(pr.Validate())
		if pr.Visibility != "limited" && len(pr.AllowedBuyers) > 0 {
			ps.Add("allowedBuyers", "only a limited product has an allow-list: add visibility: limited")
		}
		if a, ok := accounts[pr.SellerID]; ok && !a.HasRole(mercato.RoleSeller) {
			ps.Add("seller", "account %s has no seller role", a.ID)
		}
		seen.claim(p, name, pr.ID, &ps)
		p.rules(name, "invalid product "+pr.ID, ps)
	}
	return byID
}

func (p *parser) checkOffers(offers []mercato.Offer, products map[string]*mercato.Product) {
	seen := ids{}
	for i := range offers {
		o, name := &offers[i], entryName("offers", i)
		var ps mercato.Problems
		resolveSeller(o, products, &ps)
		o.Terms.FillIDs(o.ID)
		if p.broken[name] {
			continue
		}
		ps = append(problemsOf(o.Validate()), ps...)
		if pr, ok := products[o.ProductID]; ok && pr.RefundPolicy == "" && o.Terms.IsPaid() {
			ps.Add("product", "product %s needs a refundPolicy, since this offer is paid", pr.ID)
		}
		seen.claim(p, name, o.ID, &ps)
		p.rules(name, "invalid offer "+o.ID, ps)
	}
}

// resolveSeller takes an offer's seller from its product when omitted, and checks that a
// seller given agrees with the product's.
func resolveSeller(o *mercato.Offer, products map[string]*mercato.Product, ps *mercato.Problems) {
	pr, inFile := products[o.ProductID]
	switch {
	case o.ProductID == "":
		ps.Add("product", "is required")
	case o.SellerID == "" && inFile:
		o.SellerID = pr.SellerID
	case o.SellerID == "":
		ps.Add("product", "product %s is not in this file, so the offer must name its seller", o.ProductID)
	case !isAccountID(o.SellerID):
		ps.Add("seller", "must be a 12-digit account ID")
	case inFile && o.SellerID != pr.SellerID && o.Resale == nil: // a channel partner resells another's product
		ps.Add("seller", "%s is not the seller of product %s (%s is)", o.SellerID, pr.ID, pr.SellerID)
	}
}

func (p *parser) checkAgreements(agreements []mercato.ScenarioAgreement, accounts map[string]*mercato.Account) {
	seen := ids{}
	for i := range agreements {
		a, name := &agreements[i], entryName("agreements", i)
		if p.broken[name] {
			continue
		}
		ps := validateAgreement(a)
		if b, ok := accounts[a.BuyerID]; ok && !b.HasRole(mercato.RoleBuyer) {
			ps.Add("buyer", "account %s has no buyer role", b.ID)
		}
		seen.claim(p, name, a.ID, &ps)
		p.rules(name, "invalid agreement "+a.ID, ps)
	}
}

// validateAgreement reports the problems of an acceptance taken alone. The acceptance time is
// required so that a scenario means the same whenever it is applied.
func validateAgreement(a *mercato.ScenarioAgreement) mercato.Problems {
	var ps mercato.Problems
	if a.ID != "" && !mercato.ValidResourceID(a.ID) {
		ps.Add("id", "must be 1-64 letters, digits, _ / -")
	}
	if !mercato.ValidResourceID(a.OfferID) {
		ps.Add("offer", "an offer ID (1-64 letters, digits, _ / -) is required")
	}
	if !isAccountID(a.BuyerID) {
		ps.Add("buyer", "must be a 12-digit account ID")
	}
	if a.AcceptedAt.IsZero() {
		ps.Add("acceptedAt", "is required")
	}
	if a.Replaces != "" && !mercato.ValidResourceID(a.Replaces) {
		ps.Add("replaces", "must be an agreement ID (1-64 letters, digits, _ / -)")
	}
	return ps
}

// isAccountID reports whether s is a 12-digit account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
