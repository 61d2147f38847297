package datafeed_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/datafeed"
)

// TestResaleEventsNameTheirParents: the partner's wholesale cost and its refund have event IDs
// of their own, and the refund's parent is the cost, not the buyer's revenue; the maker's
// refund's parent is its own revenue. Amounts: an invoice of 120.00 with a wholesale of 100.00
// and fees of 4.20, 3.50 of them the maker's; a refund of half.
func TestResaleEventsNameTheirParents(t *testing.T) {
	at := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	amt := mercato.MustAmount
	inv := mercato.Invoice{ID: "inv-1", AgreementID: "agmt-1", Type: mercato.InvoiceTypeInvoice, SellerID: "P", BuyerID: "B",
		Currency: "USD", PreTax: amt("120.00"), ListingFee: amt("4.20"), IssuedAt: at,
		MakerID: "M", MakerAmount: amt("100.00"), MakerFee: amt("3.50")}
	memo := mercato.Invoice{ID: "cm-1", AgreementID: "agmt-1", Type: mercato.InvoiceTypeCreditMemo, SellerID: "P", BuyerID: "B",
		Currency: "USD", PreTax: amt("60.00"), ListingFee: amt("2.10"), IssuedAt: at, OriginalInvoiceID: "inv-1",
		MakerID: "M", MakerAmount: amt("50.00"), MakerFee: amt("1.75")}
	type ev struct{ id, kind, from, to, amount, parent string }
	events := func(seller string) []ev {
		var out []ev
		for _, f := range datafeed.Build(datafeed.Source{SellerID: seller, Documents: []mercato.Invoice{inv, memo}, AsOf: at}) {
			if f.Name != "billing_event" {
				continue
			}
			for _, r := range f.Rows {
				out = append(out, ev{r[0], r[6], r[1], r[2], r[9], r[7]})
			}
		}
		return out
	}
	partner := []ev{
		{"be-inv-1-seller_rev_share", "SELLER_REV_SHARE", "B", "P", "120.00", ""},
		{"be-inv-1-wholesale_seller_rev_share", "SELLER_REV_SHARE", "P", "M", "-100.00", ""},
		{"be-inv-1-aws_rev_share", "AWS_REV_SHARE", "P", "marketplace", "-0.70", ""},
		{"be-cm-1-seller_rev_share_refund", "SELLER_REV_SHARE_REFUND", "P", "B", "-60.00", "be-inv-1-seller_rev_share"},
		{"be-cm-1-wholesale_seller_rev_share_refund", "SELLER_REV_SHARE_REFUND", "M", "P", "50.00", "be-inv-1-wholesale_seller_rev_share"},
		{"be-cm-1-aws_rev_share_refund", "AWS_REV_SHARE_REFUND", "marketplace", "P", "0.35", "be-inv-1-aws_rev_share"},
	}
	maker := []ev{
		{"be-inv-1-seller_rev_share", "SELLER_REV_SHARE", "P", "M", "100.00", ""},
		{"be-inv-1-aws_rev_share", "AWS_REV_SHARE", "M", "marketplace", "-3.50", ""},
		{"be-cm-1-seller_rev_share_refund", "SELLER_REV_SHARE_REFUND", "M", "P", "-50.00", "be-inv-1-seller_rev_share"},
		{"be-cm-1-aws_rev_share_refund", "AWS_REV_SHARE_REFUND", "marketplace", "M", "1.75", "be-inv-1-aws_rev_share"},
	}
	for _, tt := range []struct {
		seller string
		want   []ev
	}{{"P", partner}, {"M", maker}} {
		if diff := cmp.Diff(tt.want, events(tt.seller), cmp.AllowUnexported(ev{})); diff != "" {
			t.Errorf("%s's events (-want +got):\n%s", tt.seller, diff)
		}
	}
}
