package service_test

import (
	"testing"

	"mercato"
)

// TestTrialUsageIsFree: a free trial charges nothing within it, usage included (the agreement
// converts to paid usage at its trial end). The metered trial converts on Feb 11: February's
// invoice is the fee for 18 of 28 days (64.29) and the 1,400 calls made from Feb 11 at 0.01
// (14.00), not the 1,000 calls of Feb 5.
func TestTrialUsageIsFree(t *testing.T) {
	e := newEnv(t)
	a := meteredTrial(e, nil)
	e.advanceTo(day(2026, 3, 3))
	var got []string
	for _, inv := range e.invoices(a.ID) {
		if inv.Type == mercato.InvoiceTypeInvoice {
			got = append(got, inv.BillingPeriod.String()+" "+inv.PreTax.String())
		}
	}
	if len(got) != 1 || got[0] != "2026-02 78.29" {
		t.Errorf("invoices %v, want February's 64.29 + 14.00", got)
	}
}
