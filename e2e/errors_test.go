package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestErrors checks each class of error through the SDK's typed errors: its members, its HTTP
// status and the request ID, and the authentication failures, which have no modelled type.
func TestErrors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		describe := func(c *ma.Client, id string) error {
			_, err := c.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(id)})
			return err
		}
		status := func(err error, want int) {
			t.Helper()
			if _, got := apiError(t, err); got != want {
				t.Errorf("HTTP status %d, want %d", got, want)
			}
		}

		// ValidationException: the reason and every field at fault.
		err := describe(e.seller, "bad id!")
		ve := wantError[*types.ValidationException](t, err)
		if ve.Reason != types.ValidationExceptionReasonInvalidAgreementId || len(ve.Fields) != 1 ||
			aws.ToString(ve.Fields[0].Name) != "agreementId" || aws.ToString(ve.Fields[0].Message) == "" ||
			!uuidPattern.MatchString(aws.ToString(ve.RequestId)) || aws.ToString(ve.Message) == "" {
			t.Errorf("validation: %+v, fields %+v", ve, ve.Fields)
		}
		status(err, http.StatusBadRequest)
		// The SDK prints only the message: it names the field, the value and the constraint.
		const why = "1 validation error detected: Value 'bad id!' at 'agreementId' failed to satisfy constraint: " +
			"Member must satisfy regular expression pattern: ^[A-Za-z0-9_/-]+$"
		if !strings.Contains(err.Error(), why) || aws.ToString(ve.Message) != why {
			t.Errorf("the SDK's error says %q, want it to say %q", err.Error(), why)
		}
		_, err = e.seller.ListAgreementCharges(ctx(), &ma.ListAgreementChargesInput{MaxResults: aws.Int32(51)})
		if msg := "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"; err == nil ||
			!strings.Contains(err.Error(), msg) {
			t.Errorf("maxResults 51: %v", err)
		}
		_, err = e.seller.SendAgreementPaymentRequest(ctx(), &ma.SendAgreementPaymentRequestInput{AgreementId: aws.String(agmtConsultingWait),
			TermId: aws.String("bad term!"), Name: aws.String("abc"), ChargeAmount: aws.String("1.123456789")})
		ve = wantError[*types.ValidationException](t, err)
		names := map[string]bool{}
		for _, f := range ve.Fields {
			names[aws.ToString(f.Name)] = true
		}
		same(t, "fields at fault", map[string]bool{"termId": true, "name": true, "chargeAmount": true}, names)

		// AccessDeniedException: a buyer calling a seller's operation on its own agreement.
		err = describeLineItems(e.buyer1, agmtContract)
		ad := wantError[*types.AccessDeniedException](t, err)
		if ad.Reason != types.AccessDeniedExceptionReasonInvalidAccess || !uuidPattern.MatchString(aws.ToString(ad.RequestId)) {
			t.Errorf("access denied: %+v", ad)
		}
		status(err, http.StatusForbidden)

		// ResourceNotFoundException: another seller's agreement, and one that does not exist,
		// look the same.
		for _, id := range []string{agmtContract, "agmt-nonexistent"} {
			err = describe(e.stranger, id)
			nf := wantError[*types.ResourceNotFoundException](t, err)
			if nf.ResourceType != types.ResourceTypeAgreement || aws.ToString(nf.ResourceId) != id || aws.ToString(nf.Message) == "" {
				t.Errorf("not found %s: %+v", id, nf)
			}
			status(err, http.StatusNotFound)
		}
		err = describe(e.seller, agmtStranger)
		wantError[*types.ResourceNotFoundException](t, err)

		// ConflictException.
		_, err = e.buyer2.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(agmtFixed)})
		ce := wantError[*types.ConflictException](t, err)
		if ce.ResourceType != types.ResourceTypeAgreement || aws.ToString(ce.ResourceId) != agmtFixed {
			t.Errorf("conflict: %+v", ce)
		}
		status(err, http.StatusConflict)

		// Authentication failures, before any operation runs.
		for name, c := range map[string]struct {
			client *ma.Client
			code   string
		}{
			"unknown key":  {e.clientWith(credentials.NewStaticCredentialsProvider("AKIAE2EUNKNOWN000001", "whatever-secret", "")), "UnrecognizedClientException"},
			"wrong secret": {e.clientWith(credentials.NewStaticCredentialsProvider(seller.KeyID, "not-the-secret", "")), "InvalidSignatureException"},
			"anonymous":    {e.clientWith(aws.AnonymousCredentials{}), "MissingAuthenticationTokenException"},
		} {
			err := describe(c.client, agmtContract)
			code, st := apiError(t, err)
			if code != c.code || st != http.StatusForbidden {
				t.Errorf("%s: %s (HTTP %d), want %s (HTTP 403)", name, code, st, c.code)
			}
		}
	})
}

func describeLineItems(c *ma.Client, id string) error {
	_, err := c.ListAgreementInvoiceLineItems(ctx(), &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(id), GroupBy: types.LineItemGroupByInvoiceId})
	return err
}
