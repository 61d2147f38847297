package service_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// keyedMarketplace is the marketplace with an operator, and a key for the seller.
func (e *env) keyedMarketplace() {
	e.t.Helper()
	e.marketplace()
	e.apply(mercato.Scenario{Accounts: []mercato.Account{{ID: operator, Name: "Ops", Roles: []mercato.Role{mercato.RoleOperator}}}})
}

// storedKey reads a key as the store holds it.
func (e *env) storedKey(account, keyID string) mercato.AccessKey {
	e.t.Helper()
	var a mercato.Account
	if err := e.store.View(e.ctx, func(tx mercato.Tx) (err error) { a, err = tx.GetAccount(account); return err }); err != nil {
		e.t.Fatal(err)
	}
	for _, k := range a.AccessKeys {
		if k.ID == keyID {
			return k
		}
	}
	e.t.Fatalf("account %s has no key %s", account, keyID)
	return mercato.AccessKey{}
}

// Who may manage whose keys, what a new key looks like, and that its secret is stored sealed.
func TestAccessKeyRules(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.keyedMarketplace()
		k, err := e.svc.CreateAccessKey(e.ctx, seller, seller, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(k.ID, "AKIA") || len(k.ID) != 20 || len(k.Secret) != 40 || !k.Created.Equal(e.svc.Now()) {
			t.Errorf("new key %+v", k)
		}
		if stored := e.storedKey(seller, k.ID).Secret; strings.Contains(stored, k.Secret) || !strings.HasPrefix(stored, "aes256gcm:") {
			t.Errorf("stored secret %q: want it sealed", stored)
		}
		if acct, secret, err := e.svc.AccessKey(e.ctx, k.ID); err != nil || acct != seller || secret != k.Secret {
			t.Errorf("AccessKey = %s, %q, %v", acct, secret, err)
		}
		if _, err := e.svc.CreateAccessKey(e.ctx, buyer, seller, ""); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("a buyer creating the seller's key: %v, want ENotFound", err)
		}
		if _, err := e.svc.CreateAccessKey(e.ctx, operator, seller, "AWSMarketplaceMeteringFullAccess"); err != nil {
			t.Errorf("an operator creating the seller's key: %v", err)
		}
		_, err = e.svc.CreateAccessKey(e.ctx, seller, seller, `{"Version":"2012-10-17","Statement":[{"Effect":"Allows","Action":"a:b","Resource":"*"}]}`)
		if me := errorOf(t, err, mercato.EInvalid); len(me.Fields) != 1 || me.Fields[0].Name != "policy" ||
			!strings.Contains(me.Fields[0].Message, "Statement[0].Effect") {
			t.Errorf("a malformed policy: %+v", me)
		}
		keys, err := e.svc.AccessKeys(e.ctx, seller, seller)
		if err != nil || len(keys) != 2 {
			t.Fatalf("keys: %d, %v; want 2", len(keys), err)
		}
		for _, k := range keys {
			if k.Secret != "" {
				t.Errorf("AccessKeys shows the secret of %s", k.ID)
			}
		}
	})
}

// Rotation replaces a key by one with its policy; revocation takes effect at once on the node
// that revokes and within seconds on another node that had just used the key.
func TestRotateAndRevokeAcrossNodes(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.keyedMarketplace()
		other := service.New(e.store, e.clk)
		k, err := e.svc.CreateAccessKey(e.ctx, seller, seller, "AWSMarketplaceSellerProductsReadOnly")
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.RotateAccessKey(e.ctx, seller, seller, k.ID)
		if err != nil || r.Policy != k.Policy || r.ID == k.ID {
			t.Fatalf("rotated %+v, %v", r, err)
		}
		if _, _, err := e.svc.AccessKey(e.ctx, k.ID); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("the rotated-away key: %v, want ENotFound", err)
		}
		if _, _, err := other.AccessKey(e.ctx, r.ID); err != nil {
			t.Fatalf("the new key on the other node: %v", err)
		}
		if err := e.svc.RevokeAccessKey(e.ctx, seller, seller, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.AccessKey(e.ctx, r.ID); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("revoked key on the revoking node: %v", err)
		}
		start := time.Now()
		for {
			if _, _, err := other.AccessKey(e.ctx, r.ID); mercato.ErrorCodeOf(err) == mercato.ENotFound {
				break
			}
			if time.Since(start) > 3*time.Second {
				t.Fatal("the other node still accepts the revoked key after 3 s")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err := e.svc.RevokeAccessKey(e.ctx, seller, seller, r.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		recs, err := e.svc.Audit(e.ctx, mercato.AuditFilter{ResourceID: seller})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, rec := range recs {
			actions = append(actions, rec.Action)
		}
		if got := strings.Join(actions, ","); strings.Count(got, "CreateAccessKey") != 2 || strings.Count(got, "RevokeAccessKey") != 1 {
			t.Errorf("audit actions %s: want 2 CreateAccessKey (create, rotate) and 1 RevokeAccessKey", got)
		}
	})
}

