package service_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// told is one event as a test compares it: who got it, as what.
type told struct {
	Account    string
	DetailType string
}

// outbox returns the events put in the outbox since the first `from`, in commit order.
func (e *env) outbox(from int) []mercato.Event {
	e.t.Helper()
	all, err := e.svc.Events(e.ctx, mercato.EventFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return all[from:]
}

func (e *env) outboxLen() int { return len(e.outbox(0)) }

func toldOf(es []mercato.Event) []told {
	out := make([]told, len(es))
	for i, ev := range es {
		out[i] = told{ev.AccountID, ev.DetailType}
	}
	return out
}

// detailOf decodes an event's detail.
func detailOf[T any](t *testing.T, ev mercato.Event) T {
	t.Helper()
	var d T
	if err := json.Unmarshal(ev.Detail, &d); err != nil {
		t.Fatalf("%s: %v", ev.DetailType, err)
	}
	return d
}

func sameTold(t *testing.T, what string, got []mercato.Event, want ...told) {
	t.Helper()
	if g := toldOf(got); !slices.Equal(g, want) {
		t.Errorf("%s: events\n got %v\nwant %v", what, g, want)
	}
}

// An acceptance tells the seller and the buyer that the agreement was created, and the maker
// that the buyer's license was granted, in its transaction: the copies share a requestId and
// each has an id of its own.
func TestAcceptanceTellsEachParty(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.advanceTo(day(2026, 1, 10))
		from := e.outboxLen()
		a := e.accept("offer-private", buyer)
		got := e.outbox(from)
		sameTold(t, "acceptance", got,
			told{seller, "Purchase Agreement Created - Proposer"}, told{buyer, "Purchase Agreement Created - Acceptor"},
			told{seller, "License Updated - Manufacturer"})
		if len(got) != 3 {
			return
		}
		created := detailOf[mercato.AgreementDetail](t, got[1])
		want := mercato.AgreementRef{ID: a.ID, Intent: "NEW", Status: mercato.AgreementActive,
			AcceptanceTime: "2026-01-10T00:00:00Z", StartTime: "2026-01-10T00:00:00Z", EndTime: "2027-01-10T00:00:00Z"}
		if created.Agreement != want || created.Acceptor.AccountID != buyer || created.Proposer.AccountID != seller ||
			created.Offer.ID != "offer-private" {
			t.Errorf("created detail = %+v", created)
		}
		license := detailOf[mercato.LicenseDetail](t, got[2])
		if license.License.ARN != service.LicenseArn(&a) || license.Product.Code != product || license.Agreement.ID != a.ID {
			t.Errorf("license detail = %+v", license)
		}
		if got[0].UID == got[1].UID || detailOf[mercato.AgreementDetail](t, got[0]).RequestID != created.RequestID ||
			created.RequestID == license.RequestID {
			t.Error("copies of one notice must share a requestId and have ids of their own; notices must not")
		}
		for _, ev := range got[:3] {
			if ev.Source != "aws.agreement-marketplace" || !slices.Equal(ev.Resources, []string{mercato.AgreementARN(a.ID)}) ||
				!ev.Time.Equal(day(2026, 1, 10)) {
				t.Errorf("%s: source %s resources %v time %s", ev.DetailType, ev.Source, ev.Resources, ev.Time)
			}
		}
	})
}

