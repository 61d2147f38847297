package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	mc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacemetering"
	"github.com/aws/smithy-go"
)

// createdKey is what mercato keys create prints.
type createdKey struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	Policy          string `json:"policy"`
	Status          string `json:"status"`
}

// mercatoCLI runs the mercato binary against srv, signed as a, and returns its standard output.
func mercatoCLI(t *testing.T, srv *server, a account, args ...string) []byte {
	t.Helper()
	args = append(args, "--server", srv.URL, "--access-key", a.KeyID, "--secret-key", a.Secret)
	cmd := exec.Command(binary, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mercato %s: %v: %s", strings.Join(args[:2], " "), err, stderr.String())
	}
	return out
}

// newKey creates a key for a on srv with the CLI, with the policy given ("" for none).
func newKey(t *testing.T, srv *server, a account, policy string) account {
	t.Helper()
	args := []string{"keys", "create", a.ID}
	if policy != "" {
		args = append(args, "--policy", policy)
	}
	var k createdKey
	if err := json.Unmarshal(mercatoCLI(t, srv, a, args...), &k); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.AccessKeyID, "AKIA") || len(k.AccessKeyID) != 20 || len(k.SecretAccessKey) != 40 || k.Status != "Active" {
		t.Fatalf("created key %+v: want a 20-character AKIA ID, a 40-character secret, Active", k)
	}
	return account{ID: a.ID, KeyID: k.AccessKeyID, Secret: k.SecretAccessKey}
}

// TestReadOnlyKeyRefusedOnWrite: a read-only key (the policy of the example: search and
// describe agreements) reads the seller's agreements and is refused a billing adjustment with
// AccessDeniedException worded as AWS words it, in both protocols of the Agreement client, as
// is a key holding AWS's managed offer-management policy, which reads agreements as their
// proposer only; a
// key with an inline policy that denies one action is refused that action with the
// explicit-deny wording.
func TestReadOnlyKeyRefusedOnWrite(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		readOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Action":["aws-marketplace:SearchAgreements","aws-marketplace:DescribeAgreement"],"Resource":"*"}]}`
		for _, policy := range []string{readOnly, "AWSMarketplaceSellerOfferManagement"} {
			ro := newKey(t, e.srv, seller, policy)
			c := e.client(ro)
			if _, err := c.DescribeAgreement(ctx, &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)}); err != nil {
				t.Fatalf("%.40s key reading: %v", policy, err)
			}
			_, err := batch(t, c, entry("inv-any", "1.00", "e2e-read-only"))
			ad := wantError[*types.AccessDeniedException](t, err)
			want := "User: arn:aws:iam::" + seller.ID + ":user/" + ro.KeyID +
				" is not authorized to perform: aws-marketplace:BatchCreateBillingAdjustmentRequest on resource: *" +
				" because no identity-based policy allows the aws-marketplace:BatchCreateBillingAdjustmentRequest action"
			if got := aws.ToString(ad.Message); got != want {
				t.Errorf("%.40s key: message\n got %q\nwant %q", policy, got, want)
			}
			if _, status := apiError(t, err); status != 403 {
				t.Errorf("%.40s key: HTTP %d, want 403", policy, status)
			}
		}

		deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"},` +
			`{"Effect":"Deny","Action":"aws-marketplace:Describe*","Resource":"*"}]}`
		d := e.client(newKey(t, e.srv, seller, deny))
		_, err := d.DescribeAgreement(ctx, &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)})
		ad := wantError[*types.AccessDeniedException](t, err)
		if !strings.HasSuffix(aws.ToString(ad.Message), "with an explicit deny in an identity-based policy") {
			t.Errorf("explicit deny worded %q", aws.ToString(ad.Message))
		}
		if _, err := d.SearchAgreements(ctx, &ma.SearchAgreementsInput{Catalog: aws.String("AWSMarketplace"),
			Filters: filters("PartyType", "Proposer", "AgreementType", "PurchaseAgreement")}); err != nil {
			t.Errorf("SearchAgreements, which the Deny misses: %v", err)
		}

		// A policy may name agreements by ARN.
		one := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:DescribeAgreement",` +
			`"Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/Agreement/` + agmtContract + `"}]}`
		o := e.client(newKey(t, e.srv, seller, one))
		if _, err := o.DescribeAgreement(ctx, &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)}); err != nil {
			t.Errorf("the agreement the policy names: %v", err)
		}
		_, err = o.DescribeAgreement(ctx, &ma.DescribeAgreementInput{AgreementId: aws.String(agmtFixed)})
		ad = wantError[*types.AccessDeniedException](t, err)
		if want := "on resource: arn:aws:aws-marketplace:us-east-1:" + seller.ID + ":AWSMarketplace/Agreement/" + agmtFixed + " because"; !strings.Contains(aws.ToString(ad.Message), want) {
			t.Errorf("another agreement: %q, want it to name %q", aws.ToString(ad.Message), want)
		}
	})
}

