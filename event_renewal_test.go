package mercato

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The Renewal Terms Finalized events of a channel agreement go to its seller of record and its
// buyer (not to the product's maker), each with the renewal's finalized price, when it was
// finalized and the lockout ahead, as written by hand in the golden file.
func TestRenewalTermsFinalizedShape(t *testing.T) {
	reached, lockout := false, "2026-11-26T00:00:00Z"
	summary := RenewalTermsSummary{TCV: "1260.00", Currency: "USD", TermsFinalizedTime: "2026-11-21T00:00:00Z",
		LockoutReached: &reached, LockoutStartTime: &lockout}
	got := envelopes(t, AgreementRenewal(EventAgreementRenewalTermsFinalized, testAgreement(), channel, summary, product,
		"Example Seller", day("2026-11-21T00:00:00Z")))
	if d := cmp.Diff(readGolden(t, "agreement-renewal-terms-finalized"), got); d != "" {
		t.Errorf("events differ from testdata/events/agreement-renewal-terms-finalized.json (-want +got):\n%s", d)
	}
}

// The Ending and Amended events name when the lockout before the end begins, where the renewal
// term has one: 30 days before an end on 2027-01-05 is 2026-12-06.
func TestRenewalSummaryNamesTheLockout(t *testing.T) {
	a := testAgreement()
	a.Terms = Terms{{Renewal: &RenewalTerm{LockoutPeriod: &Period{Days: 30}, Configuration: &RenewalConfiguration{EnableAutoRenew: true}}}}
	on, s := renewalState(a)
	if !on || s.LockoutStartTime == nil || *s.LockoutStartTime != "2026-12-06T00:00:00Z" || s.DisabledBy != nil {
		t.Errorf("renewal state: %v %+v", on, s)
	}
}

// An offer's renewal term cannot carry a renewal adjustment: that is state of an agreement.
func TestOfferTermsRefuseAnAdjustment(t *testing.T) {
	pct := MustAmount("5")
	ts := Terms{{Renewal: &RenewalTerm{Adjustment: &RenewalAdjustment{Increase: &pct}}}}
	var p Problems
	ts.Validate("terms", &p)
	if len(p) != 1 || p[0].Name != "terms[0].renewalTerm.adjustment" {
		t.Errorf("problems: %+v", p)
	}
}
