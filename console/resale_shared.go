package console

import (
	"net/http"
	"strings"

	"mercato"
	"mercato/service"
)

// resaleOfferForm is the channel partner's "Create offer from an authorization" form, as last
// posted.
type resaleOfferForm struct {
	Authorization, Name    string
	Pricing, Markup, Price string // Pricing: markup or price
	Buyers, LastDay        string
	Release                bool
	Fields                 []mercato.FieldError
}

// sharedPage lists the authorizations shared with the channel partner, with the form to make
// an offer with one.
func (c *Console) sharedPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showShared(w, r, u, http.StatusOK, resaleOfferForm{Pricing: "markup", Release: true}, "")
}

func (c *Console) showShared(w http.ResponseWriter, r *http.Request, u *user, status int, f resaleOfferForm, problem string) {
	p := page{Name: "resale_shared", Title: "Shared with you", Nav: "seller-resale-shared", User: u, Error: problem,
		Crumbs: []crumb{{"Resale authorizations", "/console/seller/resale"}}}
	if denied := c.offersDenied(r, u); denied != "" {
		p.Data = resalePageView{Denied: denied}
		c.render(w, r, http.StatusForbidden, p)
		return
	}
	_, held, err := c.svc.ResaleAuthorizations(r.Context(), u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v := resalePageView{Authorizations: c.resaleViews(r, held), Offer: f}
	if v.ChangeSets, err = c.resaleChangeSets(r, u); err != nil {
		c.fail(w, r, u, err)
		return
	}
	p.Data = v
	c.render(w, r, status, p)
}

// createResaleOffer starts the change set that makes, prices and (if asked) releases the
// partner's offer with an authorization shared with it.
func (c *Console) createResaleOffer(w http.ResponseWriter, r *http.Request, u *user) {
	if c.offersDenied(r, u) != "" {
		c.showShared(w, r, u, http.StatusForbidden, resaleOfferForm{}, "")
		return
	}
	f := readResaleOfferForm(r)
	again := func(status int, msg string) { c.showShared(w, r, u, status, f, msg) }
	auth, err := c.heldAuthorization(r, u, f.Authorization)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d, p := f.draft(auth)
	if len(p) > 0 {
		f.Fields = p
		again(http.StatusBadRequest, "The offer is not complete: see the fields below.")
		return
	}
	changes, err := service.ResaleOfferChanges(auth, d)
	if err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			again(status, msg)
		}
		return
	}
	c.startResaleChanges(w, r, u, changes, "/console/seller/resale/shared", again)
}

// heldAuthorization reads the authorization with the ID if it is shared with the partner
// (released or restricted), as DescribeEntity shows it; nil if it is not.
func (c *Console) heldAuthorization(r *http.Request, u *user, id string) (*mercato.ResaleAuthorization, error) {
	if id == "" {
		return nil, nil
	}
	e, err := c.svc.CatalogEntity(r.Context(), u.ID, service.Catalog, id)
	switch code := mercato.ErrorCodeOf(err); {
	case code == mercato.ENotFound || code == mercato.EInvalid:
		return nil, nil
	case err != nil:
		return nil, err
	case e.ResaleAuthorization == nil || e.ResaleAuthorization.ResellerID != u.ID:
		return nil, nil // another kind of entity, or one the caller grants
	}
	return e.ResaleAuthorization, nil
}

// readResaleOfferForm reads the partner's form of a request.
func readResaleOfferForm(r *http.Request) resaleOfferForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return resaleOfferForm{Authorization: get("authorization"), Name: get("name"), Pricing: get("pricing"), Markup: get("markup"),
		Price: get("price"), Buyers: get("buyers"), LastDay: get("lastDay"), Release: r.PostFormValue("release") == "1"}
}

// draft reads the form into the service's draft, with the problems the form can see. Whether
// the price, buyers and dates are within the authorization the Catalog decides.
func (f *resaleOfferForm) draft(auth *mercato.ResaleAuthorization) (service.ResaleOfferDraft, mercato.Problems) {
	var p mercato.Problems
	d := service.ResaleOfferDraft{AuthorizationID: f.Authorization, Name: f.Name, Buyers: formList(f.Buyers), LastDay: f.LastDay,
		Release: f.Release}
	if auth == nil {
		p.Add("authorization", "choose one of the authorizations shared with you")
	} else if d.LastDay == "" {
		d.LastDay = service.ResaleAvailabilityEndDate(auth) // as long as the authorization allows
	}
	if t, ok := formDate(f.LastDay); !ok || (f.LastDay != "" && t.IsZero()) {
		p.Add("lastDay", "write the last day the buyer may accept, as YYYY-MM-DD")
	}
	switch f.Pricing {
	case "markup":
		if a, problem := formAmount(f.Markup); problem != "" || f.Markup == "" || a < 0 {
			p.Add("markup", "write a percentage, like 20 or 12.5")
		}
		d.Markup = f.Markup
	case "price":
		price, problem := formAmount(f.Price)
		if problem == "" && price <= 0 {
			problem = "write the buyer's price of the whole contract, like 1200.00"
		}
		if problem != "" {
			p.Add("price", "%s", problem)
		}
		d.Price = price
	default:
		p.Add("pricing", "choose a markup or a price")
	}
	return d, p
}
