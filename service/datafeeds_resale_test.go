package service_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/datafeed"
	"mercato/service"
)

// TestResaleFeedsReconcileWithPayouts: the partner's resale of 1,200.00 (wholesale 1,000.00, a
// 3.5% fee: 42.00, of which the maker's is 35.00) is refunded 400.00 by the partner. By hand, the
// credit memo gives back 42.00 × 400/1,200 = 14.00 of the fee; of the maker's share
// 1,000.00 × 400/1,200 = 333.333… → 333.33 and of its fee 35.00 × 400/1,200 = 11.666… → 11.67;
// the partner the rest, 66.67 and 2.33. On February 10 the maker is paid 965.00 - 321.66 =
// 643.34 and the partner 193.00 - 64.34 = 128.66 (772.00 together: 800.00 kept less 28.00 of
// fees). Each one's billing events show its own side and sum, to the cent, to its payouts.
func TestResaleFeedsReconcileWithPayouts(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.resaleMarketplace()
		a := e.accept("offer-cppo", buyer)
		e.advanceTo(day(2026, 1, 5))
		inv := e.invoices(a.ID)[0]
		if _, err := e.svc.CreateAdjustments(e.ctx, partner, []service.AdjustmentEntry{entry(a, inv, "400.00", "feed-cppo")}); err != nil {
			t.Fatal(err)
		}
		e.advanceTo(day(2026, 2, 11))

		role := map[string]string{seller: "maker", partner: "partner", buyer: "buyer", datafeed.Marketplace: "marketplace"}
		for _, tt := range []struct {
			seller string
			want   map[string]string // INVOICED balance-impacting events: type from>to -> amount
			billed service.BilledLine
			paid   string
		}{
			{seller, map[string]string{
				"SELLER_REV_SHARE partner>maker":         "1000.00",
				"AWS_REV_SHARE maker>marketplace":        "-35.00",
				"SELLER_REV_SHARE_REFUND maker>partner":  "-333.33",
				"AWS_REV_SHARE_REFUND marketplace>maker": "11.67",
			}, service.BilledLine{Gross: amt("1000"), ListingFee: amt("35"), Refunds: amt("333.33"), RefundedFee: amt("11.67"),
				Net: amt("643.34")}, "643.34"},
			{partner, map[string]string{
				"SELLER_REV_SHARE buyer>partner":           "1200.00",
				"SELLER_REV_SHARE partner>maker":           "-1000.00", // the wholesale cost
				"AWS_REV_SHARE partner>marketplace":        "-7.00",
				"SELLER_REV_SHARE_REFUND partner>buyer":    "-400.00",
				"SELLER_REV_SHARE_REFUND maker>partner":    "333.33",
				"AWS_REV_SHARE_REFUND marketplace>partner": "2.33",
			}, service.BilledLine{Gross: amt("1200"), ListingFee: amt("7"), Refunds: amt("400"), RefundedFee: amt("2.33"),
				WholesaleCost: amt("1000"), WholesaleRefund: amt("333.33"), Net: amt("128.66")}, "128.66"},
		} {
			feeds, err := e.svc.SellerFeeds(e.ctx, tt.seller)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			var invoiced, disbursed, details mercato.Amount
			for _, r := range feedRows(feeds, "billing_event") {
				a := mercato.MustAmount(r["amount"])
				switch {
				case r["action"] == "INVOICED" && r["balance_impacting"] == "1":
					got[r["transaction_type"]+" "+role[r["from_account_id"]]+">"+role[r["to_account_id"]]] = a.FormatIn("USD")
					invoiced += a
				case r["transaction_type"] == "DISBURSEMENT":
					disbursed -= a
				case r["action"] == "DISBURSED":
					details -= a
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s's billing events (-want +got):\n%s", role[tt.seller], diff)
			}
			lines, err := e.svc.BilledRevenue(e.ctx, service.ReportQuery{SellerID: tt.seller})
			if err != nil || len(lines) != 1 {
				t.Fatalf("%s's billed revenue: %+v, %v", role[tt.seller], lines, err)
			}
			l := lines[0]
			line := service.BilledLine{Gross: l.Gross, ListingFee: l.ListingFee, Refunds: l.Refunds, RefundedFee: l.RefundedFee,
				WholesaleCost: l.WholesaleCost, WholesaleRefund: l.WholesaleRefund, Net: l.Net}
			if diff := cmp.Diff(tt.billed, line); diff != "" || l.SellerID != tt.seller || l.ResellerID != partner || l.ManufacturerID != seller {
				t.Errorf("%s's billed line (-want +got):\n%s\nseller %s, reseller %s, manufacturer %s", role[tt.seller], diff, l.SellerID, l.ResellerID, l.ManufacturerID)
			}
			var paid mercato.Amount
			ps, err := e.svc.Payouts(e.ctx, mercato.PayoutFilter{SellerID: tt.seller})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				paid += p.Amount
			}
			if paid != amt(tt.paid) || invoiced != paid || disbursed != paid || details != paid {
				t.Errorf("%s: paid out %s (want %s); its feed invoices %s, disburses %s and %s in the details",
					role[tt.seller], paid, tt.paid, invoiced, disbursed, details)
			}
		}

		// The billed-revenue report: a line for each party, each its own side.
		all, err := e.svc.BilledRevenue(e.ctx, service.ReportQuery{})
		if err != nil || len(all) != 2 || all[0].Net+all[1].Net != amt("772") {
			t.Errorf("every seller's billed revenue: %+v, %v; want two lines netting 772.00", all, err)
		}

		// The maker's feeds name the partner (proposer of the agreement, an account it deals with)
		// without the buyer's price; the partner's name the maker as the product's manufacturer.
		makerFeeds, _ := e.svc.SellerFeeds(e.ctx, seller)
		ags := feedRows(makerFeeds, "agreement")
		if len(ags) != 1 || ags[0]["proposer_account_id"] != partner || ags[0]["estimated_agreement_value"] != "" {
			t.Errorf("the maker's agreement feed: %v", ags)
		}
		if !hasRow(feedRows(makerFeeds, "account"), "account_id", partner) {
			t.Errorf("the maker's account feed lacks the partner")
		}
		partnerFeeds, _ := e.svc.SellerFeeds(e.ctx, partner)
		if ps := feedRows(partnerFeeds, "product"); len(ps) != 1 || ps[0]["manufacturer_account_id"] != seller {
			t.Errorf("the partner's product feed: %v", ps)
		}
	})
}

// feedRows returns the rows of the named feed as maps from column to value.
func feedRows(feeds []datafeed.Feed, name string) []map[string]string {
	var out []map[string]string
	for _, f := range feeds {
		if f.Name != name {
			continue
		}
		for _, r := range f.Rows {
			m := map[string]string{}
			for i, h := range f.Header {
				m[h] = r[i]
			}
			out = append(out, m)
		}
	}
	return out
}

func hasRow(rows []map[string]string, col, v string) bool {
	for _, r := range rows {
		if r[col] == v {
			return true
		}
	}
	return false
}
