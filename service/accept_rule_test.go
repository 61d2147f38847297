package service

import (
	"testing"

	"mercato"
)

// TestRuleForProductTypes pins which product types and pricing models allow one active agreement
// per buyer, and which of those a new offer replaces (seed 003, "You already have an active
// contract").
func TestRuleForProductTypes(t *testing.T) {
	usd := mercato.Currency("USD")
	hourly := mercato.Term{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: usd}}
	upfront := mercato.Term{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: usd, Duration: &mercato.Period{Months: 12}}}
	schedule := mercato.Term{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: usd}}
	monthly := mercato.Term{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: usd, BillingPeriod: "Monthly"}}
	byol := mercato.Term{Byol: &mercato.ByolPricingTerm{}}
	tests := []struct {
		name  string
		typ   mercato.ProductType
		terms mercato.Terms
		want  onActive
	}{
		{"SaaS subscription", mercato.ProductSaaS, mercato.Terms{monthly, hourly}, refuse},
		{"SaaS contract", mercato.ProductSaaS, mercato.Terms{upfront}, refuse},
		{"SaaS contract with consumption pricing", mercato.ProductSaaS, mercato.Terms{upfront, hourly}, refuse},
		{"AMI hourly", mercato.ProductAMI, mercato.Terms{hourly}, override},
		{"AMI annual (hourly with a yearly commitment)", mercato.ProductAMI, mercato.Terms{hourly, upfront}, override},
		{"AMI annual paid by schedule", mercato.ProductAMI, mercato.Terms{hourly, schedule}, override},
		{"AMI bring your own license", mercato.ProductAMI, mercato.Terms{byol}, override},
		{"AMI contract", mercato.ProductAMI, mercato.Terms{upfront}, refuse},
		{"AMI contract paid by schedule", mercato.ProductAMI, mercato.Terms{schedule}, refuse},
		{"professional services", mercato.ProductProfessionalServices, mercato.Terms{upfront}, refuse},
		{"container", mercato.ProductContainer, mercato.Terms{hourly}, keepBoth},
		{"data", mercato.ProductData, mercato.Terms{upfront}, keepBoth},
	}
	for _, tt := range tests {
		a := mercato.Agreement{ProductType: tt.typ, Terms: tt.terms}
		if got := ruleFor(&a); got != tt.want {
			t.Errorf("%s: rule %d, want %d", tt.name, got, tt.want)
		}
		if one := tt.typ.OneActiveAgreement(); one != (tt.want != keepBoth) {
			t.Errorf("%s: OneActiveAgreement() = %v", tt.name, one)
		}
	}
}
