package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// signedCLI runs a mercato command signed with an access key and decodes its JSON answer.
func signedCLI(t *testing.T, server, key, secret string, args ...string) (map[string]any, error) {
	t.Helper()
	out, err := cli(t, server, append(args, "--access-key", key, "--secret-key", secret)...)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %q is not JSON", args, out)
	}
	return v, nil
}

// TestAccountsAndKeysThroughTheCLI: the operator creates a channel partner's account and its
// first key; the partner signs with it, sets its payouts and rotates the key; a seller may not
// create accounts nor touch another account's keys.
func TestAccountsAndKeysThroughTheCLI(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "a.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "examples", "demo.yaml")})
	const (
		acmeKey, acmeSecret = "AKIAACMESELLER000001", "acme-seller-secret"
		opsKey, opsSecret   = "AKIAMERCATOOPERATOR1", "operator-secret"
		partner             = "123412341234"
	)
	create := []string{"accounts", "create", "--id", partner, "--name", "Reseller GmbH", "--role", "channelPartner", "--tax-jurisdiction", "DE"}
	if _, err := signedCLI(t, server, acmeKey, acmeSecret, create...); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a seller creating an account: %v", err)
	}
	a, err := signedCLI(t, server, opsKey, opsSecret, create...)
	if err != nil || a["id"] != partner {
		t.Fatalf("the operator creating an account: %v, %v", a, err)
	}
	if _, err := signedCLI(t, server, opsKey, opsSecret, create...); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("creating it twice: %v", err)
	}
	k, err := signedCLI(t, server, opsKey, opsSecret, "keys", "create", partner)
	if err != nil {
		t.Fatal(err)
	}
	key, secret := k["accessKeyId"].(string), k["secretAccessKey"].(string)

	if _, err := signedCLI(t, server, key, secret, "accounts", "payout", partner, "--cadence", "monthly", "--day", "31"); err == nil ||
		!strings.Contains(err.Error(), "disbursement") {
		t.Errorf("day 31: %v", err)
	}
	p, err := signedCLI(t, server, key, secret, "accounts", "payout", partner, "--cadence", "monthly", "--day", "5")
	if err != nil || !strings.Contains(mustJSON(t, p), `"day":5`) {
		t.Errorf("the partner's payouts: %v, %v", p, err)
	}
	r, err := signedCLI(t, server, key, secret, "keys", "rotate", partner, key)
	if err != nil || r["accessKeyId"] == key || r["secretAccessKey"] == "" {
		t.Fatalf("rotation: %v, %v", r, err)
	}
	if _, err := signedCLI(t, server, key, secret, "keys", "list", partner); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("the rotated-away key still signs: %v", err)
	}
	if _, err := signedCLI(t, server, acmeKey, acmeSecret, "keys", "list", partner); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a seller listing another account's keys: %v", err)
	}
	list, err := signedCLI(t, server, r["accessKeyId"].(string), r["secretAccessKey"].(string), "keys", "list", partner)
	if err != nil || strings.Contains(mustJSON(t, list), "secretAccessKey") || !strings.Contains(mustJSON(t, list), `"Revoked"`) {
		t.Errorf("the partner's keys: %v, %v", list, err)
	}
}
