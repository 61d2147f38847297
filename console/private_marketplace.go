package console

import (
	"net/http"
	"net/url"

	"mercato"
	"mercato/service"
)

// privateMarketplaceRoutes registers the administrator's page and the buyer's product requests.
func (c *Console) privateMarketplaceRoutes(m *http.ServeMux) {
	admin := c.as(mercato.RolePrivateMarketplaceAdmin)
	buyer := c.as(mercato.RoleBuyer)
	m.HandleFunc("GET /console/pmp", admin(c.pmpPage))
	m.HandleFunc("POST /console/pmp/{exp}/products", admin(c.pmpSetProduct(true)))
	m.HandleFunc("POST /console/pmp/{exp}/products/{pid}/remove", admin(c.pmpSetProduct(false)))
	m.HandleFunc("POST /console/pmp/requests/{rid}/approve", admin(c.pmpDecide(true)))
	m.HandleFunc("POST /console/pmp/requests/{rid}/decline", admin(c.pmpDecide(false)))
	m.HandleFunc("POST /console/buyer/offers/{id}/request-product", buyer(c.requestProduct))
}

// pmpMarketplace is a private marketplace as its administrator sees it.
type pmpMarketplace struct {
	mercato.PrivateMarketplace
	Buyers   []namedID
	Products []namedID
}

// namedID is an account or a product with its name.
type namedID struct{ ID, Name string }

// productRequestView is a product request with its names.
type productRequestView struct {
	mercato.ProductProcurementRequest
	Product, Buyer string
}

// pmpView is the data of the administrator's page.
type pmpView struct {
	Marketplaces []pmpMarketplace
	Pending      []productRequestView
	Decided      []productRequestView
}

// pmpPage lists the administrator's private marketplaces: the accounts each governs, the
// products it allows (to add or remove), and the buyers' requests to approve or decline.
func (c *Console) pmpPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.renderPMP(w, r, u, http.StatusOK, "")
}

func (c *Console) renderPMP(w http.ResponseWriter, r *http.Request, u *user, status int, problem string) {
	v, err := c.svc.PrivateMarketplaces(r.Context(), u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	n := c.names(r.Context())
	var data pmpView
	for _, m := range v.Administered {
		pm := pmpMarketplace{PrivateMarketplace: m}
		for _, id := range m.Accounts {
			pm.Buyers = append(pm.Buyers, namedID{id, n.Account(id)})
		}
		for _, id := range m.Products {
			pm.Products = append(pm.Products, namedID{id, n.Product(id)})
		}
		data.Marketplaces = append(data.Marketplaces, pm)
	}
	for _, req := range v.Requests {
		rv := productRequestView{ProductProcurementRequest: req, Product: n.Product(req.ProductID), Buyer: n.Account(req.BuyerID)}
		if req.Status == mercato.ProductRequestPending {
			data.Pending = append(data.Pending, rv)
		} else {
			data.Decided = append(data.Decided, rv)
		}
	}
	c.render(w, r, status, page{Name: "pmp", Title: "Private marketplace", Nav: "pmp", User: u, Error: problem, Data: data})
}

// pmpSetProduct adds the product of the form to the allow-list, or removes the product of the
// path.
func (c *Console) pmpSetProduct(allowed bool) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		pid := r.PathValue("pid")
		if allowed {
			pid = r.PostFormValue("product")
		}
		if pid == "" {
			c.renderPMP(w, r, u, http.StatusBadRequest, "Enter the ID of the product to allow.")
			return
		}
		if err := c.svc.SetProductAllowed(r.Context(), u.ID, r.PathValue("exp"), pid, allowed); err != nil {
			c.pmpProblem(w, r, u, err)
			return
		}
		notice := "pmp-product-removed"
		if allowed {
			notice = "pmp-product-added"
		}
		http.Redirect(w, r, "/console/pmp?notice="+notice, http.StatusSeeOther)
	}
}

// pmpDecide approves the request of the path, or declines it with the form's reason.
func (c *Console) pmpDecide(approve bool) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		in := service.DecideProductRequestInput{RequestID: r.PathValue("rid"), Approve: approve, Reason: r.PostFormValue("reason")}
		if _, err := c.svc.DecideProductRequest(r.Context(), u.ID, in); err != nil {
			c.pmpProblem(w, r, u, err)
			return
		}
		notice := "pmp-request-declined"
		if approve {
			notice = "pmp-request-approved"
		}
		http.Redirect(w, r, "/console/pmp?notice="+notice, http.StatusSeeOther)
	}
}

// pmpProblem shows a refused change on the administrator's page; an unknown product, request
// or marketplace is a problem of the form there, not a missing page.
func (c *Console) pmpProblem(w http.ResponseWriter, r *http.Request, u *user, err error) {
	status, msg := problemOf(err)
	if status >= 500 {
		c.fail(w, r, u, err)
		return
	}
	c.renderPMP(w, r, u, status, msg)
}

// requestProduct asks the buyer's administrator for the product of an offer its private
// marketplace refuses.
func (c *Console) requestProduct(w http.ResponseWriter, r *http.Request, u *user) {
	o, ok := c.findOffer(w, r, u)
	if !ok {
		return
	}
	_, err := c.svc.RequestProduct(r.Context(), u.ID, service.ProductRequestInput{ProductID: o.ProductID, Note: r.PostFormValue("note")})
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 {
			c.fail(w, r, u, err)
			return
		}
		c.render(w, r, status, c.offerPage(u, c.withProductRequest(r, u, offerPageView{O: o}), msg))
		return
	}
	http.Redirect(w, r, "/console/buyer/offers/"+url.PathEscape(o.ID)+"?notice=product-requested", http.StatusSeeOther)
}

// withProductRequest fills in whether the buyer's private marketplace refuses the offer's
// product, and the buyer's latest request for it. A failed lookup leaves them out: the page
// still shows why the offer cannot be accepted.
func (c *Console) withProductRequest(r *http.Request, u *user, v offerPageView) offerPageView {
	pm, err := c.svc.PrivateMarketplaces(r.Context(), u.ID)
	if err != nil || pm.Governing == nil || pm.Governing.Allows(v.O.ProductID) {
		return v
	}
	v.NotApproved = true
	for i := range pm.Requests { // newest first
		if req := pm.Requests[i]; req.BuyerID == u.ID && req.ProductID == v.O.ProductID {
			v.ProductRequest = &req
			break
		}
	}
	return v
}
