package service_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/service"
)

func intValue(n int64) mercato.EntitlementValue { return mercato.EntitlementValue{Integer: &n} }

func boolValue(b bool) mercato.EntitlementValue { return mercato.EntitlementValue{Boolean: &b} }

func quantity(n int) *int { return &n }

// TestAgreementGrants works out by hand what agreements entitle their buyers to, and until
// when.
func TestAgreementGrants(t *testing.T) {
	start := day(2026, 1, 1)
	yearEnd := day(2027, 1, 1) // P12M from the start
	fixed := mercato.Term{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("1200.00"),
		Grants: []mercato.GrantItem{{DimensionKey: "users", MaxQuantity: quantity(25)}, {DimensionKey: "support"}}}}
	trial := mercato.Term{FreeTrial: &mercato.FreeTrialPricingTerm{Duration: mercato.Period{Days: 10},
		Grants: []mercato.GrantItem{{DimensionKey: "gigabytes", MaxQuantity: quantity(100)}, {DimensionKey: "users", MaxQuantity: quantity(3)}}}}
	configured := mercato.Term{ConfigurableUpfront: &mercato.ConfigurableUpfrontPricingTerm{CurrencyCode: "USD",
		Configuration: &mercato.ConfigurableUpfrontConfiguration{SelectorValue: "P12M",
			Dimensions: []mercato.DimensionQuantity{{DimensionKey: "seats", DimensionValue: 7}, {DimensionKey: "users", DimensionValue: 40}}}}}
	payg := mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD", BillingPeriod: "Monthly", Price: amt("10.00")}}}

	agreement := func(status mercato.AgreementStatus, end time.Time, terms ...mercato.Term) *mercato.Agreement {
		return &mercato.Agreement{ID: "agmt-1", Status: status, StartTime: start, EndTime: end, Terms: terms}
	}
	tests := []struct {
		name string
		a    *mercato.Agreement
		now  time.Time
		want []service.Grant
	}{
		{"a fixed price's grants, until the agreement ends", agreement(mercato.AgreementActive, yearEnd, fixed), day(2026, 6, 1),
			[]service.Grant{{"support", boolValue(true), yearEnd}, {"users", intValue(25), yearEnd}}},
		{"at its end, nothing", agreement(mercato.AgreementActive, yearEnd, fixed), yearEnd, nil},
		{"a cancelled agreement, nothing", agreement(mercato.AgreementCancelled, day(2026, 3, 1), fixed), day(2026, 2, 1), nil},
		{"before its start, nothing", agreement(mercato.AgreementActive, yearEnd, fixed), start.Add(-time.Second), nil},
		{"during a trial, its grants until it converts", agreement(mercato.AgreementActive, time.Time{}, trial), day(2026, 1, 6),
			[]service.Grant{{"gigabytes", intValue(100), day(2026, 1, 11)}, {"users", intValue(3), day(2026, 1, 11)}}},
		{"after the trial, nothing", agreement(mercato.AgreementActive, time.Time{}, trial), day(2026, 1, 11), nil},
		{"a fixed price's grant wins over the trial's", agreement(mercato.AgreementActive, yearEnd, trial, fixed), day(2026, 1, 2),
			[]service.Grant{{"gigabytes", intValue(100), day(2026, 1, 11)}, {"support", boolValue(true), yearEnd}, {"users", intValue(25), yearEnd}}},
		{"a configured contract's quantities win over a grant", agreement(mercato.AgreementActive, yearEnd, fixed, configured), day(2026, 2, 1),
			[]service.Grant{{"seats", intValue(7), yearEnd}, {"support", boolValue(true), yearEnd}, {"users", intValue(40), yearEnd}}},
		{"pay as you go entitles to nothing here", agreement(mercato.AgreementActive, time.Time{}, payg...), day(2026, 2, 1), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := service.AgreementGrants(tc.a, tc.now)
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEntitlements reads a product's entitlements as its seller: every buyer's, by page, and
// filtered; no one else reads them.
func TestEntitlements(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.saasMarketplace("")
		a1 := e.accept("offer-sync", buyer)
		a2 := e.accept("offer-sync", buyer2)
		e.accept("offer-legacy", buyer)
		first, second := a1, a2
		if a2.ID < a1.ID {
			first, second = a2, a1
		}
		end := a1.EndTime
		want := func(a mercato.Agreement, dim string, v mercato.EntitlementValue) mercato.Entitlement {
			return mercato.Entitlement{AgreementID: a.ID, ProductCode: "prod-sync", Dimension: dim, CustomerAccountID: a.AcceptorID,
				LicenseArn: service.LicenseArn(&a), Value: v, ExpirationDate: a.EndTime}
		}
		all := []mercato.Entitlement{want(first, "support", boolValue(true)), want(first, "users", intValue(25)),
			want(second, "support", boolValue(true)), want(second, "users", intValue(25))}
		if !end.Equal(day(2027, 1, 1)) {
			t.Fatalf("the agreement ends %s, want a year after 2026-01-01", end)
		}

		// Three, then the last one.
		page, next, err := e.svc.Entitlements(e.ctx, seller, service.EntitlementsInput{ProductCode: "prod-sync", Page: service.Page{Limit: 3}})
		if err != nil || next == "" {
			t.Fatalf("first page: %v, next %q", err, next)
		}
		rest, last, err := e.svc.Entitlements(e.ctx, seller, service.EntitlementsInput{ProductCode: "prod-sync",
			Page: service.Page{Limit: 3, Cursor: next}})
		if err != nil || last != "" {
			t.Fatalf("second page: %v, next %q", err, last)
		}
		if diff := cmp.Diff(all, append(page, rest...)); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}

		for name, tc := range map[string]struct {
			in   service.EntitlementsInput
			want []mercato.Entitlement
		}{
			"by account":               {service.EntitlementsInput{CustomerAccountIDs: []string{a2.AcceptorID}}, []mercato.Entitlement{want(a2, "support", boolValue(true)), want(a2, "users", intValue(25))}},
			"by dimension":             {service.EntitlementsInput{Dimensions: []string{"users", "unknown"}}, []mercato.Entitlement{all[1], all[3]}},
			"by license":               {service.EntitlementsInput{LicenseArns: []string{service.LicenseArn(&a1)}}, []mercato.Entitlement{want(a1, "support", boolValue(true)), want(a1, "users", intValue(25))}},
			"by account and dimension": {service.EntitlementsInput{CustomerAccountIDs: []string{buyer, buyer2}, Dimensions: []string{"support"}}, []mercato.Entitlement{all[0], all[2]}},
			"an account without one":   {service.EntitlementsInput{CustomerAccountIDs: []string{seller}}, nil},
		} {
			tc.in.ProductCode = "prod-sync"
			got, next, err := e.svc.Entitlements(e.ctx, seller, tc.in)
			if err != nil || next != "" {
				t.Errorf("%s: %v, next %q", name, err, next)
			}
			if diff := cmp.Diff(tc.want, got, cmpEmptyAsNil); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}

		// A cancelled agreement entitles to nothing.
		if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: a2.ID, Actor: buyer2}); err != nil {
			t.Fatal(err)
		}
		got, _, err := e.svc.Entitlements(e.ctx, seller, service.EntitlementsInput{ProductCode: "prod-sync"})
		if err != nil || len(got) != 2 || got[0].CustomerAccountID != buyer {
			t.Errorf("after a cancellation: %+v, %v", got, err)
		}
	})
}