// An acceptance that fails after it replaced an agreement leaves nothing in the outbox: the
// replaced agreement's Ended and Deprovisioned events roll back with it. The same acceptance
// without its fault tells the replacement in full.
func TestRolledBackChangeTellsNothing(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	old := e.accept("offer-private", buyer)
	from := e.outboxLen()
	_, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer,
		ReplacesAgreementID: old.ID, PurchaseOrders: map[string]string{"no-such-charge": "PO-1"}})
	errorOf(t, err, mercato.EInvalid)
	if got := e.outbox(from); len(got) != 0 {
		t.Fatalf("a failed acceptance left events: %v", toldOf(got))
	}

	a, err := e.svc.AcceptOffer(e.ctx, service.AcceptInput{OfferID: "offer-public", BuyerID: buyer, ReplacesAgreementID: old.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := e.outbox(from)
	sameTold(t, "replacement", got,
		told{seller, "Purchase Agreement Ended - Proposer"}, told{buyer, "Purchase Agreement Ended - Acceptor"},
		told{seller, "License Deprovisioned - Manufacturer"},
		told{seller, "Purchase Agreement Created - Proposer"}, told{buyer, "Purchase Agreement Created - Acceptor"},
		told{seller, "License Updated - Manufacturer"})
	if len(got) == 7 {
		if d := detailOf[mercato.AgreementDetail](t, got[0]); d.Agreement.ID != old.ID || d.Agreement.Status != mercato.AgreementReplaced {
			t.Errorf("ended detail = %+v", d.Agreement)
		}
		if d := detailOf[mercato.AgreementDetail](t, got[3]); d.Agreement.ID != a.ID || d.Agreement.Intent != "REPLACE" || d.Agreement.EndTime != "" {
			t.Errorf("created detail = %+v (a subscription has no end)", d.Agreement)
		}
	}
}

// A completed billing adjustment tells the seller and the buyer, with the amount negative.
func TestCompletedAdjustmentTellsBothParties(t *testing.T) {
	e := newEnv(t)
	a, inv := paidInstallment(e)
	res, err := e.svc.CreateAdjustments(e.ctx, seller, []service.AdjustmentEntry{entry(a, inv, "200.00", "t1")})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	from := e.outboxLen()
	e.advanceTo(e.svc.Now())
	got := e.outbox(from)
	sameTold(t, "adjustment", got,
		told{seller, "Purchase Agreement Billing Adjustment Completed - Proposer"},
		told{buyer, "Purchase Agreement Billing Adjustment Completed - Acceptor"})
	for _, ev := range got {
		d := detailOf[mercato.AdjustmentDetail](t, ev)
		want := mercato.AdjustmentRef{ID: res.Items[0].ID, AdjustmentAmount: "-200.00", CurrencyCode: "USD",
			AdjustmentReasonCode: "BUYER_DISSATISFACTION"}
		if d.BillingAdjustmentRequest != want || d.Invoice.OriginalInvoiceID != inv.ID || d.Agreement.ID != a.ID {
			t.Errorf("%s detail = %+v", ev.DetailType, d)
		}
	}
}

// A cancellation request tells both parties at each step; its approval ends the agreement and
// its license. A request approved after the agreement ended otherwise fails validation, which
// only the seller is told.
func TestCancellationRequestEvents(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-private", buyer)
	from := e.outboxLen()
	r, err := e.svc.SendCancellationRequest(e.ctx, seller, service.SendCancellationInput{AgreementID: a.ID,
		ReasonCode: "INCORRECT_TERMS_ACCEPTED", Description: "wrong rate", ClientToken: "acr-token-1"})
	if err != nil {
		t.Fatal(err)
	}
	got := e.outbox(from)
	sameTold(t, "request", got,
		told{seller, "Agreement Cancellation Request Pending Approval - Proposer"},
		told{buyer, "Agreement Cancellation Request Pending Approval - Acceptor"})
	if len(got) == 2 {
		bySeller, byBuyer := detailOf[mercato.CancellationDetail](t, got[0]), detailOf[mercato.CancellationDetail](t, got[1])
		if bySeller.Agreement.AcceptorID != buyer || byBuyer.Agreement.ProposerID != seller || byBuyer.Agreement.AcceptorID != "" ||
			bySeller.AgreementCancellationRequest.ID != r.ID || bySeller.AgreementCancellationRequest.ReasonMessage != "wrong rate" ||
			bySeller.AgreementCancellationRequest.StatusCode != mercato.CancellationPendingApproval {
			t.Errorf("details: seller's %+v, buyer's %+v", bySeller, byBuyer)
		}
	}

	from = e.outboxLen()
	if _, err := e.svc.AcceptCancellationRequest(e.ctx, buyer, a.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	sameTold(t, "approval", e.outbox(from),
		told{seller, "Purchase Agreement Ended - Proposer"}, told{buyer, "Purchase Agreement Ended - Acceptor"},
		told{seller, "License Deprovisioned - Manufacturer"},
		told{seller, "Agreement Cancellation Request Approved - Proposer"},
		told{buyer, "Agreement Cancellation Request Approved - Acceptor"})

	// Another agreement, cancelled directly while its request waits.
	e.advanceTo(day(2026, 1, 20))
	b := e.accept("offer-public", buyer)
	r, err = e.svc.SendCancellationRequest(e.ctx, seller, service.SendCancellationInput{AgreementID: b.ID,
		ReasonCode: "INCORRECT_TERMS_ACCEPTED", ClientToken: "acr-token-2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: b.ID, Actor: buyer, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	from = e.outboxLen()
	r, err = e.svc.AcceptCancellationRequest(e.ctx, buyer, b.ID, r.ID)
	if err != nil || r.Status != mercato.CancellationValidationFailed {
		t.Fatalf("approval of a request on a cancelled agreement = %+v, %v", r, err)
	}
	got = e.outbox(from)
	sameTold(t, "validation failure", got, told{seller, "Agreement Cancellation Request Validation Failed - Proposer"})
	if len(got) == 1 {
		if d := detailOf[mercato.CancellationDetail](t, got[0]); d.AgreementCancellationRequest.StatusMessage != "Agreement is not in an active state" {
			t.Errorf("detail = %+v", d)
		}
	}
}

// A year's agreement tells both parties 180, 120, 90, 60 and 30 days before its end, each once,
// when the clock passes the day; then that it ended (EXPIRED) and that its license ends.
func TestEndingThenExpiry(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-private", buyer)
	end := day(2027, 1, 10)
	for _, days := range []int{180, 120, 90, 60, 30} {
		due := end.AddDate(0, 0, -days)
		e.advanceTo(due.Add(-time.Hour))
		from := e.outboxLen()
		e.advanceTo(due.Add(time.Hour))
		got := ending(e.outbox(from))
		sameTold(t, "ending", got, told{seller, "Purchase Agreement Ending - Proposer"}, told{buyer, "Purchase Agreement Ending - Acceptor"})
		for _, ev := range got {
			d := detailOf[mercato.AgreementDetail](t, ev)
			if d.Agreement.DaysBeforeEndTime != days || d.Agreement.EndTime != "2027-01-10T00:00:00Z" || !ev.Time.Equal(due) ||
				d.Product == nil || d.Product.Title != "Analytics" || d.Proposer.Name != "Acme" {
				t.Errorf("%d days before: %s at %s, detail %+v", days, ev.DetailType, ev.Time, d)
			}
		}
	}
	from := e.outboxLen()
	e.advanceTo(end.Add(24 * time.Hour))
	got := e.outbox(from)
	if n := len(ending(got)); n != 0 {
		t.Errorf("%d Ending events after the last", n)
	}
	var ended []mercato.Event
	for _, ev := range got {
		if ev.Source == "aws.agreement-marketplace" && ev.ResourceID == a.ID {
			ended = append(ended, ev)
		}
	}
	sameTold(t, "expiry", ended,
		told{seller, "Purchase Agreement Ended - Proposer"}, told{buyer, "Purchase Agreement Ended - Acceptor"},
		told{seller, "License Deprovisioned - Manufacturer"})
	if len(ended) == 3 {
		if d := detailOf[mercato.AgreementDetail](t, ended[0]); d.Agreement.Status != mercato.AgreementExpired {
			t.Errorf("ended status = %s", d.Agreement.Status)
		}
	}
}

// An agreement that ends early gets no Ending event after its end, and one accepted less than
// 180 days before its end only those still ahead.
func TestNoEndingAfterTheEnd(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 10))
	a := e.accept("offer-private", buyer) // ends 2027-01-10: 180 days before is 2026-07-14
	e.advanceTo(day(2026, 8, 1))
	if n := len(ending(e.outbox(0))); n != 2 {
		t.Fatalf("%d Ending events by Aug 1, want the 180-day pair", n)
	}
	if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: a.ID, Actor: buyer, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	from := e.outboxLen()
	e.advanceTo(day(2027, 2, 1))
	if got := ending(e.outbox(from)); len(got) != 0 {
		t.Errorf("Ending events after the agreement was cancelled: %v", toldOf(got))
	}

	// A 100-day agreement accepted on Feb 1 2027: 90, 60 and 30 days before its end only.
	e.apply(mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-short", ProductID: product, Visibility: "private",
		Buyers: []string{buyer2}, ExpiresAt: day(2027, 12, 1), Terms: mercato.Terms{
			{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Days: 100}}},
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("100.00")}}}}}})
	b := e.accept("offer-short", buyer2)
	if !b.EndTime.Equal(day(2027, 5, 12)) {
		t.Fatalf("end = %s", b.EndTime)
	}
	from = e.outboxLen()
	e.advanceTo(day(2027, 6, 1))
	var days []int
	for _, ev := range ending(e.outbox(from)) {
		if ev.AccountID == buyer2 {
			days = append(days, detailOf[mercato.AgreementDetail](t, ev).Agreement.DaysBeforeEndTime)
		}
	}
	if !slices.Equal(days, []int{90, 60, 30}) {
		t.Errorf("Ending days told = %v, want [90 60 30]", days)
	}
}

