package awsapi_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestSDKDescribeAgreement checks a full structure, with timestamps and nested members,
// through the real client in both protocols and with and without a base path.
func TestSDKDescribeAgreement(t *testing.T) {
	for _, base := range []string{"", "/aws"} {
		env := newEnv(t, base)
		for _, p := range protocols {
			t.Run(p.name+base, func(t *testing.T) {
				c := newClient(env.endpoint(), p.opts...)
				out, err := c.DescribeAgreement(context.Background(),
					&marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-123")})
				if err != nil {
					t.Fatal(err)
				}
				want := &marketplaceagreement.DescribeAgreementOutput{
					AgreementId:      aws.String("agmt-123"),
					Acceptor:         &types.Acceptor{AccountId: aws.String(buyer.ID)},
					Proposer:         &types.Proposer{AccountId: aws.String("444455556666")},
					StartTime:        &startTime,
					EndTime:          &endTime,
					AcceptanceTime:   &acceptanceTime,
					AgreementType:    aws.String("PurchaseAgreement"),
					EstimatedCharges: &types.EstimatedCharges{CurrencyCode: aws.String("USD"), AgreementValue: aws.String("1200.50")},
					ProposalSummary: &types.ProposalSummary{
						Resources: []types.Resource{{Id: aws.String("prod-abc123"), Type: aws.String("SaaSProduct")}},
						OfferId:   aws.String("offer-xyz789"),
					},
					Status:          types.AgreementStatusActive,
					EndTimeBehavior: &types.EndTimeBehavior{Type: types.EndTimeBehaviorTypeRenew, RenewalSummary: &types.RenewalSummary{OfferId: aws.String("offer-renew1")}},
				}
				opts := cmp.Options{
					cmpIgnoreUnexported(),
					cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
				}
				if diff := cmp.Diff(want, out, opts); diff != "" {
					t.Errorf("output (-want +got):\n%s", diff)
				}
				id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
				if !ok || !uuidPattern.MatchString(id) {
					t.Errorf("request ID = %q, want a UUID", id)
				}
			})
		}
	}
}

// cmpIgnoreUnexported ignores the SDK's unexported noSmithyDocumentSerde members and the
// result metadata.
func cmpIgnoreUnexported() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		if !ok {
			return false
		}
		return sf.Name() == "ResultMetadata" || sf.Name() == "noSmithyDocumentSerde"
	}, cmp.Ignore())
}

func TestSDKMinimalOutputLeavesMembersUnset(t *testing.T) {
	env := newEnv(t, "/aws")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			out, err := newClient(env.endpoint(), p.opts...).DescribeAgreement(context.Background(),
				&marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-minimal")})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.AgreementId) != "agmt-minimal" || out.StartTime != nil || out.EndTime != nil ||
				out.Acceptor != nil || out.Status != "" || out.EndTimeBehavior != nil {
				t.Errorf("unexpected members in %+v", out)
			}
		})
	}
}

