package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"mercato"
	"mercato/service"
)

// fulfillmentView is the page that takes a new subscriber to the seller's registration page,
// as AWS Marketplace does: a form POST of the registration token, submitted by console.js,
// with a button for browsers that run no script.
type fulfillmentView struct {
	AgreementID string
	Product     string
	Seller      string
	URL         string
	Field       string
	Token       string
}

// hasFulfillment reports whether the product has a registration page.
func (c *Console) hasFulfillment(ctx context.Context, productID string) bool {
	p, err := c.svc.Product(ctx, productID)
	return err == nil && p.FulfillmentURL != ""
}

// fulfillmentPage sends the buyer of an agreement to its product's registration page with a
// fresh token; a product without one sends the buyer back to the agreement.
func (c *Console) fulfillmentPage(w http.ResponseWriter, r *http.Request, u *user) {
	id := r.PathValue("id")
	f, err := c.svc.Fulfillment(r.Context(), u.ID, id)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.ENotFound:
		c.notFound(w, r, u)
		return
	case err != nil:
		c.fail(w, r, u, err)
		return
	case f.URL == "":
		http.Redirect(w, r, "/console/buyer/agreements/"+url.PathEscape(id)+"?notice=offer-accepted", http.StatusSeeOther)
		return
	}
	a, err := c.svc.DescribeAgreement(r.Context(), u.ID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	n := c.names(r.Context())
	v := fulfillmentView{AgreementID: a.ID, Product: n.Product(a.ProductID), Seller: n.Account(a.ProposerID), URL: f.URL,
		Field: service.FulfillmentTokenField, Token: f.Token}
	// The form posts to the seller's origin, which this page alone may do.
	w.Header().Set("Content-Security-Policy", strings.Replace(contentSecurityPolicy, "form-action 'self'",
		"form-action 'self' "+mercato.FulfillmentOrigin(f.URL), 1))
	w.Header().Set("Cache-Control", "no-store") // the token is the buyer's
	c.render(w, r, http.StatusOK, page{Name: "fulfillment", Title: "Set up your account", Nav: "buyer-agreements", User: u,
		Data: v, Notice: "Offer accepted. The seller asks you to set up your account on their site."})
}

// productSetup is a product's registration page as the seller's offers page shows it, or as
// its form was last posted (with the problem).
type productSetup struct {
	ProductID string
	Title     string
	URL       string
	Error     string
	// Visibility (public or limited) and AllowedBuyers, the allow-list of a limited product,
	// show the seller who may see the product.
	Visibility    string
	AllowedBuyers []string
}

// productSetups returns the registration pages of the seller's products among ids, with the
// form last posted in place of its product's.
func (c *Console) productSetups(ctx context.Context, u *user, ids []string, posted productSetup) []productSetup {
	var out []productSetup
	for _, id := range ids {
		p, err := c.svc.Product(ctx, id)
		if err != nil || p.SellerID != u.ID {
			continue
		}
		s := productSetup{ProductID: p.ID, Title: p.Title, URL: p.FulfillmentURL, Visibility: p.Visibility, AllowedBuyers: p.AllowedBuyers}
		if posted.ProductID == p.ID {
			s.URL, s.Error = posted.URL, posted.Error
		}
		out = append(out, s)
	}
	return out
}

// setFulfillmentURL sets (or, empty, removes) a product's registration page.
func (c *Console) setFulfillmentURL(w http.ResponseWriter, r *http.Request, u *user) {
	posted := productSetup{ProductID: r.PathValue("id"), URL: strings.TrimSpace(r.PostFormValue("fulfillment_url"))}
	_, err := c.svc.SetFulfillmentURL(r.Context(), u.ID, posted.ProductID, posted.URL)
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 || status == http.StatusNotFound {
			c.fail(w, r, u, err)
			return
		}
		posted.Error = msg
		c.showSellerOffersWith(w, r, u, status, offerForm{Visibility: "private", Pricing: "fixed", Duration: "P12M"}, posted)
		return
	}
	http.Redirect(w, r, "/console/seller/offers?notice=fulfillment-saved#setup-"+url.PathEscape(posted.ProductID), http.StatusSeeOther)
}
