package service

import (
	"encoding/json"
	"time"

	"mercato"
)

// ResaleGrant is a quantity of one of the product's dimensions that a resale contract grants.
type ResaleGrant struct {
	DimensionKey string
	MaxQuantity  int
}

// ResaleAuthorizationDraft is what a product's maker asks of a new resale authorization: the
// channel partner, the wholesale price (a fixed price of the whole contract, with the
// dimension quantities it grants, or a payment schedule), the last day on which the partner
// may make offers (YYYY-MM-DD), optionally the buyers and the number of offers.
type ResaleAuthorizationDraft struct {
	ProductID, ResellerID, Name, Description string
	Currency                                 mercato.Currency
	Price                                    mercato.Amount // the fixed price, when Schedule is empty
	Duration                                 string         // P1M, P12M ... of the fixed price
	Grants                                   []ResaleGrant
	Schedule                                 []mercato.ScheduleItem
	LastDay                                  string
	Buyers                                   []string
	MaxOffers                                int
	Release                                  bool
}

// ResaleAuthorizationChanges returns the change set of the Catalog API that creates the
// authorization d describes, released too if d says so. The console and the CLI build their
// authorizations this way, so the Catalog's rules decide what is allowed.
func ResaleAuthorizationChanges(d ResaleAuthorizationDraft) []mercato.Change {
	const ref = "$ResaleAuthorization.Entity.Identifier"
	create := resaleChange("CreateResaleAuthorization", "", map[string]any{"ProductId": d.ProductID, "Name": d.Name,
		"Description": d.Description, "ResellerAccountId": d.ResellerID})
	create.ChangeName = "ResaleAuthorization"
	out := []mercato.Change{create, resalePricingChange(ref, &d)}
	if len(d.Buyers) > 0 {
		accounts := make([]any, 0, len(d.Buyers))
		for _, b := range d.Buyers {
			accounts = append(accounts, map[string]any{"BuyerAccountId": b})
		}
		out = append(out, resaleChange("UpdateBuyerTargetingTerms", ref, map[string]any{"Terms": []any{
			map[string]any{"Type": "BuyerTargetingTerm", "PositiveTargeting": map[string]any{"BuyerAccounts": accounts}}}}))
	}
	avail := map[string]any{"AvailabilityEndDate": d.LastDay}
	if d.MaxOffers > 0 {
		avail["OffersMaxQuantity"] = d.MaxOffers
	}
	out = append(out, resaleChange("UpdateAvailability", ref, avail))
	if d.Release {
		out = append(out, ResaleStateChange("ReleaseResaleAuthorization", ref))
	}
	return out
}

// resalePricingChange sets the wholesale price: a schedule when there is one, else a fixed price.
func resalePricingChange(ref string, d *ResaleAuthorizationDraft) mercato.Change {
	digits := d.Currency.MinorDigits()
	if len(d.Schedule) > 0 {
		items := make([]any, 0, len(d.Schedule))
		for _, it := range d.Schedule {
			items = append(items, map[string]any{"ChargeDate": it.ChargeDate.UTC().Format(time.RFC3339),
				"ChargeAmount": it.ChargeAmount.Format(digits)})
		}
		return resaleChange("UpdatePaymentScheduleTerms", ref, map[string]any{"Terms": []any{
			map[string]any{"Type": "ResalePaymentScheduleTerm", "CurrencyCode": d.Currency, "Schedule": items}}})
	}
	term := map[string]any{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": d.Currency,
		"Price": d.Price.Format(digits), "Duration": d.Duration}
	if len(d.Grants) > 0 {
		term["Grants"] = d.Grants
	}
	return resaleChange("UpdatePricingTerms", ref, map[string]any{"PricingModel": "Contract", "Terms": []any{term}})
}

// ResaleStateChange returns the change of type ReleaseResaleAuthorization or
// RestrictResaleAuthorization of the authorization with the ID.
func ResaleStateChange(changeType, id string) mercato.Change {
	return resaleChange(changeType, id, map[string]any{})
}

