package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"mercato"
	"mercato/service"
)

// offerView is an offer as one buyer sees it.
type offerView struct {
	mercato.Offer
	Product   string
	Seller    string
	Terms     []termView
	Available bool
	Why       string             // why it cannot be accepted, when it cannot
	Active    *mercato.Agreement // the buyer's active agreement that makes an acceptance a duplicate
	Replaces  *mercato.Agreement // the buyer's active agreement that an acceptance replaces
	Closed    string             // "Accepted" or "Expired" for the buyer's private offers it can no longer accept
}

// visibleOffers returns the offers the buyer may see, as the service judges them for acceptance.
func (c *Console) visibleOffers(ctx context.Context, u *user) ([]offerView, error) {
	offers, err := c.svc.BuyerOffers(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	n := c.names(ctx)
	out := make([]offerView, len(offers))
	for i, o := range offers {
		out[i] = offerView{Offer: o.Offer, Product: n.Product(o.ProductID), Seller: n.Account(o.SellerID),
			Terms: viewTerms(o.Terms), Available: o.Available, Why: whyNot(o), Active: o.Active, Replaces: o.Replaces}
	}
	return out, nil
}

// whyNot says, for a person, why an offer cannot be accepted.
func whyNot(o service.BuyerOffer) string {
	if o.Available {
		return ""
	}
	switch o.Reason {
	case "EXPIRED_AGREEMENT_PROPOSAL":
		return "This private offer expired on " + formatTime(o.ExpiresAt) + ". Ask the seller to extend it or to send a new private offer."
	case "DUPLICATE_AGREEMENT":
		return duplicateAdvice
	}
	return o.Why
}

// duplicateAdvice explains an acceptance refused because of the buyer's active agreement.
const duplicateAdvice = "You already have an active contract for this product, so this offer cannot be accepted. " +
	"Ask the seller for an agreement-based offer that replaces your current agreement, or have the current agreement cancelled first."

// offersView is the data of the offers page: the buyer's private offers in the seed's two
// tabs, "Available private offers" and "Accepted and expired offers", then the public ones.
type offersView struct {
	Private []offerView
	Closed  []offerView
	Public  []offerView
}

// buyerOffers lists the offers the buyer can see: private offers made to the buyer first.
func (c *Console) buyerOffers(w http.ResponseWriter, r *http.Request, u *user) {
	all, err := c.visibleOffers(r.Context(), u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	status, err := c.privateStatus(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	var v offersView
	for _, o := range all {
		switch {
		case !o.IsPrivate():
			v.Public = append(v.Public, o)
		case status[o.ID] == service.OfferAccepted:
			o.Available, o.Why, o.Closed = false, "You accepted this offer.", "Accepted"
			v.Closed = append(v.Closed, o)
		case status[o.ID] == service.OfferExpired:
			o.Closed = "Expired"
			v.Closed = append(v.Closed, o)
		default:
			v.Private = append(v.Private, o)
		}
	}
	c.render(w, r, http.StatusOK, page{Name: "buyer_offers", Title: "Offers", Nav: "buyer-offers", User: u, Data: v})
}

// privateStatus returns, by offer ID, whether the buyer's private offers are available,
// accepted or expired, as the Discovery API tells the buyer.
func (c *Console) privateStatus(r *http.Request, u *user) (map[string]string, error) {
	offers, err := c.svc.DiscoverOffers(r.Context(), u.ID, "")
	out := map[string]string{}
	for _, o := range offers {
		out[o.Offer.ID] = o.Status
	}
	return out, err
}

// offerPageView is the data of an offer's page.
type offerPageView struct {
	O            offerView
	Contact      sellerContact // the refund policy and the seller
	Duplicate    string        // the agreement that makes an acceptance a duplicate contract, after a refusal
	DuplicateURL string
	// NotApproved says the buyer's private marketplace does not allow the offer's product;
	// ProductRequest is the buyer's latest request for it, if any.
	NotApproved    bool
	ProductRequest *mercato.ProductProcurementRequest
}

// buyerOffer shows an offer the buyer can see, with its terms and the way to accept it.
func (c *Console) buyerOffer(w http.ResponseWriter, r *http.Request, u *user) {
	o, ok := c.findOffer(w, r, u)
	if ok {
		v := offerPageView{O: o, Contact: c.contactOf(r.Context(), o.ProductID, o.SellerID, o.Offer.Terms)}
		c.render(w, r, http.StatusOK, c.offerPage(u, c.withProductRequest(r, u, v), ""))
	}
}

func (c *Console) offerPage(u *user, v offerPageView, problem string) page {
	return page{Name: "buyer_offer", Title: "Offer " + v.O.ID, Nav: "buyer-offers", User: u, Error: problem,
		Crumbs: []crumb{{"Offers", "/console/buyer/offers"}}, Data: &v}
}

// findOffer returns the offer of the path if the buyer may see it; it answers 404 otherwise.
func (c *Console) findOffer(w http.ResponseWriter, r *http.Request, u *user) (offerView, bool) {
	all, err := c.visibleOffers(r.Context(), u)
	if err != nil {
		c.fail(w, r, u, err)
		return offerView{}, false
	}
	for _, o := range all {
		if o.ID == r.PathValue("id") {
			return o, true
		}
	}
	c.notFound(w, r, u)
	return offerView{}, false
}

// acceptOffer accepts an offer for the buyer, which makes an agreement.
func (c *Console) acceptOffer(w http.ResponseWriter, r *http.Request, u *user) {
	o, ok := c.findOffer(w, r, u)
	if !ok {
		return
	}
	v := offerPageView{O: o, Contact: c.contactOf(r.Context(), o.ProductID, o.SellerID, o.Offer.Terms)}
	if r.PostFormValue("confirm") != "1" {
		c.render(w, r, http.StatusBadRequest, c.offerPage(u, v, "Confirm that you accept the offer's terms."))
		return
	}
	a, err := c.svc.AcceptOffer(r.Context(), service.AcceptInput{OfferID: o.ID, BuyerID: u.ID, ClientToken: "console-" + randomHex(16)})
	if err != nil {
		status, msg := c.acceptProblem(err, &v)
		if status == http.StatusNotFound || status >= 500 {
			c.fail(w, r, u, err)
			return
		}
		c.render(w, r, status, c.offerPage(u, v, msg))
		return
	}
	if c.hasFulfillment(r.Context(), a.ProductID) {
		http.Redirect(w, r, "/console/buyer/agreements/"+url.PathEscape(a.ID)+"/setup", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/console/buyer/agreements/"+url.PathEscape(a.ID)+"?notice=offer-accepted", http.StatusSeeOther)
}

// acceptProblem explains a refused acceptance; a duplicate contract names the agreement in the way.
func (c *Console) acceptProblem(err error, v *offerPageView) (int, string) {
	var e *mercato.Error
	if errors.As(err, &e) && e.Reason == "DUPLICATE_AGREEMENT" {
		v.Duplicate, v.DuplicateURL = e.ResourceID, "/console/buyer/agreements/"+url.PathEscape(e.ResourceID)
		return http.StatusConflict, duplicateAdvice
	}
	return problemOf(err)
}
