package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"mercato"
	"mercato/sqlite"
	"mercato/sqlstore"
)

func openBench(b *testing.B) *sqlstore.Store {
	b.Helper()
	s, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkInsertInvoice measures one committed transaction that stores one invoice.
func BenchmarkInsertInvoice(b *testing.B) {
	s := openBench(b)
	issued := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	inv := mercato.Invoice{AgreementID: "agmt-1", Type: mercato.InvoiceTypeInvoice, SellerID: "111111111111",
		BuyerID: "333333333333", Currency: "USD", PreTax: mercato.MustAmount("100"), Tax: mercato.MustAmount("6.5"),
		TaxLines:      []mercato.TaxLine{{Type: "ST", Rate: mercato.Percent(650), Amount: mercato.MustAmount("6.5")}},
		BillingPeriod: mercato.PeriodOf(issued), IssuedAt: issued, DueAt: issued.AddDate(0, 0, 30),
		InvoicingEntity: mercato.EntityUS}
	i := 0
	for b.Loop() {
		i++
		inv.ID, inv.Key = fmt.Sprintf("inv-%d", i), fmt.Sprintf("key-%d", i)
		if err := s.Update(b.Context(), func(tx mercato.Tx) error { return tx.InsertInvoices(inv) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMonthlyCloseListing pages, 500 at a time, through the agreements billed monthly
// that ran in one month, among 100,000 agreements.
func BenchmarkMonthlyCloseListing(b *testing.B) {
	const total, page = 100_000, 500
	s := openBench(b)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	monthly := mercato.Terms{{RecurringPayment: &mercato.RecurringPaymentTerm{CurrencyCode: "USD",
		BillingPeriod: "Monthly", Price: mercato.MustAmount("10")}}}
	upfront := mercato.Terms{{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD",
		Price: mercato.MustAmount("100")}}}
	err := s.Update(b.Context(), func(tx mercato.Tx) error {
		for i := range total {
			a := mercato.Agreement{ID: fmt.Sprintf("agmt-%06d", i), ProposerID: "111111111111",
				AcceptorID: "333333333333", Terms: monthly, Status: mercato.AgreementActive,
				StartTime: start.Add(time.Duration(i) * 7 * time.Minute)}
			if i%5 == 0 {
				a.Terms = upfront
			}
			if i%3 == 0 {
				a.EndTime = a.StartTime.AddDate(0, 2, 0)
			}
			if err := tx.InsertAgreement(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	june := mercato.BillingPeriod{Year: 2024, Month: 6}
	for b.Loop() {
		n := 0
		for after := ""; ; {
			var got []mercato.Agreement
			err := s.View(b.Context(), func(tx mercato.Tx) (err error) {
				got, err = tx.ListAgreements(mercato.AgreementFilter{BillsMonthly: true,
					ActiveFrom: june.Start(), ActiveTo: june.End(), AfterID: after, Limit: page})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if len(got) == 0 {
				break
			}
			n += len(got)
			after = got[len(got)-1].ID
		}
		if n == 0 {
			b.Fatal("no agreement billed in June")
		}
	}
}
