package service_test

import (
	"testing"

	"mercato"
	"mercato/service"
)

// TestMeteringErrorRefusesWhatCannotApply: confirming a metering error for a dimension the
// product does not meter, or for a month whose usage is not invoiced yet, refunded every buyer's
// charges anyway (or nothing, silently). Both are refused, naming the field; the preview says
// what a valid confirmation refunds, to whom, and changes nothing.
func TestMeteringErrorRefusesWhatCannotApply(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	a := e.accept("offer-public", buyer)
	if err := e.svc.RecordUsage(e.ctx, a.ID, "api_calls", day(2026, 1, 5), 2000); err != nil {
		t.Fatal(err)
	}
	e.advanceTo(day(2026, 2, 1)) // January's usage is invoiced on 2 February
	jan := mercato.BillingPeriod{Month: 1, Year: 2026}
	tests := []struct {
		name  string
		in    service.MeteringErrorInput
		field string
	}{
		{"unknown dimension", service.MeteringErrorInput{ProductID: product, Dimension: "users", Period: jan}, "dimension"},
		{"month not invoiced yet", service.MeteringErrorInput{ProductID: product, Dimension: "api_calls", Period: jan}, "billingPeriod"},
		{"future month", service.MeteringErrorInput{ProductID: product, Dimension: "api_calls", Period: mercato.BillingPeriod{Month: 6, Year: 2026}}, "billingPeriod"},
		{"no month", service.MeteringErrorInput{ProductID: product, Dimension: "api_calls"}, "billingPeriod"},
		{"no dimension", service.MeteringErrorInput{ProductID: product, Period: jan}, "dimension"},
	}
	for _, tt := range tests {
		for name, call := range map[string]func(string, service.MeteringErrorInput) ([]mercato.RefundCase, error){
			"confirm": func(c string, in service.MeteringErrorInput) ([]mercato.RefundCase, error) {
				return e.svc.ConfirmMeteringError(e.ctx, c, in)
			},
			"preview": func(c string, in service.MeteringErrorInput) ([]mercato.RefundCase, error) {
				return e.svc.PreviewMeteringError(e.ctx, c, in)
			},
		} {
			_, err := call(seller, tt.in)
			got := errorOf(t, err, mercato.EInvalid)
			if len(got.Fields) == 0 || got.Fields[0].Name != tt.field {
				t.Errorf("%s, %s: %+v, want the field %s named", name, tt.name, got, tt.field)
			}
		}
	}
	if got := refunded(e, a.ID); got != 0 {
		t.Fatalf("refused confirmations refunded %s", got)
	}

	e.advanceTo(day(2026, 2, 2))
	in := service.MeteringErrorInput{ProductID: product, Dimension: "api_calls", Period: jan}
	preview, err := e.svc.PreviewMeteringError(e.ctx, seller, in)
	// 2000 calls at 0.001 USD: 2.00 USD to the one buyer with usage.
	if err != nil || len(preview) != 1 || preview[0].BuyerID != buyer || preview[0].Amount != amt("2") {
		t.Fatalf("preview: %+v, %v", preview, err)
	}
	if got := refunded(e, a.ID); got != 0 {
		t.Fatalf("the preview refunded %s", got)
	}
	cases, err := e.svc.ConfirmMeteringError(e.ctx, seller, in)
	if err != nil || len(cases) != 1 || cases[0].Amount != amt("2") || cases[0].ID != preview[0].ID {
		t.Fatalf("confirmed: %+v, %v", cases, err)
	}
	if again, err := e.svc.PreviewMeteringError(e.ctx, seller, in); err != nil || len(again) != 0 {
		t.Errorf("preview after confirming: %+v, %v", again, err)
	}
}