// TestKeySecretShownOnce: creating a key shows its secret; listing keys never does; the database
// holds the secret only encrypted; a malformed policy is refused naming its field.
func TestKeySecretShownOnce(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	srv := startServerWith(t, "sqlite:"+db, "scenario.yaml")
	k := newKey(t, srv, seller, "")
	list := mercatoCLI(t, srv, seller, "keys", "list", seller.ID)
	if bytes.Contains(list, []byte(k.Secret)) || bytes.Contains(list, []byte("secretAccessKey")) {
		t.Errorf("keys list shows a secret: %s", list)
	}
	if !bytes.Contains(list, []byte(k.KeyID)) {
		t.Errorf("keys list lacks the new key %s: %s", k.KeyID, list)
	}
	for _, f := range []string{db, db + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		for _, secret := range []string{k.Secret, seller.Secret} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds the secret %q in clear", filepath.Base(f), secret)
			}
		}
	}
	// The new key works with the SDK, and as the CLI's signing key.
	e := newEnv(t, srv, protocols[0])
	if _, err := e.client(k).DescribeAgreement(context.Background(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)}); err != nil {
		t.Fatalf("new key: %v", err)
	}
	mercatoCLI(t, srv, k, "keys", "list", seller.ID)

	cmd := exec.Command(binary, "keys", "create", seller.ID, "--policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"a:b","Resource":"*"}]}`,
		"--server", srv.URL, "--access-key", seller.KeyID, "--secret-key", seller.Secret)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Statement[0].Effect") {
		t.Errorf("a malformed policy: err %v, output %s; want a refusal naming Statement[0].Effect", err, out)
	}
	// The Metering API (awsJson1_1) refuses in AWS's words too: a metering-only key resolves no
	// customers.
	m := meteringClient(srv, newKey(t, srv, seller, "AWSMarketplaceMeteringFullAccess"))
	_, err = m.ResolveCustomer(context.Background(), &marketplacemetering.ResolveCustomerInput{RegistrationToken: aws.String("any")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" ||
		!strings.Contains(ae.ErrorMessage(), "is not authorized to perform: aws-marketplace:ResolveCustomer on resource: *") {
		t.Errorf("a metering-only key resolving a customer: %v", err)
	}

	// A key restricted to aws-marketplace actions cannot mint an unrestricted key.
	ro := newKey(t, srv, seller, "AWSMarketplaceSellerFullAccess")
	cmd = exec.Command(binary, "keys", "create", seller.ID, "--server", srv.URL, "--access-key", ro.KeyID, "--secret-key", ro.Secret)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "mercato:CreateAccessKey") {
		t.Errorf("a restricted key creating a key: err %v, output %s", err, out)
	}
}

// TestRevokedKeyRefusedOnSecondNode: two servers share one PostgreSQL database; a key revoked
// through one is refused by the other within seconds, though the other had just used it.
func TestRevokedKeyRefusedOnSecondNode(t *testing.T) {
	if os.Getenv(envPostgres) == "" {
		t.Skip(envPostgres + " is not set")
	}
	db := databaseFor(t)
	one := startServerWith(t, db, "scenario.yaml")
	two := startServerWith(t, db, "scenario.yaml")
	k := newKey(t, one, seller, "")
	c := newEnv(t, two, protocols[0]).client(k)
	ctx := context.Background()
	describe := func() error {
		_, err := c.DescribeAgreement(ctx, &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)})
		return err
	}
	if err := describe(); err != nil {
		t.Fatalf("the new key on the second node: %v", err)
	}
	mercatoCLI(t, one, seller, "keys", "revoke", seller.ID, k.KeyID)
	revoked := time.Now()
	for {
		err := describe()
		if err != nil {
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "UnrecognizedClientException" {
				t.Fatalf("after revocation: %v; want UnrecognizedClientException", err)
			}
			break
		}
		if time.Since(revoked) > 5*time.Second {
			t.Fatal("the second node still accepts the revoked key after 5 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("refused by the second node %v after revocation", time.Since(revoked).Round(time.Millisecond))
}

// TestReadOnlyKeyRefusedAChangeSet: the Catalog API (restJson1) checks keys' policies as the
// other services do: a key holding AWS's read-only managed policy lists entities and is refused
// StartChangeSet with AccessDeniedException in AWS's words.
func TestReadOnlyKeyRefusedAChangeSet(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	ro := newKey(t, srv, seller, "AWSMarketplaceSellerProductsReadOnly")
	c := catalogClient(srv, ro)
	if _, err := c.ListEntities(ctx, &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"),
		EntityType: aws.String("Offer")}); err != nil {
		t.Fatalf("read-only key listing offers: %v", err)
	}
	_, err := c.StartChangeSet(ctx, &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"),
		ChangeSet: []mctypes.Change{change("CreateOffer", "Offer@1.0", "", "", `{"ProductId":"prod-e2e"}`)}})
	var ad *mctypes.AccessDeniedException
	if !errors.As(err, &ad) {
		t.Fatalf("StartChangeSet with a read-only key: %v, want AccessDeniedException", err)
	}
	// A change that creates an entity acts on the change set being started.
	want := "User: arn:aws:iam::" + seller.ID + ":user/" + ro.KeyID +
		" is not authorized to perform: aws-marketplace:StartChangeSet on resource: arn:aws:aws-marketplace:us-east-1:" +
		seller.ID + ":AWSMarketplace/ChangeSet/*" +
		" because no identity-based policy allows the aws-marketplace:StartChangeSet action"
	if got := aws.ToString(ad.Message); got != want {
		t.Errorf("message\n got %q\nwant %q", got, want)
	}
}
