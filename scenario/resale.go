package scenario

import (
	"gopkg.in/yaml.v3"

	"mercato"
)

// scenarioOffer is an offer as a file writes it: the domain's offer, or a channel partner's
// offer that names a resale authorization (resaleAuthorization: <id>) instead of giving its
// resale terms inline (resale: {...}).
type scenarioOffer struct {
	mercato.Offer
	ResaleAuthorization string `json:"resaleAuthorization,omitempty"`
}

// offers decodes the offers section; an offer naming a resale authorization gets resale terms
// that name it, which the service completes from the authorization.
func (p *parser) offers(n *yaml.Node) []mercato.Offer {
	list := entries[scenarioOffer](p, "offers", n)
	if list == nil {
		return nil
	}
	out := make([]mercato.Offer, len(list))
	for i, so := range list {
		out[i] = so.Offer
		if so.ResaleAuthorization == "" {
			continue
		}
		if so.Resale != nil {
			name := entryName("offers", i)
			p.rules(name, "invalid offer "+so.ID, mercato.Problems{{Name: "resaleAuthorization",
				Message: "give resaleAuthorization or an inline resale block, not both"}})
			p.broken[name] = true
			continue
		}
		out[i].Resale = &mercato.Resale{AuthorizationID: so.ResaleAuthorization}
	}
	return out
}

// checkResaleAuthorizations checks each authorization alone and against the file: its product,
// when in the file, is its manufacturer's; its reseller, when in the file, a channel partner.
// It then gives offers naming one of them their seller, the authorization's reseller.
func (p *parser) checkResaleAuthorizations(sc *mercato.Scenario, accounts map[string]*mercato.Account, products map[string]*mercato.Product) {
	seen := ids{}
	byID := map[string]*mercato.ScenarioResaleAuthorization{}
	for i := range sc.ResaleAuthorizations {
		r, name := &sc.ResaleAuthorizations[i], entryName("resaleAuthorizations", i)
		if p.broken[name] {
			continue
		}
		ps := problemsOf(r.Validate())
		if pr, ok := products[r.ProductID]; ok && pr.SellerID != r.ManufacturerID {
			ps.Add("manufacturer", "%s is not the seller of product %s (%s is)", r.ManufacturerID, pr.ID, pr.SellerID)
		}
		if a, ok := accounts[r.ResellerID]; ok && !a.HasRole(mercato.RoleChannelPartner) {
			ps.Add("reseller", "account %s has no %s role", a.ID, mercato.RoleChannelPartner)
		}
		seen.claim(p, name, r.ID, &ps)
		p.rules(name, "invalid resale authorization "+r.ID, ps)
		if r.ID != "" {
			byID[r.ID] = r
		}
	}
	for i := range sc.Offers {
		o := &sc.Offers[i]
		if o.Resale == nil || o.Resale.AuthorizationID == "" || o.SellerID != "" || p.broken[entryName("offers", i)] {
			continue
		}
		if r, ok := byID[o.Resale.AuthorizationID]; ok {
			o.SellerID = r.ResellerID
			continue
		}
		p.rules(entryName("offers", i), "invalid offer "+o.ID, mercato.Problems{{Name: "seller",
			Message: "resale authorization " + o.Resale.AuthorizationID + " is not in this file, so the offer must name its seller, the channel partner"}})
	}
}
