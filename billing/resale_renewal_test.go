package billing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

// Worked by hand: the renewed wholesale is the old wholesale × the new price / the old price,
// rounded once, half away from zero, to the minor unit, and at most the new price.
func TestRenewedResaleHandWorked(t *testing.T) {
	tests := []struct {
		name                        string
		c                           mercato.Currency
		wholesale, price, renewedAt string
		want                        string // the renewed wholesale
	}{
		// 3% more: 1,000 × 1,236 / 1,200 = 1,030.00 exactly; the markup 200 -> 206.
		{"three percent", "USD", "1000.00", "1200.00", "1236.00", "1030.00"},
		// 100 × 310 / 300 = 103.333… -> 103.33.
		{"rounds down", "USD", "100.00", "300.00", "310.00", "103.33"},
		// 100 × 311 / 300 = 103.666… -> 103.67.
		{"rounds up", "USD", "100.00", "300.00", "311.00", "103.67"},
		// 333.33 × 1,050 / 1,000 = 349.9965 -> 350.00.
		{"rounds once", "USD", "333.33", "1000.00", "1050.00", "350.00"},
		// 0.05 × 1.05 / 1.00 = 0.0525 -> 0.05: half a cent is not reached.
		{"small amounts", "USD", "0.05", "1.00", "1.05", "0.05"},
		// 0.10 × 1.05 / 1.00 = 0.105 -> 0.11: half a cent rounds away from zero.
		{"half a cent", "USD", "0.10", "1.00", "1.05", "0.11"},
		// No markup stays no markup: 1,200 × 1,236 / 1,200 = 1,236.00, the new price.
		{"no markup", "USD", "1200.00", "1200.00", "1236.00", "1236.00"},
		// Yen has no minor unit: 10,000 × 12,345 / 12,000 = 10,287.5 -> 10,288.
		{"yen", "JPY", "10000", "12000", "12345", "10288"},
		// A price that falls (a negative increase) takes the wholesale down with it: 1,000 × 1,140 / 1,200 = 950.
		{"price falls", "USD", "1000.00", "1200.00", "1140.00", "950.00"},
		// A free wholesale stays free.
		{"free wholesale", "USD", "0.00", "100.00", "103.00", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &mercato.Resale{ManufacturerID: "999988887777", AuthorizationID: "resaleauthz-1", Wholesale: amt(tt.wholesale), Price: amt(tt.price)}
			got := RenewedResale(r, amt(tt.renewedAt), tt.c)
			want := &mercato.Resale{ManufacturerID: "999988887777", AuthorizationID: "resaleauthz-1", Wholesale: amt(tt.want), Price: amt(tt.renewedAt)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("renewed resale (-want +got):\n%s", diff)
			}
			if got.Wholesale > got.Price {
				t.Errorf("wholesale %s above the buyer's price %s", got.Wholesale, got.Price)
			}
			if r.Wholesale != amt(tt.wholesale) || r.Price != amt(tt.price) {
				t.Errorf("the renewed agreement's resale changed: %+v", r)
			}
		})
	}
}

// A direct deal renews without a resale; a free renewal keeps the resale as it was.
func TestRenewedResaleEdges(t *testing.T) {
	if got := RenewedResale(nil, amt("100"), "USD"); got != nil {
		t.Errorf("a direct deal renews with resale %+v", got)
	}
	r := &mercato.Resale{ManufacturerID: "999988887777", Wholesale: amt("10"), Price: amt("12")}
	if got := RenewedResale(r, 0, "USD"); got == r || *got != *r {
		t.Errorf("a free renewal's resale = %+v (same pointer %v), want a copy of %+v", got, got == r, r)
	}
}