var cmpEmptyAsNil = cmp.Transformer("emptyAsNil", func(es []mercato.Entitlement) []mercato.Entitlement {
	if len(es) == 0 {
		return nil
	}
	return es
})

// TestEntitlementsOfAChannelOffer: the product's seller (the ISV) reads the entitlements of
// a reseller's private offer; the reseller does not.
func TestEntitlementsOfAChannelOffer(t *testing.T) {
	e := newEnv(t)
	e.saasMarketplace("")
	const reseller = "222233334444"
	e.apply(mercato.Scenario{
		Accounts: []mercato.Account{{ID: reseller, Name: "Reseller", Roles: []mercato.Role{mercato.RoleSeller}}},
		Offers: []mercato.Offer{{ID: "offer-sync-channel", ProductID: "prod-sync", Visibility: "private", Buyers: []string{buyer2},
			ExpiresAt: day(2026, 12, 31), ChannelPartner: reseller, Terms: mercato.Terms{
				{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("900.00"), Duration: &mercato.Period{Months: 12},
					Grants: []mercato.GrantItem{{DimensionKey: "users", MaxQuantity: quantity(10)}}}}}}},
	})
	e.accept("offer-sync-channel", buyer2)
	got, _, err := e.svc.Entitlements(e.ctx, seller, service.EntitlementsInput{ProductCode: "prod-sync"})
	if err != nil || len(got) != 1 || got[0].CustomerAccountID != buyer2 || *got[0].Value.Integer != 10 {
		t.Errorf("the ISV reads %+v, %v", got, err)
	}
	_, _, err = e.svc.Entitlements(e.ctx, reseller, service.EntitlementsInput{ProductCode: "prod-sync"})
	if got := errorOf(t, err, mercato.EInvalid); got.Reason != mercato.ReasonInvalidParameter {
		t.Errorf("the reseller: %v", err)
	}
}

// TestEntitlementsRefused: only the product's seller reads its entitlements, and bad input
// names its field.
func TestEntitlementsRefused(t *testing.T) {
	e := newEnv(t)
	e.saasMarketplace("")
	many := make([]string, service.MaxEntitlementFilterValues+1)
	for i := range many {
		many[i] = "dim"
	}
	for name, tc := range map[string]struct {
		caller string
		in     service.EntitlementsInput
		reason string // of an EInvalid error
		field  string // the field it names, if any
	}{
		"the buyer":           {buyer, service.EntitlementsInput{ProductCode: "prod-sync"}, mercato.ReasonInvalidParameter, ""},
		"an unknown product":  {seller, service.EntitlementsInput{ProductCode: "prod-nope"}, mercato.ReasonInvalidParameter, ""},
		"both customer kinds": {seller, service.EntitlementsInput{ProductCode: "prod-sync", CustomerIdentifiers: []string{"x"}, CustomerAccountIDs: []string{buyer}}, mercato.ReasonInvalidParameter, ""},
		"no product code":     {seller, service.EntitlementsInput{}, "OTHER", "ProductCode"},
		"too many values":     {seller, service.EntitlementsInput{ProductCode: "prod-sync", Dimensions: many}, "OTHER", "Filter.DIMENSION"},
		"a blank value":       {seller, service.EntitlementsInput{ProductCode: "prod-sync", LicenseArns: []string{" "}}, "OTHER", "Filter.LICENSE_ARN"},
		"not an account":      {seller, service.EntitlementsInput{ProductCode: "prod-sync", CustomerAccountIDs: []string{"12345"}}, "OTHER", "Filter.CUSTOMER_AWS_ACCOUNT_ID"},
	} {
		_, _, err := e.svc.Entitlements(e.ctx, tc.caller, tc.in)
		got := errorOf(t, err, mercato.EInvalid)
		if got.Reason != tc.reason || (tc.field != "" && (len(got.Fields) != 1 || got.Fields[0].Name != tc.field)) {
			t.Errorf("%s: %v (reason %s, fields %+v)", name, err, got.Reason, got.Fields)
		}
	}
}
