package mercato

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	tSeller = "111122223333"
	tBuyer  = "444455556666"
	tMaker  = "777788889999"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testAgreement is a year's agreement accepted on 2026-01-05.
func testAgreement() *Agreement {
	return &Agreement{ID: "agmt-1", OfferID: "offer-1", ProductID: "prod-1", ProposerID: tSeller, AcceptorID: tBuyer,
		Status: AgreementActive, AcceptanceTime: day("2026-01-05T00:00:00Z"), StartTime: day("2026-01-05T00:00:00Z"),
		EndTime: day("2027-01-05T00:00:00Z")}
}

var (
	direct  = Parties{Proposer: tSeller, Acceptor: tBuyer}
	channel = Parties{Proposer: tSeller, Acceptor: tBuyer, Manufacturer: tMaker}
	product = ProductRef{ID: "prod-1", Title: "Log Search"}
)

// Each family's events, rendered with a fixed requestId and event ids, are exactly the
// envelopes of its golden file, written by hand from AWS Marketplace's documented examples
// (events.md): one copy per party, each with its detail type, account and detail.
func TestEventShapes(t *testing.T) {
	renewed := testAgreement()
	renewed.SourceAgreementID = "agmt-0"
	expired := testAgreement()
	expired.Status = AgreementExpired
	optedOut := testAgreement()
	optedOut.Terms = Terms{{Renewal: &RenewalTerm{Configuration: &RenewalConfiguration{EnableAutoRenew: false}}}}
	autoRenews := testAgreement()
	autoRenews.Terms = Terms{{Renewal: &RenewalTerm{Configuration: &RenewalConfiguration{EnableAutoRenew: true}}}}
	acr := &CancellationRequest{ID: "acr-1", AgreementID: "agmt-1", SellerID: tSeller, BuyerID: tBuyer,
		ReasonCode: "INCORRECT_TERMS_ACCEPTED", Description: "wrong rate", Status: CancellationPendingApproval,
		CreatedAt: day("2026-02-01T10:00:00Z"), UpdatedAt: day("2026-02-01T10:00:00Z")}
	failedACR := *acr
	failedACR.Status, failedACR.StatusMessage = CancellationValidationFailed, "Agreement is not in an active state"
	failedACR.UpdatedAt = day("2026-02-03T08:00:00Z")
	ba := &BillingAdjustment{ID: "ba-1", AgreementID: "agmt-1", SellerID: tSeller, BuyerID: tBuyer, OriginalInvoiceID: "inv-1",
		Amount: MustAmount("100"), Currency: "USD", ReasonCode: "INCORRECT_METERING", Status: AdjustmentCompleted,
		UpdatedAt: day("2026-02-10T00:00:00Z")}
	failedBA := *ba
	failedBA.Amount, failedBA.Currency, failedBA.ReasonCode = MustAmount("1000"), "JPY", "INCORRECT_TERMS_ACCEPTED"
	failedBA.Status = AdjustmentValidationFailed
	refund := &RefundCase{ID: "rr-1", BuyerID: tBuyer, SellerID: tSeller, AgreementID: "agmt-1", Kind: RefundKindRefund,
		Status: RefundCompleted, Rule: "WITHIN_48_HOURS", Adjustments: []string{"ba-1"}}
	pr := &PaymentRequest{ID: "pr-1", AgreementID: "agmt-1", SellerID: tSeller, BuyerID: tBuyer, Name: "Milestone 2",
		Amount: MustAmount("2500"), Currency: "USD", Status: PaymentRequestPendingApproval,
		CreatedAt: day("2026-04-01T00:00:00Z"), UpdatedAt: day("2026-04-01T00:00:00Z")}
	prNotice, ok := PaymentRequestChanged(pr)
	if !ok {
		t.Fatal("a pending payment request has no event")
	}
	memo := &Invoice{ID: "cm-1", AgreementID: "agmt-1", Currency: "USD", Tax: MustAmount("8.25")}
	payout := &Payout{ID: "dsb-1", SellerID: tSeller, Currency: "USD", Amount: MustAmount("1234.5"), Lines: 3,
		Time: day("2026-03-10T00:00:00Z"), BankAccount: BankAccount{Type: BankACH, Currency: "USD"}}
	offerARN := OfferARN(tSeller, "offer-1")
	offer := OfferReleasedDetail{Offer: OfferRef{ID: "offer-1", ARN: offerARN, Name: "Partner deal",
		ExpirationDate: EventTime(day("2026-06-30T00:00:00Z"))}, Product: product,
		Manufacturer: AccountRef{AccountID: tMaker, Name: "Maker Inc"}, SellerOfRecord: AccountRef{AccountID: tSeller, Name: "Example Seller"},
		TargetedBuyerAccountIDs: []string{tBuyer}}
	prodReq := ProductRequestDetail{ExpirationDate: "2026-02-03T00:00:00Z", Product: product, Manufacturer: NameRef{"Example Seller"},
		ExperienceID: "exp-1", ProductProcurementRequestID: "prodprocreq-1", RequesterARN: "arn:aws:iam::" + tBuyer + ":user/dev"}
	prodReqARNs := []string{"arn:aws:aws-marketplace:us-east-1:" + tBuyer + ":AWSMarketplace/Experience/exp-1",
		"arn:aws:aws-marketplace:us-east-1:" + tBuyer + ":AWSMarketplace/ProductProcurementRequest/prodprocreq-1"}
	license := "arn:aws:license-manager::" + tBuyer + ":license:l-1"
	trial := testAgreement()
	trial.Terms = Terms{{FreeTrial: &FreeTrialPricingTerm{}}}

	for _, tc := range []struct {
		golden string
		notice Notice
	}{
		{"agreement-created", AgreementCreated(testAgreement(), channel, IntentNew)},
		{"agreement-created-renew", AgreementCreated(renewed, direct, IntentRenew)},
		{"agreement-ended", AgreementEnded(expired, direct, expired.EndTime)},
		{"agreement-ending", AgreementEnding(optedOut, channel, 90, product, "Example Seller", day("2026-10-07T00:00:00Z"))},
		{"agreement-amended", AgreementAmended(autoRenews, direct, product, day("2026-03-01T00:00:00Z"))},
		{"license-updated", License(EventLicenseUpdated, testAgreement(), direct, "logsearch01", license, day("2026-01-05T00:00:00Z"))},
		{"license-deprovisioned-channel", License(EventLicenseDeprovisioned, testAgreement(), channel, "logsearch01", license,
			day("2027-01-05T00:00:00Z"))},
		{"cancellation-pending-channel", CancellationChanged(acr, testAgreement(), channel)},
		{"cancellation-validation-failed", CancellationChanged(&failedACR, testAgreement(), channel)},
		{"adjustment-completed", AdjustmentChanged(ba, "")},
		{"adjustment-failed", AdjustmentChanged(&failedBA, tMaker)},
		{"disbursement-paused", DisbursementPaused(tSeller, "EUR", day("2026-03-10T00:00:00Z"))},
		{"change-set-failed", ChangeSetCompleted(EventChangeSetFailed, tSeller, "cs-1", "Create my product",
			day("2026-01-02T13:45:22Z"), day("2026-01-02T14:55:22Z"), "CLIENT_ERROR")},
		{"offer-released-channel", OfferReleasedNotice(offer, day("2026-01-03T00:00:00Z"))},
		{"product-request-created", ProductRequest(EventProductRequestCreated, prodReq, prodReqARNs, []string{tBuyer},
			day("2026-01-04T00:00:00Z"))},
		{"refund-request-completed", RefundRequest(EventRefundRequestCompleted, refund, direct, "", day("2026-02-12T00:00:00Z"))},
		{"payment-request-pending", prNotice},
		{"tax-refund-completed", TaxRefunded(memo, "inv-1", direct, day("2026-02-20T00:00:00Z"))},
		{"disbursement-paid", DisbursementPaid(payout)},
		{"legacy-subscribe-success", LegacySubscription(SNSSubscribeSuccess, trial, direct, "logsearch01", "cust-1", day("2026-01-05T00:00:00Z"))},
		{"legacy-entitlement-updated-channel", LegacyEntitlement(testAgreement(), channel, "logsearch01", "cust-1", day("2026-01-05T00:00:00Z"))},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got := envelopes(t, tc.notice)
			want := readGolden(t, tc.golden)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("events differ from testdata/events/%s.json (-want +got):\n%s", tc.golden, d)
			}
		})
	}
}

