package awsapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"mercato"
	"mercato/awsapi"
)

// Sample operations, written the way the real Agreement operations will be.

var agreementIDRule = awsapi.StringRule{Min: 1, Max: 64, Pattern: awsapi.ResourceIDPattern}

type party struct {
	AccountID string `json:"accountId,omitempty"`
}

type estimatedCharges struct {
	CurrencyCode   string `json:"currencyCode,omitempty"`
	AgreementValue string `json:"agreementValue,omitempty"`
}

type resource struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type,omitempty"`
}

type proposalSummary struct {
	Resources  []resource `json:"resources,omitempty"`
	OfferID    string     `json:"offerId,omitempty"`
	OfferSetID string     `json:"offerSetId,omitempty"`
}

type renewalSummary struct {
	OfferID string `json:"offerId,omitempty"`
}

type endTimeBehavior struct {
	Type           string          `json:"type"`
	ReasonCode     string          `json:"reasonCode,omitempty"`
	RenewalSummary *renewalSummary `json:"renewalSummary,omitempty"`
}

type describeAgreementInput struct {
	AgreementID string `json:"agreementId,omitempty"`
}

func (in *describeAgreementInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	return awsapi.Invalid(p, "INVALID_AGREEMENT_ID")
}

type describeAgreementOutput struct {
	AgreementID        string            `json:"agreementId,omitempty"`
	Acceptor           *party            `json:"acceptor,omitempty"`
	Proposer           *party            `json:"proposer,omitempty"`
	StartTime          *awsapi.Timestamp `json:"startTime,omitempty"`
	EndTime            awsapi.Timestamp  `json:"endTime,omitzero"`
	AcceptanceTime     *awsapi.Timestamp `json:"acceptanceTime,omitempty"`
	AgreementType      string            `json:"agreementType,omitempty"`
	EstimatedCharges   *estimatedCharges `json:"estimatedCharges,omitempty"`
	ProposalSummary    *proposalSummary  `json:"proposalSummary,omitempty"`
	Status             string            `json:"status,omitempty"`
	InitialAgreementID string            `json:"initialAgreementId,omitempty"`
	EndTimeBehavior    *endTimeBehavior  `json:"endTimeBehavior,omitempty"`
}

var (
	startTime      = time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
	endTime        = time.Date(2027, 1, 15, 10, 30, 0, 0, time.UTC)
	acceptanceTime = time.Date(2026, 1, 14, 9, 0, 1, 250e6, time.UTC) // fractional seconds
)

// describeAgreement returns fixed data: the caller is the acceptor of every agreement.
func describeAgreement(ctx context.Context, in *describeAgreementInput) (*describeAgreementOutput, error) {
	caller, ok := awsapi.CallerFrom(ctx)
	if !ok {
		return nil, mercato.Errorf(mercato.EInternal, "no caller")
	}
	switch in.AgreementID {
	case "agmt-missing":
		return nil, mercato.NotFound("Agreement", in.AgreementID)
	case "agmt-conflict":
		return nil, &mercato.Error{Code: mercato.EConflict, Message: "agreement is being modified",
			ResourceID: in.AgreementID, ResourceType: "Agreement"}
	case "agmt-forbidden":
		return nil, (&mercato.Error{Code: mercato.EForbidden, Message: "no"}).WithReason("INVALID_ACCESS")
	case "agmt-throttled":
		return nil, mercato.Errorf(mercato.EThrottled, "slow down")
	case "agmt-quota":
		return nil, mercato.Errorf(mercato.EQuota, "too many")
	case "agmt-boom":
		return nil, io.ErrUnexpectedEOF // not a *mercato.Error: a server fault
	case "agmt-panic":
		panic("operation bug")
	case "agmt-minimal":
		return &describeAgreementOutput{AgreementID: in.AgreementID}, nil
	}
	return &describeAgreementOutput{
		AgreementID:      in.AgreementID,
		Acceptor:         &party{AccountID: caller},
		Proposer:         &party{AccountID: "444455556666"},
		StartTime:        awsapi.At(startTime),
		EndTime:          awsapi.Timestamp{Time: endTime},
		AcceptanceTime:   awsapi.At(acceptanceTime),
		AgreementType:    "PurchaseAgreement",
		EstimatedCharges: &estimatedCharges{CurrencyCode: "USD", AgreementValue: "1200.50"},
		ProposalSummary: &proposalSummary{
			Resources: []resource{{ID: "prod-abc123", Type: "SaaSProduct"}},
			OfferID:   "offer-xyz789",
		},
		Status:          "ACTIVE",
		EndTimeBehavior: &endTimeBehavior{Type: "RENEW", RenewalSummary: &renewalSummary{OfferID: "offer-renew1"}},
	}, nil
}

