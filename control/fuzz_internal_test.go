package control

import (
	"errors"
	"testing"

	"mercato"
)

// FuzzRefundBody: whatever body a signed caller sends to /_mercato/refunds, its decoding and
// reading answer a request or an EInvalid error naming what is wrong, never a panic or another
// error.
func FuzzRefundBody(f *testing.F) {
	for _, s := range []string{
		`{"buyerId":"444455556666","productId":"prod-acme-analytics","type":"REFUND","billingPeriods":["2026-01"],"amount":"20.00"}`,
		`{"type":"CANCELLATION","cancellationDate":"2026-06-30","invoiceIds":["inv-1"]}`,
		`{"amount":"0,50","billingPeriods":["Jan 2026"],"cancellationDate":"2026-02-30"}`,
		`{"reason":"Filed twice"}`, `{"unknown":1}`, `[]`, ``, `{"amount":"99999999999999999999"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := decodeRefundBody(body)
		if err != nil {
			if mercato.ErrorCodeOf(err) != mercato.EInvalid {
				t.Fatalf("decode %q: %v, want EInvalid", body, err)
			}
			return
		}
		in, err := b.input()
		if err != nil {
			var e *mercato.Error
			if !errors.As(err, &e) || e.Code != mercato.EInvalid || len(e.Fields) == 0 {
				t.Fatalf("input %q: %v, want EInvalid naming the fields", body, err)
			}
			return
		}
		// What reads is exactly what was written: each period once, the amount as the wire parses it.
		if len(in.Periods) != len(b.BillingPeriods) {
			t.Fatalf("%d billing periods read from %q", len(in.Periods), b.BillingPeriods)
		}
		if a, err := mercato.ParseAmount(b.Amount); b.Amount != "" && (err != nil || a != in.Amount) {
			t.Fatalf("amount %q read as %s", b.Amount, in.Amount)
		}
	})
}
