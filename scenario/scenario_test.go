package scenario

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"mercato"
)

const demoPath = "../examples/demo.yaml"

func readDemo(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// amount builds an Amount from its 10⁻⁸ units, independently of ParseAmount.
func amount(units int64) mercato.Amount { return mercato.Amount(units) }

// same compares got and want, times by instant.
func same(got, want any) bool {
	if w, ok := want.(time.Time); ok {
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == time.UTC
	}
	return reflect.DeepEqual(got, want)
}

func idsOf[T any](list []T, id func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

// lineOf returns the number of the first line of data containing marker.
func lineOf(t *testing.T, data []byte, marker string) string {
	t.Helper()
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, marker) {
			return fmt.Sprintf("line %d", i+1)
		}
	}
	t.Fatalf("%q is not in the demo file", marker)
	return ""
}

func TestParseDemo(t *testing.T) {
	data := readDemo(t)
	sc, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(demo): %v", err)
	}
	analytics, private, trial := sc.Offers[0], sc.Offers[1], sc.Offers[2]
	schedule := private.Terms[1].PaymentSchedule
	tests := []struct {
		name      string
		got, want any
	}{
		{"clock", sc.Clock, date(2026, 1, 1)},
		{"accounts", idsOf(sc.Accounts, func(a mercato.Account) string { return a.ID }),
			[]string{"111122223333", "444455556666", "777788889999", "999900001111"}},
		{"seller roles", sc.Accounts[0].Roles, []mercato.Role{mercato.RoleSeller}},
		{"seller key", sc.Accounts[0].AccessKeys,
			[]mercato.AccessKey{{ID: "AKIAACMESELLER000001", Secret: "acme-seller-secret"}}},
		{"seller disbursement", *sc.Accounts[0].Disbursement, mercato.Disbursement{Cadence: "monthly", Day: 10}},
		{"buyer jurisdictions", idsOf(sc.Accounts[1:3], func(a mercato.Account) string { return a.TaxJurisdiction }),
			[]string{"US-WA", "DE"}},
		{"operator", sc.Accounts[3].HasRole(mercato.RoleOperator), true},
		{"products", idsOf(sc.Products, func(p mercato.Product) string { return p.ID }),
			[]string{"prod-acme-analytics", "prod-acme-backup"}},
		{"productCode defaults to id", sc.Products[0].ProductCode, "prod-acme-analytics"},
		{"visibility defaults to public", sc.Products[1].Visibility, "public"},
		{"refund policies", idsOf(sc.Products, func(p mercato.Product) string { return p.RefundPolicy }),
			[]string{"Full refund within 30 days.", "Cancel any time; the current month is not refunded."}},
		{"metered dimension", sc.Products[0].Dimensions[1],
			mercato.Dimension{Key: "api_calls", Unit: "Requests", Metered: true}},
		{"offers", idsOf(sc.Offers, func(o mercato.Offer) string { return o.ID }),
			[]string{"offer-acme-public", "offer-acme-private", "offer-acme-backup-public"}},
		{"seller from product", idsOf(sc.Offers, func(o mercato.Offer) string { return o.SellerID }),
			[]string{"111122223333", "111122223333", "111122223333"}},
		{"recurring price (quoted)", analytics.Terms[0].RecurringPayment.Price, amount(100_00000000)},
		{"usage price", analytics.Terms[1].UsageBased.RateCards[0].RateCard[0].Price, amount(100_000)},
		{"term ids", analytics.Terms[0].RecurringPayment.ID + " " + analytics.Terms[1].UsageBased.ID,
			"offer-acme-public-term-1 offer-acme-public-term-2"},
		{"term types", analytics.Terms[0].RecurringPayment.Type + " " + analytics.Terms[1].UsageBased.Type,
			"RecurringPaymentTerm UsageBasedPricingTerm"},
		{"private buyers", private.Buyers, []string{"444455556666"}},
		{"private expiry", private.ExpiresAt, date(2026, 3, 1)},
		{"validity", *private.Terms[0].Validity.AgreementDuration, mercato.Period{Months: 12}},
		{"installments", len(schedule.Schedule), 3},
		{"installment date", schedule.Schedule[1].ChargeDate, date(2026, 4, 15)},
		{"installment amount", schedule.Schedule[2].ChargeAmount, amount(1200_00000000)},
		{"schedule term id", schedule.ID, "offer-acme-private-term-2"},
		{"free trial", trial.Terms[0].FreeTrial.Duration, mercato.Period{Days: 10}},
		{"trial price (unquoted)", trial.Terms[1].RecurringPayment.Price, amount(25_00000000)},
		{"agreements", idsOf(sc.Agreements, func(a mercato.ScenarioAgreement) string { return a.ID + ">" + a.OfferID + ">" + a.BuyerID }),
			[]string{
				"agmt-demo-private>offer-acme-private>444455556666",
				"agmt-demo-public>offer-acme-public>777788889999",
				"agmt-demo-trial>offer-acme-backup-public>444455556666",
			}},
		{"accepted", sc.Agreements[1].AcceptedAt, date(2026, 1, 5)},
		{"scheduled (plain date)", sc.Agreements[2].AcceptedAt, date(2026, 2, 1)},
		{"trial after clock", sc.Agreements[2].AcceptedAt.After(sc.Clock), true},
		{"where entries", len(sc.Where), 12},
		{"where accounts[0]", sc.Where["accounts[0]"], lineOf(t, data, `- id: "111122223333"`)},
		{"where accounts[3]", sc.Where["accounts[3]"], lineOf(t, data, `- id: "999900001111"`)},
		{"where products[1]", sc.Where["products[1]"], lineOf(t, data, "- id: prod-acme-backup")},
		{"where offers[1]", sc.Where["offers[1]"], lineOf(t, data, "- id: offer-acme-private")},
		{"where offers[2]", sc.Where["offers[2]"], lineOf(t, data, "- id: offer-acme-backup-public")},
		{"where agreements[2]", sc.Where["agreements[2]"], lineOf(t, data, "{id: agmt-demo-trial")},
	}
	for _, tt := range tests {
		if !same(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestParseSpecExample parses the example of the specification as written there.
func TestParseSpecExample(t *testing.T) {
	const spec = `clock: 2026-01-01T00:00:00Z
accounts:
  - {id: "111122223333", name: Acme Software, roles: [seller], accessKeys: [{id: AKIAACMESELLER000001, secret: acme-seller-secret}], disbursement: {cadence: monthly, day: 10}}
  - {id: "444455556666", name: Buyer Corp, roles: [buyer], taxJurisdiction: US-WA, accessKeys: [{id: AKIABUYERCORP0000001, secret: buyer-corp-secret}]}
products:
  - {id: prod-acme-analytics, seller: "111122223333", type: SaaS, title: Acme Analytics, refundPolicy: "Full refund within 30 days.", dimensions: [{key: users, unit: Users}, {key: api_calls, unit: Requests, metered: true}]}
offers:
  - id: offer-acme-public
    product: prod-acme-analytics
    visibility: public
    terms:
      - recurringPaymentTerm: {billingPeriod: Monthly, price: "100.00", currencyCode: USD}
      - usageBasedPricingTerm: {currencyCode: USD, rateCards: [{rateCard: [{dimensionKey: api_calls, price: "0.001"}]}]}
  - id: offer-acme-private
    product: prod-acme-analytics
    visibility: private
    buyers: ["444455556666"]
    expires: 2026-03-01T00:00:00Z
    terms:
      - validityTerm: {agreementDuration: P12M}
      - paymentScheduleTerm: {currencyCode: USD, schedule: [{chargeDate: 2026-01-15T00:00:00Z, chargeAmount: "1200.00"}, {chargeDate: 2026-04-15T00:00:00Z, chargeAmount: "1200.00"}, {chargeDate: 2026-07-15T00:00:00Z, chargeAmount: "1200.00"}]}
agreements:
  - {id: agmt-demo-private, offer: offer-acme-private, buyer: "444455556666", acceptedAt: 2026-01-10T00:00:00Z}
`
	sc, err := Parse([]byte(spec))
	if err != nil {
		t.Fatalf("Parse(spec example): %v", err)
	}
	want := map[string]string{
		"accounts[0]": "line 3", "accounts[1]": "line 4", "products[0]": "line 6",
		"offers[0]": "line 8", "offers[1]": "line 14", "agreements[0]": "line 23",
	}
	if !reflect.DeepEqual(sc.Where, want) {
		t.Errorf("Where = %v, want %v", sc.Where, want)
	}
}

// offerWith returns a scenario with a product and a public offer, offers[0] on line 3, with
// one recurring term whose price, as given, is on line 6.
func offerWith(price string) string {
	return `products: [{id: p, seller: "111122223333", type: SaaS, title: T, refundPolicy: none}]
offers:
  - id: o
    product: p
    visibility: public
    terms: [{recurringPaymentTerm: {billingPeriod: Monthly, currencyCode: USD, price: ` + price + `}}]
`
}

func TestParseValues(t *testing.T) {
	price := func(sc mercato.Scenario) any { return sc.Offers[0].Terms[0].RecurringPayment.Price }
	accepted := func(sc mercato.Scenario) any { return sc.Agreements[0].AcceptedAt }
	agreement := func(at string) string {
		return `agreements: [{offer: o, buyer: "444455556666", acceptedAt: ` + at + `}]`
	}
	tests := []struct {
		name string
		yaml string
		get  func(mercato.Scenario) any
		want any
	}{
		{"quoted amount", offerWith(`"100.00"`), price, amount(100_00000000)},
		{"unquoted decimal", offerWith(`100.00`), price, amount(100_00000000)},
		{"unquoted integer", offerWith(`100`), price, amount(100_00000000)},
		{"eight decimals", offerWith(`0.00000001`), price, amount(1)},
		// float64 has 15-17 significant digits: this one would not survive it.
		{"beyond float64", offerWith(`92233720368.54775807`), price, amount(9223372036854775807)},
		{"RFC 3339", agreement(`2026-01-15T00:00:00Z`), accepted, date(2026, 1, 15)},
		{"RFC 3339 with offset", agreement(`2026-01-15T02:00:00+02:00`), accepted, date(2026, 1, 15)},
		{"plain date", agreement(`2026-01-15`), accepted, date(2026, 1, 15)},
		{"quoted date", agreement(`"2026-01-15"`), accepted, date(2026, 1, 15)},
		{"seller from product", offerWith("1"), func(sc mercato.Scenario) any { return sc.Offers[0].SellerID }, "111122223333"},
		{"term id", offerWith("1"), func(sc mercato.Scenario) any { return sc.Offers[0].Terms[0].RecurringPayment.ID }, "o-term-1"},
		{"account id unquoted", `accounts: [{id: 111122223333, name: A, roles: [buyer]}]`,
			func(sc mercato.Scenario) any { return sc.Accounts[0].ID }, "111122223333"},
		{"product and seller left for the service",
			`offers: [{id: o, product: elsewhere, seller: "111122223333", visibility: public, terms: [{byolPricingTerm: {}}]}]`,
			func(sc mercato.Scenario) any { return sc.Offers[0].SellerID }, "111122223333"},
		{"resale terms",
			`offers: [{id: o, product: elsewhere, seller: "222233334444", visibility: public, terms: [{byolPricingTerm: {}}],
			  resale: {manufacturer: "111122223333", wholesale: 1000, price: "1200.00"}}]`,
			func(sc mercato.Scenario) any { return *sc.Offers[0].Resale },
			mercato.Resale{ManufacturerID: "111122223333", Wholesale: amount(1000_00000000), Price: amount(1200_00000000)}},
		{"aliases", "products:\n  - {id: p, seller: \"111122223333\", type: SaaS, title: &t Shared}\n  - {id: q, seller: \"111122223333\", type: SaaS, title: *t}\n",
			func(sc mercato.Scenario) any { return sc.Products[1].Title }, "Shared"},
		{"allow-list", "products: [{id: p, seller: \"111122223333\", type: AMI, title: T, visibility: limited, allowedBuyers: [\"444455556666\"]}]\n",
			func(sc mercato.Scenario) any { return sc.Products[0].AllowedBuyers }, []string{"444455556666"}},
		{"empty file", ``, func(sc mercato.Scenario) any { return len(sc.Where) }, 0},
		{"only comments", "# nothing yet\n", func(sc mercato.Scenario) any { return sc.Clock.IsZero() }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := tt.get(sc); !same(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// buyers returns a flow list of n distinct account IDs.
func buyers(n int) string {
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf(`"%012d"`, 100000000000+i)
	}
	return "[" + strings.Join(list, ", ") + "]"
}

func TestParseErrors(t *testing.T) {
	const prelude = `products: [{id: p, seller: "111122223333", type: SaaS, title: T, refundPolicy: none}]
offers:
  - {id: offer-ok, product: p, visibility: public, terms: [{byolPricingTerm: {}}]}
`
	// privateOffer is offers[1], written on line 4.
	privateOffer := func(buyersLine string) string {
		return prelude + `  - id: offer-x
    product: p
    visibility: private
` + buyersLine + `    expires: 2026-03-01
    terms: [{byolPricingTerm: {}}]
`
	}
	tests := []struct {
		name  string
		yaml  string
		field string   // the Fields entry expected, "" for an error without fields
		want  []string // substrings of the error's text
	}{
		{"bad YAML", "clock: 2026-01-01\naccounts:\n  - name: a: b\n", "", []string{"invalid scenario: line 3: mapping values are not allowed"}},
		{"two documents", "clock: 2026-01-01\n---\nclock: 2026-01-02\n", "", []string{"line 2", "single YAML document"}},
		{"unknown top-level key", "clock: 2026-01-01\noffer: []\n", "line 2", []string{`unknown key "offer"`}},
		{"unknown key", offerWith("1") + "    prise: 1\n", "offers[0] (line 3)",
			[]string{"prise (line 7): unknown key", "expected one of id, proposalId, product, seller"}},
		{"unknown term key", strings.Replace(offerWith("1"), "price:", "prise:", 1), "offers[0] (line 3)",
			[]string{"terms[0].recurringPaymentTerm.prise (line 6): unknown key"}},
		{"bad type", `accounts: [{id: "111122223333", name: A, roles: seller}]`, "accounts[0] (line 1)",
			[]string{`roles (line 1): expected a list, found "seller"`}},
		{"bad amount quoted", offerWith(`"12.345678901"`), "offers[0] (line 3)",
			[]string{`terms[0].recurringPaymentTerm.price (line 6): "12.345678901" is not a decimal amount`}},
		{"bad amount unquoted", offerWith(`12.345678901`), "offers[0] (line 3)",
			[]string{`terms[0].recurringPaymentTerm.price (line 6): "12.345678901" is not a decimal amount`}},
		{"bad date", strings.Replace(privateOffer(`    buyers: ["444455556666"]`+"\n"), "2026-03-01", "2026-02-30", 1), "offers[1] (line 4)",
			[]string{`expires (line 8): expected an RFC 3339 timestamp`, `found "2026-02-30"`}},
		{"bad duration", prelude + "  - {id: o2, product: p, visibility: public, terms: [{validityTerm: {agreementDuration: 12 months}}]}\n",
			"offers[1] (line 4)", []string{`terms[0].validityTerm.agreementDuration (line 4): "12 months" is not an ISO-8601 duration`}},
		{"private offer without buyers", privateOffer(""), "offers[1] (line 4)",
			[]string{"offers[1] (line 4): invalid offer offer-x (buyers: a private offer targets 1 to 26 buyer accounts, has 0)"}},
		{"27 buyers", privateOffer("    buyers: " + buyers(27) + "\n"), "offers[1] (line 4)",
			[]string{"invalid offer offer-x (buyers (line 7): a private offer targets 1 to 26 buyer accounts, has 27)"}},
		{"term with two members", prelude + `  - id: offer-y
    product: p
    visibility: public
    terms:
      - validityTerm: {agreementDuration: P12M}
      - byolPricingTerm: {}
        recurringPaymentTerm: {billingPeriod: Monthly, price: 1, currencyCode: USD}
`, "offers[1] (line 4)", []string{"invalid offer offer-y (terms[1] (line 9): exactly one term type must be set, found 2)"}},
		{"unknown product", prelude + "  - {id: offer-z, product: prod-nope, visibility: public, terms: [{byolPricingTerm: {}}]}\n",
			"offers[1] (line 4)", []string{"invalid offer offer-z (product: product prod-nope is not in this file"}},
		{"seller differs from product", prelude + `  - {id: offer-s, product: p, seller: "999999999999", visibility: public, terms: [{byolPricingTerm: {}}]}` + "\n",
			"offers[1] (line 4)", []string{"seller: 999999999999 is not the seller of product p"}},
		{"duplicate id", prelude + "  - {id: offer-ok, product: p, visibility: public, terms: [{byolPricingTerm: {}}]}\n",
			"offers[1] (line 4)", []string{"id: offer-ok is already used by offers[0] (line 3)"}},
		{"key set twice", "accounts:\n  - id: \"111122223333\"\n    id: \"111122223334\"\n", "accounts[0] (line 2)",
			[]string{"id (line 3): is set twice (first on line 2)"}},
		{"bad fulfillment URL", `products: [{id: p, seller: "111122223333", type: SaaS, title: T, fulfillmentUrl: "ftp://x.example/r"}]`,
			"products[0] (line 1)", []string{"invalid product p (fulfillmentUrl: must be an absolute http or https URL"}},
		{"allow-list of a public product", "products:\n  - id: p\n    seller: \"111122223333\"\n    type: AMI\n    title: T\n    allowedBuyers: [\"444455556666\"]\n",
			"products[0] (line 2)", []string{"invalid product p (allowedBuyers (line 6): only a limited product has an allow-list"}},
		{"bad allow-listed account", "products:\n  - id: p\n    seller: \"111122223333\"\n    type: AMI\n    title: T\n    visibility: limited\n    allowedBuyers: [\"444455556666\", \"4444\", \"444455556666\"]\n",
			"products[0] (line 2)", []string{`allowedBuyers (line 7): [1] "4444" is not a 12-digit account ID`, "[2] account 444455556666 is allow-listed twice"}},
		{"account without roles", "accounts:\n  - {id: \"111122223333\", name: A}\n", "accounts[0] (line 2)",
			[]string{"invalid account 111122223333 (roles: at least one of seller, channelPartner, buyer, privateMarketplaceAdmin, operator is required)"}},
		{"agreement without time", `agreements: [{offer: o, buyer: "444455556666"}]`, "agreements[0] (line 1)",
			[]string{"invalid agreement (acceptedAt: is required)"}},
		{"not a mapping", "- clock\n", "line 1", []string{"a scenario is a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse([]byte(tt.yaml))
			var e *mercato.Error
			if !errors.As(err, &e) || e.Code != mercato.EInvalid {
				t.Fatalf("Parse = %+v, %v; want an EInvalid *mercato.Error", sc, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if tt.field == "" {
				if len(e.Fields) != 0 {
					t.Errorf("Fields = %v, want none", e.Fields)
				}
				return
			}
			if !hasField(e, tt.field) {
				t.Errorf("Fields = %v, want one named %q", e.Fields, tt.field)
			}
		})
	}
}

func hasField(e *mercato.Error, name string) bool {
	for _, f := range e.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// TestParseReportsEveryEntry checks that one Parse reports every broken entry, and only those.
func TestParseReportsEveryEntry(t *testing.T) {
	const file = `accounts:
  - {id: "111122223333", name: A, roles: [seller]}
  - {id: "12", name: B, roles: [buyer]}
products:
  - {id: p, seller: "111122223333", type: Software, title: T}
offers:
  - {id: o, product: p, visibility: public, terms: [{recurringPaymentTerm: {billingPeriod: Monthly, price: abc, currencyCode: USD}}]}
agreements:
  - {offer: o, buyer: "444455556666", acceptedAt: 2026-01-01}
`
	_, err := Parse([]byte(file))
	var e *mercato.Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse: %v, want a *mercato.Error", err)
	}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Name)
	}
	want := []string{"accounts[1] (line 3)", "products[0] (line 5)", "offers[0] (line 7)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Fields named %q, want %q\n%v", got, want, err)
	}
}

// TestParseExpansionIsBounded checks that aliases cannot make Parse decode without end.
func TestParseExpansionIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("x:\n  - &r {dimensionKey: d, price: 1}\n")
	level := func(anchor, ref, body string) {
		fmt.Fprintf(&b, "  - &%s %s[%s]\n", anchor, body, strings.TrimSuffix(strings.Repeat("*"+ref+", ", 200), ", "))
	}
	level("c", "r", "")
	b.WriteString("  - &u {currencyCode: USD, rateCards: [" + strings.TrimSuffix(strings.Repeat("{rateCard: *c}, ", 200), ", ") + "]}\n")
	b.WriteString("  - &t [" + strings.TrimSuffix(strings.Repeat("{usageBasedPricingTerm: *u}, ", 200), ", ") + "]\n")
	b.WriteString("offers:\n")
	for i := range 200 {
		fmt.Fprintf(&b, "  - {id: o%d, product: p, seller: \"111122223333\", visibility: public, terms: *t}\n", i)
	}
	// Fully expanded, the document holds 200×200×200×200 rate cards (terabytes); the budget of
	// maxValues decoded values stops it after about 200 MiB, whatever the machine's speed.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse([]byte(b.String()))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("Parse = %v, want an error about expansion", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 512<<20 {
		t.Errorf("Parse allocated %d MiB before refusing the document", n>>20)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readDemo(f))
	f.Add([]byte(offerWith("12.5")))
	f.Add([]byte("offers: [{terms: [{paymentScheduleTerm: {schedule: [{chargeDate: 2026-01-01}]}}]}]"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse(data)
		if err != nil && mercato.ErrorCodeOf(err) != mercato.EInvalid {
			t.Fatalf("Parse: %v (%T), want EInvalid", err, err)
		}
	})
}
