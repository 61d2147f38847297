package service_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// meteringEnv is the marketplace with buyer subscribed to the public offer (recurring fee and
// 0.001 per api_call) since Jan 1, and the clock at Jan 10, 12:30.
func meteringEnv(t *testing.T) (*env, mercato.Agreement) {
	e := newEnv(t)
	e.marketplace()
	a := e.accept("offer-public", buyer)
	e.advanceTo(day(2026, 1, 10).Add(12*time.Hour + 30*time.Minute))
	return e, a
}

func rec(customer string, at time.Time, q int64) service.UsageRecordInput {
	return service.UsageRecordInput{CustomerAccountID: customer, Dimension: "api_calls", Timestamp: at, Quantity: q}
}

func statuses(rs []service.MeterResult) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Status)
	}
	return out
}

func TestBatchMeterUsageOutcomes(t *testing.T) {
	e, a := meteringEnv(t)
	now := e.svc.Now()
	h1, h2 := now.Add(-2*time.Hour), now.Add(-time.Hour)
	batch := []service.UsageRecordInput{
		rec(buyer, h1, 100),
		rec(buyer2, h1, 5),                      // no agreement
		rec(buyer, h1.Add(10*time.Minute), 100), // the same hour and quantity: the same record
		rec(buyer, h1.Add(20*time.Minute), 101), // the same hour, another quantity
		rec(buyer, h2, 200),
	}
	res, err := e.svc.BatchMeterUsage(e.ctx, seller, product, batch)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Success", "CustomerNotSubscribed", "Success", "DuplicateRecord", "Success"}
	if got := statuses(res); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if res[0].RecordID == "" || res[0].RecordID != res[2].RecordID || res[0].RecordID == res[4].RecordID ||
		res[1].RecordID != "" || res[3].RecordID != "" {
		t.Errorf("record IDs = %+v", res)
	}
	// A replay (or a subset of it) is idempotent; a new quantity for a stored hour is a duplicate.
	again, err := e.svc.BatchMeterUsage(e.ctx, seller, product, []service.UsageRecordInput{batch[4], rec(buyer, h1, 7)})
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Status != service.MeterSuccess || again[0].RecordID != res[4].RecordID || again[1].Status != service.MeterDuplicate {
		t.Errorf("replay = %+v", again)
	}
	// January's consolidated invoice, issued on Feb 2, bills the 300 calls stored.
	e.advanceTo(day(2026, 2, 2))
	var usage mercato.Amount
	for _, inv := range e.invoices(a.ID) {
		if inv.Key == "period:2026-01" {
			usage = inv.PreTax - amt("100.00")
		}
	}
	if usage != amt("0.30") {
		t.Errorf("usage on January's invoice = %s, want 300 x 0.001 = 0.30", usage)
	}
}

