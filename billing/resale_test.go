package billing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

// resaleAgreement is a channel-partner agreement whose buyer pays price for the contract the
// maker sells the partner at wholesale, at the private channel-partner fee rate of 3.5%.
func resaleAgreement(c mercato.Currency, wholesale, price string) *mercato.Agreement {
	a := subscription(day(2026, 1, 1), day(2027, 1, 1))
	a.Currency, a.Private, a.ListingFeeRate = c, true, mercato.Percent(350)
	a.Resale = &mercato.Resale{ManufacturerID: "999988887777", Wholesale: amt(wholesale), Price: amt(price)}
	return a
}

// split is a document's money as both sellers and the marketplace see it.
type split struct{ Maker, MakerFee, Partner, PartnerFee string }

func splitOf(d *mercato.Invoice) split {
	c := d.Currency
	return split{d.MakerAmount.FormatIn(c), d.MakerFee.FormatIn(c),
		(d.PreTax - d.MakerAmount).FormatIn(c), (d.ListingFee - d.MakerFee).FormatIn(c)}
}

// Worked by hand: the maker's amount is the invoice × wholesale / price, rounded half away from
// zero to the minor unit; its fee 3.5% of that, rounded; the partner takes the rest of both.
func TestResaleSplitHandWorked(t *testing.T) {
	tests := []struct {
		name                    string
		c                       mercato.Currency
		wholesale, price, total string
		want                    split
	}{
		// 1,000 of 1,200: maker 1,000.00, fee 35.00; the invoice's fee is 42.00, the partner's 7.00.
		{"upfront contract", "USD", "1000", "1200", "1200", split{"1000.00", "35.00", "200.00", "7.00"}},
		// 10 × 33.33/100 = 3.333 -> 3.33; 3.33 × 3.5% = 0.11655 -> 0.12; the fee 0.35 -> 0.23 left.
		{"installment with rounding", "USD", "33.33", "100", "10", split{"3.33", "0.12", "6.67", "0.23"}},
		// 10 × 66.67/100 = 6.667 -> 6.67; × 3.5% = 0.233 -> 0.23; the partner 3.33 and 0.12.
		{"rounding up", "USD", "66.67", "100", "10", split{"6.67", "0.23", "3.33", "0.12"}},
		// No markup: the maker gets everything, fee 3.5% of 500 = 17.50, and the partner nothing.
		{"no markup", "USD", "500", "500", "500", split{"500.00", "17.50", "0.00", "0.00"}},
		// Yen has no minor unit: 7,777 of 10,000; fee 272.195 -> 272 of 350; the partner 78.
		{"yen", "JPY", "7777", "10000", "10000", split{"7777", "272", "2223", "78"}},
		// A free wholesale (a partner-only deal): the maker has nothing and pays no fee.
		{"free wholesale", "USD", "0", "100", "100", split{"0.00", "0.00", "100.00", "3.50"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := resaleAgreement(tt.c, tt.wholesale, tt.price)
			inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt(tt.total)}}, day(2026, 1, 1), mercato.Jurisdiction{})
			if diff := cmp.Diff(tt.want, splitOf(&inv)); diff != "" {
				t.Errorf("split (-want +got):\n%s", diff)
			}
			if got := inv.MakerNet() + inv.ProposerNet() + inv.ListingFee; got != inv.PreTax {
				t.Errorf("maker %s + partner %s + fee %s = %s, want the invoice's %s",
					inv.MakerNet(), inv.ProposerNet(), inv.ListingFee, got, inv.PreTax)
			}
			if inv.MakerID != "999988887777" || inv.SellerID != a.ProposerID {
				t.Errorf("parties: maker %q seller %q", inv.MakerID, inv.SellerID)
			}
		})
	}
}