type filter struct {
	Name   string   `json:"name,omitempty"`
	Values []string `json:"values,omitempty"`
}

type searchAgreementsInput struct {
	Catalog    string   `json:"catalog,omitempty"`
	Filters    []filter `json:"filters,omitempty"`
	MaxResults *int32   `json:"maxResults,omitempty"`
	NextToken  string   `json:"nextToken,omitempty"`
}

type agreementViewSummary struct {
	AgreementID string            `json:"agreementId,omitempty"`
	StartTime   *awsapi.Timestamp `json:"startTime,omitempty"`
	Acceptor    *party            `json:"acceptor,omitempty"`
	Status      string            `json:"status,omitempty"`
}

type searchAgreementsOutput struct {
	AgreementViewSummaries []agreementViewSummary `json:"agreementViewSummaries,omitempty"`
	NextToken              string                 `json:"nextToken,omitempty"`
}

const totalAgreements = 7

var pageTokens = mustPageTokens()

func mustPageTokens() *awsapi.PageTokens {
	p, err := awsapi.NewPageTokens([]byte("0123456789abcdef-test-key"))
	if err != nil {
		panic(err)
	}
	return p
}

// searchAgreements pages through totalAgreements fixed agreements; the cursor is an index.
func searchAgreements(ctx context.Context, in *searchAgreementsInput) (*searchAgreementsOutput, error) {
	var p mercato.Problems
	size := awsapi.MaxResults(&p, in.MaxResults)
	if err := awsapi.Invalid(p, "INVALID_MAX_RESULTS"); err != nil {
		return nil, err
	}
	cursor, err := pageTokens.Cursor(ctx, in.NextToken)
	if err != nil {
		return nil, err
	}
	start := 0
	if cursor != "" {
		if start, err = strconv.Atoi(cursor); err != nil {
			return nil, err // cannot happen with a verified token: a server fault
		}
	}
	caller, _ := awsapi.CallerFrom(ctx)
	out := &searchAgreementsOutput{AgreementViewSummaries: []agreementViewSummary{}}
	for i := start; i < totalAgreements && i < start+size; i++ {
		out.AgreementViewSummaries = append(out.AgreementViewSummaries, agreementViewSummary{
			AgreementID: "agmt-" + strconv.Itoa(i),
			StartTime:   awsapi.At(startTime.AddDate(0, i, 0)),
			Acceptor:    &party{AccountID: caller},
			Status:      "ACTIVE",
		})
	}
	if next := start + size; next < totalAgreements {
		if out.NextToken, err = pageTokens.NextToken(ctx, strconv.Itoa(next)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type sendPaymentRequestInput struct {
	AgreementID  string `json:"agreementId,omitempty"`
	TermID       string `json:"termId,omitempty"`
	Name         string `json:"name,omitempty"`
	ChargeAmount string `json:"chargeAmount,omitempty"`
	ClientToken  string `json:"clientToken,omitempty"`
	Description  string `json:"description,omitempty"`
}

func (in *sendPaymentRequestInput) Validate() error {
	var p mercato.Problems
	agreementIDRule.Check(&p, "agreementId", in.AgreementID, true)
	awsapi.Required(&p, "termId", in.TermID)
	if awsapi.Required(&p, "name", in.Name) {
		awsapi.Length(&p, "name", in.Name, 5, 64)
	}
	if awsapi.Required(&p, "chargeAmount", in.ChargeAmount) {
		awsapi.Amount(&p, "chargeAmount", in.ChargeAmount)
	}
	awsapi.ClientToken(&p, "clientToken", in.ClientToken)
	return p.Err("Invalid payment request")
}

type sendPaymentRequestOutput struct {
	PaymentRequestID string            `json:"paymentRequestId,omitempty"`
	AgreementID      string            `json:"agreementId,omitempty"`
	ChargeAmount     string            `json:"chargeAmount,omitempty"`
	Name             string            `json:"name,omitempty"`
	Status           string            `json:"status,omitempty"`
	CreatedAt        *awsapi.Timestamp `json:"createdAt,omitempty"`
}

// sendPaymentRequest derives the ID from the request hash, so equal requests get equal IDs
// whatever their client token.
func sendPaymentRequest(_ context.Context, in *sendPaymentRequestInput) (*sendPaymentRequestOutput, error) {
	h, err := requestHash(in, "clientToken")
	if err != nil {
		return nil, err
	}
	return &sendPaymentRequestOutput{PaymentRequestID: "pr-" + h[:16], AgreementID: in.AgreementID,
		ChargeAmount: in.ChargeAmount, Name: in.Name, Status: "PENDING_APPROVAL", CreatedAt: awsapi.At(startTime)}, nil
}

type cancelAgreementInput struct {
	AgreementID string `json:"agreementId,omitempty"`
}

type cancelAgreementOutput struct{}

func cancelAgreement(_ context.Context, in *cancelAgreementInput) (*cancelAgreementOutput, error) {
	if in.AgreementID == "agmt-missing" {
		return nil, mercato.NotFound("Agreement", in.AgreementID)
	}
	return nil, nil // empty output
}

func agreementService() awsapi.Service {
	return awsapi.Agreement(
		awsapi.Op("DescribeAgreement", describeAgreement),
		awsapi.Op("SearchAgreements", searchAgreements),
		awsapi.Op("SendAgreementPaymentRequest", sendPaymentRequest),
		awsapi.Op("CancelAgreement", cancelAgreement),
	)
}

// A Metering sample: PascalCase members, awsJson1_1, its own exceptions.

type meterUsageInput struct {
	ProductCode    string            `json:"ProductCode,omitempty"`
	Timestamp      *awsapi.Timestamp `json:"Timestamp,omitempty"`
	UsageDimension string            `json:"UsageDimension,omitempty"`
	UsageQuantity  *int32            `json:"UsageQuantity,omitempty"`
	ClientToken    string            `json:"ClientToken,omitempty"`
}

type meterUsageOutput struct {
	MeteringRecordID string `json:"MeteringRecordId,omitempty"`
}

var meteringErrors = awsapi.ErrorTable{
	mercato.EInvalid:   {Name: "InvalidUsageDimensionException", Status: http.StatusBadRequest},
	mercato.EConflict:  {Name: "IdempotencyConflictException", Status: http.StatusConflict},
	mercato.EThrottled: {Name: "ThrottlingException", Status: http.StatusBadRequest},
	mercato.EInternal:  {Name: "InternalServiceErrorException", Status: http.StatusInternalServerError},
}

func meterUsage(_ context.Context, in *meterUsageInput) (*meterUsageOutput, error) {
	switch {
	case in.ProductCode == "bad":
		return nil, awsapi.NewException(http.StatusBadRequest, "InvalidProductCodeException", "unknown product code")
	case in.UsageDimension == "" || in.Timestamp == nil:
		return nil, mercato.Errorf(mercato.EInvalid, "UsageDimension and Timestamp are required")
	case in.ClientToken == "reused":
		return nil, mercato.Errorf(mercato.EConflict, "token reused with other parameters")
	case in.ProductCode == "boom":
		return nil, io.ErrClosedPipe
	}
	return &meterUsageOutput{MeteringRecordID: in.ProductCode + "-" + strconv.FormatInt(in.Timestamp.Unix(), 10)}, nil
}

func meteringService() awsapi.Service {
	return awsapi.Metering(meteringErrors, awsapi.Op("MeterUsage", meterUsage))
}

// Accounts and keys.

var (
	buyer = mercato.Account{ID: "111122223333", Name: "Buyer", Roles: []mercato.Role{mercato.RoleBuyer},
		AccessKeys: []mercato.AccessKey{{ID: "AKIDBUYER0000001", Secret: "buyer-secret-0001"}}}
	seller = mercato.Account{ID: "444455556666", Name: "Seller", Roles: []mercato.Role{mercato.RoleSeller},
		AccessKeys: []mercato.AccessKey{{ID: "AKIDSELLER000001", Secret: "seller-secret-0001"}}}
)

func keyOf(a mercato.Account) mercato.AccessKey { return a.AccessKeys[0] }

// testEnv is a test server with the sample services.
type testEnv struct {
	srv      *httptest.Server
	handler  *awsapi.Handler
	verifier *awsapi.Verifier
	base     string
	log      *syncBuffer // what the Handler logged
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB, basePath string, mutate ...func(*awsapi.Config)) *testEnv {
	t.Helper()
	v := &awsapi.Verifier{Credentials: awsapi.AccountKeys(buyer, seller)}
	logs := &syncBuffer{}
	cfg := awsapi.Config{BasePath: basePath, Auth: v, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	for _, m := range mutate {
		m(&cfg)
	}
	h, err := awsapi.NewHandler(cfg, agreementService(), meteringService())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testEnv{srv: srv, handler: h, verifier: v, base: basePath, log: logs}
}

func (e *testEnv) endpoint() string { return e.srv.URL + e.base }

// bufferingClient works around the smithy-go body closer quirk (aws-api.md §9) and lets a
// test tamper with the signed request.
type bufferingClient struct {
	tamper func(*http.Request, []byte) []byte
}

func (c *bufferingClient) Do(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
	}
	if c.tamper != nil {
		body = c.tamper(r, body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return http.DefaultClient.Do(r)
}

type clientOpt func(*marketplaceagreement.Options)

func withJSON() clientOpt {
	return func(o *marketplaceagreement.Options) {
		o.Protocol = awsjson.New10(schemas.AWSMPCommerceService_v20200301)
	}
}

func withKey(k mercato.AccessKey) clientOpt {
	return func(o *marketplaceagreement.Options) { o.Credentials = staticCreds(k) }
}

func withTamper(f func(*http.Request, []byte) []byte) clientOpt {
	return func(o *marketplaceagreement.Options) { o.HTTPClient = &bufferingClient{tamper: f} }
}

func staticCreds(k mercato.AccessKey) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret, Source: "test"}, nil
	})
}

func newClient(endpoint string, opts ...clientOpt) *marketplaceagreement.Client {
	o := marketplaceagreement.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      staticCreds(keyOf(buyer)),
		HTTPClient:       &bufferingClient{},
		RetryMaxAttempts: 1,
	}
	fns := make([]func(*marketplaceagreement.Options), len(opts))
	for i, f := range opts {
		fns[i] = f
	}
	return marketplaceagreement.New(o, fns...)
}