func TestBatchMeterUsageRefusals(t *testing.T) {
	e, _ := meteringEnv(t)
	now := e.svc.Now()
	e.apply(mercato.Scenario{Accounts: []mercato.Account{{ID: "555566667777", Name: "Other seller", Roles: []mercato.Role{mercato.RoleSeller}}},
		Products: []mercato.Product{{ID: "prod-other", SellerID: "555566667777", Type: mercato.ProductSaaS, Title: "Other",
			Dimensions: []mercato.Dimension{{Key: "api_calls", Metered: true}}}}})
	tests := []struct {
		name    string
		caller  string
		product string
		records []service.UsageRecordInput
		reason  string
	}{
		{"25 hours old", seller, product, []service.UsageRecordInput{rec(buyer, now.Add(-25*time.Hour), 1)}, mercato.ReasonTimestampOutOfBounds},
		{"one record of many out of the window", seller, product, []service.UsageRecordInput{rec(buyer, now, 1), rec(buyer, now.Add(-25*time.Hour), 1)},
			mercato.ReasonTimestampOutOfBounds},
		{"in the future", seller, product, []service.UsageRecordInput{rec(buyer, now.Add(10*time.Minute), 1)}, mercato.ReasonTimestampOutOfBounds},
		{"the buyer", buyer, product, []service.UsageRecordInput{rec(buyer, now, 1)}, mercato.ReasonInvalidProductCode},
		{"another seller", "555566667777", product, []service.UsageRecordInput{rec(buyer, now, 1)}, mercato.ReasonInvalidProductCode},
		{"unknown product", seller, "prod-none", []service.UsageRecordInput{rec(buyer, now, 1)}, mercato.ReasonInvalidProductCode},
		{"no product code", seller, "", []service.UsageRecordInput{rec(buyer, now, 1)}, mercato.ReasonInvalidProductCode},
		{"unknown dimension", seller, product, []service.UsageRecordInput{{CustomerAccountID: buyer, Dimension: "users", Timestamp: now, Quantity: 1}},
			mercato.ReasonInvalidUsageDimension},
		{"allocations not summing up", seller, product, []service.UsageRecordInput{{CustomerAccountID: buyer, Dimension: "api_calls",
			Timestamp: now, Quantity: 3, Allocations: []mercato.UsageAllocation{{Quantity: 2}}}}, mercato.ReasonInvalidUsageAllocations},
		{"a bad tag", seller, product, []service.UsageRecordInput{{CustomerAccountID: buyer, Dimension: "api_calls", Timestamp: now,
			Quantity: 2, Allocations: []mercato.UsageAllocation{{Quantity: 2, Tags: []mercato.Tag{{Key: "k", Value: "<script>"}}}}}},
			mercato.ReasonInvalidTag},
		{"a forged customer identifier", seller, product, []service.UsageRecordInput{{CustomerIdentifier: "bm90LWEtY3VzdG9tZXI",
			Dimension: "api_calls", Timestamp: now, Quantity: 1}}, mercato.ReasonInvalidCustomerIdentifier},
		{"an unknown license", seller, "", []service.UsageRecordInput{{LicenseArn: "arn:aws:license-manager::" + buyer + ":license:l-nope",
			Dimension: "api_calls", Timestamp: now, Quantity: 1}}, mercato.ReasonInvalidLicense},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.BatchMeterUsage(e.ctx, tt.caller, tt.product, tt.records)
			if got := errorOf(t, err, mercato.ErrorCodeOf(err)); got == nil || got.Reason != tt.reason {
				t.Fatalf("error = %v, want reason %s", err, tt.reason)
			}
		})
	}
	// Nothing of the refused batches was stored: the hour is still free.
	res, err := e.svc.BatchMeterUsage(e.ctx, seller, product, []service.UsageRecordInput{rec(buyer, now, 42)})
	if err != nil || res[0].Status != service.MeterSuccess {
		t.Errorf("after the refusals: %+v, %v", res, err)
	}
}

func TestMonthEndGrace(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.accept("offer-public", buyer)
	lastHour := day(2026, 1, 31).Add(23 * time.Hour)
	e.advanceTo(day(2026, 2, 1).Add(5 * time.Hour))
	if res, err := e.svc.BatchMeterUsage(e.ctx, seller, product, []service.UsageRecordInput{rec(buyer, lastHour, 1)}); err != nil ||
		res[0].Status != service.MeterSuccess {
		t.Fatalf("January's last hour at 05:00 on Feb 1: %+v, %v", res, err)
	}
	e.advanceTo(day(2026, 2, 1).Add(6 * time.Hour))
	_, err := e.svc.BatchMeterUsage(e.ctx, seller, product, []service.UsageRecordInput{rec(buyer, lastHour.Add(time.Minute), 1)})
	if e := errorOf(t, err, mercato.EInvalid); e.Reason != mercato.ReasonTimestampOutOfBounds {
		t.Errorf("January's usage at 06:00 on Feb 1: %v", err)
	}
}

