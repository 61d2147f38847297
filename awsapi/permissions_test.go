package awsapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"

	"mercato"
	"mercato/awsapi"
	"mercato/forwarded"
	"mercato/iam"
)

// The handler asks the Verifier's Permissions for each call's IAM action (aws-marketplace: and
// the operation) on the resource its input names (an agreement's ARN, or *), with the signing
// key; a refusal is AccessDeniedException in the client's protocol, with its message.
func TestPermissionsAskedPerCall(t *testing.T) {
	type ask struct{ key, action, resource string }
	var mu sync.Mutex
	var asked []ask
	perms := awsapi.PermissionsFunc(func(_ context.Context, key, action, resource string) error {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, ask{key, action, resource})
		if action == "aws-marketplace:SearchAgreements" {
			return &mercato.Error{Code: mercato.EForbidden, Message: "User: x is not authorized to perform: " + action}
		}
		return nil
	})
	e := newEnv(t, "", func(c *awsapi.Config) { c.Auth.(*awsapi.Verifier).Permissions = perms })
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			asked = nil
			c := newClient(e.endpoint(), p.opts...)
			if _, err := c.DescribeAgreement(context.Background(), &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-1")}); err != nil {
				t.Fatal(err)
			}
			_, err := c.SearchAgreements(context.Background(), &marketplaceagreement.SearchAgreementsInput{})
			var ad *types.AccessDeniedException
			if !errors.As(err, &ad) || aws.ToString(ad.Message) != "User: x is not authorized to perform: aws-marketplace:SearchAgreements" {
				t.Errorf("refused call: %v", err)
			}
			want := []ask{
				{keyOf(buyer).ID, "aws-marketplace:DescribeAgreement", "arn:aws:aws-marketplace:us-east-1:" + buyer.ID + ":AWSMarketplace/Agreement/agmt-1"},
				{keyOf(buyer).ID, "aws-marketplace:SearchAgreements", "*"},
			}
			if len(asked) != len(want) || asked[0] != want[0] || asked[1] != want[1] {
				t.Errorf("asked %+v\nwant %+v", asked, want)
			}
		})
	}
}

// A restJson1 call is authorized, once its input is bound, on every resource its service finds
// in the input, in order, until one is refused; the Permissions see the transport's condition
// keys in the request's context.
func TestRestPermissionsAskedPerResource(t *testing.T) {
	type ask struct {
		resource, ip, tls, region string
	}
	var asked []ask
	perms := awsapi.PermissionsFunc(func(ctx context.Context, _, action, resource string) error {
		k := iam.RequestKeys(ctx)
		first := func(key string) string {
			v, _ := k.Value(key)
			return strings.Join(v, ",")
		}
		asked = append(asked, ask{resource, first("aws:SourceIp"), first("aws:securetransport"), first("AWS:RequestedRegion")})
		if strings.HasSuffix(resource, "/refused") {
			return &mercato.Error{Code: mercato.EForbidden, Message: "User: x is not authorized to perform: " + action + " on resource: " + resource}
		}
		return nil
	})
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(seller), Permissions: perms}
	h, err := awsapi.NewRestHandler(awsapi.Config{Auth: v, Logger: slog.New(slog.DiscardHandler)},
		awsapi.RestService{Name: "catalog", Errors: awsapi.CatalogErrors, CapitalMessage: true,
			Resources: func(_ context.Context, caller string, in any) []string {
				var out []string
				for _, id := range strings.Split(in.(*echoIn).Name, " ") {
					out = append(out, "arn:aws:aws-marketplace:us-east-1:"+caller+":AWSMarketplace/Offer/"+id)
				}
				return out
			},
			Operations: []awsapi.RestOperation{awsapi.RestOp("Start", http.MethodPost, "/Start", echo)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	k := keyOf(seller)
	arn := "arn:aws:aws-marketplace:us-east-1:" + seller.ID + ":AWSMarketplace/Offer/"

	if status, _, out := restCall(t, http.MethodPost, srv.URL+"/Start", []byte(`{"Name": "one two"}`), &k); status != 200 {
		t.Fatalf("allowed on both: %d %v", status, out)
	}
	want := []ask{{arn + "one", "127.0.0.1", "false", "us-east-1"}, {arn + "two", "127.0.0.1", "false", "us-east-1"}}
	if !slices.Equal(asked, want) {
		t.Errorf("asked %+v\nwant %+v", asked, want)
	}

	asked = nil
	status, errType, out := restCall(t, http.MethodPost, srv.URL+"/Start", []byte(`{"Name": "one refused three"}`), &k)
	if status != 403 || errType != "AccessDeniedException" || !strings.HasSuffix(out["Message"].(string), "on resource: "+arn+"refused") {
		t.Errorf("refused on the second: %d %s %v", status, errType, out)
	}
	if len(asked) != 2 {
		t.Errorf("asked %d resources, want 2 (the check stops at the refusal)", len(asked))
	}
}

// TestPolicySeesTheClientBehindAProxy: aws:SourceIp and aws:SecureTransport are the client's as
// a declared proxy forwards them, and the peer's when the peer is no declared proxy, whatever
// headers it sends.
func TestPolicySeesTheClientBehindAProxy(t *testing.T) {
	var ip, secure []string
	perms := awsapi.PermissionsFunc(func(ctx context.Context, _, _, _ string) error {
		k := iam.RequestKeys(ctx)
		ip, _ = k.Value("aws:SourceIp")
		secure, _ = k.Value("aws:SecureTransport")
		return nil
	})
	req := func(peer string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.RemoteAddr = peer
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+keyOf(seller).ID+
			"/20260101/us-east-1/aws-marketplace/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
		r.Header.Set("X-Forwarded-For", "198.51.100.7")
		r.Header.Set("X-Forwarded-Proto", "https")
		return r
	}
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(seller), Permissions: perms,
		Proxies: forwarded.Proxies{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, c := range []struct{ peer, ip, secure string }{
		{"10.0.0.5:443", "198.51.100.7", "true"},
		{"203.0.113.9:443", "203.0.113.9", "false"},
	} {
		if err := v.Authorize(req(c.peer), "aws-marketplace:DescribeAgreement", "*"); err != nil {
			t.Fatal(err)
		}
		if strings.Join(ip, ",") != c.ip || strings.Join(secure, ",") != c.secure {
			t.Errorf("from %s: aws:SourceIp %v, aws:SecureTransport %v; want %s, %s", c.peer, ip, secure, c.ip, c.secure)
		}
	}
}
