package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
	"mercato/sqlite"
)

// TestCheckNamesADoublyPaidRefund plants, in a database whose ledger balances, the defect the
// settlement once had: an overpayment refunded twice. mercato check names the invoice and the
// amounts, and fails.
func TestCheckNamesADoublyPaidRefund(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "books.db")
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	svc := service.New(store, mercato.NewSimClock(day(1)))
	err = svc.ApplyScenario(ctx, mercato.Scenario{
		Accounts: []mercato.Account{
			{ID: "111122223333", Name: "Acme", Roles: []mercato.Role{mercato.RoleSeller}},
			{ID: "444455556666", Name: "Buyer", Roles: []mercato.Role{mercato.RoleBuyer}},
		},
		Products: []mercato.Product{{ID: "prod-ps", SellerID: "111122223333", Type: mercato.ProductProfessionalServices,
			Title: "Services", RefundPolicy: "On request."}},
		Offers: []mercato.Offer{{ID: "offer-ps", ProductID: "prod-ps", Visibility: "public", Terms: mercato.Terms{
			{FixedUpfront: &mercato.FixedUpfrontPricingTerm{CurrencyCode: "USD", Price: mercato.MustAmount("500.00")}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.AcceptOffer(ctx, service.AcceptInput{OfferID: "offer-ps", BuyerID: "444455556666"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Advance(ctx, day(3)); err != nil { // paid on time
		t.Fatal(err)
	}
	invs, err := svc.Invoices(ctx, mercato.InvoiceFilter{AgreementID: a.ID})
	if err != nil || len(invs) != 1 {
		t.Fatalf("invoices: %v, %v", invs, err)
	}
	res, err := svc.CreateAdjustments(ctx, "111122223333", []service.AdjustmentEntry{{AgreementID: a.ID,
		OriginalInvoiceID: invs[0].ID, Amount: mercato.MustAmount("100.00"), Currency: "USD", ReasonCode: "OTHER", ClientToken: "r1"}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("adjustment: %+v, %v", res, err)
	}
	if _, err := svc.Advance(ctx, day(5)); err != nil { // the credit memo, then its refund to the buyer
		t.Fatal(err)
	}
	if vs, err := svc.Check(ctx); err != nil || len(vs) > 0 {
		t.Fatalf("sound books: %v, %v", vs, err)
	}
	again := mercato.Payment{ID: "pay-planted", InvoiceID: invs[0].ID, BuyerID: "444455556666", SellerID: "111122223333",
		Currency: "USD", Amount: mercato.MustAmount("-100.00"), Time: day(5), Kind: mercato.PaymentRefunded}
	lt := again.Ledger()
	lt.ID = "lt-planted"
	err = store.Update(ctx, func(tx mercato.Tx) error {
		if err := tx.InsertPayments(again); err != nil {
			return err
		}
		return tx.InsertLedgerTxns(lt)
	})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}

	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"check", "--db", "sqlite:" + path})
	err = cmd.ExecuteContext(ctx)
	want := "refund-overpayment: invoice " + invs[0].ID + ": refunds of 200.00 exceed the overpayment of 100.00 USD (paid 500.00, owed 400.00)"
	if err == nil || !strings.Contains(out.String(), want) {
		t.Errorf("check: %v\n%s\nwant a line %q", err, out.String(), want)
	}
	if strings.Contains(out.String(), "ledger-balanced") {
		t.Errorf("the planted refund is balanced, yet:\n%s", out.String())
	}
}

// TestCheckDocumentsEveryRule: mercato check's help and the README's table name every rule the
// check proves, so that a new rule is not proved in silence.
func TestCheckDocumentsEveryRule(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	help := checkCmd().Long
	for _, r := range service.Rules {
		if !strings.Contains(help, "  "+r+" ") {
			t.Errorf("mercato check --help does not name %s", r)
		}
		if !strings.Contains(string(readme), "| `"+r+"` |") {
			t.Errorf("README's table of check rules does not name %s", r)
		}
	}
}
