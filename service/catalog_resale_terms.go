package service

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"mercato"
	"mercato/billing"
)

// resaleTermTypes says which change type of a ResaleAuthorization@1.0 sets each term type. A
// Resale… term is the offer term of the same name without the prefix, at the maker's
// (wholesale) prices: per unit of a dimension for usage and configurable contracts.
var resaleTermTypes = map[string]string{
	"ResaleFixedUpfrontPricingTerm":        "UpdatePricingTerms",
	"ResaleConfigurableUpfrontPricingTerm": "UpdatePricingTerms",
	"ResaleUsageBasedPricingTerm":          "UpdatePricingTerms",
	"ResaleFreeTrialPricingTerm":           "UpdatePricingTerms",
	"ResalePaymentScheduleTerm":            "UpdatePaymentScheduleTerms",
	"ResaleLegalTerm":                      "UpdateLegalTerms",
	"ResaleSupportTerm":                    "UpdateSupportTerms",
}

// resaleTermTypesOf lists the term types a change type sets, for an error message.
func resaleTermTypesOf(changeType string) string {
	var out []string
	for t, ct := range resaleTermTypes {
		if ct == changeType {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// termsSetByResale are the offer change types whose terms an authorization's terms set, in the
// order a marked-up offer takes them.
var termsSetByResale = []string{"UpdatePricingTerms", "UpdatePaymentScheduleTerms", "UpdateLegalTerms", "UpdateSupportTerms"}

// wholesaleTerm decodes a Resale… term other than a fixed price or a payment schedule (which
// resaleTermTotal checks) as the offer term it becomes, at the maker's prices, and checks it:
// rate cards with priced, distinct dimensions; a free trial of 5 to 31 days; a refund policy.
// Errors name the field under field (e.g. "Details.Terms[1]").
func wholesaleTerm(raw json.RawMessage, field string) (mercato.Term, error) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return mercato.Term{}, fieldError(field, "must be an object")
	}
	typ, _ := obj["Type"].(string)
	obj["Type"] = strings.TrimPrefix(typ, "Resale")
	b, _ := json.Marshal(obj)
	t, err := decodeCatalogTerm(b, field, resaleTermTypes[typ])
	if err != nil {
		return t, err
	}
	var p mercato.Problems
	mercato.Terms{t}.Validate("T", &p)
	checkRateCards(&t, &p)
	if len(p) > 0 {
		f := p[0]
		name := field + strings.TrimPrefix(problemField(f.Name), "T[0]")
		return t, invalid("INVALID_INPUT", name, "%s %s", name, f.Message)
	}
	return t, nil
}

// checkRateCards checks the rate cards of a wholesale usage or configurable term: each names
// its dimensions once, and a configurable one its selector.
func checkRateCards(t *mercato.Term, p *mercato.Problems) {
	check := func(f string, card []mercato.RateCardItem) {
		if len(card) == 0 {
			p.Add(f, "must price at least one dimension")
		}
		seen := map[string]bool{}
		for j, it := range card {
			if it.DimensionKey == "" || seen[it.DimensionKey] {
				p.Add(fmt.Sprintf("%s[%d].dimensionKey", f, j), "%q is empty or appears twice", it.DimensionKey)
			}
			seen[it.DimensionKey] = true
		}
	}
	switch {
	case t.UsageBased != nil:
		for i, rc := range t.UsageBased.RateCards {
			check(fmt.Sprintf("T[0].rateCards[%d].rateCard", i), rc.RateCard)
		}
	case t.ConfigurableUpfront != nil:
		if len(t.ConfigurableUpfront.RateCards) == 0 {
			p.Add("T[0].rateCards", "at least one rate card is required")
		}
		for i, rc := range t.ConfigurableUpfront.RateCards {
			if rc.Selector.Value == "" {
				p.Add(fmt.Sprintf("T[0].rateCards[%d].selector.value", i), "is required")
			}
			check(fmt.Sprintf("T[0].rateCards[%d].rateCard", i), rc.RateCard)
		}
		if t.ConfigurableUpfront.Configuration != nil {
			p.Add("T[0].configuration", "is the buyer's choice, not the maker's")
		}
	case t.Support != nil && t.Support.RefundPolicy == "":
		p.Add("T[0].refundPolicy", "is required")
	}
}

// termCurrency returns the currency a term prices in, or "".
func termCurrency(t *mercato.Term) mercato.Currency {
	switch {
	case t.UsageBased != nil:
		return t.UsageBased.CurrencyCode
	case t.ConfigurableUpfront != nil:
		return t.ConfigurableUpfront.CurrencyCode
	}
	return ""
}

// WholesaleRates returns the maker's per-unit rates an authorization's terms set, or nil: what
// its CPPOs pay the maker per unit of usage and of a configured contract.
func WholesaleRates(r *mercato.ResaleAuthorization) *mercato.ResaleRates { return resaleRates(r) }

// resaleRates returns the maker's rates an authorization's terms set (nil if none): every
// usage dimension's rate, and the configurable contract's rate cards.
func resaleRates(r *mercato.ResaleAuthorization) *mercato.ResaleRates {
	var out mercato.ResaleRates
	for _, raw := range r.Terms {
		switch resaleTermType(raw) {
		case "ResaleUsageBasedPricingTerm", "ResaleConfigurableUpfrontPricingTerm":
		default:
			continue
		}
		t, err := wholesaleTerm(raw, "Terms")
		if err != nil {
			continue // checked when the maker set it
		}
		if t.UsageBased != nil {
			for _, rc := range t.UsageBased.RateCards {
				out.Usage = append(out.Usage, rc.RateCard...)
			}
		} else {
			out.Contract = append(out.Contract, t.ConfigurableUpfront.RateCards...)
		}
	}
	if len(out.Usage) == 0 && len(out.Contract) == 0 {
		return nil
	}
	return &out
}

// markedUpRate returns rate plus pct percent of it, rounded to the amount's own precision (8
// decimals), not to the currency's minor unit: a per-unit rate may be a fraction of a cent.
func markedUpRate(rate, pct mercato.Amount) mercato.Amount {
	return rate + rate.MulFracExact(int64(pct), 100*mercato.AmountScale)
}

// markedUpWholesale turns a wholesale term other than a fixed price or payment schedule into
// the offer's: every rate marked up by pct; a free trial, legal or support term as it is.
func markedUpWholesale(raw json.RawMessage, pct mercato.Amount) (mercato.Term, error) {
	t, err := wholesaleTerm(raw, "Details.Markup")
	if err != nil {
		return t, err
	}
	up := func(card []mercato.RateCardItem) []mercato.RateCardItem {
		out := slices.Clone(card)
		for i := range out {
			out[i].Price = markedUpRate(out[i].Price, pct)
		}
		return out
	}
	switch {
	case t.UsageBased != nil:
		for i := range t.UsageBased.RateCards {
			t.UsageBased.RateCards[i].RateCard = up(t.UsageBased.RateCards[i].RateCard)
		}
	case t.ConfigurableUpfront != nil:
		for i := range t.ConfigurableUpfront.RateCards {
			t.ConfigurableUpfront.RateCards[i].RateCard = up(t.ConfigurableUpfront.RateCards[i].RateCard)
		}
	}
	return t, nil
}

// authorizedTerms returns the authorization's legal and support terms, which a CPPO made with
// it starts with (its pricing is the partner's to set).
func authorizedTerms(r *mercato.ResaleAuthorization) mercato.Terms {
	var out mercato.Terms
	for _, raw := range r.Terms {
		if typ := resaleTermType(raw); typ == "ResaleLegalTerm" || typ == "ResaleSupportTerm" {
			if t, err := wholesaleTerm(raw, "Terms"); err == nil {
				out = append(out, t)
			}
		}
	}
	return out
}

// checkRatedPrices checks a CPPO's rates against the maker's when the partner releases it: the
// offer prices every dimension the maker rates, at no less than the maker's rate, and no other
// (the maker would have no share of it). Errors: INVALID_PRICE naming the dimension.
func checkRatedPrices(o *mercato.Offer, r *mercato.ResaleAuthorization, rates *mercato.ResaleRates) error {
	if rates == nil {
		return nil
	}
	var usage []mercato.RateCardItem
	var contract []mercato.ConfigurableUpfrontRateCard
	if u := o.Terms.Usage(); u != nil {
		for _, rc := range u.RateCards {
			usage = append(usage, rc.RateCard...)
		}
	}
	for _, t := range o.Terms {
		if t.ConfigurableUpfront != nil {
			contract = t.ConfigurableUpfront.RateCards
		}
	}
	if err := atLeastWholesale(o, r, "usage", usage, rates.Usage); err != nil {
		return err
	}
	if len(rates.Contract) > 0 && len(contract) == 0 {
		return invalid("INVALID_PRICE", "Terms", "offer %s has no ConfigurableUpfrontPricingTerm; resale authorization %s prices a configurable contract", o.ID, r.ID)
	}
	for _, mine := range contract {
		i := slices.IndexFunc(rates.Contract, func(w mercato.ConfigurableUpfrontRateCard) bool { return w.Selector == mine.Selector })
		if i < 0 {
			return invalid("INVALID_PRICE", "Terms", "offer %s prices selector %s, which resale authorization %s does not", o.ID, mine.Selector.Value, r.ID)
		}
		if err := atLeastWholesale(o, r, mine.Selector.Value, mine.RateCard, rates.Contract[i].RateCard); err != nil {
			return err
		}
	}
	return nil
}

// atLeastWholesale checks one of the offer's rate cards against the maker's of the same kind.
func atLeastWholesale(o *mercato.Offer, r *mercato.ResaleAuthorization, kind string, mine, wholesale []mercato.RateCardItem) error {
	if len(wholesale) > 0 && len(mine) == 0 {
		return invalid("INVALID_PRICE", "Terms", "offer %s has no %s rates; resale authorization %s rates %s", o.ID, kind, r.ID, wholesale[0].DimensionKey)
	}
	for _, w := range wholesale {
		i := slices.IndexFunc(mine, func(m mercato.RateCardItem) bool { return m.DimensionKey == w.DimensionKey })
		if i < 0 {
			return invalid("INVALID_PRICE", "Terms", "offer %s does not price dimension %s (%s), which resale authorization %s rates at %s",
				o.ID, w.DimensionKey, kind, r.ID, w.Price)
		}
		if mine[i].Price < w.Price {
			return invalid("INVALID_PRICE", "Terms", "offer %s prices dimension %s (%s) at %s, below the wholesale rate %s of resale authorization %s",
				o.ID, w.DimensionKey, kind, mine[i].Price, w.Price, r.ID)
		}
	}
	for _, m := range mine {
		if !slices.ContainsFunc(wholesale, func(w mercato.RateCardItem) bool { return w.DimensionKey == m.DimensionKey }) {
			return invalid("INVALID_PRICE", "Terms", "offer %s prices dimension %s (%s), which resale authorization %s does not rate",
				o.ID, m.DimensionKey, kind, r.ID)
		}
	}
	return nil
}

// resaleContractValue returns what the buyer pays for the whole contract under terms, as of at,
// less the configurable contract's lines, whose value is the buyer's to configure (the maker's
// rates price them, line by line).
func resaleContractValue(terms mercato.Terms, at time.Time) (mercato.Amount, error) {
	priced := slices.DeleteFunc(terms.Clone(), func(t mercato.Term) bool { return t.ConfigurableUpfront != nil })
	return billing.ContractValue(&mercato.Agreement{Terms: priced, StartTime: at, Currency: terms.Currency()})
}

// hasResalePricing reports whether the authorization has a term that prices the contract.
func hasResalePricing(r *mercato.ResaleAuthorization) bool {
	return slices.ContainsFunc(r.Terms, func(raw json.RawMessage) bool {
		ct := resaleTermTypes[resaleTermType(raw)]
		return ct == "UpdatePricingTerms" || ct == "UpdatePaymentScheduleTerms"
	})
}
