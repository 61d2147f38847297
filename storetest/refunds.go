package storetest

import (
	"testing"

	"mercato"
)

func refundCase(id, buyer string, created int) mercato.RefundCase {
	return mercato.RefundCase{ID: id, FiledBy: buyer, BuyerID: buyer, SellerID: "111122223333", ProductID: "prod-1",
		AgreementID: "agmt-" + id, Kind: "REFUND", InvoiceIDs: []string{"inv-1", "inv-2"},
		Periods: []mercato.BillingPeriod{{Month: 1, Year: 2025}}, Amount: mercato.MustAmount("12.5"), Currency: "USD",
		Comments: "double charged", Status: mercato.RefundAwaitingSeller, StatusReason: "needs the seller",
		Rule: "SELLER_AUTHORIZATION", CreatedAt: at(0).AddDate(0, 0, created),
		UpdatedAt: at(0).AddDate(0, 0, created)}
}

func testRefundCases(t *testing.T, s mercato.Store) {
	a := refundCase("rc-a", "444455556666", 1)
	b := refundCase("rc-b", "777788889999", 2)
	c := refundCase("rc-c", "444455556666", 3)
	put(t, s, func(tx mercato.Tx) error { return tx.InsertRefundCase(a) },
		func(tx mercato.Tx) error { return tx.InsertRefundCase(b) },
		func(tx mercato.Tx) error { return tx.InsertRefundCase(c) })
	same(t, "refund case round trip", a, read(t, s, func(tx mercato.Tx) (mercato.RefundCase, error) { return tx.GetRefundCase("rc-a") }))
	updateCode(t, s, "InsertRefundCase of a used ID", mercato.EConflict, func(tx mercato.Tx) error { return tx.InsertRefundCase(a) })
	viewCode(t, s, "GetRefundCase of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetRefundCase("rc-nope")
		return err
	})

	a.Status, a.Adjustments, a.Cancelled, a.StatusReason = mercato.RefundCompleted, []string{"ba-1", "ba-2"}, true, ""
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateRefundCase(a) })
	same(t, "refund case after update", a, read(t, s, func(tx mercato.Tx) (mercato.RefundCase, error) { return tx.GetRefundCase("rc-a") }))
	updateCode(t, s, "UpdateRefundCase of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		return tx.UpdateRefundCase(refundCase("rc-nope", "1", 0))
	})

	ids := func(f mercato.RequestFilter) []string {
		t.Helper()
		cases := read(t, s, func(tx mercato.Tx) ([]mercato.RefundCase, error) { return tx.ListRefundCases(f) })
		var out []string
		for _, c := range cases {
			out = append(out, c.ID)
		}
		return out
	}
	same(t, "all refund cases", []string{"rc-a", "rc-b", "rc-c"}, ids(mercato.RequestFilter{}))
	same(t, "refund cases of a buyer", []string{"rc-a", "rc-c"}, ids(mercato.RequestFilter{BuyerID: "444455556666"}))
	same(t, "awaiting the seller", []string{"rc-b", "rc-c"}, ids(mercato.RequestFilter{Status: string(mercato.RefundAwaitingSeller)}))
	same(t, "a page after rc-a", []string{"rc-b"}, ids(mercato.RequestFilter{AfterID: "rc-a", Limit: 1}))
}