func ending(es []mercato.Event) []mercato.Event {
	var out []mercato.Event
	for _, ev := range es {
		if k, _, _ := mercato.ParseDetailType(ev.DetailType); k == mercato.EventAgreementEnding {
			out = append(out, ev)
		}
	}
	return out
}

// A pay day with proceeds in a currency the seller has no bank account for pauses the
// disbursement and tells the seller (source aws.marketplace); the payout, once possible, is
// told as mercato's own event.
func TestDisbursementPausedThenPaid(t *testing.T) {
	e, _, _ := settledEnv(t)
	if err := e.svc.SetDisbursement(e.ctx, seller, mercato.Disbursement{Cadence: "daily",
		BankAccounts: []mercato.BankAccount{{Type: mercato.BankSWIFT, Currency: "EUR"}}}); err != nil {
		t.Fatal(err)
	}
	from := e.outboxLen()
	e.advanceTo(day(2026, 1, 20))
	paused := ofKind(e.outbox(from), mercato.EventDisbursementPaused)
	if len(paused) == 0 {
		t.Fatal("no Disbursement Paused while USD proceeds had no account")
	}
	for _, ev := range paused {
		if ev.AccountID != seller || ev.Source != "aws.marketplace" || ev.DetailType != "Disbursement Paused" ||
			!slices.Equal(ev.Resources, []string{mercato.PaymentInstrumentARN(seller, "USD")}) {
			t.Errorf("paused event = %+v", ev)
		}
	}
	if err := e.svc.SetDisbursement(e.ctx, seller, mercato.Disbursement{Cadence: "daily",
		BankAccounts: []mercato.BankAccount{{Type: mercato.BankSWIFT, Currency: "EUR"}, {Type: mercato.BankHyperwallet, Currency: "USD"}}}); err != nil {
		t.Fatal(err)
	}
	from = e.outboxLen()
	e.advanceTo(day(2026, 1, 21))
	got := e.outbox(from)
	if n := len(ofKind(got, mercato.EventDisbursementPaused)); n != 0 {
		t.Errorf("%d Disbursement Paused once a USD account exists", n)
	}
	paid := ofKind(got, mercato.EventDisbursementPaid)
	if len(paid) != 1 || paid[0].Source != "mercato" {
		t.Fatalf("paid events = %v", toldOf(paid))
	}
	if d := detailOf[mercato.DisbursementPaidDetail](t, paid[0]); d.Disbursement.Amount != "1164.00" || d.Disbursement.BankAccountType != mercato.BankHyperwallet {
		t.Errorf("paid detail = %+v", d)
	}
}