// An account has at most 10 active keys; revoking one makes room.
func TestActiveKeyQuota(t *testing.T) {
	e := newEnv(t)
	e.keyedMarketplace()
	var last mercato.AccessKey
	for i := range 10 {
		var err error
		if last, err = e.svc.CreateAccessKey(e.ctx, seller, seller, ""); err != nil {
			t.Fatalf("key %d: %v", i+1, err)
		}
	}
	_, err := e.svc.CreateAccessKey(e.ctx, seller, seller, "")
	errorOf(t, err, mercato.EQuota)
	if err := e.svc.RevokeAccessKey(e.ctx, seller, seller, last.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateAccessKey(e.ctx, seller, seller, ""); err != nil {
		t.Errorf("after a revocation: %v", err)
	}
}

// Keys declared in scenario files keep working, are stored sealed, may carry a policy, and the
// same scenario applies again without conflict.
func TestScenarioKeys(t *testing.T) {
	e := newEnv(t)
	sc := mercato.Scenario{Accounts: []mercato.Account{{ID: seller, Name: "Acme", Roles: []mercato.Role{mercato.RoleChannelPartner},
		AccessKeys: []mercato.AccessKey{
			{ID: "AKIASCENARIOFULL0001", Secret: "scenario-secret-full"},
			{ID: "AKIASCENARIORO000001", Secret: "scenario-secret-ro", Policy: "AWSMarketplaceSellerProductsReadOnly"},
		}}}}
	e.apply(sc)
	e.apply(sc)
	if s := e.storedKey(seller, "AKIASCENARIOFULL0001").Secret; strings.Contains(s, "scenario-secret-full") {
		t.Errorf("a scenario key's secret is stored in clear: %q", s)
	}
	if _, secret, err := e.svc.AccessKey(e.ctx, "AKIASCENARIOFULL0001"); err != nil || secret != "scenario-secret-full" {
		t.Errorf("scenario key: %q, %v", secret, err)
	}

	tests := []struct {
		key, action string
		want        mercato.ErrorCode
	}{
		{"AKIASCENARIOFULL0001", "aws-marketplace:BatchCreateBillingAdjustmentRequest", ""},
		{"AKIASCENARIORO000001", "aws-marketplace:DescribeEntity", ""},
		{"AKIASCENARIORO000001", "aws-marketplace:DescribeAgreement", mercato.EForbidden}, // AWS's read-only policy reads no agreements
		{"AKIASCENARIORO000001", "aws-marketplace:BatchCreateBillingAdjustmentRequest", mercato.EForbidden},
	}
	for _, tt := range tests {
		if got := mercato.ErrorCodeOf(e.svc.Authorize(e.ctx, tt.key, tt.action, "*")); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.key, tt.action, got, tt.want)
		}
	}

	// What changed online survives the scenario's next application: a revoked declared key stays
	// revoked, a key created online stays, the seller's payouts stay.
	if err := e.svc.RevokeAccessKey(e.ctx, seller, seller, "AKIASCENARIORO000001"); err != nil {
		t.Fatal(err)
	}
	online, err := e.svc.CreateAccessKey(e.ctx, seller, seller, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetPayout(e.ctx, seller, seller, mercato.Disbursement{Cadence: "daily"}); err != nil {
		t.Fatal(err)
	}
	e.apply(sc)
	if _, _, err := e.svc.AccessKey(e.ctx, "AKIASCENARIORO000001"); mercato.ErrorCodeOf(err) != mercato.ENotFound {
		t.Errorf("a revoked scenario key after the scenario applied again: %v", err)
	}
	if _, _, err := e.svc.AccessKey(e.ctx, online.ID); err != nil {
		t.Errorf("a key created online after the scenario applied again: %v", err)
	}
	if a, _ := e.svc.Account(e.ctx, seller); a.Disbursement == nil || a.Disbursement.Cadence != "daily" {
		t.Errorf("payouts after the scenario applied again: %+v", a.Disbursement)
	}
	changed := sc
	changed.Accounts = []mercato.Account{sc.Accounts[0]}
	changed.Accounts[0].AccessKeys = []mercato.AccessKey{{ID: "AKIASCENARIOFULL0001", Secret: "another-secret"}}
	errorOf(t, e.svc.ApplyScenario(e.ctx, changed), mercato.EConflict)
	a, err := e.svc.Account(e.ctx, seller)
	if err != nil || !a.HasRole(mercato.RoleSeller) {
		t.Errorf("a channel partner is a seller: %v, %v", a.Roles, err)
	}

	bad := mercato.Scenario{Accounts: []mercato.Account{{ID: buyer, Name: "B", Roles: []mercato.Role{mercato.RoleBuyer},
		AccessKeys: []mercato.AccessKey{{ID: "AKIASCENARIOBAD00001", Secret: "scenario-secret", Policy: "NoSuchPolicy"}}}}}
	err = e.svc.ApplyScenario(e.ctx, bad)
	if me := errorOf(t, err, mercato.EInvalid); !strings.Contains(me.Error(), "accessKeys.policy") {
		t.Errorf("a scenario key with an unknown policy: %v", me)
	}
}

