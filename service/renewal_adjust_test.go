package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// renewalRange is a renewal term's price increase between 2 and 7.25 percent, 3.5 by default.
func renewalRange() *mercato.PriceIncrease {
	pi := mercato.PriceIncrease{}
	pi.PercentageRange = &struct {
		MinValue     mercato.Amount `json:"minValue" yaml:"minValue"`
		MaxValue     mercato.Amount `json:"maxValue" yaml:"maxValue"`
		DefaultValue mercato.Amount `json:"defaultValue" yaml:"defaultValue"`
	}{MinValue: amt("2"), MaxValue: amt("7.25"), DefaultValue: amt("3.5")}
	return &pi
}

// acceptRenewing has buyer2 accept, on 2026-01-01 with auto-renewal on, a 12-month contract of
// 1,200.00 USD that renews at most once, whose seller may adjust the renewal's increase until 45
// days before the end (2026-11-17) and whose lockout begins 40 days before it (2026-11-22).
func acceptRenewing(t *testing.T, e *env) string {
	t.Helper()
	e.marketplace()
	one := 1
	e.apply(mercato.Scenario{Offers: []mercato.Offer{{ID: "offer-ranged", ProductID: product, Visibility: "private",
		Buyers: []string{buyer2}, ExpiresAt: day(2026, 3, 1), Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Duration: &mercato.Period{Months: 12}, Price: amt("1200.00")}},
			{Renewal: &mercato.RenewalTerm{MaxRenewals: &one, PriceIncrease: renewalRange(),
				AdjustmentDeadline: &mercato.Period{Days: 45}, LockoutPeriod: &mercato.Period{Days: 40}}}}}}})
	q, err := e.svc.CreateAgreementRequest(e.ctx, buyer2, service.CreateAgreementRequestInput{Intent: "NEW",
		ProposalID: offer(t, e, "offer-ranged").ProposalID, Terms: []service.RequestedTerm{{ID: "offer-ranged-term-1"},
			{ID: "offer-ranged-term-2", Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: true}}}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.svc.AcceptAgreementRequest(e.ctx, buyer2, q.Request.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// renewalOfAgreement returns the one active renewal of buyer2's ranged offer.
func renewalOfAgreement(t *testing.T, e *env, first string) mercato.Agreement {
	t.Helper()
	old, _ := e.svc.Agreement(e.ctx, first)
	if old.Status != mercato.AgreementRenewed {
		t.Fatalf("at its end the agreement is %s, want RENEWED", old.Status)
	}
	next, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{AcceptorID: buyer2, OfferID: "offer-ranged", Status: mercato.AgreementActive})
	if err != nil || len(next) != 1 {
		t.Fatalf("renewals: %v %v", next, err)
	}
	return next[0]
}

// agreementEvents returns the account's agreement events in order, with the detail of the
// Renewal Terms Finalized one.
func agreementEvents(t *testing.T, e *env, account string) ([]string, mercato.RenewalDetail) {
	t.Helper()
	evs, err := e.svc.Events(e.ctx, mercato.EventFilter{AccountID: account})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var fin mercato.RenewalDetail
	for _, ev := range evs {
		if !strings.HasPrefix(ev.DetailType, "Purchase Agreement") {
			continue
		}
		kinds = append(kinds, ev.Time.Format("2006-01-02")+" "+ev.DetailType)
		if strings.HasPrefix(ev.DetailType, "Purchase Agreement Renewal Terms Finalized") {
			if err := json.Unmarshal(ev.Detail, &fin); err != nil {
				t.Fatal(err)
			}
		}
	}
	return kinds, fin
}

// checkClean asserts `mercato check` finds nothing wrong.
func checkClean(t *testing.T, e *env) {
	t.Helper()
	if vs, err := e.svc.Check(e.ctx); err != nil || len(vs) != 0 {
		t.Errorf("check: %v %v", vs, err)
	}
}

// TestRenewalPriceDefaultsWithoutAdjustment: a seller who does not adjust gets the range's
// default, 3.5 %: 1,200.00 USD renews at 1,242.00. The terms are finalized on 2026-11-17, 45
// days before the end, and both parties hear it, in order with the other agreement events.
func TestRenewalPriceDefaultsWithoutAdjustment(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		first := acceptRenewing(t, e)
		e.advanceTo(day(2027, 1, 2))
		next := renewalOfAgreement(t, e, first)
		if p := next.Terms[0].FixedUpfront.Price; p != amt("1242.00") {
			t.Errorf("renewal price %s, want 1242.00", p)
		}
		if inv := e.invoices(next.ID); len(inv) != 1 || inv[0].PreTax != amt("1242.00") {
			t.Errorf("the renewal's invoices: %+v", inv)
		}

		got, fin := agreementEvents(t, e, seller)
		want := []string{
			"2026-01-01 Purchase Agreement Created - Proposer",
			"2026-07-05 Purchase Agreement Ending - Proposer",
			"2026-09-03 Purchase Agreement Ending - Proposer",
			"2026-10-03 Purchase Agreement Ending - Proposer",
			"2026-11-02 Purchase Agreement Ending - Proposer",
			"2026-11-17 Purchase Agreement Renewal Terms Finalized - Proposer",
			"2026-12-02 Purchase Agreement Ending - Proposer",
			"2026-12-02 Purchase Agreement Renewal Upcoming - Proposer",
			"2027-01-01 Purchase Agreement Ended - Proposer",
			"2027-01-01 Purchase Agreement Created - Proposer",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the seller's agreement events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		s := fin.RenewalSummary
		if fin.Agreement.ID != first || s.TCV != "1242.00" || s.Currency != "USD" || s.TermsFinalizedTime != "2026-11-17T00:00:00Z" ||
			s.LockoutReached == nil || *s.LockoutReached || s.LockoutStartTime == nil || *s.LockoutStartTime != "2026-11-22T00:00:00Z" {
			t.Errorf("finalized detail: %+v", fin)
		}
		if got, fin := agreementEvents(t, e, buyer2); !strings.Contains(strings.Join(got, "\n"), "2026-11-17 Purchase Agreement Renewal Terms Finalized - Acceptor") ||
			fin.RenewalSummary.TCV != "1242.00" {
			t.Errorf("the buyer's agreement events: %v, finalized %+v", got, fin)
		}
		checkClean(t, e)
	})
}

