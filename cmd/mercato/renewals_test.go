package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// renewalScenario adds to the demo a one-year contract of 1,000.00 USD that Beispiel GmbH accepts on
// 2026-01-10 (ending 2027-01-10), whose renewal increase Acme picks between 2 and 7.25 percent
// (3.5 by default) until 45 days before the end, 2026-11-26.
const renewalScenario = `
offers:
  - id: offer-acme-renewing
    product: prod-acme-backup
    seller: "111122223333"
    visibility: private
    buyers: ["777788889999"]
    expires: 2026-03-01T00:00:00Z
    terms:
      - fixedUpfrontPricingTerm: {currencyCode: USD, duration: P12M, price: "1000.00"}
      - renewalTerm:
          adjustmentDeadline: P45D
          lockoutPeriod: P30D
          priceIncrease: {percentageRange: {minValue: "2", maxValue: "7.25", defaultValue: "3.5"}}
agreements:
  - {id: agmt-renewing, offer: offer-acme-renewing, buyer: "777788889999", acceptedAt: 2026-01-10T00:00:00Z}
`

// renewalCLI runs mercato renewals signed with an access key and decodes the JSON answer.
func renewalCLI(t *testing.T, server, key, secret string, args ...string) (map[string]any, error) {
	t.Helper()
	out, err := cli(t, server, append(append([]string{"renewals"}, args...), "--access-key", key, "--secret-key", secret)...)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("renewals %v: %q is not JSON", args, out)
	}
	return v, nil
}

// TestRenewalAdjustmentThroughTheCLI: the buyer and the seller see the renewal at the default
// 3.5 % (1,035.00 USD); the buyer may not adjust it; the seller's 8 % is refused naming the
// field, its 5 % makes the renewal 1,050.00; after the adjustment deadline the seller is refused.
func TestRenewalAdjustmentThroughTheCLI(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "r.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
	file := filepath.Join(t.TempDir(), "renewal.yaml")
	if err := os.WriteFile(file, []byte(renewalScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, server, "scenario", "apply", file); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, server, "clock", "set", "2026-06-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	const (
		acmeKey, acmeSecret   = "AKIAACMESELLER000001", "acme-seller-secret"
		buyerKey, buyerSecret = "AKIABEISPIELGMBH0001", "beispiel-gmbh-secret"
	)

	plan, err := renewalCLI(t, server, buyerKey, buyerSecret, "show", "agmt-renewing")
	if err != nil || plan["priceIncrease"] != "3.5" || plan["renewalValue"] != "1035.00" || plan["finalizeTime"] != "2026-11-26T00:00:00Z" ||
		plan["lockoutStartTime"] != "2026-12-11T00:00:00Z" {
		t.Fatalf("the buyer's view: %v, %v", plan, err)
	}
	if _, err := renewalCLI(t, server, buyerKey, buyerSecret, "adjust", "agmt-renewing", "--increase", "5"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("the buyer adjusted: %v", err)
	}
	if _, err := renewalCLI(t, server, acmeKey, acmeSecret, "adjust", "agmt-renewing", "--increase", "8"); err == nil ||
		!strings.Contains(err.Error(), "increase") || !strings.Contains(err.Error(), "2 to 7.25") {
		t.Errorf("8%%: %v", err)
	}
	if _, err := renewalCLI(t, server, acmeKey, acmeSecret, "adjust", "agmt-renewing", "--increase", "five"); err == nil ||
		!strings.Contains(err.Error(), "increase") {
		t.Errorf("five: %v", err)
	}
	plan, err = renewalCLI(t, server, acmeKey, acmeSecret, "adjust", "agmt-renewing", "--increase", "5")
	rng, _ := plan["percentageRange"].(map[string]any)
	if err != nil || plan["priceIncrease"] != "5" || plan["renewalValue"] != "1050.00" || rng["chosenValue"] != "5" || rng["adjustable"] != true {
		t.Fatalf("adjusted: %v, %v", plan, err)
	}

	if _, err := cli(t, server, "clock", "set", "2026-11-27T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	if _, err := renewalCLI(t, server, acmeKey, acmeSecret, "adjust", "agmt-renewing", "--increase", "6"); err == nil ||
		!strings.Contains(err.Error(), "adjustment deadline") {
		t.Errorf("after the deadline: %v", err)
	}
}
