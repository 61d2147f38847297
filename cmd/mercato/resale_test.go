package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resaleCLIRun runs mercato resale signed with an access key and decodes the JSON answer.
func resaleCLIRun(t *testing.T, server, key, secret string, args ...string) (map[string]any, error) {
	t.Helper()
	out, err := cli(t, server, append(append([]string{"resale"}, args...), "--access-key", key, "--secret-key", secret)...)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("resale %v: %q is not JSON", args, out)
	}
	return v, nil
}

// firstEntity returns the first entity of a printed change set.
func firstEntity(t *testing.T, cs map[string]any) string {
	t.Helper()
	es, _ := cs["entities"].([]any)
	if cs["status"] != "SUCCEEDED" || len(es) == 0 {
		t.Fatalf("change set: %v", cs)
	}
	return es[0].(string)
}

// TestResaleThroughTheCLI: the maker authorizes Channel Co at 1,000.00 USD and releases it;
// both list it on their side; the partner is refused 999.00 with the Catalog's reason, makes a
// draft offer at a 20% markup for Buyer One and releases it; once the maker restricts the
// authorization, a new offer is refused; unsigned calls are refused.
func TestResaleThroughTheCLI(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "r.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "e2e", "testdata", "resale-catalog.yaml")})
	const (
		makerKey, makerSecret     = "AKIAE2EMAKER00000001", "e2e-maker-secret"
		partnerKey, partnerSecret = "AKIAE2EPARTNER000001", "e2e-partner-secret"
		partner, buyer            = "222233334444", "444455556666"
	)
	if _, err := cli(t, server, "resale", "list"); err == nil || !strings.Contains(err.Error(), "--access-key") {
		t.Errorf("an unsigned call: %v", err)
	}

	cs, err := resaleCLIRun(t, server, makerKey, makerSecret, "create", "--product", "prod-e2e-resold", "--reseller", partner,
		"--name", "Channel Co resale", "--price", "1000.00", "--last-day", "2026-12-31", "--buyer", buyer, "--release")
	if err != nil {
		t.Fatal(err)
	}
	auth := firstEntity(t, cs)
	if !strings.HasPrefix(auth, "resaleauthz-") {
		t.Fatalf("the authorization is %q", auth)
	}
	for _, side := range []struct{ key, secret, list string }{{makerKey, makerSecret, "granted"}, {partnerKey, partnerSecret, "held"}} {
		l, err := resaleCLIRun(t, server, side.key, side.secret, "list")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := l[side.list].([]any); len(got) != 1 || !strings.Contains(mustJSON(t, got), auth) {
			t.Errorf("%s lists %s: %v", side.key, side.list, l)
		}
	}

	if _, err := resaleCLIRun(t, server, partnerKey, partnerSecret, "offer", "--authorization", auth, "--price", "999.00",
		"--buyer", buyer, "--name", "Too cheap", "--release"); err == nil || !strings.Contains(err.Error(), "below the wholesale price 1000.00") {
		t.Errorf("an offer below wholesale: %v", err)
	}
	cs, err = resaleCLIRun(t, server, partnerKey, partnerSecret, "offer", "--authorization", auth, "--markup", "20",
		"--buyer", buyer, "--name", "For Buyer One")
	if err != nil {
		t.Fatal(err)
	}
	offer := firstEntity(t, cs)
	if _, err := resaleCLIRun(t, server, partnerKey, partnerSecret, "release-offer", offer); err != nil {
		t.Fatal(err)
	}
	described, err := cli(t, server, "resale", "list", "--access-key", partnerKey, "--secret-key", partnerSecret)
	if err != nil || !strings.Contains(described, auth) {
		t.Fatalf("list after the offer: %v", err)
	}

	if _, err := resaleCLIRun(t, server, makerKey, makerSecret, "restrict", auth); err != nil {
		t.Fatal(err)
	}
	if _, err := resaleCLIRun(t, server, partnerKey, partnerSecret, "offer", "--authorization", auth, "--markup", "10",
		"--buyer", buyer, "--name", "Late", "--release"); err == nil || !strings.Contains(err.Error(), "restricted") {
		t.Errorf("an offer with a restricted authorization: %v", err)
	}
}

// TestResaleExampleInTheSandbox: examples/cppo.yaml starts a sandbox in which the partner holds
// the example's authorization, with the offer made with it, and makes a second one (its limit is
// two); a third is refused.
func TestResaleExampleInTheSandbox(t *testing.T) {
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "c.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "examples", "cppo.yaml")})
	const partnerKey, partnerSecret = "AKIACPPOPARTNER00001", "cppo-partner-secret"
	if _, err := cli(t, server, "clock", "advance", "720h"); err != nil {
		t.Fatal(err)
	}
	l, err := resaleCLIRun(t, server, partnerKey, partnerSecret, "list")
	if err != nil {
		t.Fatal(err)
	}
	if held, _ := l["held"].([]any); len(held) != 1 || !strings.Contains(mustJSON(t, held), "resaleauthz-cppo-demo") {
		t.Fatalf("held: %v", l)
	}
	if _, err := resaleCLIRun(t, server, partnerKey, partnerSecret, "offer", "--authorization", "resaleauthz-cppo-demo",
		"--markup", "15", "--buyer", "444455556666", "--name", "Second", "--release"); err != nil {
		t.Fatal(err)
	}
	if _, err := resaleCLIRun(t, server, partnerKey, partnerSecret, "offer", "--authorization", "resaleauthz-cppo-demo",
		"--markup", "15", "--buyer", "444455556666", "--name", "Third", "--release"); err == nil || !strings.Contains(err.Error(), "allows 2 offers, all made") {
		t.Errorf("a third offer: %v", err)
	}
}

// TestResaleListReadsEveryPage: 25 authorizations are more than a ListEntities page (20); the
// list shows all of them on both sides.
func TestResaleListReadsEveryPage(t *testing.T) {
	var b strings.Builder
	b.WriteString("resaleAuthorizations:\n")
	for i := range 25 {
		fmt.Fprintf(&b, "  - {id: resaleauthz-page-%02d, manufacturer: \"111122223333\", reseller: \"222233334444\", product: prod-e2e-resold, wholesale: \"100.00\", expiresAt: 2026-12-31}\n", i)
	}
	file := filepath.Join(t.TempDir(), "more.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	server := startServer(t, serveOptions{addr: freeAddr(t), db: "sqlite:" + filepath.Join(t.TempDir(), "r.db"), sandbox: true,
		scenario: filepath.Join("..", "..", "e2e", "testdata", "resale-catalog.yaml")})
	if _, err := cli(t, server, "scenario", "apply", file); err != nil {
		t.Fatal(err)
	}
	for _, side := range []struct{ key, secret, list string }{
		{"AKIAE2EMAKER00000001", "e2e-maker-secret", "granted"}, {"AKIAE2EPARTNER000001", "e2e-partner-secret", "held"}} {
		l, err := resaleCLIRun(t, server, side.key, side.secret, "list")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := l[side.list].([]any); len(got) != 25 {
			t.Errorf("%s: %d authorizations, want 25", side.list, len(got))
		}
	}
}