func TestSDKEmptyOutput(t *testing.T) {
	env := newEnv(t, "")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			_, err := newClient(env.endpoint(), p.opts...).CancelAgreement(context.Background(),
				&marketplaceagreement.CancelAgreementInput{AgreementId: aws.String("agmt-1")})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSDKTypedErrors checks that every mapped exception reaches the client as its typed
// error with its members, with the right status and request ID.
func TestSDKTypedErrors(t *testing.T) {
	env := newEnv(t, "/aws")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			c := newClient(env.endpoint(), p.opts...)
			describe := func(id string) error {
				_, err := c.DescribeAgreement(context.Background(),
					&marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String(id)})
				if err == nil {
					t.Fatalf("DescribeAgreement(%q) succeeded", id)
				}
				return err
			}

			err := describe("agmt-missing")
			var nf *types.ResourceNotFoundException
			if !errors.As(err, &nf) {
				t.Fatalf("got %T %v, want ResourceNotFoundException", err, err)
			}
			if nf.ResourceType != types.ResourceTypeAgreement || aws.ToString(nf.ResourceId) != "agmt-missing" ||
				aws.ToString(nf.Message) != "Agreement agmt-missing not found" || !uuidPattern.MatchString(aws.ToString(nf.RequestId)) {
				t.Errorf("not found: %+v", nf)
			}
			checkStatus(t, err, http.StatusNotFound)

			err = describe("bad id!")
			var ve *types.ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("got %T %v, want ValidationException", err, err)
			}
			if ve.Reason != types.ValidationExceptionReasonInvalidAgreementId || len(ve.Fields) != 1 ||
				aws.ToString(ve.Fields[0].Name) != "agreementId" || aws.ToString(ve.Fields[0].Message) == "" {
				t.Errorf("validation: %+v fields %+v", ve, ve.Fields)
			}
			checkStatus(t, err, http.StatusBadRequest)

			err = describe("agmt-conflict")
			var ce *types.ConflictException
			if !errors.As(err, &ce) || ce.ResourceType != types.ResourceTypeAgreement || aws.ToString(ce.ResourceId) != "agmt-conflict" {
				t.Errorf("conflict: %T %v", err, err)
			}
			checkStatus(t, err, http.StatusConflict)

			err = describe("agmt-forbidden")
			var ad *types.AccessDeniedException
			if !errors.As(err, &ad) || ad.Reason != types.AccessDeniedExceptionReasonInvalidAccess {
				t.Errorf("access denied: %T %v", err, err)
			}
			checkStatus(t, err, http.StatusForbidden)

			err = describe("agmt-quota")
			var qe *types.ServiceQuotaExceededException
			if !errors.As(err, &qe) {
				t.Errorf("quota: %T %v", err, err)
			}
			checkStatus(t, err, http.StatusPaymentRequired)

			err = describe("agmt-throttled")
			var te *types.ThrottlingException
			if !errors.As(err, &te) {
				t.Errorf("throttling: %T %v", err, err)
			}
			checkStatus(t, err, http.StatusTooManyRequests)

			for _, id := range []string{"agmt-boom", "agmt-panic"} {
				err = describe(id)
				var ie *types.InternalServerException
				if !errors.As(err, &ie) {
					t.Errorf("%s: %T %v", id, err, err)
				} else if msg := aws.ToString(ie.Message); msg == "" || regexp.MustCompile(`EOF|panic|bug`).MatchString(msg) {
					t.Errorf("%s: internal message %q leaks details or is empty", id, msg)
				}
				checkStatus(t, err, http.StatusInternalServerError)
			}
			// The real causes are logged, with the request ID the client saw.
			var re *awshttp.ResponseError
			errors.As(err, &re)
			for _, want := range []string{"unexpected EOF", "operation bug", re.ServiceRequestID()} {
				if !strings.Contains(env.log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, env.log)
				}
			}
		})
	}
}

func checkStatus(t *testing.T, err error, want int) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("%v is not a ResponseError", err)
	}
	if re.HTTPStatusCode() != want {
		t.Errorf("status = %d, want %d", re.HTTPStatusCode(), want)
	}
	if !uuidPattern.MatchString(re.ServiceRequestID()) {
		t.Errorf("request ID = %q", re.ServiceRequestID())
	}
}

// TestSDKValidationReportsAllFields checks that every bad member is reported at once.
func TestSDKValidationReportsAllFields(t *testing.T) {
	env := newEnv(t, "")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			_, err := newClient(env.endpoint(), p.opts...).SendAgreementPaymentRequest(context.Background(),
				&marketplaceagreement.SendAgreementPaymentRequestInput{
					AgreementId:  aws.String("agmt-1"),
					TermId:       aws.String("term-1"),
					Name:         aws.String("abc"),
					ChargeAmount: aws.String("12.123456789"),
					ClientToken:  aws.String("not a token!"),
				})
			var ve *types.ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("got %T %v", err, err)
			}
			var names []string
			for _, f := range ve.Fields {
				names = append(names, aws.ToString(f.Name))
			}
			if diff := cmp.Diff([]string{"name", "chargeAmount", "clientToken"}, names); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if ve.Reason != types.ValidationExceptionReasonOther {
				t.Errorf("reason = %q, want OTHER", ve.Reason)
			}
		})
	}
}

