package datafeed_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/datafeed"
)

// TestBillingEventsHandWorked checks the billing events of one invoice, one partial refund of
// it and the disbursement of both, against amounts worked out by hand: an invoice of 100.00
// with a 3% listing fee (3.00) and 6.5% tax (6.50); a refund of 40.00, which returns 1.20 of
// the fee and 2.60 of the tax; a disbursement of 97.00 - 38.80 = 58.20.
func TestBillingEventsHandWorked(t *testing.T) {
	at := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	amt := mercato.MustAmount
	inv := mercato.Invoice{ID: "inv-1", AgreementID: "agmt-1", Type: mercato.InvoiceTypeInvoice, SellerID: "S", BuyerID: "B",
		Currency: "USD", PreTax: amt("100.00"), ListingFee: amt("3.00"), Tax: amt("6.50"), IssuedAt: at,
		BillingPeriod: mercato.BillingPeriod{Year: 2026, Month: 1}}
	memo := mercato.Invoice{ID: "cm-1", AgreementID: "agmt-1", Type: mercato.InvoiceTypeCreditMemo, SellerID: "S", BuyerID: "B",
		Currency: "USD", PreTax: amt("40.00"), ListingFee: amt("1.20"), Tax: amt("2.60"), IssuedAt: at.AddDate(0, 0, 3),
		BillingPeriod: mercato.BillingPeriod{Year: 2026, Month: 1}, OriginalInvoiceID: "inv-1"}
	payout := mercato.Payout{ID: "po-1", SellerID: "S", Currency: "USD", Amount: amt("58.20"), Time: at.AddDate(0, 0, 8),
		LineItems: []mercato.PayoutLine{{DocumentID: "inv-1", InvoiceID: "inv-1", Amount: amt("97.00")},
			{DocumentID: "cm-1", InvoiceID: "inv-1", Amount: amt("-38.80")}}}
	feeds := datafeed.Build(datafeed.Source{SellerID: "S", Documents: []mercato.Invoice{inv, memo}, Payouts: []mercato.Payout{payout},
		Agreements: []mercato.Agreement{{ID: "agmt-1", ProductID: "prod-1", TaxJurisdiction: "US-WA"}}, AsOf: at})

	var events *datafeed.Feed
	for i := range feeds {
		if feeds[i].Name == "billing_event" {
			events = &feeds[i]
		}
	}
	col := map[string]int{}
	for i, h := range events.Header {
		col[h] = i
	}
	type ev struct{ id, action, kind, amount, parent, disbursement, impacting string }
	var got []ev
	for _, r := range events.Rows {
		got = append(got, ev{r[col["billing_event_id"]], r[col["action"]], r[col["transaction_type"]], r[col["amount"]],
			r[col["parent_billing_event_id"]], r[col["disbursement_billing_event_id"]], r[col["balance_impacting"]]})
	}
	want := []ev{
		{"be-inv-1-seller_rev_share", "INVOICED", "SELLER_REV_SHARE", "100.00", "", "", "1"},
		{"be-inv-1-aws_rev_share", "INVOICED", "AWS_REV_SHARE", "-3.00", "", "", "1"},
		{"be-inv-1-aws_tax_share", "INVOICED", "AWS_TAX_SHARE", "6.50", "", "", "0"},
		{"be-cm-1-seller_rev_share_refund", "INVOICED", "SELLER_REV_SHARE_REFUND", "-40.00", "be-inv-1-seller_rev_share", "", "1"},
		{"be-cm-1-aws_rev_share_refund", "INVOICED", "AWS_REV_SHARE_REFUND", "1.20", "be-inv-1-aws_rev_share", "", "1"},
		{"be-cm-1-aws_tax_share_refund", "INVOICED", "AWS_TAX_SHARE_REFUND", "-2.60", "be-inv-1-aws_tax_share", "", "0"},
		{"be-po-1", "DISBURSED", "DISBURSEMENT", "-58.20", "", "", "1"},
		{"be-po-1-inv-1-seller_rev_share", "DISBURSED", "SELLER_REV_SHARE", "-100.00", "be-inv-1-seller_rev_share", "be-po-1", "1"},
		{"be-po-1-inv-1-aws_rev_share", "DISBURSED", "AWS_REV_SHARE", "3.00", "be-inv-1-aws_rev_share", "be-po-1", "1"},
		{"be-po-1-cm-1-seller_rev_share_refund", "DISBURSED", "SELLER_REV_SHARE_REFUND", "40.00", "be-cm-1-seller_rev_share_refund", "be-po-1", "1"},
		{"be-po-1-cm-1-aws_rev_share_refund", "DISBURSED", "AWS_REV_SHARE_REFUND", "-1.20", "be-cm-1-aws_rev_share_refund", "be-po-1", "1"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(ev{})); diff != "" {
		t.Errorf("billing events (-want +got):\n%s", diff)
	}
	for _, f := range feeds {
		for _, r := range f.Rows {
			if len(r) != len(f.Header) {
				t.Errorf("%s: a row of %d columns under %d", f.Name, len(r), len(f.Header))
			}
		}
	}
}