func resaleChange(changeType, id string, details map[string]any) mercato.Change {
	b, _ := json.Marshal(details)
	return mercato.Change{ChangeType: changeType, EntityType: resaleAuthorizationEntity, EntityID: id, Details: b}
}

// ResaleOfferDraft is what a channel partner asks of an offer made with a resale authorization:
// a markup percentage of the wholesale terms, or (for a fixed wholesale price) its own price
// of the whole contract; optionally the buyers (within the authorization's) and the last day
// on which they may accept it (YYYY-MM-DD).
type ResaleOfferDraft struct {
	AuthorizationID, Name string
	Markup                string // a percentage, such as "20"; or
	Price                 mercato.Amount
	Buyers                []string
	LastDay               string
	Release               bool
}

// ResaleOfferChanges returns the change set that makes the partner's offer with authorization
// r that d describes, released too if d says so. An explicit price keeps the duration and the
// grants of r's fixed price. Errors: EInvalid when d asks an explicit price of an authorization
// priced with a payment schedule.
func ResaleOfferChanges(r *mercato.ResaleAuthorization, d ResaleOfferDraft) ([]mercato.Change, error) {
	const ref = "$CPPO.Entity.Identifier"
	create := offerChange("CreateOfferUsingResaleAuthorization", "", map[string]any{"ProductId": r.ProductID,
		"ResaleAuthorizationId": r.ID, "Name": d.Name})
	create.ChangeName = "CPPO"
	out := []mercato.Change{create}
	if d.Markup != "" {
		out = append(out, offerChange("UpdateMarkup", ref, map[string]any{"Markup": map[string]any{"Percentage": d.Markup}}))
	} else {
		price, err := explicitResalePrice(r, d.Price)
		if err != nil {
			return nil, err
		}
		out = append(out, price)
	}
	if len(d.Buyers) > 0 {
		out = append(out, offerChange("UpdateTargeting", ref, map[string]any{"PositiveTargeting": map[string]any{"BuyerAccounts": d.Buyers}}))
	}
	if d.LastDay != "" {
		out = append(out, offerChange("UpdateAvailability", ref, map[string]any{"AvailabilityEndDate": d.LastDay}))
	}
	if d.Release {
		out = append(out, offerChange("ReleaseOffer", ref, map[string]any{}))
	}
	return out, nil
}

// explicitResalePrice prices an offer at price with the duration and grants of r's fixed price.
func explicitResalePrice(r *mercato.ResaleAuthorization, price mercato.Amount) (mercato.Change, error) {
	for _, raw := range r.Terms {
		var t resaleTerm
		if err := json.Unmarshal(raw, &t); err != nil {
			return mercato.Change{}, err
		}
		if t.Type == "ResaleUsageBasedPricingTerm" || t.Type == "ResaleConfigurableUpfrontPricingTerm" {
			return mercato.Change{}, fieldError("Markup", "resale authorization %s is priced per unit: mark it up by a percentage", r.ID)
		}
		if t.Type == "ResalePaymentScheduleTerm" {
			return mercato.Change{}, fieldError("Markup", "resale authorization %s is priced with a payment schedule: mark it up by a percentage", r.ID)
		}
		if t.Type != "ResaleFixedUpfrontPricingTerm" {
			continue
		}
		term := map[string]any{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": t.CurrencyCode,
			"Price": price.Format(t.CurrencyCode.MinorDigits()), "Duration": t.Duration}
		if t.Grants != nil {
			term["Grants"] = t.Grants
		}
		return offerChange("UpdatePricingTerms", "$CPPO.Entity.Identifier", map[string]any{"PricingModel": "Contract", "Terms": []any{term}}), nil
	}
	return mercato.Change{}, fieldError("Price", "resale authorization %s has no pricing terms", r.ID)
}
