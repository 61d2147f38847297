package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"
)

// agreementOperations are the 25 operations of the Agreement API.
var agreementOperations = []string{
	"AcceptAgreementCancellationRequest", "AcceptAgreementPaymentRequest", "AcceptAgreementRequest",
	"BatchCreateBillingAdjustmentRequest", "CancelAgreement", "CancelAgreementCancellationRequest",
	"CancelAgreementPaymentRequest", "CreateAgreementRequest", "DescribeAgreement",
	"GetAgreementCancellationRequest", "GetAgreementEntitlements", "GetAgreementPaymentRequest",
	"GetAgreementTerms", "GetBillingAdjustmentRequest", "ListAgreementCancellationRequests",
	"ListAgreementCharges", "ListAgreementInvoiceLineItems", "ListAgreementPaymentRequests",
	"ListBillingAdjustmentRequests", "RejectAgreementCancellationRequest", "RejectAgreementPaymentRequest",
	"SearchAgreements", "SendAgreementCancellationRequest", "SendAgreementPaymentRequest", "UpdatePurchaseOrders",
}

// Values that differ from run to run, replaced before comparing: generated IDs (numbered in
// order of appearance within a response), request IDs, page and registration tokens (signed
// with a key made at first start), and license ARNs made from generated agreement IDs.
// Timestamps stay: the sandbox clock makes them the same on every run.
var (
	generatedID  = regexp.MustCompile(`"((?:agmt|inv|cm|ch|ba|acr|pr|ar)-[a-z0-9]+)"`)
	volatile     = regexp.MustCompile(`"(requestId|nextToken|registrationToken)":(\s*)"[^"]*"`)
	generatedArn = regexp.MustCompile(`:license:l-[a-z0-9]{24}"`)
)

func normalize(s string) string {
	s = volatile.ReplaceAllString(s, `"$1":$2"<$1>"`)
	s = generatedArn.ReplaceAllString(s, `:license:l-<generated>"`)
	seen := map[string]string{}
	count := map[string]int{}
	return generatedID.ReplaceAllStringFunc(s, func(m string) string {
		id := strings.Trim(m, `"`)
		if p, ok := seen[id]; ok {
			return p
		}
		prefix := id[:strings.IndexByte(id, '-')]
		count[prefix]++
		seen[id] = fmt.Sprintf(`"<%s-%d>"`, prefix, count[prefix])
		return seen[id]
	})
}

// render returns a response body as stable, readable text: indented JSON in the order of the
// wire, or CBOR in diagnostic notation (RFC 8949 §8), indented, floats with their precision.
func render(protocol string, body []byte) (string, error) {
	if protocol == "json" {
		var b bytes.Buffer
		if err := json.Indent(&b, body, "", "  "); err != nil {
			return "", err
		}
		return b.String() + "\n", nil
	}
	dm, err := cbor.DiagOptions{FloatPrecisionIndicator: true}.DiagMode()
	if err != nil {
		return "", err
	}
	diag, err := dm.Diagnose(body)
	if err != nil {
		return "", err
	}
	return indentDiag(diag) + "\n", nil
}

// indentDiag puts each member of the maps and arrays of a diagnostic notation on its own line.
func indentDiag(s string) string {
	var b strings.Builder
	depth := 0
	newline := func() { b.WriteString("\n" + strings.Repeat("  ", depth)) }
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			b.WriteByte(c)
			if c == '\\' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			b.WriteByte(c)
		case c == '{' || c == '[':
			b.WriteByte(c)
			if i+1 < len(s) && (s[i+1] == '}' || s[i+1] == ']') {
				continue
			}
			depth++
			newline()
		case c == '}' || c == ']':
			if i > 0 && s[i-1] != '{' && s[i-1] != '[' {
				depth--
				newline()
			}
			b.WriteByte(c)
		case c == ',':
			b.WriteByte(c)
			newline()
			if i+1 < len(s) && s[i+1] == ' ' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// goldens checks recorded responses against testdata/golden/<name>.json or .cbor.txt.
type goldens struct {
	e       *env
	checked []string
}

func (g *goldens) check(t *testing.T, name, operation string) {
	t.Helper()
	x := g.e.rec.last(t, operation)
	text, err := render(g.e.proto.name, x.body)
	if err != nil {
		t.Fatalf("%s: render %q: %v", name, x.body, err)
	}
	text = normalize(text)
	ext := ".json"
	if g.e.proto.name == "cbor" {
		ext = ".cbor.txt"
	}
	path := filepath.Join("testdata", "golden", name+ext)
	g.checked = append(g.checked, name)
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./e2e -run TestGolden -update to write it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(text, "\n")); diff != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", name, path, diff)
	}
}