// TestRenewalPriceAdjustedWithinRange: the seller picks 7.25 % (the range's end), then 5 %;
// outside the range is refused naming "increase", as is the buyer and any adjustment from the
// deadline on; inside the lockout the buyer can no longer turn auto-renewal off. The renewal
// is 1,200.00 × 1.05 = 1,260.00 and starts without an adjustment of its own.
func TestRenewalPriceAdjustedWithinRange(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		first := acceptRenewing(t, e)
		e.advanceTo(day(2026, 6, 1))
		adjust := func(caller, pct, token string) error {
			_, err := e.svc.AdjustRenewal(e.ctx, caller, service.AdjustRenewalInput{AgreementID: first, Increase: amt(pct), ClientToken: token})
			return err
		}

		errorOf(t, adjust(buyer2, "5", ""), mercato.EForbidden)
		for _, pct := range []string{"7.26", "1.99", "-1"} {
			if ve := errorOf(t, adjust(seller, pct, ""), mercato.EInvalid); len(ve.Fields) != 1 || ve.Fields[0].Name != "increase" ||
				!strings.Contains(ve.Message, "2 to 7.25") {
				t.Errorf("%s%%: %+v", pct, ve)
			}
		}
		if err := adjust(seller, "7.25", "adjust-1"); err != nil {
			t.Fatal(err)
		}
		if err := adjust(seller, "7.25", "adjust-1"); err != nil {
			t.Errorf("the same request again: %v", err)
		}
		errorOf(t, adjust(seller, "5", "adjust-1"), mercato.EConflict)
		if err := adjust(seller, "5", ""); err != nil {
			t.Fatal(err)
		}

		e.advanceTo(day(2026, 11, 17))
		if ve := errorOf(t, adjust(seller, "6", ""), mercato.EInvalid); len(ve.Fields) != 1 || ve.Fields[0].Name != "increase" ||
			!strings.Contains(ve.Message, "adjustment deadline") {
			t.Errorf("after the deadline: %+v", ve)
		}

		e.advanceTo(day(2026, 11, 22))
		a, _ := e.svc.Agreement(e.ctx, first)
		termID := renewalTermID(a)
		_, err := e.svc.CreateAgreementRequest(e.ctx, buyer2, service.CreateAgreementRequestInput{Intent: "AMEND", SourceAgreementID: first,
			Terms: []service.RequestedTerm{{ID: termID, Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: false}}}})
		if ve := errorOf(t, err, mercato.EInvalid); len(ve.Fields) != 1 || ve.Fields[0].Name != "requestedTerms" || !strings.Contains(ve.Message, "lockout") {
			t.Errorf("turning auto-renewal off in the lockout: %+v", ve)
		}

		e.advanceTo(day(2027, 1, 2))
		next := renewalOfAgreement(t, e, first)
		if p := next.Terms[0].FixedUpfront.Price; p != amt("1260.00") {
			t.Errorf("renewal price %s, want 1260.00", p)
		}
		if inv := e.invoices(next.ID); len(inv) != 1 || inv[0].PreTax != amt("1260.00") {
			t.Errorf("the renewal's invoices: %+v", inv)
		}
		if next.Terms[1].Renewal == nil || next.Terms[1].Renewal.Adjustment != nil {
			t.Errorf("the renewal's renewal term: %+v", next.Terms[1].Renewal)
		}
		for _, account := range []string{seller, buyer2} {
			if _, fin := agreementEvents(t, e, account); fin.RenewalSummary.TCV != "1260.00" {
				t.Errorf("%s: finalized %+v", account, fin)
			}
		}
		checkClean(t, e)
	})
}