func ofKind(es []mercato.Event, k mercato.EventKind) []mercato.Event {
	var out []mercato.Event
	for _, ev := range es {
		if got, _, _ := mercato.ParseDetailType(ev.DetailType); got == k {
			out = append(out, ev)
		}
	}
	return out
}

// Every event the service writes is in the catalog, under its kind's source.
func TestEveryEventIsInTheCatalog(t *testing.T) {
	e, _, _ := settledEnv(t)
	e.advanceTo(day(2026, 6, 1))
	for _, ev := range e.outbox(0) {
		k, _, ok := mercato.ParseDetailType(ev.DetailType)
		if !ok || string(k.Source()) != ev.Source {
			t.Errorf("%q from %q is not in the catalog under that source", ev.DetailType, ev.Source)
		}
	}
}

// The seller of a SaaS product that still names buyers by customer identifier also gets what
// its legacy SNS topics said: subscribe-success and, for a contract, entitlement-updated at
// acceptance, naming the buyer by the customer identifier ResolveCustomer gives;
// unsubscribe-pending when the subscription ends, and unsubscribe-success an hour later, once.
// A product integrated without customer identifiers gets none of them.
func TestLegacySNSNotifications(t *testing.T) {
	e := newEnv(t)
	e.saasMarketplace("")
	e.accept("offer-sync", buyer)
	if got := ofSource(e.outbox(0), "aws.sns"); len(got) != 0 {
		t.Errorf("a product without customer identifiers: %v", toldOf(got))
	}

	from := e.outboxLen()
	a := e.accept("offer-legacy", buyer2)
	got := ofSource(e.outbox(from), "aws.sns")
	sameTold(t, "subscription", got, told{seller, "aws-mp-subscription-notification"},
		told{seller, "aws-mp-entitlement-notification"})
	ents, err := e.svc.AgreementEntitlements(e.ctx, buyer2, a.ID)
	if err != nil || len(ents) != 1 {
		t.Fatalf("entitlements = %+v, %v", ents, err)
	}
	customer, err := e.svc.ResolveCustomer(e.ctx, seller, ents[0].RegistrationToken)
	if err != nil || customer.Identifier == "" {
		t.Fatalf("customer %+v, %v", customer, err)
	}
	want := mercato.SNSMessage{Action: "subscribe-success", CustomerIdentifier: customer.Identifier,
		ProductCode: customer.ProductCode, OfferIdentifier: "offer-legacy", FreeTrial: "false"}
	if len(got) == 2 {
		if m := snsMessage(t, got[0]); m != want {
			t.Errorf("message = %+v, want %+v", m, want)
		}
		if m := snsMessage(t, got[1]); m.Action != "entitlement-updated" || m.CustomerIdentifier != customer.Identifier {
			t.Errorf("entitlement message = %+v", m)
		}
	}

	end := day(2026, 1, 15)
	e.advanceTo(end)
	from = e.outboxLen()
	if _, err := e.svc.CancelAgreement(e.ctx, service.CancelInput{AgreementID: a.ID, Actor: buyer2, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(end.Add(59 * time.Minute))
	got = ofSource(e.outbox(from), "aws.sns")
	if len(got) != 1 || snsMessage(t, got[0]).Action != "unsubscribe-pending" {
		t.Fatalf("within the hour after the end: %v", toldOf(got))
	}
	e.advanceTo(day(2026, 3, 1))
	got = ofSource(e.outbox(from), "aws.sns")
	if len(got) != 2 || snsMessage(t, got[1]).Action != "unsubscribe-success" || !got[1].Time.Equal(end.Add(time.Hour)) {
		t.Errorf("after the hour: %v", toldOf(got))
	}
}

func ofSource(es []mercato.Event, source string) []mercato.Event {
	var out []mercato.Event
	for _, ev := range es {
		if ev.Source == source {
			out = append(out, ev)
		}
	}
	return out
}

// snsMessage decodes the message of a legacy SNS notification.
func snsMessage(t *testing.T, ev mercato.Event) mercato.SNSMessage {
	t.Helper()
	n := detailOf[mercato.SNSNotification](t, ev)
	var m mercato.SNSMessage
	if err := json.Unmarshal([]byte(n.Message), &m); err != nil || n.Type != "Notification" || n.MessageID == "" {
		t.Fatalf("notification %+v: %v", n, err)
	}
	return m
}