func TestMeterUsage(t *testing.T) {
	e, _ := meteringEnv(t)
	now := e.svc.Now()
	in := service.MeterUsageInput{ProductCode: product, Timestamp: now.Add(-time.Hour), Dimension: "api_calls", Quantity: 10,
		ClientToken: "token-1"}
	id, err := e.svc.MeterUsage(e.ctx, buyer, in)
	if err != nil || id == "" {
		t.Fatalf("MeterUsage = %q, %v", id, err)
	}
	if again, err := e.svc.MeterUsage(e.ctx, buyer, in); err != nil || again != id {
		t.Errorf("same token, same request = %q, %v; want %q", again, err, id)
	}
	other := in
	other.ClientToken, other.Timestamp = "token-2", in.Timestamp.Add(time.Minute) // the same hour
	if again, err := e.svc.MeterUsage(e.ctx, buyer, other); err != nil || again != id {
		t.Errorf("another token, the same hour and quantity = %q, %v; want %q", again, err, id)
	}
	other.ClientToken, other.Quantity = "token-3", 11
	_, err = e.svc.MeterUsage(e.ctx, buyer, other)
	if e := errorOf(t, err, mercato.EConflict); e.Reason != mercato.ReasonDuplicateRequest {
		t.Errorf("another quantity for the hour: %v", err)
	}
	other.ClientToken = "token-1"
	_, err = e.svc.MeterUsage(e.ctx, buyer, other)
	if e := errorOf(t, err, mercato.EConflict); e.Reason != "INVALID_CLIENT_TOKEN" {
		t.Errorf("token-1 with another request: %v", err)
	}

	refusals := []struct {
		name   string
		caller string
		change func(*service.MeterUsageInput)
		reason string
	}{
		{"not subscribed", buyer2, func(*service.MeterUsageInput) {}, mercato.ReasonCustomerNotEntitled},
		{"the seller has no agreement", seller, func(*service.MeterUsageInput) {}, mercato.ReasonCustomerNotEntitled},
		{"7 hours old", buyer, func(in *service.MeterUsageInput) { in.Timestamp = now.Add(-7 * time.Hour) }, mercato.ReasonTimestampOutOfBounds},
		{"dry run", buyer, func(in *service.MeterUsageInput) { in.DryRun, in.Timestamp = true, now }, mercato.ReasonDryRun},
	}
	for _, tt := range refusals {
		in := service.MeterUsageInput{ProductCode: product, Timestamp: now, Dimension: "api_calls", Quantity: 1}
		tt.change(&in)
		_, err := e.svc.MeterUsage(e.ctx, tt.caller, in)
		if got := errorOf(t, err, mercato.ErrorCodeOf(err)); got == nil || got.Reason != tt.reason {
			t.Errorf("%s: %v, want reason %s", tt.name, err, tt.reason)
		}
	}
	// Usage before an agreement started is not the customer's.
	e.accept("offer-public", buyer2)
	_, err = e.svc.MeterUsage(e.ctx, buyer2, service.MeterUsageInput{ProductCode: product, Timestamp: now.Add(-time.Minute),
		Dimension: "api_calls", Quantity: 1})
	if got := errorOf(t, err, mercato.EForbidden); got.Reason != mercato.ReasonCustomerNotEntitled {
		t.Errorf("before the agreement: %v", err)
	}
	// The dry run stored nothing: the hour takes another quantity.
	if _, err := e.svc.MeterUsage(e.ctx, buyer, service.MeterUsageInput{ProductCode: product, Timestamp: now,
		Dimension: "api_calls", Quantity: 2}); err != nil {
		t.Errorf("after the dry run: %v", err)
	}
}