// TestSDKIdempotencyHash sends the same request twice; the SDK fills in a fresh client
// token each time, which the request hash ignores.
func TestSDKIdempotencyHash(t *testing.T) {
	env := newEnv(t, "")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			c := newClient(env.endpoint(), p.opts...)
			send := func(amount string) *marketplaceagreement.SendAgreementPaymentRequestOutput {
				out, err := c.SendAgreementPaymentRequest(context.Background(),
					&marketplaceagreement.SendAgreementPaymentRequestInput{
						AgreementId: aws.String("agmt-1"), TermId: aws.String("term-1"),
						Name: aws.String("Overage"), ChargeAmount: aws.String(amount),
					})
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			a, b, other := send("10.50"), send("10.50"), send("10.51")
			if aws.ToString(a.PaymentRequestId) != aws.ToString(b.PaymentRequestId) {
				t.Errorf("same request, different IDs: %s %s", *a.PaymentRequestId, *b.PaymentRequestId)
			}
			if aws.ToString(a.PaymentRequestId) == aws.ToString(other.PaymentRequestId) {
				t.Errorf("different requests, same ID %s", *a.PaymentRequestId)
			}
			if aws.ToString(a.ChargeAmount) != "10.50" || a.Status != types.PaymentRequestStatusPendingApproval ||
				!a.CreatedAt.Equal(startTime) {
				t.Errorf("output %+v", a)
			}
		})
	}
}

// TestSDKPaginator pages with the SDK paginator, which stops when nextToken is absent.
func TestSDKPaginator(t *testing.T) {
	env := newEnv(t, "/aws")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			c := newClient(env.endpoint(), p.opts...)
			pg := marketplaceagreement.NewSearchAgreementsPaginator(c,
				&marketplaceagreement.SearchAgreementsInput{Catalog: aws.String("AWSMarketplace")},
				func(o *marketplaceagreement.SearchAgreementsPaginatorOptions) { o.Limit = 3 })
			var sizes []int
			var ids []string
			for pg.HasMorePages() {
				page, err := pg.NextPage(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(page.AgreementViewSummaries))
				for _, s := range page.AgreementViewSummaries {
					ids = append(ids, aws.ToString(s.AgreementId))
					if aws.ToString(s.Acceptor.AccountId) != buyer.ID {
						t.Errorf("acceptor %v", s.Acceptor)
					}
				}
				if len(sizes) > 5 {
					t.Fatal("paginator does not stop")
				}
			}
			if diff := cmp.Diff([]int{3, 3, 1}, sizes); diff != "" {
				t.Errorf("page sizes (-want +got):\n%s", diff)
			}
			if ids[0] != "agmt-0" || ids[6] != "agmt-6" {
				t.Errorf("ids %v", ids)
			}
		})
	}
}

func TestSDKNextTokenOfAnotherCaller(t *testing.T) {
	env := newEnv(t, "")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			first, err := newClient(env.endpoint(), p.opts...).SearchAgreements(context.Background(),
				&marketplaceagreement.SearchAgreementsInput{MaxResults: aws.Int32(2)})
			if err != nil || first.NextToken == nil {
				t.Fatalf("first page: %v %v", first, err)
			}
			_, err = newClient(env.endpoint(), append(p.opts, withKey(keyOf(seller)))...).SearchAgreements(context.Background(),
				&marketplaceagreement.SearchAgreementsInput{MaxResults: aws.Int32(2), NextToken: first.NextToken})
			var ve *types.ValidationException
			if !errors.As(err, &ve) || ve.Reason != types.ValidationExceptionReasonInvalidNextToken ||
				len(ve.Fields) != 1 || aws.ToString(ve.Fields[0].Name) != "nextToken" {
				t.Fatalf("got %T %v", err, err)
			}

			_, err = newClient(env.endpoint(), p.opts...).SearchAgreements(context.Background(),
				&marketplaceagreement.SearchAgreementsInput{MaxResults: aws.Int32(51)})
			if !errors.As(err, &ve) || ve.Reason != types.ValidationExceptionReasonInvalidMaxResults ||
				aws.ToString(ve.Fields[0].Name) != "maxResults" {
				t.Fatalf("maxResults 51: got %T %v", err, err)
			}
		})
	}
}

// TestSDKUnknownOperation removes the operation from the server: the client gets
// UnknownOperationException in both protocols.
func TestSDKUnknownOperation(t *testing.T) {
	env := newEnv(t, "")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			_, err := newClient(env.endpoint(), p.opts...).GetAgreementTerms(context.Background(),
				&marketplaceagreement.GetAgreementTermsInput{AgreementId: aws.String("agmt-1")})
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownOperationException" {
				t.Fatalf("got %T %v", err, err)
			}
			checkStatus(t, err, http.StatusBadRequest)
		})
	}
}