// setAutoRenew amends buyer2's agreement to turn auto-renewal on or off.
func setAutoRenew(t *testing.T, e *env, id string, on bool) {
	t.Helper()
	a, _ := e.svc.Agreement(e.ctx, id)
	q, err := e.svc.CreateAgreementRequest(e.ctx, buyer2, service.CreateAgreementRequestInput{Intent: "AMEND", SourceAgreementID: id,
		Terms: []service.RequestedTerm{{ID: a.Terms[1].Renewal.ID, Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: on}}}})
	if err == nil {
		_, err = e.svc.AcceptAgreementRequest(e.ctx, buyer2, q.Request.ID, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestRenewalTurnedOffBeforeLockout: a buyer may still turn auto-renewal off before the
// lockout; the agreement then expires and its terms are never finalized.
func TestRenewalTurnedOffBeforeLockout(t *testing.T) {
	e := newEnv(t)
	first := acceptRenewing(t, e)
	e.advanceTo(day(2026, 11, 1))
	setAutoRenew(t, e, first, false)
	e.advanceTo(day(2027, 1, 2))
	if a, _ := e.svc.Agreement(e.ctx, first); a.Status != mercato.AgreementExpired {
		t.Errorf("agreement %s, want EXPIRED", a.Status)
	}
	if got, _ := agreementEvents(t, e, seller); strings.Contains(strings.Join(got, ","), "Finalized") {
		t.Errorf("events of an agreement that does not renew: %v", got)
	}
}

// TestResoldRenewalAdjusted: on a channel partner's resale of 1,200.00 (wholesale 1,000.00) the
// partner, seller of record, picks 5 %: the renewal is 1,260.00 and the maker's wholesale rises
// in the same proportion (billing.RenewedResale): 1,000.00 × 1,260 / 1,200 = 1,050.00. The maker
// may not adjust it.
func TestResoldRenewalAdjusted(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		first, auth := acceptResold(t, e, "ranged", &mercato.RenewalTerm{PriceIncrease: renewalRange(), AdjustmentDeadline: &mercato.Period{Days: 45}})

		in := service.AdjustRenewalInput{AgreementID: first.ID, Increase: amt("5")}
		if _, err := e.svc.AdjustRenewal(e.ctx, seller, in); mercato.ErrorCodeOf(err) != mercato.ENotFound && mercato.ErrorCodeOf(err) != mercato.EForbidden {
			t.Errorf("the maker adjusting the partner's renewal: %v", err)
		}
		if _, err := e.svc.AdjustRenewal(e.ctx, partner, in); err != nil {
			t.Fatal(err)
		}
		e.advanceTo(day(2027, 1, 2))
		renewals, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{OfferID: first.OfferID, Status: mercato.AgreementActive})
		if err != nil || len(renewals) != 1 {
			t.Fatalf("renewals: %+v, %v", renewals, err)
		}
		want := mercato.Resale{AuthorizationID: auth.ID, ManufacturerID: seller, Wholesale: amt("1050.00"), Price: amt("1260.00")}
		if r := renewals[0].Resale; r == nil || *r != want {
			t.Errorf("renewal's resale %+v, want %+v", r, want)
		}
		if inv := e.invoices(renewals[0].ID); len(inv) != 1 || inv[0].PreTax != amt("1260.00") || inv[0].MakerAmount != amt("1050.00") {
			t.Errorf("the renewal's invoices: %+v", inv)
		}
		checkClean(t, e)
	})
}

// TestRenewalTurnedBackOnAfterTheDeadline: off before the deadline (2026-11-17), nothing is
// finalized then; on again on 2026-11-20, before the lockout, the terms are finalized at once at
// the default 3.5 % and the renewal is 1,242.00.
func TestRenewalTurnedBackOnAfterTheDeadline(t *testing.T) {
	e := newEnv(t)
	first := acceptRenewing(t, e)
	e.advanceTo(day(2026, 11, 1))
	setAutoRenew(t, e, first, false)
	e.advanceTo(day(2026, 11, 20))
	if got, _ := agreementEvents(t, e, seller); strings.Contains(strings.Join(got, ","), "Finalized") {
		t.Fatalf("finalized while auto-renewal was off: %v", got)
	}
	setAutoRenew(t, e, first, true)
	got, fin := agreementEvents(t, e, seller)
	if n := len(got); n < 2 || got[n-2] != "2026-11-20 Purchase Agreement Amended - Proposer" ||
		got[n-1] != "2026-11-20 Purchase Agreement Renewal Terms Finalized - Proposer" || fin.RenewalSummary.TCV != "1242.00" {
		t.Errorf("events: %v, finalized %+v", got, fin)
	}
	e.advanceTo(day(2027, 1, 2))
	if p := renewalOfAgreement(t, e, first).Terms[0].FixedUpfront.Price; p != amt("1242.00") {
		t.Errorf("renewal price %s", p)
	}
	checkClean(t, e)
}
