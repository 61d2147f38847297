package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// refundCLI runs mercato refunds signed with an access key and decodes the JSON answer.
func refundCLI(t *testing.T, server, key, secret string, args ...string) (map[string]any, error) {
	t.Helper()
	out, err := cli(t, server, append(append([]string{"refunds"}, args...), "--access-key", key, "--secret-key", secret)...)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("refunds %v: %q is not JSON", args, out)
	}
	return v, nil
}

// TestRefundRequestsThroughTheCLI: the seller files for a buyer by billing period (pending until
// January is invoiced), the buyer sees it, support rejects another request and answers a third;
// unsigned or wrongly signed calls are refused.
func TestRefundRequestsThroughTheCLI(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "r.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
	if _, err := cli(t, server, "clock", "set", "2026-01-20T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	const (
		acmeKey, acmeSecret         = "AKIAACMESELLER000001", "acme-seller-secret"
		beispielKey, beispielSecret = "AKIABEISPIELGMBH0001", "beispiel-gmbh-secret"
		buyerKey, buyerSecret       = "AKIABUYERCORP0000001", "buyer-corp-secret"
		opsKey, opsSecret           = "AKIAMERCATOOPERATOR1", "operator-secret"
	)

	if _, err := cli(t, server, "refunds", "list"); err == nil || !strings.Contains(err.Error(), "--access-key") {
		t.Errorf("an unsigned call: %v", err)
	}
	if _, err := refundCLI(t, server, acmeKey, "wrong", "list"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong secret: %v", err)
	}
	if _, err := refundCLI(t, server, acmeKey, acmeSecret, "file", "--buyer", "777788889999", "--product", "prod-acme-analytics",
		"--type", "REFUND", "--period", "January"); err == nil || !strings.Contains(err.Error(), "billingPeriods") {
		t.Errorf("a bad period: %v", err)
	}

	c, err := refundCLI(t, server, acmeKey, acmeSecret, "file", "--buyer", "777788889999", "--product", "prod-acme-analytics",
		"--type", "REFUND", "--period", "2026-01", "--amount", "20.00", "--comments", "Outage on 12 January")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := c["referenceId"].(string)
	if c["status"] != "PENDING" || c["filedBy"] != "111122223333" || c["agreementId"] != "agmt-demo-public" || c["amount"] != "20.00" {
		t.Fatalf("filed: %v", c)
	}
	list, err := refundCLI(t, server, beispielKey, beispielSecret, "list", "--as", "buyer")
	if err != nil || !strings.Contains(mustJSON(t, list), id) {
		t.Fatalf("the buyer's list: %v, %v", list, err)
	}
	if _, err := refundCLI(t, server, buyerKey, buyerSecret, "show", id); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("another buyer sees the request: %v", err)
	}

	// Buyer Corp asks 10.00 of its installment without naming it, and 5.00 of it naming it.
	missing, err := refundCLI(t, server, buyerKey, buyerSecret, "file", "--seller", "111122223333", "--agreement", "agmt-demo-private",
		"--type", "REFUND", "--amount", "10")
	if err != nil || missing["status"] != "ACTION_REQUIRED" {
		t.Fatalf("without an invoice: %v, %v", missing, err)
	}
	waiting, err := refundCLI(t, server, opsKey, opsSecret, "list", "--as", "operator")
	if err != nil || !strings.Contains(mustJSON(t, waiting), missing["referenceId"].(string)) || !strings.Contains(mustJSON(t, waiting), id) {
		t.Fatalf("support's list: %v, %v", waiting, err)
	}
	if _, err := refundCLI(t, server, acmeKey, acmeSecret, "list", "--as", "operator"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a seller listed every waiting request: %v", err)
	}
	if _, err := refundCLI(t, server, opsKey, opsSecret, "reject", id); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Errorf("a rejection without a reason: %v", err)
	}
	rejected, err := refundCLI(t, server, opsKey, opsSecret, "reject", id, "--reason", "Filed twice")
	if err != nil || rejected["status"] != "REJECTED" || !strings.Contains(rejected["statusReason"].(string), "Filed twice") {
		t.Fatalf("support's rejection: %v, %v", rejected, err)
	}
	shown, err := refundCLI(t, server, beispielKey, beispielSecret, "show", id)
	if err != nil || shown["status"] != "REJECTED" {
		t.Errorf("the buyer sees %v, %v", shown, err)
	}

	// Support supplies the billing period the request lacked; the private contract's refund then
	// awaits the seller, who approves it.
	mid := missing["referenceId"].(string)
	if _, err := refundCLI(t, server, acmeKey, acmeSecret, "answer", mid, "--period", "2026-01"); err == nil ||
		!strings.Contains(err.Error(), "403") {
		t.Errorf("the seller answered the buyer's request: %v", err)
	}
	answered, err := refundCLI(t, server, opsKey, opsSecret, "answer", mid, "--period", "2026-01", "--cancellation-date", "2026-06-01")
	if err != nil || answered["status"] != "AWAITING_SELLER" {
		t.Fatalf("support's answer: %v, %v", answered, err)
	}
	approved, err := refundCLI(t, server, acmeKey, acmeSecret, "approve", mid)
	if err != nil || approved["status"] != "COMPLETED" || approved["amount"] != "10.00" || approved["policyRule"] != "SELLER_AUTHORIZATION" {
		t.Fatalf("the seller's approval: %v, %v", approved, err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
