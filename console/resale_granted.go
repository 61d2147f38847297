package console

import (
	"fmt"
	"net/http"
	"strings"

	"mercato"
	"mercato/service"
)

// resaleForm is the maker's "Authorize a channel partner" form, as last posted.
type resaleForm struct {
	Product, Reseller, Name, Description string
	Currency, Pricing, Price, Duration   string // Pricing: fixed or schedule
	Grants                               string // "seats=5, admins=2": the dimensions a fixed price grants
	Schedule                             string // one "YYYY-MM-DD amount" per line
	LastDay, Buyers, MaxOffers           string
	Release                              bool
	Fields                               []mercato.FieldError
}

// newResaleForm is the maker's form as the page first shows it.
func newResaleForm() resaleForm {
	return resaleForm{Currency: "USD", Pricing: "fixed", Duration: "P12M", Release: true}
}

// grantedPage lists the authorizations the seller grants, with the form to make one.
func (c *Console) grantedPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showGranted(w, r, u, http.StatusOK, newResaleForm(), "")
}

func (c *Console) showGranted(w http.ResponseWriter, r *http.Request, u *user, status int, f resaleForm, problem string) {
	p := page{Name: "resale_granted", Title: "Resale authorizations", Nav: "seller-resale", User: u, Error: problem}
	if denied := c.offersDenied(r, u); denied != "" {
		p.Data = resalePageView{Denied: denied}
		c.render(w, r, http.StatusForbidden, p)
		return
	}
	granted, _, err := c.svc.ResaleAuthorizations(r.Context(), u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v := resalePageView{Authorizations: c.resaleViews(r, granted), Form: f, Currencies: currencies}
	if v.Products, err = c.svc.SellerProducts(r.Context(), u.ID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if v.ChangeSets, err = c.resaleChangeSets(r, u); err != nil {
		c.fail(w, r, u, err)
		return
	}
	p.Data = v
	c.render(w, r, status, p)
}

// createAuthorization starts the change set that creates the form's authorization.
func (c *Console) createAuthorization(w http.ResponseWriter, r *http.Request, u *user) {
	if c.offersDenied(r, u) != "" {
		c.showGranted(w, r, u, http.StatusForbidden, resaleForm{}, "") // shows why
		return
	}
	f := readResaleForm(r)
	d, p := f.draft()
	if len(p) > 0 {
		f.Fields = p
		c.showGranted(w, r, u, http.StatusBadRequest, f, "The authorization is not complete: see the fields below.")
		return
	}
	c.startResaleChanges(w, r, u, service.ResaleAuthorizationChanges(d), "/console/seller/resale", func(status int, msg string) {
		c.showGranted(w, r, u, status, f, msg)
	})
}

// changeAuthorization starts the change set that releases or restricts the authorization of the
// path; the Catalog refuses one that is not the seller's.
func (c *Console) changeAuthorization(changeType string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		if c.offersDenied(r, u) != "" {
			c.showGranted(w, r, u, http.StatusForbidden, resaleForm{}, "")
			return
		}
		changes := []mercato.Change{service.ResaleStateChange(changeType, r.PathValue("id"))}
		c.startResaleChanges(w, r, u, changes, "/console/seller/resale", func(status int, msg string) {
			c.showGranted(w, r, u, status, newResaleForm(), msg)
		})
	}
}

// readResaleForm reads the maker's form of a request.
func readResaleForm(r *http.Request) resaleForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return resaleForm{Product: get("product"), Reseller: get("reseller"), Name: get("name"), Description: get("description"),
		Currency: string(resaleCurrency(get("currency"))), Pricing: get("pricing"), Price: get("price"), Duration: get("duration"),
		Grants: get("grants"), Schedule: get("schedule"), LastDay: get("lastDay"), Buyers: get("buyers"), MaxOffers: get("maxOffers"),
		Release: r.PostFormValue("release") == "1"}
}

// draft reads the form into the service's draft, with the problems the form can see: what it
// cannot read. The Catalog's rules judge the rest when the change set applies.
func (f *resaleForm) draft() (service.ResaleAuthorizationDraft, mercato.Problems) {
	var p mercato.Problems
	d := service.ResaleAuthorizationDraft{ProductID: f.Product, ResellerID: f.Reseller, Name: f.Name, Description: f.Description,
		Currency: mercato.Currency(f.Currency), Duration: f.Duration, LastDay: f.LastDay, Buyers: formList(f.Buyers), Release: f.Release}
	if d.ProductID == "" {
		p.Add("product", "choose the product")
	}
	if d.ResellerID == "" {
		p.Add("reseller", "write the channel partner's 12-digit account ID")
	}
	if t, ok := formDate(f.LastDay); !ok || t.IsZero() {
		p.Add("lastDay", "write the last day the partner may make offers, as YYYY-MM-DD")
	}
	if n, ok := formInt(f.MaxOffers); ok {
		d.MaxOffers = n
	} else {
		p.Add("maxOffers", "write a whole number of offers, or leave it blank for any number")
	}
	return d, append(p, f.pricing(&d)...)
}

// pricing reads the wholesale price: a fixed price with its grants, or a schedule.
func (f *resaleForm) pricing(d *service.ResaleAuthorizationDraft) mercato.Problems {
	var p mercato.Problems
	switch f.Pricing {
	case "fixed":
		price, problem := formAmount(f.Price)
		if problem == "" && price <= 0 {
			problem = "write a wholesale price above 0, like 1000.00"
		}
		if problem != "" {
			p.Add("price", "%s", problem)
		}
		d.Price = price
		if f.Duration != "P1M" && f.Duration != "P12M" {
			p.Add("duration", "choose P1M or P12M")
		}
		grants, problem := parseGrants(f.Grants)
		if problem != "" {
			p.Add("grants", "%s", problem)
		}
		d.Grants = grants
	case "schedule":
		items, problem := parseSchedule(f.Schedule)
		if problem != "" {
			p.Add("schedule", "%s", problem)
		}
		d.Schedule = items
	default:
		p.Add("pricing", "choose a fixed price or a payment schedule")
	}
	return p
}

// parseGrants reads "dimension=quantity" pairs, comma-separated.
func parseGrants(s string) ([]service.ResaleGrant, string) {
	var out []service.ResaleGrant
	for _, pair := range formList(s) {
		key, n, ok := strings.Cut(pair, "=")
		q, good := formInt(n)
		if !ok || key == "" || !good || q < 1 {
			return nil, fmt.Sprintf("%q: write each dimension as key=quantity, like seats=5", pair)
		}
		out = append(out, service.ResaleGrant{DimensionKey: key, MaxQuantity: q})
	}
	return out, ""
}
