package console_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"mercato"
	"mercato/service"
)

// TestLimitedProductInTheConsole: the seller's offers page shows a limited product and its
// allow-list; a buyer outside it neither finds its offer in the list nor opens or accepts it.
func TestLimitedProductInTheConsole(t *testing.T) {
	e := newEnv(t)
	prod := func(changeType, details string) mercato.Change {
		return mercato.Change{ChangeType: changeType, EntityType: "SaaSProduct@1.0", EntityID: "prod-acme-backup", Details: json.RawMessage(details)}
	}
	if _, err := e.svc.StartChangeSet(e.ctx, acme, service.StartChangeSetInput{Catalog: "AWSMarketplace", Changes: []mercato.Change{
		prod("UpdateVisibility", `{"TargetVisibility": "Limited"}`),
		prod("UpdateTargeting", `{"PositiveTargeting": {"BuyerAccounts": ["`+beispiel+`"]}}`)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Advance(e.ctx, e.svc.Now()); err != nil { // runs the change set's job
		t.Fatal(err)
	}

	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	page := seller.get("/console/seller/offers")
	row := page.body[strings.Index(page.body, `id="visibility-prod-acme-backup"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "Limited") || !strings.Contains(row, beispiel) {
		t.Errorf("the seller's row of the limited product: %s", row)
	}

	buyer := e.client()
	buyer.signIn(buyerKey, buyerSecret)
	if list := buyer.get("/console/buyer/offers"); list.status != http.StatusOK || strings.Contains(list.body, "offer-acme-backup-public") {
		t.Errorf("the buyer's offers list shows the limited product's offer: %d", list.status)
	}
	if r := buyer.get("/console/buyer/offers/offer-acme-backup-public"); r.status != http.StatusNotFound {
		t.Errorf("the buyer opens the limited product's offer: %d", r.status)
	}
}
