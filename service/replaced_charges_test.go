package service_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"mercato"
)

// unrelatedSeller is a seller, but no party to the buyer's agreements.
const unrelatedSeller = "222233334444"

// replacedAnnual makes an AMI annual agreement whose schedule charges 1,200.00 on 15 January,
// 15 April and 15 July, invoices its January installment, and replaces it on 10 February by
// another AMI offer of the seller. It returns the replaced agreement and its replacement.
func (e *env) replacedAnnual() (old, repl mercato.Agreement) {
	e.t.Helper()
	e.productTypes(
		privateTo("offer-ami-annual", amiProduct, hourly("0.10"),
			mercato.Term{Validity: &mercato.ValidityTerm{AgreementDuration: &mercato.Period{Months: 12}}},
			mercato.Term{PaymentSchedule: &mercato.PaymentScheduleTerm{CurrencyCode: "USD", Schedule: []mercato.ScheduleItem{
				{ChargeDate: day(2026, 1, 15), ChargeAmount: amt("1200.00")},
				{ChargeDate: day(2026, 4, 15), ChargeAmount: amt("1200.00")},
				{ChargeDate: day(2026, 7, 15), ChargeAmount: amt("1200.00")},
			}}}),
		privateTo("offer-ami-annual-2", amiProduct, hourly("0.05"), upfront("2000.00", 12)),
	)
	e.apply(mercato.Scenario{Accounts: []mercato.Account{{ID: unrelatedSeller, Name: "Other Seller", Roles: []mercato.Role{mercato.RoleSeller}}}})
	old = e.accept("offer-ami-annual", buyer)
	e.advanceTo(day(2026, 2, 10))
	repl = e.accept("offer-ami-annual-2", buyer)
	if old = e.agreement(old.ID); old.Status != mercato.AgreementReplaced {
		e.t.Fatalf("old agreement is %s, want REPLACED", old.Status)
	}
	return old, repl
}

// chargeStatuses returns the agreement's charges as "date amount status", in time order.
func (e *env) chargeStatuses(agreementID string) []string {
	e.t.Helper()
	charges, err := e.svc.Charges(e.ctx, mercato.ChargeFilter{AgreementID: agreementID})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, c := range charges {
		out = append(out, c.Time.Format("2006-01-02")+" "+c.Amount.Format(2)+" "+string(c.Status))
	}
	return out
}

// The seller of a replaced AMI annual agreement stops its schedule's pending installments (seed
// 003: they continue "unless the seller cancels them"): of 3 x 1,200.00, the January installment,
// invoiced before the replacement, stays; April's and July's are never invoiced, so the old
// agreement is invoiced 1,200.00 in all instead of 3,600.00.
func TestSellerCancelsTheReplacedAgreementsPendingCharges(t *testing.T) {
	e := newEnv(t)
	old, _ := e.replacedAnnual()

	ids, err := e.svc.CancelReplacedCharges(e.ctx, seller, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Errorf("cancelled charges = %v, want the April and July installments", ids)
	}
	want := []string{"2026-01-15 1200.00 INVOICED", "2026-04-15 1200.00 CANCELLED", "2026-07-15 1200.00 CANCELLED"}
	if got := e.chargeStatuses(old.ID); !slices.Equal(got, want) {
		t.Errorf("charges = %v, want %v", got, want)
	}

	e.advanceTo(day(2026, 7, 16))
	var issued []string
	var total mercato.Amount
	for _, inv := range e.invoices(old.ID) {
		if inv.PreTax != 0 {
			issued = append(issued, inv.IssuedAt.Format("2006-01-02")+" "+inv.PreTax.Format(2))
			total += inv.PreTax
		}
	}
	if got, want := strings.Join(issued, ","), "2026-01-15 1200.00"; got != want || total != amt("1200.00") {
		t.Errorf("old agreement's invoices = %s (total %s), want %s: only January's", got, total.Format(2), want)
	}
}

// Stopping the payments is recorded once, with the seller as actor and the charges cancelled,
// and both parties are told; a second call changes nothing and cancels nothing more.
func TestCancelReplacedChargesIsAuditedAndIdempotent(t *testing.T) {
	e := newEnv(t)
	old, _ := e.replacedAnnual()
	ids, err := e.svc.CancelReplacedCharges(e.ctx, seller, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.CancelReplacedCharges(e.ctx, seller, old.ID)
	if err != nil || len(again) != 0 {
		t.Errorf("second call = %v, %v; want nothing more cancelled, no error", again, err)
	}

	recs, err := e.svc.Audit(e.ctx, mercato.AuditFilter{ResourceID: old.ID})
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, r := range recs {
		if r.Action != "CancelReplacedCharges" {
			continue
		}
		found++
		var d struct {
			CancelledCharges []string `json:"cancelledCharges"`
		}
		if err := json.Unmarshal(r.Details, &d); err != nil || r.Actor != seller || !slices.Equal(d.CancelledCharges, ids) {
			t.Errorf("audit record: actor %s, details %s; want %s cancelling %v", r.Actor, r.Details, seller, ids)
		}
	}
	if found != 1 {
		t.Errorf("%d CancelReplacedCharges audit records, want 1", found)
	}

	events, err := e.svc.Events(e.ctx, mercato.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]string{}
	for _, ev := range events {
		if ev.ResourceID == old.ID && strings.HasPrefix(ev.DetailType, string(mercato.EventPendingChargesCancelled)) {
			told[ev.AccountID] = ev.DetailType
		}
	}
	if told[seller] != "Pending Charges Cancelled - Proposer" || told[buyer] != "Pending Charges Cancelled - Acceptor" || len(told) != 2 {
		t.Errorf("events = %v, want one to each party", told)
	}
}

// Only the seller of a replaced agreement may stop its payments: the buyer is refused, another
// seller does not see the agreement, and an active agreement's payments are stopped by a
// cancellation request instead. Nothing is cancelled by a refusal.
func TestCancelReplacedChargesRefusals(t *testing.T) {
	e := newEnv(t)
	old, repl := e.replacedAnnual()
	tests := []struct {
		name, caller, agreement string
		code                    mercato.ErrorCode
		message                 string
	}{
		{"buyer", buyer, old.ID, mercato.EForbidden, "only the seller"},
		{"another seller", unrelatedSeller, old.ID, mercato.ENotFound, old.ID},
		{"unknown agreement", seller, "agmt-unknown", mercato.ENotFound, "agmt-unknown"},
		{"active agreement", seller, repl.ID, mercato.EConflict, "cancellation request"},
		{"bad ID", seller, "no spaces allowed", mercato.EInvalid, "agreementId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CancelReplacedCharges(e.ctx, tt.caller, tt.agreement)
			if got := errorOf(t, err, tt.code); !strings.Contains(got.Error(), tt.message) {
				t.Errorf("error = %v, want it to mention %q", got, tt.message)
			}
		})
	}
	want := []string{"2026-01-15 1200.00 INVOICED", "2026-04-15 1200.00 SCHEDULED", "2026-07-15 1200.00 SCHEDULED"}
	if got := e.chargeStatuses(old.ID); !slices.Equal(got, want) {
		t.Errorf("charges after refusals = %v, want %v", got, want)
	}
}