// Refunds split in proportion, counted from the start: worked by hand on the 10.00 invoice
// whose maker part is 3.33 with a fee of 0.12 (the invoice's fee is 0.35).
func TestResaleCreditsHandWorked(t *testing.T) {
	tests := []struct {
		name    string
		refunds []string
		want    []split
	}{
		// Half: 3.33 × 5/10 = 1.665 -> 1.67, fee 0.06; the memo's fee 0.175 -> 0.18. Then the
		// rest: what remains, 1.66 and 0.06 of the maker's, 0.17 of the fee.
		{"two halves", []string{"5", "5"}, []split{{"1.67", "0.06", "3.33", "0.12"}, {"1.66", "0.06", "3.34", "0.11"}}},
		// Thirds: the maker's cumulative 3.33 × 3.33/10 = 1.10889 -> 1.11, × 6.66/10 = 2.21778
		// -> 2.22, then all 3.33: 1.11 each. Its fee 0.12 × 0.333 = 0.04, × 0.666 = 0.07992 ->
		// 0.08, then 0.12: 0.04 each. The memos' fees 0.35 × 0.333 = 0.11655 -> 0.12, × 0.666 =
		// 0.2331 -> 0.23, then 0.35: 0.12, 0.11, 0.12; the partner's 0.08, 0.07, 0.08.
		{"thirds", []string{"3.33", "3.33", "3.34"}, []split{{"1.11", "0.04", "2.22", "0.08"},
			{"1.11", "0.04", "2.22", "0.07"}, {"1.11", "0.04", "2.23", "0.08"}}},
		// A cent: 3.33 × 0.01/10 = 0.00333 -> 0.00; the partner takes the refund of the cent.
		{"one cent", []string{"0.01"}, []split{{"0.00", "0.00", "0.01", "0.00"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := resaleAgreement("USD", "33.33", "100")
			inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("10")}}, day(2026, 1, 1), mercato.Jurisdiction{})
			var got []split
			var maker, fee mercato.Amount
			for _, r := range tt.refunds {
				memo := CreditMemo(&inv, amt(r), day(2026, 2, 1))
				got = append(got, splitOf(&memo))
				inv.Credited += memo.PreTax
				inv.CreditedFee += memo.ListingFee
				maker, fee = maker+memo.MakerAmount, fee+memo.MakerFee
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("credit memos (-want +got):\n%s", diff)
			}
			if inv.Credited == inv.PreTax && (maker != inv.MakerAmount || fee != inv.MakerFee) {
				t.Errorf("a full refund gave back %s and %s of the maker's %s and %s", maker, fee, inv.MakerAmount, inv.MakerFee)
			}
		})
	}
}

// The invoice's ledger owes each seller its own part, and balances.
func TestResaleInvoiceLedger(t *testing.T) {
	a := resaleAgreement("USD", "1000", "1200")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("1200")}}, day(2026, 1, 1), mercato.Jurisdiction{})
	inv.ID = "inv-1"
	got := map[string]string{}
	for _, p := range InvoiceLedger(&inv).Postings {
		got[p.Account] = p.Amount.FormatIn("USD")
	}
	want := map[string]string{
		mercato.LedgerBuyerReceivable(a.AcceptorID): "1200.00",
		mercato.LedgerSellerPayable(a.ProposerID):   "-193.00",
		mercato.LedgerSellerPayable("999988887777"): "-965.00",
		mercato.LedgerMarketplaceFees:               "-42.00",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("postings (-want +got):\n%s", diff)
	}
	memo := CreditMemo(&inv, amt("600"), day(2026, 2, 1))
	memo.ID = "cm-1"
	lt := CreditMemoLedger(&memo)
	if err := lt.Validate(); err != nil {
		t.Fatal(err)
	}
}

// A memo can give the maker back more fee than amount, by a cent: on 1,000.00 at 777.77/1,000
// (maker 777.77, fee 27.22 of the invoice's 35.00), refunding 1.28 gives back round(0.99555) =
// 1.00 and round(0.034842) = 0.03; another 0.01 brings the cumulative amount to round(1.003323)
// = 1.00 and the fee to round(0.0351138) = 0.04: the second memo returns 0.00 and 0.01, so the
// maker is owed a cent (its payout line is +0.01). The invoice's fee: round(0.0448) = 0.04, then
// round(0.04515) = 0.05.
func TestResaleCreditCanReturnMoreFeeThanAmount(t *testing.T) {
	a := resaleAgreement("USD", "777.77", "1000")
	inv := NewInvoice(a, "k", []mercato.Charge{{Amount: amt("1000")}}, day(2026, 1, 1), mercato.Jurisdiction{})
	var got []split
	for _, r := range []string{"1.28", "0.01"} {
		memo := CreditMemo(&inv, amt(r), day(2026, 2, 1))
		got = append(got, splitOf(&memo))
		inv.Credited += memo.PreTax
		inv.CreditedFee += memo.ListingFee
	}
	want := []split{{"1.00", "0.03", "0.28", "0.01"}, {"0.00", "0.01", "0.01", "0.00"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("credit memos (-want +got):\n%s", diff)
	}
}