// TestGoldenResponses pins the wire form of every operation's response, and of every error,
// in both protocols.
func TestGoldenResponses(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		g := &goldens{e: e}
		op := func(name string, err error) {
			t.Helper()
			must(t, err)
			g.check(t, name, name)
		}
		fail := func(exception, operation string, err error) {
			t.Helper()
			if code, _ := apiError(t, err); code != exception {
				t.Fatalf("%s: got %s, want %s", operation, code, exception)
			}
			g.check(t, "Error."+exception, operation)
		}
		id := aws.String

		_, err := e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: id(agmtContract)})
		op("DescribeAgreement", err)
		_, err = e.buyer1.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor"), MaxResults: aws.Int32(2)})
		op("SearchAgreements", err)
		_, err = e.seller.GetAgreementTerms(ctx(), &ma.GetAgreementTermsInput{AgreementId: id(agmtContract)})
		op("GetAgreementTerms", err)
		_, err = e.buyer1.GetAgreementEntitlements(ctx(), &ma.GetAgreementEntitlementsInput{AgreementId: id(agmtContract)})
		op("GetAgreementEntitlements", err)
		_, err = e.buyer1.ListAgreementCharges(ctx(), &ma.ListAgreementChargesInput{AgreementId: id(agmtContract)})
		op("ListAgreementCharges", err)
		invs, err := e.seller.ListAgreementInvoiceLineItems(ctx(), &ma.ListAgreementInvoiceLineItemsInput{AgreementId: id(agmtContract), GroupBy: types.LineItemGroupByInvoiceId})
		op("ListAgreementInvoiceLineItems", err)

		batchOut, err := batch(t, e.seller, entry(aws.ToString(invs.AgreementInvoiceLineItemGroupSummaries[0].InvoiceId), "200.00", "golden-ba-1"),
			entry("inv-unknown", "1.00", "golden-ba-2"))
		op("BatchCreateBillingAdjustmentRequest", err)
		_, err = e.seller.GetBillingAdjustmentRequest(ctx(), &ma.GetBillingAdjustmentRequestInput{AgreementId: id(agmtContract),
			BillingAdjustmentRequestId: batchOut.Items[0].BillingAdjustmentRequestId})
		op("GetBillingAdjustmentRequest", err)
		_, err = e.seller.ListBillingAdjustmentRequests(ctx(), &ma.ListBillingAdjustmentRequestsInput{AgreementId: id(agmtContract)})
		op("ListBillingAdjustmentRequests", err)

		sent, err := e.seller.SendAgreementCancellationRequest(ctx(), &ma.SendAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			ReasonCode: types.AgreementCancellationRequestReasonCodeTestAgreement, Description: id("A test agreement"), ClientToken: id("golden-acr-1")})
		op("SendAgreementCancellationRequest", err)
		_, err = e.buyer1.GetAgreementCancellationRequest(ctx(), &ma.GetAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			AgreementCancellationRequestId: sent.AgreementCancellationRequestId})
		op("GetAgreementCancellationRequest", err)
		_, err = e.seller.ListAgreementCancellationRequests(ctx(), &ma.ListAgreementCancellationRequestsInput{PartyType: id("Proposer")})
		op("ListAgreementCancellationRequests", err)
		_, err = e.buyer1.RejectAgreementCancellationRequest(ctx(), &ma.RejectAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			AgreementCancellationRequestId: sent.AgreementCancellationRequestId, RejectionReason: id("Still in use")})
		op("RejectAgreementCancellationRequest", err)
		sent, err = e.seller.SendAgreementCancellationRequest(ctx(), &ma.SendAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			ReasonCode: types.AgreementCancellationRequestReasonCodeOther})
		must(t, err)
		_, err = e.seller.CancelAgreementCancellationRequest(ctx(), &ma.CancelAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			AgreementCancellationRequestId: sent.AgreementCancellationRequestId, CancellationReason: id("Sent by mistake")})
		op("CancelAgreementCancellationRequest", err)
		sent, err = e.seller.SendAgreementCancellationRequest(ctx(), &ma.SendAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			ReasonCode: types.AgreementCancellationRequestReasonCodeProductDiscontinued})
		must(t, err)
		_, err = e.buyer1.AcceptAgreementCancellationRequest(ctx(), &ma.AcceptAgreementCancellationRequestInput{AgreementId: id(agmtPaygOne),
			AgreementCancellationRequestId: sent.AgreementCancellationRequestId})
		op("AcceptAgreementCancellationRequest", err)

		pr, err := sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 1", "1500.00", "golden-pr-1")
		op("SendAgreementPaymentRequest", err)
		_, err = e.buyer2.AcceptAgreementPaymentRequest(ctx(), &ma.AcceptAgreementPaymentRequestInput{AgreementId: id(agmtConsultingWait),
			PaymentRequestId: pr.PaymentRequestId, PurchaseOrderReference: id("PO-42")})
		op("AcceptAgreementPaymentRequest", err)
		_, err = e.buyer2.GetAgreementPaymentRequest(ctx(), &ma.GetAgreementPaymentRequestInput{AgreementId: id(agmtConsultingWait), PaymentRequestId: pr.PaymentRequestId})
		op("GetAgreementPaymentRequest", err)
		_, err = e.seller.ListAgreementPaymentRequests(ctx(), &ma.ListAgreementPaymentRequestsInput{PartyType: id("Proposer")})
		op("ListAgreementPaymentRequests", err)
		pr, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 2", "500.00", "")
		must(t, err)
		_, err = e.buyer2.RejectAgreementPaymentRequest(ctx(), &ma.RejectAgreementPaymentRequestInput{AgreementId: id(agmtConsultingWait),
			PaymentRequestId: pr.PaymentRequestId, RejectionReason: id("Not agreed")})
		op("RejectAgreementPaymentRequest", err)
		pr, err = sendPayment(e.seller, agmtConsultingWait, termWait, "Workshop day 3", "500.00", "")
		must(t, err)
		_, err = e.seller.CancelAgreementPaymentRequest(ctx(), &ma.CancelAgreementPaymentRequestInput{AgreementId: id(agmtConsultingWait), PaymentRequestId: pr.PaymentRequestId})
		op("CancelAgreementPaymentRequest", err)

		quote, err := e.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: types.IntentNew,
			AgreementProposalIdentifier: id(proposalID(offerReports)), RequestedTerms: reportsTerms(5),
			TaxConfiguration: &types.TaxConfiguration{TaxEstimation: types.TaxEstimationEnabled}, ClientToken: id("golden-quote")})
		op("CreateAgreementRequest", err)
		_, err = e.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
		op("AcceptAgreementRequest", err)
		_, err = e.buyer2.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: id(agmtPayg)})
		op("CancelAgreement", err)
		cs, err := e.buyer1.ListAgreementCharges(ctx(), &ma.ListAgreementChargesInput{AgreementId: id(agmtContract)})
		must(t, err)
		_, err = e.buyer1.UpdatePurchaseOrders(ctx(), &ma.UpdatePurchaseOrdersInput{PurchaseOrders: []types.PurchaseOrder{
			{ChargeId: cs.Items[0].Id, PurchaseOrderReference: id("PO-1")}}})
		op("UpdatePurchaseOrders", err)

		_, err = e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: id("bad id!")})
		fail("ValidationException", "DescribeAgreement", err)
		err = describeLineItems(e.buyer1, agmtContract)
		fail("AccessDeniedException", "ListAgreementInvoiceLineItems", err)
		_, err = e.stranger.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: id(agmtContract)})
		fail("ResourceNotFoundException", "DescribeAgreement", err)
		_, err = e.buyer2.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: id(agmtFixed)})
		fail("ConflictException", "CancelAgreement", err)
		_, err = e.clientWith(credentials.NewStaticCredentialsProvider("AKIAE2EUNKNOWN000001", "x-secret-x", "")).
			DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: id(agmtContract)})
		fail("UnrecognizedClientException", "DescribeAgreement", err)
		_, err = e.clientWith(credentials.NewStaticCredentialsProvider(seller.KeyID, "not-the-secret", "")).
			DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: id(agmtContract)})
		fail("InvalidSignatureException", "DescribeAgreement", err)
		_, err = e.clientWith(aws.AnonymousCredentials{}).DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: id(agmtContract)})
		fail("MissingAuthenticationTokenException", "DescribeAgreement", err)

		for _, name := range agreementOperations {
			if !slices.Contains(g.checked, name) {
				t.Errorf("no golden response for %s", name)
			}
		}
	})
}

