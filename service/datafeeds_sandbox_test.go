package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mercato"
)

// The accounts of the feed sandbox: a seller that sells its product itself and through a
// partner, which resells it (the seller is then its maker).
const (
	feedSeller  = "100000000001"
	feedPartner = "100000000002"
	feedProduct = "prod-feeds"
)

// seedFeedSandbox stores, straight into the store, a seller with n agreements (one in five a
// partner's resale of its product, in USD or EUR, taxed or not) and their documents: an
// invoice each month from January, months of them, issued at the same instant each month so
// that documents tie on issue time; a credit memo for one invoice in four; and a monthly
// payout of each party's documents, each currency apart. It returns the number of the
// seller's documents. The data is sound for the feeds, not for the books.
func seedFeedSandbox(tb testing.TB, store mercato.Store, n, months int) int {
	tb.Helper()
	ctx := context.Background()
	put := func(fn func(tx mercato.Tx) error) {
		tb.Helper()
		if err := store.Update(ctx, fn); err != nil {
			tb.Fatal(err)
		}
	}
	put(func(tx mercato.Tx) error { return seedFeedCatalog(tx, n) })
	docs := 0
	for m := 1; m <= months; m++ {
		issued := time.Date(2026, time.Month(m)+1, 2, 0, 0, 0, 0, time.UTC)
		const chunk = 2000
		for from := 0; from < n; from += chunk {
			put(func(tx mercato.Tx) error {
				k, err := seedFeedMonth(tx, from, min(from+chunk, n), m, issued)
				docs += k
				return err
			})
		}
		put(func(tx mercato.Tx) error { return seedFeedPayouts(tx, m, issued.AddDate(0, 0, 20)) })
	}
	return docs
}

// feedBuyer is the buyer of agreement i: one of 40.
func feedBuyer(i int) string { return fmt.Sprintf("2000000000%02d", i%40) }

func seedFeedCatalog(tx mercato.Tx, n int) error {
	accounts := []mercato.Account{
		{ID: feedSeller, Name: "Feeds, Inc.", Roles: []mercato.Role{mercato.RoleSeller}},
		{ID: feedPartner, Name: "Partner \"Resale\", Ltd.", Roles: []mercato.Role{mercato.RoleSeller}},
	}
	for i := range 40 {
		accounts = append(accounts, mercato.Account{ID: feedBuyer(i), Name: fmt.Sprintf("Buyer %d, GmbH", i),
			Roles: []mercato.Role{mercato.RoleBuyer}})
	}
	for _, a := range accounts {
		if err := tx.PutAccount(a); err != nil {
			return err
		}
	}
	if err := tx.PutProduct(mercato.Product{ID: feedProduct, SellerID: feedSeller, Type: mercato.ProductSaaS,
		Title: "Feeds, the product", Visibility: "public"}); err != nil {
		return err
	}
	offers := []mercato.Offer{
		{ID: "offer-feeds", ProductID: feedProduct, SellerID: feedSeller, Visibility: "public"},
		{ID: "offer-feeds-private", ProductID: feedProduct, SellerID: feedSeller, Visibility: "private",
			Buyers: []string{feedBuyer(1), feedBuyer(2)}, ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "offer-feeds-resale", ProductID: feedProduct, SellerID: feedPartner, Visibility: "private",
			Buyers: []string{feedBuyer(3)}, ChannelPartner: feedPartner,
			Resale: &mercato.Resale{ManufacturerID: feedSeller, Wholesale: amt("1000"), Price: amt("1200")}},
	}
	for _, o := range offers {
		if err := tx.PutOffer(o); err != nil {
			return err
		}
	}
	for i := range n {
		if err := tx.InsertAgreement(feedAgreement(i)); err != nil {
			return err
		}
	}
	return nil
}

// feedAgreement is agreement i of the sandbox.
func feedAgreement(i int) mercato.Agreement {
	start := time.Date(2026, 1, 1+i%28, 0, 0, 0, 0, time.UTC)
	a := mercato.Agreement{ID: fmt.Sprintf("agmt-%06d", i), OfferID: "offer-feeds", ProductID: feedProduct,
		ProductType: mercato.ProductSaaS, ProposerID: feedSeller, AcceptorID: feedBuyer(i),
		Status: mercato.AgreementActive, AcceptanceTime: start, StartTime: start, UpdatedAt: start,
		InitialAgreementID: fmt.Sprintf("agmt-%06d", i), Currency: feedCurrency(i), Value: amt("1200"),
		ListingFeeRate: mercato.Percent(300), TaxJurisdiction: []string{"US-WA", "DE", "", "JP"}[i%4]}
	if i%5 == 4 {
		a.OfferID, a.ProposerID = "offer-feeds-resale", feedPartner
		a.Resale = &mercato.Resale{ManufacturerID: feedSeller, Wholesale: amt("1000"), Price: amt("1200")}
	}
	if i%7 == 6 {
		a.Status, a.EndTime, a.EndReason = mercato.AgreementCancelled, start.AddDate(0, 6, 0), "CANCELLED_BY_BUYER"
	}
	return a
}

