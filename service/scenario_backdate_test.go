package service_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"mercato"
)

// TestScenarioAcceptanceBeforeSettlementIsRefused: a scenario acceptance dated before the last
// settlement that ran would issue invoices that no settlement's window reaches (collections
// would never open their receivables); it is refused, naming acceptedAt and the settlement,
// and the books stay sound. One dated at or after it is taken.
func TestScenarioAcceptanceBeforeSettlementIsRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.accept("offer-public", buyer) // invoicing starts the daily settlement
		start := e.svc.Now()
		e.advanceTo(start.Add(40 * 24 * time.Hour))
		settled := e.svc.Now().UTC().Truncate(24 * time.Hour)

		backdated := mercato.ScenarioAgreement{ID: "agmt-backdated", OfferID: "offer-public", BuyerID: buyer2,
			AcceptedAt: settled.Add(-10 * 24 * time.Hour)}
		err := e.svc.ApplyScenario(e.ctx, mercato.Scenario{Agreements: []mercato.ScenarioAgreement{backdated}})
		var me *mercato.Error
		if !errors.As(err, &me) || me.Code != mercato.EInvalid || !strings.Contains(err.Error(), "acceptedAt") ||
			!strings.Contains(err.Error(), settled.Format(time.RFC3339)) {
			t.Fatalf("backdated acceptance: %v; want EInvalid naming acceptedAt and the settlement of %s", err, settled.Format(time.RFC3339))
		}
		if _, err := e.svc.Agreement(e.ctx, "agmt-backdated"); mercato.ErrorCodeOf(err) != mercato.ENotFound {
			t.Errorf("the refused acceptance left an agreement: %v", err)
		}

		onTime := backdated
		onTime.ID, onTime.AcceptedAt = "agmt-on-time", settled
		e.apply(mercato.Scenario{Agreements: []mercato.ScenarioAgreement{onTime}})
		e.advanceTo(e.svc.Now().Add(48 * time.Hour))
		vs, err := e.svc.Check(e.ctx)
		if err != nil || len(vs) != 0 {
			t.Errorf("check: %v %+v", err, vs)
		}
	})
}
