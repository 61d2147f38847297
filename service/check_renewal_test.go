package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// renewedAt adjusts the renewal of buyer2's ranged contract (see acceptRenewing) to pct percent,
// lets it renew on 2027-01-01 and returns the first agreement and its renewal, on sound books.
func renewedAt(t *testing.T, e *env, pct string) (string, mercato.Agreement) {
	t.Helper()
	first := acceptRenewing(t, e)
	e.advanceTo(day(2026, 6, 1))
	if _, err := e.svc.AdjustRenewal(e.ctx, seller, service.AdjustRenewalInput{AgreementID: first, Increase: amt(pct)}); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2027, 1, 2))
	next := renewalOfAgreement(t, e, first)
	if vs := e.violations(); len(vs) != 0 {
		t.Fatalf("sound books: %v", vs)
	}
	return first, next
}

// onlyViolation expects exactly one violation on the books, of rule, reading text.
func onlyViolation(t *testing.T, e *env, rule, text string) {
	t.Helper()
	vs := e.violations()
	if len(vs) != 1 || len(vs[rule]) != 1 {
		t.Fatalf("want one %s violation, got %v", rule, vs)
	}
	if got := vs[rule][0].Subject + ": " + vs[rule][0].Detail; got != text {
		t.Errorf("%s:\n got %s\nwant %s", rule, got, text)
	}
}

// TestCheckFindsARenewalAtTheDefaultInsteadOfTheChoice: the seller chose 5 % within the range
// of 2 to 7.25 %, so 1,200.00 USD renews at 1,260.00; a renewal priced at the range's default
// of 3.5 % (1,242.00), as if the choice were lost, is named with both amounts.
func TestCheckFindsARenewalAtTheDefaultInsteadOfTheChoice(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		first, next := renewedAt(t, e, "5")
		if got := next.Terms[0].FixedUpfront.Price; got != amt("1260.00") {
			t.Fatalf("renewal price %s, want 1260.00", got)
		}
		next.Terms[0].FixedUpfront.Price = amt("1242.00")
		e.plant(func(tx mercato.Tx) error { return tx.UpdateAgreement(next) })
		onlyViolation(t, e, service.RuleRenewalPrice, "agreement "+next.ID+": renews agreement "+first+
			" at an increase of 5% (finalized): the upfront price is 1242.00 USD, want 1260.00 USD")
	})
}

// TestCheckFindsARenewalOneCentOff: 1,200.00 USD at the seller's 2.3456 % is 1,228.1472,
// rounded half away from zero to 1,228.15; a renewal truncated to 1,228.14 is named.
func TestCheckFindsARenewalOneCentOff(t *testing.T) {
	e := newEnv(t)
	first, next := renewedAt(t, e, "2.3456")
	if got := next.Terms[0].FixedUpfront.Price; got != amt("1228.15") {
		t.Fatalf("renewal price %s, want 1228.15", got)
	}
	next.Terms[0].FixedUpfront.Price = amt("1228.14")
	e.plant(func(tx mercato.Tx) error { return tx.UpdateAgreement(next) })
	onlyViolation(t, e, service.RuleRenewalPrice, "agreement "+next.ID+": renews agreement "+first+
		" at an increase of 2.3456% (finalized): the upfront price is 1228.14 USD, want 1228.15 USD")
}

// TestCheckFindsAnIncreaseOutsideTheRange: a finalized increase of 9 % lies outside the range of
// 2 to 7.25 %, even with the renewal priced consistently with it (1,308.00 USD).
func TestCheckFindsAnIncreaseOutsideTheRange(t *testing.T) {
	e := newEnv(t)
	first, next := renewedAt(t, e, "5")
	src, err := e.svc.Agreement(e.ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	src.Terms[1].Renewal.Adjustment.FinalIncrease = amt("9")
	next.Terms[0].FixedUpfront.Price = amt("1308.00")
	e.plant(func(tx mercato.Tx) error {
		if err := tx.UpdateAgreement(src); err != nil {
			return err
		}
		return tx.UpdateAgreement(next)
	})
	onlyViolation(t, e, service.RuleRenewalPrice, "agreement "+next.ID+": renews agreement "+first+
		" at an increase of 9% (finalized), outside its range of 2 to 7.25%")
}

// TestCheckFindsAWholesaleThatDidNotFollow: a partner's resale of 1,200.00 USD at a wholesale of
// 1,000.00 renews at 3 % to 1,236.00, so the maker's wholesale becomes 1,030.00; a renewal that
// kept the old wholesale is named.
func TestCheckFindsAWholesaleThatDidNotFollow(t *testing.T) {
	e := newEnv(t)
	first, _ := acceptResold(t, e, "check", &mercato.RenewalTerm{PriceIncrease: fixedIncrease("3")})
	e.advanceTo(day(2027, 1, 2))
	renewals, err := e.svc.Agreements(e.ctx, mercato.AgreementFilter{OfferID: first.OfferID, Status: mercato.AgreementActive})
	if err != nil || len(renewals) != 1 || renewals[0].Resale == nil || renewals[0].Resale.Wholesale != amt("1030.00") {
		t.Fatalf("renewals of %s: %+v, %v", first.ID, renewals, err)
	}
	if vs := e.violations(); len(vs) != 0 {
		t.Fatalf("sound books: %v", vs)
	}
	next := renewals[0]
	next.Resale.Wholesale = amt("1000.00")
	e.plant(func(tx mercato.Tx) error { return tx.UpdateAgreement(next) })
	vs := e.violations() // the invoice's resale split is named too: it follows the renewal's wholesale
	want := "agreement " + next.ID + ": renews agreement " + first.ID + " resold at wholesale 1000.00 USD of 1200.00; maker \"" +
		seller + "\"'s wholesale is 1000.00 USD, want 1030.00 USD"
	if len(vs[service.RuleRenewalPrice]) != 1 {
		t.Fatalf("want one renewal-price violation, got %v", vs)
	}
	if v := vs[service.RuleRenewalPrice][0]; v.Subject+": "+v.Detail != want {
		t.Errorf("renewal-price:\n got %s\nwant %s", v.Subject+": "+v.Detail, want)
	}
}
