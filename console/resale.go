package console

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"mercato"
	"mercato/service"
)

// Resale authorizations (channel-partner private offers, CPPO) in the console: the maker
// authorizes a channel partner to resell one of its products, the partner makes offers with
// the authorizations shared with it. Every action starts a Catalog change set, built by the
// service's builders, so that the console and the Catalog API apply the same rules.

// IsChannelPartner reports whether the account may resell other sellers' products.
func (u *user) IsChannelPartner() bool { return u.Is(mercato.RoleChannelPartner) }

// resaleView is one authorization as the pages list it.
type resaleView struct {
	service.ResaleAuthorizationUse
	Maker, Partner, Product string
	Wholesale               string // "1,000.00 USD"
	LastDay                 string // the last day offers may be made (YYYY-MM-DD)
}

// resalePageView is the data of both resale pages.
type resalePageView struct {
	Authorizations []resaleView
	Products       []mercato.Product // the maker's, for the create form
	Form           resaleForm
	Offer          resaleOfferForm
	ChangeSets     []changeSetView // the latest change sets of resale authorizations and CPPOs
	Currencies     []string
	Denied         string // why the key may not use the page, as the Offers tab says it (offers_permission.go)
}

// resaleViews names the parties and product of each authorization and formats its price.
func (c *Console) resaleViews(r *http.Request, uses []service.ResaleAuthorizationUse) []resaleView {
	n := c.names(r.Context())
	out := make([]resaleView, 0, len(uses))
	for _, a := range uses {
		v := resaleView{ResaleAuthorizationUse: a, Maker: n.Account(a.ManufacturerID), Partner: n.Account(a.ResellerID),
			Product: n.Product(a.ProductID)}
		if len(a.Terms) > 0 {
			v.Wholesale = wholesaleText(&a.ResaleAuthorization)
		}
		v.LastDay = service.ResaleAvailabilityEndDate(&a.ResaleAuthorization)
		out = append(out, v)
	}
	return out
}

// wholesaleText formats what an authorization pays its maker: the contract's price, and each
// per-unit rate ("1,000.00 USD; api_calls 0.10 USD per unit").
func wholesaleText(a *mercato.ResaleAuthorization) string {
	rates := service.WholesaleRates(a)
	if rates == nil {
		return formatMoney(a.Wholesale, a.Currency)
	}
	var parts []string
	if a.Wholesale != 0 {
		parts = append(parts, formatMoney(a.Wholesale, a.Currency))
	}
	for _, it := range rates.Usage {
		parts = append(parts, fmt.Sprintf("%s %s %s per unit", it.DimensionKey, it.Price.FormatIn(a.Currency), a.Currency))
	}
	for _, rc := range rates.Contract {
		for _, it := range rc.RateCard {
			parts = append(parts, fmt.Sprintf("%s %s %s per unit for %s", it.DimensionKey, it.Price.FormatIn(a.Currency), a.Currency, rc.Selector.Value))
		}
	}
	return strings.Join(parts, "; ")
}

// resaleChangeSets returns the seller's latest change sets that touch resale: authorizations and
// offers made with them.
func (c *Console) resaleChangeSets(r *http.Request, u *user) ([]changeSetView, error) {
	all, err := c.recentChangeSets(r, u, 50)
	var out []changeSetView
	for _, cs := range all {
		if slices.ContainsFunc(cs.Changes, isResaleChange) && len(out) < 10 {
			out = append(out, cs)
		}
	}
	return out, err
}

func isResaleChange(ch mercato.Change) bool {
	return ch.EntityType == "ResaleAuthorization@1.0" || ch.ChangeType == "CreateOfferUsingResaleAuthorization" ||
		ch.ChangeType == "CreateReplacementOfferUsingResaleAuthorization"
}

// startResaleChanges starts a change set and returns to the page, where its status shows; a
// change set refused outright shows why on the page.
func (c *Console) startResaleChanges(w http.ResponseWriter, r *http.Request, u *user, changes []mercato.Change, back string,
	again func(status int, problem string)) {
	cs, err := c.svc.StartChangeSet(r.Context(), u.ID, service.StartChangeSetInput{Catalog: service.Catalog,
		ClientToken: "console-" + randomHex(16), Changes: changes})
	if err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			again(status, msg)
		}
		return
	}
	http.Redirect(w, r, back+"?notice=resale-started#change-set-"+cs.ID, http.StatusSeeOther)
}

// resaleRoutes registers the resale pages: the maker's and the channel partner's.
func (c *Console) resaleRoutes(m *http.ServeMux, seller func(pageHandler) http.HandlerFunc) {
	const a = "/console/seller/resale/{id}"
	m.HandleFunc("GET /console/seller/resale", seller(c.grantedPage))
	m.HandleFunc("POST /console/seller/resale", seller(c.createAuthorization))
	m.HandleFunc("POST "+a+"/release", seller(c.changeAuthorization("ReleaseResaleAuthorization")))
	m.HandleFunc("POST "+a+"/restrict", seller(c.changeAuthorization("RestrictResaleAuthorization")))
	partner := c.as(mercato.RoleChannelPartner)
	m.HandleFunc("GET /console/seller/resale/shared", partner(c.sharedPage))
	m.HandleFunc("POST /console/seller/resale/shared", partner(c.createResaleOffer))
}

// formInt reads an optional non-negative whole number; blank is zero.
func formInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// resaleCurrency reads the form's currency, USD unless it is one a contract may be priced in.
func resaleCurrency(s string) mercato.Currency {
	if !slices.Contains(currencies, s) {
		return "USD"
	}
	return mercato.Currency(s)
}
