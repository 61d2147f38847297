package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"mercato"
	"mercato/service"
)

// The seller's offer lifecycle in the console: drafts, release, extension, cancellation, edits
// and agreement-based offers. Each action starts a change set of the Catalog API, so that the
// console and the API apply the same rules; the offers page shows the change sets' status.

// currencies are those a private contract offer may be priced in (the Catalog's rule).
var currencies = []string{"USD", "EUR", "GBP", "AUD", "JPY"}

// changeSetView is one of the seller's change sets on the offers page.
type changeSetView struct {
	mercato.ChangeSet
	Entities []string
	Errors   []string // "ChangeType: message" of each change that failed
}

// recentChangeSets returns the seller's latest change sets, newest first.
func (c *Console) recentChangeSets(r *http.Request, u *user, limit int) ([]changeSetView, error) {
	all, err := c.svc.ChangeSets(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	var out []changeSetView
	for _, cs := range all[:min(limit, len(all))] {
		v := changeSetView{ChangeSet: cs, Entities: cs.EntityIDs()}
		for _, ch := range cs.Changes {
			for _, e := range ch.Errors {
				v.Errors = append(v.Errors, ch.ChangeType+": "+e.Message)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// startChanges starts a change set for the seller and returns to the offers page, where its
// status shows; a change set refused outright (an offer held by another one, say) shows why.
func (c *Console) startChanges(w http.ResponseWriter, r *http.Request, u *user, changes []mercato.Change, anchor string) {
	cs, err := c.svc.StartChangeSet(r.Context(), u.ID, service.StartChangeSetInput{Catalog: service.Catalog,
		ClientToken: "console-" + randomHex(16), Changes: changes})
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 || status == http.StatusNotFound {
			c.fail(w, r, u, err)
			return
		}
		c.showSellerOffers(w, r, u, status, offerForm{Visibility: "private", Pricing: "fixed", Duration: "P12M", Currency: "USD", Error: msg})
		return
	}
	http.Redirect(w, r, "/console/seller/offers?notice=change-set-started#"+cmp.Or(anchor, "change-set-"+cs.ID), http.StatusSeeOther)
}

// createDraft starts the change set that creates the form's offer as a draft.
func (c *Console) createDraft(w http.ResponseWriter, r *http.Request, u *user, f offerForm) {
	o, p := f.offer(u.ID)
	if len(p) > 0 {
		f.Error, f.Fields = "The offer is not complete: see the fields below.", p
		c.showSellerOffers(w, r, u, http.StatusBadRequest, f)
		return
	}
	lastDay(&o)
	c.startChanges(w, r, u, service.OfferChanges(o, true, false), "")
}

// ownOffer returns the seller's offer of the path, or answers 404.
func (c *Console) ownOffer(w http.ResponseWriter, r *http.Request, u *user) (mercato.Offer, bool) {
	offers, err := c.svc.Offers(r.Context(), mercato.OfferFilter{SellerID: u.ID})
	if err != nil {
		c.fail(w, r, u, err)
		return mercato.Offer{}, false
	}
	for _, o := range offers {
		if o.ID == r.PathValue("id") {
			return o, true
		}
	}
	c.notFound(w, r, u)
	return mercato.Offer{}, false
}

// releaseOffer releases a draft.
func (c *Console) releaseOffer(w http.ResponseWriter, r *http.Request, u *user) {
	if o, ok := c.ownOffer(w, r, u); ok {
		c.startChanges(w, r, u, []mercato.Change{catalogChange("ReleaseOffer", o.ID, `{}`)}, "")
	}
}

// extendOffer moves a private offer's availability end date to the date of the form.
func (c *Console) extendOffer(w http.ResponseWriter, r *http.Request, u *user) {
	o, ok := c.ownOffer(w, r, u)
	if !ok {
		return
	}
	end := strings.TrimSpace(r.PostFormValue("end"))
	if _, err := time.Parse(time.DateOnly, end); err != nil {
		c.showSellerOffers(w, r, u, http.StatusBadRequest, offerForm{Visibility: "private", Pricing: "fixed", Duration: "P12M",
			Currency: "USD", Error: "Write the new end date of offer " + o.ID + " as YYYY-MM-DD."})
		return
	}
	c.startChanges(w, r, u, []mercato.Change{catalogChange("UpdateAvailability", o.ID, `{"AvailabilityEndDate": "`+end+`"}`)}, "")
}

// cancelOffer ends a private offer's availability now, before any buyer accepts it.
func (c *Console) cancelOffer(w http.ResponseWriter, r *http.Request, u *user) {
	if o, ok := c.ownOffer(w, r, u); ok {
		end := service.CancelDate(c.svc.Now())
		c.startChanges(w, r, u, []mercato.Change{catalogChange("UpdateAvailability", o.ID, `{"AvailabilityEndDate": "`+end+`"}`)}, "")
	}
}

// lastDay reads the form's date as the Catalog does: the last day on which the buyer may accept,
// so the offer expires at the end of it.
func lastDay(o *mercato.Offer) {
	if !o.ExpiresAt.IsZero() {
		o.ExpiresAt = o.ExpiresAt.AddDate(0, 0, 1)
	}
}

func catalogChange(changeType, id, details string) mercato.Change {
	return mercato.Change{ChangeType: changeType, EntityType: "Offer@1.0", EntityID: id, Details: []byte(details)}
}

// offerEditView is the data of the page that edits a draft or makes an agreement-based offer.
type offerEditView struct {
	Form       offerForm
	Action     string // where the form posts
	Title      string
	Agreement  *mercato.Agreement // the agreement an agreement-based offer replaces
	Pending    []mercato.Charge   // its payments not yet invoiced, which the new offer overrides
	Currencies []string
}

// editOfferPage shows a draft's form, filled with the draft.
func (c *Console) editOfferPage(w http.ResponseWriter, r *http.Request, u *user) {
	o, ok := c.ownOffer(w, r, u)
	if !ok {
		return
	}
	c.renderOfferEdit(w, r, u, http.StatusOK, offerEditView{Form: formOf(&o), Action: "/console/seller/offers/" + url.PathEscape(o.ID) + "/edit",
		Title: "Edit offer " + o.ID})
}

// editOffer starts the change set that gives a draft what the form says.
func (c *Console) editOffer(w http.ResponseWriter, r *http.Request, u *user) {
	o, ok := c.ownOffer(w, r, u)
	if !ok {
		return
	}
	f := readOfferForm(r)
	f.ID, f.ProductID = o.ID, o.ProductID
	edited, p := f.offer(u.ID)
	if len(p) > 0 {
		f.Error, f.Fields = "The offer is not complete: see the fields below.", p
		c.renderOfferEdit(w, r, u, http.StatusBadRequest, offerEditView{Form: f, Action: r.URL.Path, Title: "Edit offer " + o.ID})
		return
	}
	edited.State = o.State
	lastDay(&edited)
	c.startChanges(w, r, u, service.OfferChanges(edited, false, r.PostFormValue("release") == "1"), "")
}

func (c *Console) renderOfferEdit(w http.ResponseWriter, r *http.Request, u *user, status int, v offerEditView) {
	v.Currencies = currencies
	c.render(w, r, status, page{Name: "seller_offer_edit", Title: v.Title, Nav: "seller-offers", User: u, Error: v.Form.Error,
		Crumbs: []crumb{{"Offers", "/console/seller/offers"}}, Data: v})
}

// formOf fills the offer form with an offer.
func formOf(o *mercato.Offer) offerForm {
	f := offerForm{ID: o.ID, ProductID: o.ProductID, Name: o.Listing.Name, Visibility: o.Visibility,
		Buyers: strings.Join(o.Buyers, ", "), Pricing: "fixed", Duration: "P12M", Currency: "USD"}
	if o.IsPrivate() && !o.ExpiresAt.IsZero() {
		f.Expires = service.AvailabilityEndDate(o)
	}
	for _, t := range o.Terms {
		switch {
		case t.FixedUpfront != nil:
			f.Price, f.Currency = t.FixedUpfront.Price.String(), string(t.FixedUpfront.CurrencyCode)
			if t.FixedUpfront.Duration != nil {
				f.Duration = t.FixedUpfront.Duration.String()
			}
		case t.RecurringPayment != nil:
			f.Pricing, f.Price, f.Currency = "recurring", t.RecurringPayment.Price.String(), string(t.RecurringPayment.CurrencyCode)
		case t.PaymentSchedule != nil:
			f.Pricing, f.Currency, f.Schedule = "schedule", string(t.PaymentSchedule.CurrencyCode), scheduleText(t.PaymentSchedule.Schedule)
		case t.Support != nil:
			f.RefundPolicy = t.Support.RefundPolicy
		}
	}
	return f
}

// scheduleText writes installments as the form reads them: one "YYYY-MM-DD amount" per line.
func scheduleText(items []mercato.ScheduleItem) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.ChargeDate.UTC().Format(time.DateOnly) + " " + it.ChargeAmount.String() + "\n")
	}
	return b.String()
}

// replacementPage shows the form of an agreement-based offer for one of the seller's
// agreements, filled with the agreement's payments not yet invoiced: the new offer overrides
// them (seed 003), so the seller carries them over or changes them here.
func (c *Console) replacementPage(w http.ResponseWriter, r *http.Request, u *user) {
	a, pending, ok := c.replaceable(w, r, u)
	if !ok {
		return
	}
	var items []mercato.ScheduleItem
	currency := "USD"
	for _, ch := range pending {
		items = append(items, mercato.ScheduleItem{ChargeDate: ch.Time, ChargeAmount: ch.Amount})
		currency = string(ch.Currency)
	}
	f := offerForm{ProductID: a.ProductID, Visibility: "private", Buyers: a.AcceptorID, Pricing: "schedule", Duration: "P12M",
		Currency: currency, Schedule: scheduleText(items), Name: "Agreement-based offer for " + a.ID,
		Expires: c.svc.Now().AddDate(0, 0, 30).Format(time.DateOnly)}
	if len(items) == 0 {
		f.Pricing = "fixed"
	}
	c.renderOfferEdit(w, r, u, http.StatusOK, offerEditView{Form: f, Action: r.URL.Path, Title: "Agreement-based offer",
		Agreement: &a, Pending: pending})
}

// createReplacement starts the change set that creates and releases the agreement-based offer.
func (c *Console) createReplacement(w http.ResponseWriter, r *http.Request, u *user) {
	a, pending, ok := c.replaceable(w, r, u)
	if !ok {
		return
	}
	f := readOfferForm(r)
	f.ProductID, f.Visibility, f.Buyers = a.ProductID, "private", a.AcceptorID
	o, p := f.offer(u.ID)
	if len(p) > 0 {
		f.Error, f.Fields = "The offer is not complete: see the fields below.", p
		c.renderOfferEdit(w, r, u, http.StatusBadRequest, offerEditView{Form: f, Action: r.URL.Path, Title: "Agreement-based offer",
			Agreement: &a, Pending: pending})
		return
	}
	o.ReplacesAgreementID = a.ID
	lastDay(&o)
	if !a.EndTime.IsZero() && o.Terms.Duration() == nil && o.Terms.EndTime(a.StartTime).IsZero() {
		// The new agreement ends when the one it replaces would have: the form asks no duration.
		end := a.EndTime
		o.Terms = append(o.Terms, mercato.Term{Validity: &mercato.ValidityTerm{AgreementEndDate: &end}})
	}
	c.startChanges(w, r, u, service.OfferChanges(o, true, true), "")
}

// replaceable returns the seller's agreement of the path and its pending payments.
func (c *Console) replaceable(w http.ResponseWriter, r *http.Request, u *user) (mercato.Agreement, []mercato.Charge, bool) {
	a, err := c.agreementAs(r, u, service.Proposer)
	if err != nil {
		c.fail(w, r, u, err)
		return a, nil, false
	}
	pending, err := c.svc.PendingCharges(r.Context(), u.ID, a.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return a, nil, false
	}
	return a, pending, true
}

// readOfferForm reads the offer form of a request.
func readOfferForm(r *http.Request) offerForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := offerForm{ID: get("id"), ProductID: get("product"), Name: get("name"), Visibility: r.PostFormValue("visibility"),
		Buyers: get("buyers"), Expires: get("expires"), Pricing: r.PostFormValue("pricing"), Price: get("price"),
		Duration: r.PostFormValue("duration"), Schedule: get("schedule"), Currency: cmp.Or(r.PostFormValue("currency"), "USD"),
		RefundPolicy: get("refundPolicy")}
	if !slices.Contains(currencies, f.Currency) {
		f.Currency = "USD"
	}
	return f
}

// catalogRoutes registers the pages of the offer lifecycle.
func (c *Console) catalogRoutes(m *http.ServeMux, seller func(pageHandler) http.HandlerFunc) {
	const o = "/console/seller/offers/{id}"
	m.HandleFunc("POST "+o+"/release", seller(c.releaseOffer))
	m.HandleFunc("POST "+o+"/extend", seller(c.extendOffer))
	m.HandleFunc("POST "+o+"/cancel", seller(c.cancelOffer))
	m.HandleFunc("GET "+o+"/edit", seller(c.editOfferPage))
	m.HandleFunc("POST "+o+"/edit", seller(c.editOffer))
	m.HandleFunc("GET /console/seller/agreements/{id}/replacement", seller(c.replacementPage))
	m.HandleFunc("POST /console/seller/agreements/{id}/replacement", seller(c.createReplacement))
}