func TestNormalize(t *testing.T) {
	in := `{"agreementId": "agmt-0mwrk4gubs13gwfttp8nwq9k", "other": "agmt-e2e-payg", "again": "agmt-0mwrk4gubs13gwfttp8nwq9k",
"second": "agmt-1abc", "invoiceId":"inv-x1", "requestId": "0e7c8a4e-0000-4000-8000-000000000000", "nextToken":"AbC_-",
"licenseArn": "arn:aws:license-manager::444455556666:license:l-0mwrk4gubs13gwfttp8nwq9k", "term": "offer-e2e-public-term-1"}`
	want := `{"agreementId": "<agmt-1>", "other": "agmt-e2e-payg", "again": "<agmt-1>",
"second": "<agmt-2>", "invoiceId":"<inv-1>", "requestId": "<requestId>", "nextToken":"<nextToken>",
"licenseArn": "arn:aws:license-manager::444455556666:license:l-<generated>", "term": "offer-e2e-public-term-1"}`
	if got := normalize(in); got != want {
		t.Errorf("normalize:\n got %s\nwant %s", got, want)
	}
	if got := indentDiag(`{"a": [1, {}], "b": "x, {y}", "c": []}`); got != "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"x, {y}\",\n  \"c\": []\n}" {
		t.Errorf("indentDiag:\n%s", got)
	}
}
