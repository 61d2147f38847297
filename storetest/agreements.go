package storetest

import (
	"slices"
	"testing"
	"time"

	"mercato"
)

func testAgreements(t *testing.T, s mercato.Store) {
	a := agreement("agmt-1", richTerms(), at(90*time.Minute+7*time.Microsecond), time.Time{})
	a.Private, a.SourceAgreementID, a.InitialAgreementID = true, "agmt-0", "agmt-0"
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAgreement(a) })
	get := func(tx mercato.Tx) (mercato.Agreement, error) { return tx.GetAgreement("agmt-1") }
	same(t, "GetAgreement", a, read(t, s, get))

	dup := agreement("agmt-1", mercato.Terms{upfrontTerm()}, t0, t0)
	updateCode(t, s, "InsertAgreement of an existing ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAgreement(dup)
	})
	same(t, "agreement after a conflicting insert", a, read(t, s, get))

	if err := a.Transition(mercato.AgreementCancelled, at(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	a.EndReason = "buyer cancelled"
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateAgreement(a) })
	same(t, "updated agreement", a, read(t, s, get))
}

func testListAgreements(t *testing.T, s mercato.Store) {
	// IDs mix case and punctuation: order is byte order, whatever the database's locale.
	all := []mercato.Agreement{
		agreement("agmt-b", mercato.Terms{recurringTerm()}, t0, time.Time{}),
		agreement("agmt-B", mercato.Terms{upfrontTerm()}, t0, t0.AddDate(1, 0, 0)),
		agreement("agmt_a", mercato.Terms{usageTerm()}, t0, time.Time{}),
		agreement("agmt-a", mercato.Terms{recurringTerm()}, t0, time.Time{}),
		agreement("Agmt-z", mercato.Terms{recurringTerm()}, t0, time.Time{}),
		agreement("agmt-c", mercato.Terms{upfrontTerm()}, t0, time.Time{}),
	}
	all[0].AcceptorID, all[0].OfferID = buyer2, "offer-2"
	all[1].ProposerID, all[1].ProductID = seller2, "prod-2"
	all[2].Status = mercato.AgreementExpired
	all[3].AcceptorID, all[3].Status = buyer2, mercato.AgreementExpired
	update(t, s, func(tx mercato.Tx) error {
		for _, a := range all {
			if err := tx.InsertAgreement(a); err != nil {
				return err
			}
		}
		return nil
	})
	sorted := slices.Sorted(slices.Values(ids(all)))
	for _, tc := range []struct {
		name   string
		filter mercato.AgreementFilter
		want   []string
	}{
		{"all, by ID", mercato.AgreementFilter{}, sorted},
		{"proposer", mercato.AgreementFilter{ProposerID: seller2}, []string{"agmt-B"}},
		{"acceptor", mercato.AgreementFilter{AcceptorID: buyer2}, []string{"agmt-a", "agmt-b"}},
		{"product", mercato.AgreementFilter{ProductID: "prod-1"}, []string{"Agmt-z", "agmt-a", "agmt-b", "agmt-c", "agmt_a"}},
		{"offer", mercato.AgreementFilter{OfferID: "offer-2"}, []string{"agmt-b"}},
		{"status", mercato.AgreementFilter{Status: mercato.AgreementExpired}, []string{"agmt-a", "agmt_a"}},
		{"acceptor and status", mercato.AgreementFilter{AcceptorID: buyer2, Status: mercato.AgreementActive}, []string{"agmt-b"}},
		{"after", mercato.AgreementFilter{AfterID: "agmt-a"}, []string{"agmt-b", "agmt-c", "agmt_a"}},
		{"limit", mercato.AgreementFilter{Limit: 2}, sorted[:2]},
		{"after and limit", mercato.AgreementFilter{AfterID: "agmt-B", Limit: 2}, []string{"agmt-a", "agmt-b"}},
		{"after the last", mercato.AgreementFilter{AfterID: "agmt_a"}, nil},
		{"no match", mercato.AgreementFilter{ProposerID: buyer}, nil},
		{"IDs", mercato.AgreementFilter{IDs: []string{"agmt-c", "agmt-a"}}, []string{"agmt-a", "agmt-c"}},
		{"one ID", mercato.AgreementFilter{IDs: []string{"agmt-B"}}, []string{"agmt-B"}},
		{"three IDs", mercato.AgreementFilter{IDs: []string{"agmt_a", "Agmt-z", "agmt-b"}}, []string{"Agmt-z", "agmt-b", "agmt_a"}},
		{"IDs with an unknown one", mercato.AgreementFilter{IDs: []string{"agmt-x", "agmt-B", "agmt-c"}}, []string{"agmt-B", "agmt-c"}},
		{"unknown IDs", mercato.AgreementFilter{IDs: []string{"agmt-x", "agmt-y"}}, nil},
		{"IDs and status", mercato.AgreementFilter{IDs: []string{"agmt-a", "agmt-b", "agmt_a"}, Status: mercato.AgreementExpired},
			[]string{"agmt-a", "agmt_a"}},
		{"IDs and acceptor", mercato.AgreementFilter{IDs: []string{"agmt-b", "agmt-c", "Agmt-z"}, AcceptorID: buyer2},
			[]string{"agmt-b"}},
		{"IDs, after and limit", mercato.AgreementFilter{IDs: []string{"agmt_a", "agmt-c", "agmt-B", "agmt-b", "Agmt-z"},
			AfterID: "agmt-B", Limit: 2}, []string{"agmt-b", "agmt-c"}},
	} {
		got := read(t, s, func(tx mercato.Tx) ([]mercato.Agreement, error) { return tx.ListAgreements(tc.filter) })
		same(t, "ListAgreements "+tc.name, tc.want, ids(got))
	}

	// Paging with AfterID and Limit visits every agreement once, in order.
	var paged []mercato.Agreement
	for after := ""; ; {
		page := read(t, s, func(tx mercato.Tx) ([]mercato.Agreement, error) {
			return tx.ListAgreements(mercato.AgreementFilter{AfterID: after, Limit: 4})
		})
		if len(page) > 4 {
			t.Fatalf("page of %d agreements, limit 4", len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	same(t, "paged agreements", sorted, ids(paged))
	byID := map[string]mercato.Agreement{}
	for _, a := range all {
		byID[a.ID] = a
	}
	for _, a := range paged {
		same(t, "listed agreement "+a.ID, byID[a.ID], a)
	}
}

func testListAgreementsMonthly(t *testing.T, s mercato.Store) {
	jan := mercato.BillingPeriod{Year: 2025, Month: 1}
	from, to := jan.Start(), jan.End()
	dec := func(day int) time.Time { return time.Date(2024, 12, day, 0, 0, 0, 0, time.UTC) }
	agreements := []mercato.Agreement{
		agreement("m01", mercato.Terms{recurringTerm()}, from.AddDate(0, 0, 9), time.Time{}),         // in
		agreement("m02", mercato.Terms{usageTerm()}, to, time.Time{}),                                // starts after
		agreement("m03", mercato.Terms{upfrontTerm()}, dec(1), to.AddDate(0, 1, 0)),                  // bills upfront
		agreement("m04", mercato.Terms{recurringTerm()}, dec(1), from),                               // ended as it began
		agreement("m05", mercato.Terms{recurringTerm(), upfrontTerm()}, dec(1), from.Add(time.Hour)), // in
		agreement("m06", mercato.Terms{usageTerm()}, to.Add(-time.Microsecond), time.Time{}),         // in
		agreement("m07", mercato.Terms{recurringTerm()}, dec(1), dec(31)),                            // ended before
		agreement("m08", mercato.Terms{usageTerm()}, from, to),                                       // in
		agreement("m09", mercato.Terms{upfrontTerm(), usageTerm()}, dec(1), time.Time{}),             // in
	}
	agreements[7].Status = mercato.AgreementExpired
	update(t, s, func(tx mercato.Tx) error {
		for _, a := range agreements {
			if err := tx.InsertAgreement(a); err != nil {
				return err
			}
		}
		return nil
	})
	monthly := func(f mercato.AgreementFilter) []string {
		t.Helper()
		f.BillsMonthly, f.ActiveFrom, f.ActiveTo = true, from, to
		return ids(read(t, s, func(tx mercato.Tx) ([]mercato.Agreement, error) { return tx.ListAgreements(f) }))
	}
	same(t, "monthly agreements of January", []string{"m01", "m05", "m06", "m08", "m09"}, monthly(mercato.AgreementFilter{}))
	same(t, "first page", []string{"m01", "m05"}, monthly(mercato.AgreementFilter{Limit: 2}))
	same(t, "second page", []string{"m06", "m08"}, monthly(mercato.AgreementFilter{AfterID: "m05", Limit: 2}))
	same(t, "last page", []string{"m09"}, monthly(mercato.AgreementFilter{AfterID: "m08", Limit: 2}))
	same(t, "after the last", []string(nil), monthly(mercato.AgreementFilter{AfterID: "m09", Limit: 2}))
	same(t, "with status", []string{"m08"}, monthly(mercato.AgreementFilter{Status: mercato.AgreementExpired}))

	// Whether an agreement bills monthly follows its terms when it is updated.
	agreements[0].Terms = mercato.Terms{upfrontTerm()}
	agreements[2].Terms = append(agreements[2].Terms, recurringTerm())
	update(t, s, func(tx mercato.Tx) error {
		if err := tx.UpdateAgreement(agreements[0]); err != nil {
			return err
		}
		return tx.UpdateAgreement(agreements[2])
	})
	same(t, "monthly agreements after term changes", []string{"m03", "m05", "m06", "m08", "m09"}, monthly(mercato.AgreementFilter{}))

	// The monthly close skips agreements already invoiced for the period.
	update(t, s, func(tx mercato.Tx) error {
		if err := tx.InsertInvoices(invoice("inv-m05", "m05", "period:2025-01", to)); err != nil {
			return err
		}
		return tx.InsertInvoices(invoice("inv-m06", "m06", "period:2024-12", to))
	})
	same(t, "without an invoice of the period", []string{"m03", "m06", "m08", "m09"},
		monthly(mercato.AgreementFilter{WithoutInvoiceKey: "period:2025-01"}))
}