// tamper changes one character of the token's signature, one whose every bit counts (the last
// character of unpadded base64 carries bits a decoder ignores).
func tamper(token string) string {
	i := len(token) - 5
	c := byte('A')
	if token[i] == c {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}

func TestResolveCustomerAndLicenses(t *testing.T) {
	e, a := meteringEnv(t)
	ents, err := e.svc.AgreementEntitlements(e.ctx, buyer, a.ID)
	if err != nil || len(ents) != 1 {
		t.Fatalf("entitlements = %+v, %v", ents, err)
	}
	token := ents[0].RegistrationToken
	c, err := e.svc.ResolveCustomer(e.ctx, seller, token)
	if err != nil {
		t.Fatal(err)
	}
	// The product does not use the legacy identifier (see TestLegacyCustomerIdentifier).
	if c.AccountID != buyer || c.ProductCode != product || c.LicenseArn != service.LicenseArn(&a) || c.Identifier != "" {
		t.Errorf("customer = %+v", c)
	}
	for name, tc := range map[string]struct {
		caller, token, reason string
	}{
		"the buyer":    {buyer, token, mercato.ReasonInvalidToken},
		"tampered":     {seller, tamper(token), mercato.ReasonInvalidToken},
		"not a token":  {seller, "hello", mercato.ReasonInvalidToken},
		"another body": {seller, "e30." + strings.SplitN(token, ".", 2)[1], mercato.ReasonInvalidToken},
	} {
		_, err := e.svc.ResolveCustomer(e.ctx, tc.caller, tc.token)
		if got := errorOf(t, err, mercato.EInvalid); got.Reason != tc.reason {
			t.Errorf("%s: %v", name, err)
		}
	}

	// Records name the customer by account, or by license (with or without the account); they
	// are the same customer, dimension and hour, so one record.
	now := e.svc.Now()
	res, err := e.svc.BatchMeterUsage(e.ctx, seller, product, []service.UsageRecordInput{
		{CustomerAccountID: c.AccountID, Dimension: "api_calls", Timestamp: now, Quantity: 3}})
	if err != nil || res[0].Status != service.MeterSuccess {
		t.Fatalf("by account: %+v, %v", res, err)
	}
	res2, err := e.svc.BatchMeterUsage(e.ctx, seller, "", []service.UsageRecordInput{
		{LicenseArn: c.LicenseArn, CustomerAccountID: buyer, Dimension: "api_calls", Timestamp: now, Quantity: 3},
		{LicenseArn: c.LicenseArn, Dimension: "api_calls", Timestamp: now, Quantity: 3}})
	if err != nil || res2[0].Status != service.MeterSuccess || res2[0].RecordID != res[0].RecordID || res2[1].RecordID != res[0].RecordID {
		t.Errorf("by license: %+v, %v", res2, err)
	}
	_, err = e.svc.BatchMeterUsage(e.ctx, seller, "", []service.UsageRecordInput{
		{LicenseArn: c.LicenseArn, CustomerAccountID: buyer2, Dimension: "api_calls", Timestamp: now, Quantity: 3}})
	if got := errorOf(t, err, mercato.EInvalid); got.Reason != mercato.ReasonInvalidLicense {
		t.Errorf("a license with another account: %v", err)
	}

	e.advanceTo(now.Add(31 * time.Minute))
	_, err = e.svc.ResolveCustomer(e.ctx, seller, token)
	if got := errorOf(t, err, mercato.EInvalid); got.Reason != mercato.ReasonExpiredToken {
		t.Errorf("after 31 minutes: %v", err)
	}
}

func TestRegisterUsage(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.apply(mercato.Scenario{
		Products: []mercato.Product{{ID: "prod-box", SellerID: seller, Type: mercato.ProductContainer, Title: "Box",
			RefundPolicy: "None.", Dimensions: []mercato.Dimension{{Key: "tasks", Metered: true}}}},
		Offers: []mercato.Offer{{ID: "offer-box", ProductID: "prod-box", Visibility: "public", Terms: mercato.Terms{
			{UsageBased: &mercato.UsageBasedPricingTerm{CurrencyCode: "USD", RateCards: []mercato.UsageRateCard{
				{RateCard: []mercato.RateCardItem{{DimensionKey: "tasks", Price: amt("0.05")}}}}}}}}},
	})
	e.accept("offer-box", buyer)
	sig, err := e.svc.RegisterUsage(e.ctx, buyer, service.RegisterUsageInput{ProductCode: "prod-box", PublicKeyVersion: 1, Nonce: "n-1"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(sig, ".")
	pub, _ := e.svc.MeteringPublicKey(e.ctx)
	raw, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if len(parts) != 3 || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), raw) {
		t.Fatalf("signature %q does not verify", sig)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil || claims["nonce"] != "n-1" || claims["customerAWSAccountId"] != buyer {
		t.Errorf("claims = %s", payload)
	}
	for name, tc := range map[string]struct {
		caller string
		in     service.RegisterUsageInput
		reason string
	}{
		"not subscribed":     {buyer2, service.RegisterUsageInput{ProductCode: "prod-box", PublicKeyVersion: 1}, mercato.ReasonCustomerNotEntitled},
		"unknown key":        {buyer, service.RegisterUsageInput{ProductCode: "prod-box", PublicKeyVersion: 2}, mercato.ReasonInvalidPublicKeyVersion},
		"a SaaS product":     {buyer, service.RegisterUsageInput{ProductCode: product, PublicKeyVersion: 1}, mercato.ReasonInvalidProductCode},
		"an unknown product": {buyer, service.RegisterUsageInput{ProductCode: "nope", PublicKeyVersion: 1}, mercato.ReasonInvalidProductCode},
	} {
		_, err := e.svc.RegisterUsage(e.ctx, tc.caller, tc.in)
		if got := errorOf(t, err, mercato.ErrorCodeOf(err)); got == nil || got.Reason != tc.reason {
			t.Errorf("%s: %v", name, err)
		}
	}
}
