package storetest

import (
	"time"

	"mercato"
)

func header(id, typ string) mercato.TermHeader { return mercato.TermHeader{ID: id, Type: typ} }

func recurringTerm() mercato.Term {
	return mercato.Term{RecurringPayment: &mercato.RecurringPaymentTerm{
		TermHeader:   header("rp", "RecurringPaymentTerm"),
		CurrencyCode: "USD", BillingPeriod: "Monthly", Price: mercato.MustAmount("99.99"),
	}}
}

func usageTerm() mercato.Term {
	return mercato.Term{UsageBased: &mercato.UsageBasedPricingTerm{
		TermHeader:   header("ub", "UsageBasedPricingTerm"),
		CurrencyCode: "USD",
		RateCards: []mercato.UsageRateCard{{RateCard: []mercato.RateCardItem{
			{DimensionKey: "users", Price: mercato.MustAmount("0.00000001")},
			{DimensionKey: "gb", Price: mercato.MustAmount("12.5")},
		}}},
	}}
}

func upfrontTerm() mercato.Term {
	return mercato.Term{FixedUpfront: &mercato.FixedUpfrontPricingTerm{
		TermHeader:   header("fu", "FixedUpfrontPricingTerm"),
		CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: mercato.MustAmount("1200"),
	}}
}

// richTerms has a term of most kinds, with pointers, nested lists and times, to check that
// terms survive storage whole.
func richTerms() mercato.Terms {
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	renewals, grant := 3, 1000
	return mercato.Terms{
		{Legal: &mercato.LegalTerm{TermHeader: header("legal", "LegalTerm"), Documents: []mercato.LegalDocument{
			{Type: "CustomEula", URL: "https://example.com/eula"}, {Type: "StandardDsa", Version: "2023-01"},
		}}},
		{Support: &mercato.SupportTerm{TermHeader: header("support", "SupportTerm"), RefundPolicy: "30 days, no questions"}},
		{Validity: &mercato.ValidityTerm{TermHeader: header("validity", "ValidityTerm"),
			AgreementDuration: &mercato.Period{Years: 1}, AgreementEndDate: &end}},
		{Renewal: &mercato.RenewalTerm{TermHeader: header("renewal", "RenewalTerm"),
			Configuration: &mercato.RenewalConfiguration{EnableAutoRenew: true}, MaxRenewals: &renewals}},
		usageTerm(),
		{PaymentSchedule: &mercato.PaymentScheduleTerm{TermHeader: header("ps", "PaymentScheduleTerm"),
			CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
				{ChargeDate: at(time.Hour), ChargeAmount: mercato.MustAmount("100")},
				{ChargeDate: at(31 * 24 * time.Hour), ChargeAmount: mercato.MustAmount("200.5")},
			}}},
		{FreeTrial: &mercato.FreeTrialPricingTerm{TermHeader: header("trial", "FreeTrialPricingTerm"),
			Duration: mercato.Period{Days: 14}, Grants: []mercato.GrantItem{
				{DimensionKey: "users", MaxQuantity: &grant}, {DimensionKey: "gb"},
			}}},
		{NetPayment: &mercato.NetPaymentTerm{TermHeader: header("net", "NetPaymentTerm"),
			PaymentDuePeriod: mercato.Period{Days: 30}}},
	}
}

func sellerAccount() mercato.Account {
	return mercato.Account{
		ID: seller, Name: "Seller Inc.", Roles: []mercato.Role{mercato.RoleSeller, mercato.RoleBuyer},
		TaxJurisdiction: "US-WA",
		AccessKeys: []mercato.AccessKey{
			{ID: "AKIASELLER0000002", Secret: "secret-two"},
			{ID: "AKIASELLER0000001", Secret: "secret-one"},
		},
		Disbursement: &mercato.Disbursement{Cadence: "monthly", Day: 15},
	}
}

func buyerAccount() mercato.Account {
	return mercato.Account{ID: buyer, Name: "Buyer GmbH", Roles: []mercato.Role{mercato.RoleBuyer},
		TaxJurisdiction: "DE"}
}

func product(id, sellerID, code string) mercato.Product {
	return mercato.Product{
		ID: id, SellerID: sellerID, Type: mercato.ProductSaaS, Title: "Product " + id,
		ProductCode: code, RefundPolicy: "none", Visibility: "public",
		Dimensions: []mercato.Dimension{{Key: "users", Unit: "Users", Metered: true}, {Key: "gb"}},
	}
}

func offer(id, productID, sellerID, visibility string) mercato.Offer {
	o := mercato.Offer{ID: id, ProductID: productID, SellerID: sellerID, Visibility: visibility,
		Terms: mercato.Terms{recurringTerm()}}
	if visibility == "private" {
		o.Buyers = []string{buyer, buyer2}
		o.ExpiresAt = at(30*24*time.Hour + 123456*time.Microsecond)
	}
	return o
}

// agreement returns an active agreement between seller and buyer that started at start and
// ends at end (zero: never).
func agreement(id string, terms mercato.Terms, start, end time.Time) mercato.Agreement {
	return mercato.Agreement{
		ID: id, OfferID: "offer-1", ProductID: "prod-1", ProductType: mercato.ProductSaaS,
		ProposerID: seller, AcceptorID: buyer, Terms: terms, Status: mercato.AgreementActive,
		AcceptanceTime: start, StartTime: start, EndTime: end, UpdatedAt: start,
		InitialAgreementID: id, Currency: "USD", Value: mercato.MustAmount("1200"),
		ListingFeeRate: mercato.Percent(300), TaxJurisdiction: "US-WA",
	}
}

func charge(id, agreementID, key string, when time.Time) mercato.Charge {
	return mercato.Charge{
		ID: id, AgreementID: agreementID, Key: key, Kind: mercato.ChargeScheduled, TermID: "ps",
		Revision: 2, Currency: "USD", Amount: mercato.MustAmount("100.25"), Time: when,
		Description: "installment " + key, Status: mercato.ChargePending,
	}
}

func invoice(id, agreementID, key string, issued time.Time) mercato.Invoice {
	return mercato.Invoice{
		ID: id, AgreementID: agreementID, Key: key, Type: mercato.InvoiceTypeInvoice,
		SellerID: seller, BuyerID: buyer, Currency: "USD",
		PreTax: mercato.MustAmount("100"), Tax: mercato.MustAmount("6.5"),
		TaxLines:      []mercato.TaxLine{{Type: "ST", Rate: mercato.Percent(650), Amount: mercato.MustAmount("6.5")}},
		ListingFee:    mercato.MustAmount("3"),
		BillingPeriod: mercato.PeriodOf(issued), IssuedAt: issued, DueAt: issued.AddDate(0, 0, 30),
		InvoicingEntity: mercato.EntityUS,
	}
}

// ids returns the IDs of agreements.
func ids(as []mercato.Agreement) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}