// protocols lists the two Agreement protocols as the SDK speaks them.
var protocols = []struct {
	name string
	opts []clientOpt
}{
	{"cbor", nil},
	{"json", []clientOpt{withJSON()}},
}

// tb is what the helpers need of a *testing.T, testing.B or *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// signedRequest builds a request signed with the SDK's SigV4 signer.
func signedRequest(t tb, url string, hdr http.Header, body []byte, k mercato.AccessKey,
	service, region string, at time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, vs := range hdr {
		r.Header[name] = append([]string(nil), vs...)
	}
	err = v4.NewSigner().SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}, r, sha256Hex(body),
		service, region, at)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func jsonHeaders(target string) http.Header {
	return http.Header{
		"Content-Type": {"application/x-amz-json-1.0"},
		"X-Amz-Target": {target},
	}
}

func cborHeaders() http.Header {
	return http.Header{
		"Content-Type":    {"application/cbor"},
		"Accept":          {"application/cbor"},
		"Smithy-Protocol": {"rpc-v2-cbor"},
	}
}

// do sends r and returns the status, headers and body.
func do(t tb, r *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// requestHash derives a stable hash of a decoded input without its client token, so that the
// sample operation gives equal requests equal IDs whatever token the SDK filled in.
func requestHash(in any, tokenMember string) (string, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return "", err
	}
	delete(members, tokenMember)
	b, err = json.Marshal(members) // map keys are sorted
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