// Secrets stored before encryption still verify; secrets sealed under one key-encryption key do
// not open under another (an error, never a wrong secret).
func TestKeyEncryptionKey(t *testing.T) {
	e := newEnv(t)
	legacy := mercato.Account{ID: seller, Name: "Acme", Roles: []mercato.Role{mercato.RoleSeller},
		AccessKeys: []mercato.AccessKey{{ID: "AKIALEGACYPLAIN00001", Secret: "plain-legacy-secret"}}}
	if err := e.store.Update(e.ctx, func(tx mercato.Tx) error { return tx.PutAccount(legacy) }); err != nil {
		t.Fatal(err)
	}
	if _, secret, err := e.svc.AccessKey(e.ctx, "AKIALEGACYPLAIN00001"); err != nil || secret != "plain-legacy-secret" {
		t.Errorf("legacy key: %q, %v", secret, err)
	}

	kek1, kek2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	one := service.New(e.store, e.clk, service.WithKeyEncryptionKey(kek1))
	k, err := one.CreateAccessKey(e.ctx, seller, seller, "")
	if err != nil {
		t.Fatal(err)
	}
	two := service.New(e.store, e.clk, service.WithKeyEncryptionKey(kek2))
	if _, secret, err := two.AccessKey(e.ctx, k.ID); err == nil {
		t.Errorf("opened under another key-encryption key: %q", secret)
	}
	if _, err := service.ParseKeyEncryptionKey("too short"); mercato.ErrorCodeOf(err) != mercato.EInvalid {
		t.Errorf("a short key: %v", err)
	}
}

// An operator creates accounts; a seller sets its own payouts.
func TestAccountsAndPayouts(t *testing.T) {
	e := newEnv(t)
	e.keyedMarketplace()
	in := service.AccountInput{ID: "123412341234", Name: "Reseller", Roles: []mercato.Role{mercato.RoleChannelPartner}, TaxJurisdiction: "DE"}
	if _, err := e.svc.CreateAccount(e.ctx, seller, in); mercato.ErrorCodeOf(err) != mercato.EForbidden {
		t.Errorf("a seller creating an account: %v, want EForbidden", err)
	}
	if _, err := e.svc.CreateAccount(e.ctx, operator, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateAccount(e.ctx, operator, in); mercato.ErrorCodeOf(err) != mercato.EConflict {
		t.Errorf("creating it twice: %v, want EConflict", err)
	}
	bad := in
	bad.ID, bad.Roles = "12", []mercato.Role{"reseller"}
	_, err := e.svc.CreateAccount(e.ctx, operator, bad)
	if me := errorOf(t, err, mercato.EInvalid); len(me.Fields) != 2 {
		t.Errorf("bad ID and role: %+v", me.Fields)
	}

	if err := e.svc.SetPayout(e.ctx, in.ID, in.ID, mercato.Disbursement{Cadence: "monthly", Day: 15}); err != nil {
		t.Fatalf("the channel partner setting its payouts: %v", err)
	}
	if a, _ := e.svc.Account(e.ctx, in.ID); a.Disbursement == nil || a.Disbursement.Day != 15 {
		t.Errorf("payouts after setting them: %+v", a.Disbursement)
	}
	errorOf(t, e.svc.SetPayout(e.ctx, in.ID, in.ID, mercato.Disbursement{Cadence: "monthly", Day: 29}), mercato.EInvalid)
	errorOf(t, e.svc.SetPayout(e.ctx, buyer, buyer, mercato.Disbursement{Cadence: "daily"}), mercato.EForbidden)
	errorOf(t, e.svc.SetPayout(e.ctx, buyer, in.ID, mercato.Disbursement{Cadence: "daily"}), mercato.ENotFound)
}

// BenchmarkSignedCallKeyCost is what a signed AWS call pays for its key on top of what it paid
// before keys could change: the key's secret for SigV4 and its policy check, both from the
// node's cache (one database read per key every keyTTL).
func BenchmarkSignedCallKeyCost(b *testing.B) {
	e := newEnv(&testing.T{})
	e.keyedMarketplace()
	k, err := e.svc.CreateAccessKey(e.ctx, seller, seller, "AWSMarketplaceSellerProductsReadOnly")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := e.svc.AccessKey(e.ctx, k.ID); err != nil {
				b.Fatal(err)
			}
			if err := e.svc.Authorize(e.ctx, k.ID, "aws-marketplace:DescribeEntity", "*"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
