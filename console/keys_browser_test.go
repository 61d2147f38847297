package console_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mercato"
)

// TestBrowserKeys drives the access keys page in headless Chromium: a seller creates a read-only
// key and sees its secret once, is refused a malformed policy naming its field, rotates and
// revokes keys, and, signed in with the read-only key, is told why the Offers tab is closed to
// it. Screenshots go to $MERCATO_SCREENSHOTS like TestBrowser's.
func TestBrowserKeys(t *testing.T) {
	path := chromium(t)
	b := newBrowser(t, newEnv(t), path)
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.open("/console/keys", "keys")
	b.wantText("#key-"+acmeKey, "this session")
	b.shot("20-keys")

	// A read-only key: its secret is shown once, on the page that created it.
	b.setValue("#policy", "AWSMarketplaceSellerProductsReadOnly")
	b.submitWant("#create-key-submit", "keys", http.StatusCreated)
	b.wantText("#created-key", "shown this once")
	id, secret := b.eval(`document.querySelector("#created-key-id").innerText`), b.eval(`document.querySelector("#created-key-secret").innerText`)
	if !strings.HasPrefix(id, "AKIA") || len(secret) != 40 {
		t.Fatalf("created key %q with secret %q", id, secret)
	}
	b.shot("21-key-created")
	b.open("/console/keys", "keys")
	if got := b.eval(`String(document.body.innerText.includes(` + jsString(secret) + `))`); got != "false" {
		t.Errorf("the secret is shown again after the page that created the key")
	}
	b.wantText("#key-"+id, "AWSMarketplaceSellerProductsReadOnly")

	// A malformed custom policy is refused with the field at fault, and creates nothing.
	b.setValue("#policy", "custom")
	b.fill("#custom", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*"}]}`)
	b.submitWant("#create-key-submit", "keys", http.StatusBadRequest)
	b.wantText("#problem", "Statement[0].Resource")
	b.shot("22-key-bad-policy")
	keys, err := b.env.svc.AccessKeys(b.env.ctx, acme, acme)
	if err != nil || len(keys) != 2 {
		t.Fatalf("after a refused policy the account has %d keys (%v), want 2", len(keys), err)
	}

	// Rotating the read-only key gives a new one with its policy and revokes the old.
	b.submitWant("#rotate-"+id, "keys", http.StatusCreated)
	b.wantText("#created-key", id+" is revoked")
	rotated := b.eval(`document.querySelector("#created-key-id").innerText`)
	b.wantText("#key-"+id, "Revoked")
	b.wantText("#key-"+rotated, "AWSMarketplaceSellerProductsReadOnly")
	rotatedSecret := b.eval(`document.querySelector("#created-key-secret").innerText`)
	b.shot("23-key-rotated")
	if _, _, err := b.env.svc.AccessKey(b.env.ctx, id); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("the rotated-away key still signs: %v", err)
	}
	b.submit("#signout", "signin")

	// Signed in with the read-only key, the Offers tab says which permission is missing.
	b.signIn(rotated, rotatedSecret, "seller_agreements")
	b.open403("/console/seller/offers", "seller_offers")
	b.wantText("#offers-denied", "is not authorized to perform: aws-marketplace:StartChangeSet")
	b.wantText("#offers-permission", "AWSMarketplaceSellerOfferManagement")
	b.shot("24-offers-permission")

	// A read-only key may not manage keys, itself included: it could mint a stronger one.
	b.open("/console/keys", "keys")
	b.submitWant("#revoke-"+rotated, "keys", http.StatusForbidden)
	b.wantText("#problem", "mercato:RevokeAccessKey")
	b.shot("25-key-revoke-refused")
	b.submit("#signout", "signin")

	// The full-access key revokes it.
	b.signIn(acmeKey, acmeSecret, "seller_agreements")
	b.open("/console/keys", "keys")
	b.submit("#revoke-"+rotated, "keys")
	b.wantText("#notice", "Key revoked")
	b.wantText("#key-"+rotated, "Revoked")
	b.shot("26-key-revoked")
	if _, _, err := b.env.svc.AccessKey(b.env.ctx, rotated); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("the revoked key still signs: %v", err)
	}

	// The seller sets its payouts: monthly on the 15th, euros to a SWIFT account.
	b.open("/console/seller/payouts", "seller_payouts")
	b.click("#cadence-monthly")
	b.clear("#payout-day")
	b.fill("#payout-day", "29")
	b.submitWant("#save-payout", "seller_payouts", http.StatusBadRequest)
	b.wantText("#problem", "day from 1 to 28")
	b.clear("#payout-day")
	b.fill("#payout-day", "15")
	b.setValue("#bank-type-1", "SWIFT")
	b.setValue("#bank-currency-1", "EUR")
	b.submit("#save-payout", "seller_payouts")
	b.wantText("#notice", "Payout schedule and bank accounts saved")
	b.shot("27-seller-payouts")
	if a, _ := b.env.svc.Account(b.env.ctx, acme); a.Disbursement == nil || a.Disbursement.Day != 15 ||
		!slices.Contains(a.Disbursement.BankAccounts, mercato.BankAccount{Type: "SWIFT", Currency: "EUR"}) {
		t.Errorf("payouts after saving: %+v", a.Disbursement)
	}
	b.submit("#signout", "signin")

	// The operator creates a channel partner's account.
	b.signIn(operatorKey, operatorSec, "operator")
	b.open("/console/operator/accounts", "operator_accounts")
	b.fill("#account-id", "123412341234")
	b.fill("#account-name", "Reseller GmbH")
	b.click("#role-channelPartner")
	b.fill("#account-tax", "DE")
	b.submit("#create-account", "operator_accounts")
	b.wantText("#notice", "Account created")
	b.wantText("#account-123412341234", "channelPartner")
	b.shot("28-operator-accounts")
}

// open403 is open for a page that answers 403.
func (b *browser) open403(path, page string) {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.env.srv.URL+path))
	var status int64
	if res != nil {
		status = res.Status
	}
	b.loaded(status, http.StatusForbidden, err, path, page)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
