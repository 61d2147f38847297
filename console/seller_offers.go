package console

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"mercato"
	"mercato/service"
)

// maxScheduleRows bounds an installment schedule.
const maxScheduleRows = 60

// offerForm is the "Create offer" form, as last posted.
type offerForm struct {
	ID         string
	ProductID  string
	Visibility string
	Buyers     string
	Expires    string
	Pricing    string // fixed, recurring or schedule
	Price      string
	Duration   string // P1M or P12M, for a fixed upfront price
	Schedule   string // one "YYYY-MM-DD amount" per line
	// Name, Currency and RefundPolicy are the offer's name, the currency of its price (USD,
	// EUR, GBP, AUD, JPY) and the refund policy its support term states.
	Name, Currency, RefundPolicy string
	Error                        string
	Fields                       []mercato.FieldError
}

// sellerOfferView is one of the seller's offers in the list.
type sellerOfferView struct {
	mercato.Offer
	Product string
	Terms   []termView
	Expired bool
	EndDate string // a private offer's availability end date (YYYY-MM-DD)
	Maker   string // the product's maker, when the offer resells it
}

// sellerOffersView is the data of the seller's offers page.
type sellerOffersView struct {
	Offers   []sellerOfferView
	Products []string // the seller's products the offers name, for the form's suggestions
	Form     offerForm
	// Setups are the registration pages of those products (fulfillment.go).
	Setups []productSetup
	// ChangeSets are the seller's latest change sets, newest first, with their status.
	ChangeSets []changeSetView
	Currencies []string
	// Denied is why the session's key may not open the Offers tab (AWS's AccessDeniedException
	// message), or "".
	Denied string
}

// sellerOffers lists the seller's offers with the form to create one.
func (c *Console) sellerOffers(w http.ResponseWriter, r *http.Request, u *user) {
	c.showSellerOffers(w, r, u, http.StatusOK, offerForm{Visibility: "private", Pricing: "fixed", Duration: "P12M", Currency: "USD"})
}

func (c *Console) showSellerOffers(w http.ResponseWriter, r *http.Request, u *user, status int, f offerForm) {
	c.showSellerOffersWith(w, r, u, status, f, productSetup{})
}

// showSellerOffersWith shows the offers page with a registration page form as last posted.
func (c *Console) showSellerOffersWith(w http.ResponseWriter, r *http.Request, u *user, status int, f offerForm, posted productSetup) {
	if denied := c.offersDenied(r, u); denied != "" {
		c.render(w, r, http.StatusForbidden, page{Name: "seller_offers", Title: "Offers", Nav: "seller-offers", User: u,
			Data: sellerOffersView{Denied: denied}})
		return
	}
	offers, err := c.svc.Offers(r.Context(), mercato.OfferFilter{SellerID: u.ID})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	n := c.names(r.Context())
	now := c.svc.Now()
	v := sellerOffersView{Form: f, Currencies: currencies}
	if v.ChangeSets, err = c.recentChangeSets(r, u, 10); err != nil {
		c.fail(w, r, u, err)
		return
	}
	for i := len(offers) - 1; i >= 0; i-- {
		o := offers[i]
		ov := sellerOfferView{Offer: o, Product: n.Product(o.ProductID), Terms: viewTerms(o.Terms), Expired: o.ExpiredAt(now)}
		if o.IsPrivate() && !o.ExpiresAt.IsZero() {
			ov.EndDate = service.AvailabilityEndDate(&o)
		}
		if o.Resale != nil {
			ov.Maker = n.Account(o.Resale.ManufacturerID)
		}
		v.Offers = append(v.Offers, ov)
		if !slices.Contains(v.Products, o.ProductID) {
			v.Products = append(v.Products, o.ProductID)
		}
	}
	slices.Sort(v.Products)
	v.Setups = c.productSetups(r.Context(), u, v.Products, posted)
	c.render(w, r, status, page{Name: "seller_offers", Title: "Offers", Nav: "seller-offers", User: u,
		Error: cmp.Or(f.Error, posted.Error), Data: v})
}

// createOffer creates an offer from the form.
func (c *Console) createOffer(w http.ResponseWriter, r *http.Request, u *user) {
	if c.offersDenied(r, u) != "" {
		c.showSellerOffers(w, r, u, http.StatusForbidden, offerForm{}) // shows why
		return
	}
	f := readOfferForm(r)
	if r.PostFormValue("draft") == "1" {
		c.createDraft(w, r, u, f)
		return
	}
	o, p := f.offer(u.ID)
	if len(p) > 0 {
		f.Error, f.Fields = "The offer is not complete: see the fields below.", p
		c.showSellerOffers(w, r, u, http.StatusBadRequest, f)
		return
	}
	lastDay(&o)
	if _, err := c.svc.CreateOffer(r.Context(), u.ID, o); err != nil {
		status, msg := problemOf(err)
		if status >= 500 {
			c.fail(w, r, u, err)
			return
		}
		f.Error, f.Fields = msg, fieldProblems(err)
		c.showSellerOffers(w, r, u, status, f)
		return
	}
	http.Redirect(w, r, "/console/seller/offers?notice=offer-created#offer-"+o.ID, http.StatusSeeOther)
}

