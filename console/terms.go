package console

import (
	"fmt"
	"strings"

	"mercato"
)

// termView is one term of an agreement or offer in words.
type termView struct {
	ID      string
	Kind    string   // e.g. "Payment schedule"
	Details []string // one line each
}

// termKinds names the term types for people.
var termKinds = map[string]string{
	"LegalTerm": "Legal", "SupportTerm": "Support and refund policy", "RenewalTerm": "Renewal",
	"UsageBasedPricingTerm": "Usage-based pricing", "ConfigurableUpfrontPricingTerm": "Configurable upfront pricing",
	"ByolPricingTerm": "Bring your own license", "RecurringPaymentTerm": "Recurring payment",
	"ValidityTerm": "Validity", "PaymentScheduleTerm": "Payment schedule", "FreeTrialPricingTerm": "Free trial",
	"FixedUpfrontPricingTerm": "Fixed upfront price", "VariablePaymentTerm": "Variable payments",
	"NetPaymentTerm": "Payment due period",
}

// viewTerms describes terms in words.
func viewTerms(ts mercato.Terms) []termView {
	out := make([]termView, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		v := termView{Kind: termKinds[t.Kind()], Details: termDetails(t)}
		if h, _ := t.Header(); h != nil {
			v.ID = h.ID
		}
		out = append(out, v)
	}
	return out
}

// termDetails says what a term sets, one line per fact.
func termDetails(t *mercato.Term) []string {
	switch {
	case t.RecurringPayment != nil:
		p := t.RecurringPayment
		return []string{fmt.Sprintf("%s per %s, billed in arrears on the monthly invoice, pro-rated by the day",
			formatMoney(p.Price, p.CurrencyCode), billingUnit(p.BillingPeriod))}
	case t.UsageBased != nil:
		return usageDetails(t.UsageBased)
	case t.PaymentSchedule != nil:
		var out []string
		for _, s := range t.PaymentSchedule.Schedule {
			out = append(out, fmt.Sprintf("%s on %s", formatMoney(s.ChargeAmount, t.PaymentSchedule.CurrencyCode), formatDate(s.ChargeDate)))
		}
		return out
	case t.FixedUpfront != nil:
		return fixedDetails(t.FixedUpfront)
	case t.ConfigurableUpfront != nil:
		return configurableDetails(t.ConfigurableUpfront)
	case t.VariablePayment != nil:
		v := t.VariablePayment
		return []string{"Payment requests up to " + formatMoney(v.MaxTotalChargeAmount, v.CurrencyCode) + " in total"}
	}
	return otherDetails(t)
}

func usageDetails(u *mercato.UsageBasedPricingTerm) []string {
	var out []string
	for _, rc := range u.RateCards {
		for _, it := range rc.RateCard {
			out = append(out, fmt.Sprintf("%s per unit of %s, billed monthly", formatMoney(it.Price, u.CurrencyCode), it.DimensionKey))
		}
	}
	return out
}

func fixedDetails(f *mercato.FixedUpfrontPricingTerm) []string {
	line := formatMoney(f.Price, f.CurrencyCode) + " on acceptance"
	if f.Duration != nil {
		line += " for " + formatPeriod(*f.Duration)
	}
	return []string{line}
}

func configurableDetails(c *mercato.ConfigurableUpfrontPricingTerm) []string {
	var out []string
	for _, rc := range c.RateCards {
		for _, it := range rc.RateCard {
			out = append(out, fmt.Sprintf("%s %s: %s per unit of %s", rc.Selector.Type, rc.Selector.Value,
				formatMoney(it.Price, c.CurrencyCode), it.DimensionKey))
		}
	}
	if cf := c.Configuration; cf != nil {
		for _, d := range cf.Dimensions {
			out = append(out, fmt.Sprintf("Chosen: %d × %s for %s", d.DimensionValue, d.DimensionKey, cf.SelectorValue))
		}
	}
	return out
}

// otherDetails describes the terms that carry no price.
func otherDetails(t *mercato.Term) []string {
	switch {
	case t.Validity != nil:
		v := t.Validity
		switch {
		case v.AgreementDuration != nil:
			return []string{"Runs for " + formatPeriod(*v.AgreementDuration) + " from acceptance"}
		case v.AgreementEndDate != nil:
			return []string{"Ends on " + formatDate(*v.AgreementEndDate)}
		}
	case t.FreeTrial != nil:
		return []string{"Free for " + formatPeriod(t.FreeTrial.Duration) + ", then the paid terms apply"}
	case t.Support != nil:
		return []string{t.Support.RefundPolicy}
	case t.Renewal != nil:
		if c := t.Renewal.Configuration; c != nil && c.EnableAutoRenew {
			return []string{"Renews automatically"}
		}
		return []string{"Does not renew automatically"}
	case t.Byol != nil:
		return []string{"Nothing is charged through the marketplace"}
	case t.NetPayment != nil:
		return []string{"Invoices are due " + formatPeriod(t.NetPayment.PaymentDuePeriod) + " after issue"}
	case t.Legal != nil:
		var out []string
		for _, d := range t.Legal.Documents {
			// The console links to no other site, so a document's URL is not shown.
			out = append(out, strings.TrimSpace(d.Type+" "+d.Version))
		}
		return out
	}
	return nil
}

// billingUnit names the period a recurring price is per: "month" for Monthly.
func billingUnit(period string) string {
	switch period {
	case "Monthly":
		return "month"
	case "Annual", "Yearly":
		return "year"
	}
	return strings.ToLower(period) + " period"
}
