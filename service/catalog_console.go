package service

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"mercato"
)

// OfferChanges returns the change set that gives an offer what o says: its name, targeting,
// terms (grouped by the change type that sets them) and, for a private offer, its availability
// end date; released too if release is set. With create, the first change creates the offer
// (CreateReplacementOffer when o replaces an agreement) and the others refer to it; otherwise
// they change offer o.ID. The console builds its offers this way, so that they follow the
// Catalog API's rules and show in ListChangeSets like any other change.
func OfferChanges(o mercato.Offer, create, release bool) []mercato.Change {
	id := o.ID
	var out []mercato.Change
	if create {
		id = "$Offer.Entity.Identifier"
		c := offerChange("CreateOffer", "", map[string]any{"ProductId": o.ProductID, "Name": o.Listing.Name})
		if o.ReplacesAgreementID != "" {
			c = offerChange("CreateReplacementOffer", "", map[string]any{"AgreementId": o.ReplacesAgreementID, "Name": o.Listing.Name})
		}
		c.ChangeName = "Offer"
		out = append(out, c)
	} else if o.Listing.Name != "" {
		out = append(out, offerChange("UpdateInformation", id, map[string]any{"Name": o.Listing.Name}))
	}
	if o.ReplacesAgreementID == "" && (create || !o.Released()) {
		out = append(out, offerChange("UpdateTargeting", id, map[string]any{"PositiveTargeting": map[string]any{"BuyerAccounts": nonNil(o.Buyers)}}))
	}
	out = append(out, termChanges(id, o.Terms)...)
	if o.IsPrivate() && !o.ExpiresAt.IsZero() {
		out = append(out, offerChange("UpdateAvailability", id, map[string]any{"AvailabilityEndDate": AvailabilityEndDate(&o)}))
	}
	if release {
		out = append(out, offerChange("ReleaseOffer", id, map[string]any{}))
	}
	return out
}

// termChanges returns one change per change type that sets some of the terms.
func termChanges(id string, terms mercato.Terms) []mercato.Change {
	byType := map[string][]any{}
	var order []string
	for _, t := range terms {
		ct := catalogTermKinds[t.Kind()]
		if ct == "" {
			continue
		}
		if _, ok := byType[ct]; !ok {
			order = append(order, ct)
		}
		byType[ct] = append(byType[ct], encodeCatalogTerm(t))
	}
	var out []mercato.Change
	for _, ct := range order {
		d := map[string]any{"Terms": byType[ct]}
		if ct == "UpdatePricingTerms" {
			d["PricingModel"] = pricingModel(terms)
		}
		out = append(out, offerChange(ct, id, d))
	}
	return out
}

// pricingModel names the Catalog's pricing model of the terms.
func pricingModel(ts mercato.Terms) string {
	switch {
	case ts.Usage() != nil || ts.Recurring() != nil:
		return "Usage"
	case ts.IsPaid():
		return "Contract"
	}
	for _, t := range ts {
		if t.Byol != nil {
			return "Byol"
		}
	}
	return "Free"
}

func offerChange(changeType, id string, details map[string]any) mercato.Change {
	b, _ := json.Marshal(details)
	return mercato.Change{ChangeType: changeType, EntityType: "Offer@1.0", EntityID: id, Details: b}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CancelDate is the availability end date that ends a private offer now: the day before the
// business date, as UpdateAvailability reads a date already past.
func CancelDate(now time.Time) string { return now.UTC().AddDate(0, 0, -1).Format(time.DateOnly) }

// withRefundPolicy adds to the agreement's terms a support term with its product's refund
// policy, unless the terms state one or the product has none.
func (s *Service) withRefundPolicy(ctx context.Context, a *mercato.Agreement) error {
	if refundPolicy(a.Terms) != "" {
		return nil
	}
	p, err := s.Product(ctx, a.ProductID)
	if err != nil || p.RefundPolicy == "" {
		return err
	}
	t := mercato.Term{Support: &mercato.SupportTerm{RefundPolicy: p.RefundPolicy}}
	t.Support.ID, t.Support.Type = a.OfferID+"-support", "SupportTerm"
	a.Terms = append(slices.Clone(a.Terms), t)
	return nil
}