// offer reads the form into an offer, with the problems the form shows: what it cannot read, and
// then what the offer's own rules (mercato.Offer.Validate, which the service applies to every
// offer) say of the rest.
func (f *offerForm) offer(seller string) (mercato.Offer, mercato.Problems) {
	var p mercato.Problems
	o := mercato.Offer{ID: f.ID, ProductID: f.ProductID, SellerID: seller, Visibility: f.Visibility,
		Buyers: formList(f.Buyers), Listing: mercato.OfferListing{Name: f.Name}}
	if o.ID == "" {
		o.ID = "offer-" + randomHex(6)
	}
	if o.ProductID == "" {
		p.Add("product", "choose the product")
	}
	if f.Visibility != "public" && f.Visibility != "private" {
		p.Add("visibility", "choose public or private")
	}
	t, ok := formDate(f.Expires)
	if !ok {
		p.Add("expires", "write the date as YYYY-MM-DD")
	}
	o.ExpiresAt = t
	p = append(p, f.terms(&o)...)
	if f.RefundPolicy != "" {
		if n := len([]rune(f.RefundPolicy)); n > 500 {
			p.Add("refundPolicy", "write at most 500 characters, not %d", n)
		}
		o.Terms = append(o.Terms, mercato.Term{Support: &mercato.SupportTerm{RefundPolicy: f.RefundPolicy}})
	}
	if len(p) > 0 {
		p = withOfferRules(p, &o)
	}
	return o, p
}

// withOfferRules adds to the form's problems those the offer's own rules find in fields the form
// read, so that one submission shows every problem. Terms the form could not read are left out:
// the form already said why.
func withOfferRules(p mercato.Problems, o *mercato.Offer) mercato.Problems {
	var e *mercato.Error
	if !errors.As(o.Validate(), &e) {
		return p
	}
	for _, fe := range e.Fields {
		named := slices.ContainsFunc(p, func(q mercato.FieldError) bool { return q.Name == fe.Name })
		if !named && !strings.HasPrefix(fe.Name, "terms") {
			p = append(p, fe)
		}
	}
	return p
}

// terms reads the form's pricing into the offer's terms, with the problems of the pricing fields.
func (f *offerForm) terms(o *mercato.Offer) mercato.Problems {
	var p mercato.Problems
	currency := mercato.Currency(cmp.Or(f.Currency, "USD"))
	switch f.Pricing {
	case "fixed", "recurring":
		price, problem := formAmount(f.Price)
		if problem != "" {
			p.Add("price", "%s", problem)
			break
		}
		if price <= 0 {
			p.Add("price", "write a price above 0, like 1200.00")
			break
		}
		if f.Pricing == "recurring" {
			o.Terms = mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: currency, BillingPeriod: "Monthly", Price: price}}}
			break
		}
		d, err := mercato.ParsePeriod(f.Duration)
		if err != nil || (f.Duration != "P1M" && f.Duration != "P12M") {
			p.Add("duration", "choose P1M or P12M")
			break
		}
		o.Terms = mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: currency, Duration: &d, Price: price}}}
	case "schedule":
		items, problem := parseSchedule(f.Schedule)
		if problem != "" {
			p.Add("schedule", "%s", problem)
			break
		}
		o.Terms = mercato.Terms{{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: currency, Schedule: items}}}
	default:
		p.Add("pricing", "choose one pricing")
	}
	return p
}

// parseSchedule reads an installment schedule: one "YYYY-MM-DD amount" per line.
func parseSchedule(s string) ([]mercato.ScheduleItem, string) {
	var out []mercato.ScheduleItem
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 2 {
			return nil, fmt.Sprintf("line %d: write a date and an amount, like 2026-04-15 1200.00", i+1)
		}
		d, err := time.Parse(time.DateOnly, fs[0])
		if err != nil {
			return nil, fmt.Sprintf("line %d: %q is not a YYYY-MM-DD date", i+1, fs[0])
		}
		a, problem := formAmount(fs[1])
		if problem != "" {
			return nil, fmt.Sprintf("line %d: %s", i+1, problem)
		}
		if a <= 0 {
			return nil, fmt.Sprintf("line %d: %q is not an amount above 0", i+1, fs[1])
		}
		out = append(out, mercato.ScheduleItem{ChargeDate: d, ChargeAmount: a})
	}
	switch {
	case len(out) == 0:
		return nil, "write at least one installment"
	case len(out) > maxScheduleRows:
		return nil, fmt.Sprintf("at most %d installments, not %d", maxScheduleRows, len(out))
	}
	return out, ""
}
