package service_test

import (
	"strings"
	"testing"
	"time"

	"mercato"
)

// TestCreateOfferRefusesAPastExpiry: a private offer that expires at or before the business time
// could never be accepted, so creating it is refused naming the field.
func TestCreateOfferRefusesAPastExpiry(t *testing.T) {
	e := newEnv(t)
	e.marketplace()
	e.advanceTo(day(2026, 1, 20))
	o := mercato.Offer{ID: "offer-late", ProductID: product, Visibility: "private", Buyers: []string{buyer2},
		Terms: mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: amt("10")}}}}
	for _, expires := range []time.Time{day(2026, 1, 1), day(2026, 1, 20)} {
		o.ExpiresAt = expires
		_, err := e.svc.CreateOffer(e.ctx, seller, o)
		got := errorOf(t, err, mercato.EInvalid)
		if len(got.Fields) != 1 || got.Fields[0].Name != "expires" || !strings.Contains(got.Message, "already past") {
			t.Errorf("expires %s: %+v", expires.Format(time.DateOnly), got)
		}
	}
	o.ExpiresAt = day(2026, 1, 20).Add(time.Second)
	if _, err := e.svc.CreateOffer(e.ctx, seller, o); err != nil {
		t.Errorf("an offer expiring a second from now: %v", err)
	}
}