// envelopes renders a notice's events with requestId "req-1" and ids evt-1, evt-2 ..., as
// decoded JSON.
func envelopes(t *testing.T, n Notice) []any {
	t.Helper()
	seq := 0
	es, err := n.Events("req-1", func() string { seq++; return "evt-" + strconv.Itoa(seq) })
	if err != nil {
		t.Fatal(err)
	}
	out := make([]any, len(es))
	for i, e := range es {
		b, err := e.Envelope()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func readGolden(t *testing.T, name string) []any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// A notice refuses what the catalog does not have: a kind outside it, a party the kind has
// not, a copy without its account.
func TestNoticeRefusesWhatTheCatalogHasNot(t *testing.T) {
	d := &AdjustmentDetail{}
	for name, n := range map[string]Notice{
		"unknown kind":        {Kind: "Purchase Agreement Exploded", Copies: []EventCopy{{Party: EventProposer, Account: tSeller, Detail: d}}},
		"party not of kind":   {Kind: EventAdjustmentFailed, Copies: []EventCopy{{Party: EventAcceptor, Account: tBuyer, Detail: d}}},
		"suffix on one-party": {Kind: EventDisbursementPaused, Copies: []EventCopy{{Party: EventProposer, Account: tSeller, Detail: d}}},
		"no suffix on shared": {Kind: EventAgreementEnded, Copies: []EventCopy{{Account: tSeller, Detail: d}}},
		"no account":          {Kind: EventAgreementEnded, Copies: []EventCopy{{Party: EventProposer, Detail: d}}},
	} {
		if _, err := n.Events("r", func() string { return "u" }); err == nil {
			t.Errorf("%s: rendered, want an error", name)
		}
	}
}

// Every detail type of the catalog parses back to its kind and party, has a source, and only
// mercato's own kinds use mercato's source.
func TestCatalogDetailTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, dt := range DetailTypes() {
		if seen[dt] {
			t.Errorf("detail type %q twice", dt)
		}
		seen[dt] = true
		k, p, ok := ParseDetailType(dt)
		if !ok || k.DetailType(p) != dt {
			t.Errorf("ParseDetailType(%q) = %q, %q, %v", dt, k, p, ok)
		}
		if k.Source() == "" || k.Title() == "" || k.Group() == "" {
			t.Errorf("%q has no source, title or group", dt)
		}
	}
	for _, dt := range []string{"Purchase Agreement Created - Proposer", "License Updated - Manufacturer",
		"Purchase Agreement Ending - Acceptor", "Agreement Cancellation Request Validation Failed - Proposer",
		"Purchase Agreement Billing Adjustment Completed - Manufacturer", "Disbursement Paused", "Change Set Failed"} {
		if !seen[dt] {
			t.Errorf("catalog lacks %q", dt)
		}
	}
	for _, dt := range []string{"License Updated - Proposer", "Purchase Agreement Ending - Manufacturer",
		"Agreement Cancellation Request Validation Failed - Acceptor", "Purchase Agreement Created"} {
		if seen[dt] {
			t.Errorf("catalog has %q, which AWS does not send", dt)
		}
	}
	if !EventLegacySubscription.OptIn() || EventAgreementCreated.OptIn() {
		t.Error("only the legacy SNS notifications are delivered where asked for")
	}
	if EventRefundRequestCompleted.Source() != SourceMercato || EventTaxRefundCompleted.Source() != SourceMercato ||
		EventDisbursementPaused.Source() != SourceMarketplace || EventOfferReleased.Source() != SourceCatalog {
		t.Error("a kind has another source than its family's")
	}
}
