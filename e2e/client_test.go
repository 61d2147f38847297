package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/schemas"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// account is an account of the e2e scenario with its access key.
type account struct {
	ID, KeyID, Secret string
}

// The accounts of testdata/scenario.yaml.
var (
	seller   = account{"111122223333", "AKIAE2ESELLER0000001", "e2e-seller-secret"}
	buyer1   = account{"444455556666", "AKIAE2EBUYERONE00001", "e2e-buyer-one-secret"}
	buyer2   = account{"777788889999", "AKIAE2EBUYERTWO00001", "e2e-buyer-two-secret"}
	stranger = account{"222233334444", "AKIAE2ESTRANGER00001", "e2e-stranger-secret"}
)

// The agreements of testdata/scenario.yaml.
const (
	agmtPayg           = "agmt-e2e-payg"            // buyer2, offer-e2e-public: recurring + usage
	agmtPaygOne        = "agmt-e2e-payg-one"        // buyer1, offer-e2e-public
	agmtContract       = "agmt-e2e-contract"        // buyer1, installments 1200 + 800 + 1000 USD
	agmtConsultingAuto = "agmt-e2e-consulting-auto" // buyer1, variable payments, auto-approved after P10D
	agmtConsultingWait = "agmt-e2e-consulting-wait" // buyer2, variable payments in EUR, buyer approves
	agmtStorage        = "agmt-e2e-storage"         // buyer2, free trial then 25 USD a month
	agmtFixed          = "agmt-e2e-fixed"           // buyer2, 600 USD upfront + BYOL
	agmtStranger       = "agmt-e2e-stranger"        // buyer2 with the stranger seller
)

// proposalID is the agreement proposal identifier buyers name an offer by: "ap-" and the
// first 24 hex digits of the SHA-256 of the offer ID (service.proposalID).
func proposalID(offerID string) string {
	h := sha256.Sum256([]byte(offerID))
	return "ap-" + hex.EncodeToString(h[:])[:24]
}

// termID is the ID the scenario gives the n-th term (from 1) of an offer.
func termID(offerID string, n int) string { return offerID + "-term-" + strconv.Itoa(n) }

// protocol is one of the two wire protocols of the Go SDK's Agreement client.
type protocol struct {
	name        string
	contentType string
	apply       func(*marketplaceagreement.Options)
}

var protocols = []protocol{
	{"cbor", "application/cbor", func(*marketplaceagreement.Options) {}}, // the client's default
	{"json", "application/x-amz-json-1.0", func(o *marketplaceagreement.Options) {
		o.Protocol = awsjson.New10(schemas.AWSMPCommerceService_v20200301)
	}},
}

// env is one test's server and the SDK clients of the scenario's accounts in one protocol.
type env struct {
	t     *testing.T
	srv   *server
	proto protocol
	rec   *recorder

	seller, buyer1, buyer2, stranger *marketplaceagreement.Client
}

// forEachProtocol runs fn as parallel subtests "cbor" and "json", each on a server of its own.
func forEachProtocol(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	forEachProtocolWith(t, nil, fn)
}

// forEachProtocolWith is forEachProtocol on servers started with the serve flags given, such
// as --manual-jobs for a test that watches work pending until the clock moves.
func forEachProtocolWith(t *testing.T, flags []string, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, startServer(t, flags...), p))
		})
	}
}

func newEnv(t *testing.T, srv *server, p protocol) *env {
	e := &env{t: t, srv: srv, proto: p, rec: &recorder{}}
	e.seller = e.client(seller)
	e.buyer1 = e.client(buyer1)
	e.buyer2 = e.client(buyer2)
	e.stranger = e.client(stranger)
	t.Cleanup(func() {
		// Every response must have come back in the protocol of the client.
		for _, r := range e.rec.all() {
			if got := r.header.Get("Content-Type"); got != p.contentType {
				t.Errorf("%s answered with Content-Type %q, want %q", r.operation, got, p.contentType)
			}
		}
	})
	return e
}

// client returns an Agreement client signing as a with the scenario's key.
func (e *env) client(a account) *marketplaceagreement.Client {
	return e.clientWith(credentials.NewStaticCredentialsProvider(a.KeyID, a.Secret, ""))
}

// clientWith returns an Agreement client with the given credentials (nil: anonymous).
func (e *env) clientWith(creds aws.CredentialsProvider) *marketplaceagreement.Client {
	return marketplaceagreement.New(marketplaceagreement.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  creds,
		HTTPClient:   &bufferingClient{http: &http.Client{Transport: &capture{next: http.DefaultTransport, rec: e.rec}}},
		Retryer:      aws.NopRetryer{}, // a server fault must show, not be retried away
	}, e.proto.apply)
}

// bufferingClient reads the signed request body into memory and hands net/http a fresh reader
// of it. It works around a smithy-go v1.28.8 bug (docs/aws-api.md §9): the SDK closes the body
// once response headers arrive, which makes net/http close the connection while the response
// is still being read. The bytes sent are unchanged.
type bufferingClient struct{ http *http.Client }

func (c *bufferingClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	return c.http.Do(r)
}

// exchange is one recorded response: the operation (from the request) and the raw response.
type exchange struct {
	operation string
	status    int
	header    http.Header
	body      []byte
}

// recorder keeps the raw responses of an env's clients, in order.
type recorder struct {
	mu        sync.Mutex
	exchanges []exchange
}

func (r *recorder) add(x exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = append(r.exchanges, x)
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.exchanges...)
}

// last returns the latest response, which must be of operation op.
func (r *recorder) last(t *testing.T, op string) exchange {
	t.Helper()
	all := r.all()
	if len(all) == 0 || all[len(all)-1].operation != op {
		t.Fatalf("the last response recorded is not of %s", op)
	}
	return all[len(all)-1]
}

// capture is a RoundTripper that records the raw bytes of every response.
type capture struct {
	next http.RoundTripper
	rec  *recorder
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.rec.add(exchange{operation: operationOf(r), status: resp.StatusCode, header: resp.Header.Clone(), body: body})
	return resp, nil
}

// operationOf names the operation of an Agreement request in either protocol.
func operationOf(r *http.Request) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		return target[strings.LastIndexByte(target, '.')+1:]
	}
	return r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
}

// ctx is the context of SDK calls.
func ctx() context.Context { return context.Background() }

// must fails the test if err is not nil.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantError fails the test unless err is (or wraps) an error of type E, which it returns.
func wantError[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if err == nil {
		t.Fatalf("the call succeeded; want %T", target)
	}
	if !errors.As(err, &target) {
		t.Fatalf("got error %T %v; want %T", err, err, target)
	}
	return target
}

// apiError returns the code and HTTP status of an API error from the server.
func apiError(t *testing.T, err error) (code string, status int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v; want a smithy.APIError", err, err)
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), status
}