func feedCurrency(i int) mercato.Currency {
	if i%3 == 2 {
		return "EUR"
	}
	return "USD"
}

// seedFeedMonth stores the invoices of month m of agreements [from, to), and a credit memo for
// one in four, and the payout lines of both. It returns how many documents are the seller's.
func seedFeedMonth(tx mercato.Tx, from, to, m int, issued time.Time) (int, error) {
	var docs []mercato.Invoice
	var lines []mercato.PayoutLine
	for i := from; i < to; i++ {
		a := feedAgreement(i)
		inv := mercato.Invoice{ID: fmt.Sprintf("inv-%06d-%02d", i, m), AgreementID: a.ID, Key: fmt.Sprintf("period:%02d", m),
			Type: mercato.InvoiceTypeInvoice, SellerID: a.ProposerID, BuyerID: a.AcceptorID, Currency: a.Currency,
			PreTax: amt("100.25"), ListingFee: amt("3.01"), BillingPeriod: mercato.PeriodOf(issued.AddDate(0, -1, 0)),
			IssuedAt: issued, DueAt: issued.AddDate(0, 0, 30), InvoicingEntity: mercato.EntityUS}
		if a.TaxJurisdiction != "" {
			inv.Tax = amt("6.52")
			inv.TaxLines = []mercato.TaxLine{{Type: "VAT", Rate: mercato.Percent(650), Amount: amt("6.52")}}
		}
		if a.Resale != nil {
			inv.PreTax, inv.ListingFee = amt("120.00"), amt("3.60")
			inv.MakerID, inv.MakerAmount, inv.MakerFee = feedSeller, amt("100.00"), amt("3.00")
		}
		docs = append(docs, inv)
		if i%4 == m%4 {
			memo := inv
			memo.ID, memo.Key, memo.Type, memo.OriginalInvoiceID = "cm-"+inv.ID, "credit:"+inv.ID, mercato.InvoiceTypeCreditMemo, inv.ID
			memo.IssuedAt = issued.Add(time.Duration(i%3) * time.Hour) // some tie with each other, some not
			memo.PreTax, memo.ListingFee, memo.MakerAmount, memo.MakerFee = amt("10.00"), amt("0.30"), 0, 0
			if a.Resale != nil {
				memo.MakerAmount, memo.MakerFee = amt("8.00"), amt("0.24")
			}
			if memo.Tax != 0 {
				memo.Tax, memo.TaxLines = amt("0.65"), nil
			}
			if i%8 == 3 {
				memo.PreTax = 0 // a refund of tax only
			}
			docs = append(docs, memo)
		}
	}
	for _, d := range docs {
		lines = append(lines, feedLines(d)...)
	}
	if err := tx.InsertInvoices(docs...); err != nil {
		return 0, err
	}
	_, err := tx.InsertPayoutLines(lines...)
	return len(docs), err
}

// feedLines are a document's payout lines: the seller of record's and, in a resale, the
// maker's.
func feedLines(d mercato.Invoice) []mercato.PayoutLine {
	l := mercato.PayoutLine{DocumentID: d.ID, InvoiceID: d.ID, SellerID: d.SellerID, Currency: d.Currency,
		Amount: d.PreTax - d.ListingFee - d.MakerAmount + d.MakerFee, Kind: d.Type, EligibleAt: d.IssuedAt}
	if d.Type == mercato.InvoiceTypeCreditMemo {
		l.InvoiceID, l.Amount = d.OriginalInvoiceID, -l.Amount
	}
	lines := []mercato.PayoutLine{l}
	if d.MakerID != "" {
		maker := l
		maker.SellerID, maker.Amount = d.MakerID, d.MakerAmount-d.MakerFee
		if d.Type == mercato.InvoiceTypeCreditMemo {
			maker.Amount = -maker.Amount
		}
		lines = append(lines, maker)
	}
	return lines
}

// seedFeedPayouts pays out every party's pending lines, per currency, at t.
func seedFeedPayouts(tx mercato.Tx, m int, t time.Time) error {
	totals, err := tx.PendingPayouts(t)
	if err != nil {
		return err
	}
	for _, p := range totals {
		err := tx.InsertPayout(mercato.Payout{ID: fmt.Sprintf("po-%02d-%s-%s", m, p.SellerID, p.Currency), SellerID: p.SellerID,
			Currency: p.Currency, Amount: p.Amount, Lines: p.Lines, Time: t,
			BankAccount: mercato.BankAccount{Type: mercato.BankACH, Currency: p.Currency}, Status: "PAID"}, t)
		if err != nil {
			return err
		}
	}
	return nil
}
