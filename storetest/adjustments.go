package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"mercato"
)

func adjustment(id, sellerID, token string, created time.Time) mercato.BillingAdjustment {
	return mercato.BillingAdjustment{
		ID: id, AgreementID: "agmt-1", SellerID: sellerID, BuyerID: buyer, OriginalInvoiceID: "inv-1",
		Amount: mercato.MustAmount("12.34567891"), Currency: "USD", ReasonCode: "BUYER_DISSATISFACTION",
		ClientToken: token, Status: mercato.AdjustmentPending, CreatedAt: created, UpdatedAt: created,
	}
}

// adjustmentIDs returns the IDs of billing adjustments.
func adjustmentIDs(as []mercato.BillingAdjustment) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func testAdjustments(t *testing.T, s mercato.Store) {
	a1 := adjustment("adj-1", seller, "tok-1", at(time.Hour+123*time.Microsecond))
	a1.Description, a1.PolicyRule = "refund for a partial month", "within-30-days"
	a2 := adjustment("adj-2", seller, "tok-2", at(2*time.Hour))
	a2.OriginalInvoiceID, a2.Amount, a2.Currency, a2.ReasonCode = "inv-2", mercato.MustAmount("0.00000001"), "EUR", "OTHER"
	same2 := adjustment("adj-3", seller2, "tok-1", at(3*time.Hour)) // another seller's token
	noToken1 := adjustment("adj-4", seller, "", at(4*time.Hour))    // no token: not unique
	noToken2 := adjustment("adj-5", seller, "", at(4*time.Hour))
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(a1, a2) })
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(same2) })
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(noToken1, noToken2) })
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments() })

	get := func(id string) mercato.BillingAdjustment {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.BillingAdjustment, error) { return tx.GetAdjustment(id) })
	}
	// byToken reads the one adjustment of a seller's token, ENotFound if there is none.
	byToken := func(sellerID, token string) func(mercato.Tx) (mercato.BillingAdjustment, error) {
		return func(tx mercato.Tx) (mercato.BillingAdjustment, error) {
			found, err := tx.AdjustmentsByToken(sellerID, token)
			switch {
			case err != nil:
				return mercato.BillingAdjustment{}, err
			case len(found) != 1:
				return mercato.BillingAdjustment{}, mercato.NotFound("BillingAdjustmentRequest", sellerID+"/"+token)
			}
			return found[0], nil
		}
	}
	same(t, "GetAdjustment", a1, get("adj-1"))
	same(t, "GetAdjustment of a second one of a batch", a2, get("adj-2"))
	same(t, "GetAdjustment without a token", noToken2, get("adj-5"))
	same(t, "AdjustmentsByToken", a2, read(t, s, byToken(seller, "tok-2")))
	same(t, "AdjustmentsByToken of a token two sellers use", a1, read(t, s, byToken(seller, "tok-1")))
	same(t, "AdjustmentsByToken of the other seller", same2, read(t, s, byToken(seller2, "tok-1")))
	for _, tc := range []struct{ what, seller, token string }{
		{"unknown token", seller, "tok-9"},
		{"token of another seller", seller2, "tok-2"},
		{"empty token", seller, ""},
	} {
		viewCode(t, s, "AdjustmentsByToken of an "+tc.what, mercato.ENotFound, func(tx mercato.Tx) error {
			_, err := byToken(tc.seller, tc.token)(tx)
			return err
		})
	}

	dupID := adjustment("adj-1", seller, "tok-new", t0)
	updateCode(t, s, "InsertAdjustments of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAdjustments(dupID)
	})
	updateCode(t, s, "InsertAdjustments of a used token", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAdjustments(adjustment("adj-9", seller, "tok-2", t0))
	})
	updateCode(t, s, "InsertAdjustments with one used ID of two", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAdjustments(adjustment("adj-8", seller, "tok-8", t0), adjustment("adj-2", seller, "tok-7", t0))
	})
	updateCode(t, s, "InsertAdjustments of one token twice", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAdjustments(adjustment("adj-8", seller, "tok-8", t0), adjustment("adj-7", seller, "tok-8", t0))
	})
	updateCode(t, s, "InsertAdjustments of one ID twice", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAdjustments(adjustment("adj-8", seller, "tok-8", t0), adjustment("adj-8", seller, "tok-7", t0))
	})
	same(t, "adjustment after a conflicting insert", a1, get("adj-1"))
	same(t, "adjustments after conflicting inserts", []string{"adj-1", "adj-2", "adj-3", "adj-4", "adj-5"},
		adjustmentIDs(read(t, s, func(tx mercato.Tx) ([]mercato.BillingAdjustment, error) {
			return tx.ListAdjustments(mercato.AdjustmentFilter{})
		})))

	// Many adjustments in one call, more than one statement holds.
	var many []mercato.BillingAdjustment
	for i := range 700 {
		id := fmt.Sprintf("many-%03d", i)
		many = append(many, adjustment(id, seller2, "tok-"+id, at(time.Duration(i)*time.Second)))
	}
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(many...) })
	same(t, "many adjustments", many, read(t, s, func(tx mercato.Tx) ([]mercato.BillingAdjustment, error) {
		return tx.ListAdjustments(mercato.AdjustmentFilter{SellerID: seller2, CreatedBefore: at(time.Hour)})
	}))

	a1.Status, a1.StatusMessage, a1.CreditMemoID = mercato.AdjustmentCompleted, "credit memo issued", "inv-cm-1"
	a1.UpdatedAt = at(5*time.Hour + 7*time.Microsecond)
	update(t, s, func(tx mercato.Tx) error { return tx.SetAdjustmentStatus(a1) })
	same(t, "updated adjustment", a1, get("adj-1"))
	same(t, "AdjustmentsByToken of an updated adjustment", a1, read(t, s, byToken(seller, "tok-1")))

	updateCode(t, s, "SetAdjustmentStatus of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		return tx.SetAdjustmentStatus(adjustment("adj-x", seller, "tok-x", t0))
	})
	viewCode(t, s, "AdjustmentsByToken after a refused update", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := byToken(seller, "tok-x")(tx)
		return err
	})
}

func testListAdjustments(t *testing.T, s mercato.Store) {
	ta, t1, t2, t3 := at(30*time.Minute), at(time.Hour+time.Microsecond), at(2*time.Hour), at(3*time.Hour)
	mk := func(id, sellerID, agreementID, invoiceID string, status mercato.AdjustmentStatus, created time.Time) mercato.BillingAdjustment {
		a := adjustment(id, sellerID, "tok-"+id, created)
		a.AgreementID, a.OriginalInvoiceID, a.Status = agreementID, invoiceID, status
		return a
	}
	// Inserted out of order; three share a creation time, and their IDs mix case: the order
	// is byte order whatever the database's locale.
	all := []mercato.BillingAdjustment{
		mk("adj-b", seller, "agmt-1", "inv-1", mercato.AdjustmentPending, t1),
		mk("adj-c", seller, "agmt-2", "inv-3", mercato.AdjustmentCompleted, t3),
		mk("adj-a", seller, "agmt-2", "inv-3", mercato.AdjustmentPending, t1),
		mk("adj-9", seller2, "agmt-3", "inv-4", mercato.AdjustmentPending, ta),
		mk("adj-B", seller2, "agmt-3", "inv-4", mercato.AdjustmentValidationFailed, t1),
		mk("adj-0", seller, "agmt-1", "inv-1", mercato.AdjustmentCompleted, t2),
	}
	for _, a := range all {
		update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(a) })
	}
	sorted := []string{"adj-9", "adj-B", "adj-a", "adj-b", "adj-0", "adj-c"}
	list := func(f mercato.AdjustmentFilter) []mercato.BillingAdjustment {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]mercato.BillingAdjustment, error) { return tx.ListAdjustments(f) })
	}
	for _, tc := range []struct {
		name   string
		filter mercato.AdjustmentFilter
		want   []string
	}{
		{"all, by creation time then ID", mercato.AdjustmentFilter{}, sorted},
		{"seller", mercato.AdjustmentFilter{SellerID: seller}, []string{"adj-a", "adj-b", "adj-0", "adj-c"}},
		{"other seller", mercato.AdjustmentFilter{SellerID: seller2}, []string{"adj-9", "adj-B"}},
		{"agreement", mercato.AdjustmentFilter{AgreementID: "agmt-1"}, []string{"adj-b", "adj-0"}},
		{"invoice", mercato.AdjustmentFilter{InvoiceID: "inv-3"}, []string{"adj-a", "adj-c"}},
		{"status", mercato.AdjustmentFilter{Status: mercato.AdjustmentPending}, []string{"adj-9", "adj-a", "adj-b"}},
		{"seller and status", mercato.AdjustmentFilter{SellerID: seller, Status: mercato.AdjustmentCompleted}, []string{"adj-0", "adj-c"}},
		{"agreement and invoice", mercato.AdjustmentFilter{AgreementID: "agmt-2", InvoiceID: "inv-1"}, nil},
		{"created after (exclusive)", mercato.AdjustmentFilter{CreatedAfter: t1}, []string{"adj-0", "adj-c"}},
		{"created before (exclusive)", mercato.AdjustmentFilter{CreatedBefore: t1}, []string{"adj-9"}},
		{"created between", mercato.AdjustmentFilter{CreatedAfter: ta, CreatedBefore: t2}, []string{"adj-B", "adj-a", "adj-b"}},
		{"created a microsecond around", mercato.AdjustmentFilter{CreatedAfter: t1.Add(-time.Microsecond),
			CreatedBefore: t1.Add(time.Microsecond)}, []string{"adj-B", "adj-a", "adj-b"}},
		{"seller, created after", mercato.AdjustmentFilter{SellerID: seller2, CreatedAfter: ta}, []string{"adj-B"}},
		{"after", mercato.AdjustmentFilter{AfterID: "adj-B"}, []string{"adj-a", "adj-b", "adj-0", "adj-c"}},
		{"after the first of a time", mercato.AdjustmentFilter{AfterID: "adj-a"}, []string{"adj-b", "adj-0", "adj-c"}},
		{"after the last of a time", mercato.AdjustmentFilter{AfterID: "adj-b"}, []string{"adj-0", "adj-c"}},
		{"after one of another seller", mercato.AdjustmentFilter{SellerID: seller, AfterID: "adj-B"},
			[]string{"adj-a", "adj-b", "adj-0", "adj-c"}},
		{"limit", mercato.AdjustmentFilter{Limit: 2}, sorted[:2]},
		{"after and limit", mercato.AdjustmentFilter{AfterID: "adj-9", Limit: 2}, []string{"adj-B", "adj-a"}},
		{"after, limit and status", mercato.AdjustmentFilter{AfterID: "adj-9", Limit: 1, Status: mercato.AdjustmentPending},
			[]string{"adj-a"}},
		{"after the last", mercato.AdjustmentFilter{AfterID: "adj-c"}, nil},
		{"no match", mercato.AdjustmentFilter{SellerID: buyer}, nil},
		{"IDs", mercato.AdjustmentFilter{IDs: []string{"adj-c", "adj-9"}}, []string{"adj-9", "adj-c"}},
		{"one ID", mercato.AdjustmentFilter{IDs: []string{"adj-B"}}, []string{"adj-B"}},
		{"three IDs", mercato.AdjustmentFilter{IDs: []string{"adj-0", "adj-B", "adj-b"}}, []string{"adj-B", "adj-b", "adj-0"}},
		{"IDs with an unknown one", mercato.AdjustmentFilter{IDs: []string{"adj-x", "adj-a", "adj-0"}}, []string{"adj-a", "adj-0"}},
		{"unknown IDs", mercato.AdjustmentFilter{IDs: []string{"adj-x", "adj-y"}}, nil},
		{"IDs and status", mercato.AdjustmentFilter{IDs: []string{"adj-9", "adj-B", "adj-c", "adj-a"},
			Status: mercato.AdjustmentPending}, []string{"adj-9", "adj-a"}},
		{"IDs and seller", mercato.AdjustmentFilter{IDs: []string{"adj-9", "adj-B", "adj-c"}, SellerID: seller2},
			[]string{"adj-9", "adj-B"}},
		{"IDs, after and limit", mercato.AdjustmentFilter{IDs: []string{"adj-c", "adj-9", "adj-b", "adj-a", "adj-0"},
			AfterID: "adj-9", Limit: 2}, []string{"adj-a", "adj-b"}},
	} {
		same(t, "ListAdjustments "+tc.name, tc.want, adjustmentIDs(list(tc.filter)))
	}
	viewCode(t, s, "ListAdjustments after an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.ListAdjustments(mercato.AdjustmentFilter{AfterID: "adj-x"})
		return err
	})

	// Paging with AfterID and Limit visits every adjustment once, in order, whole.
	byID := map[string]mercato.BillingAdjustment{}
	for _, a := range all {
		byID[a.ID] = a
	}
	for _, f := range []mercato.AdjustmentFilter{{}, {SellerID: seller}, {Status: mercato.AdjustmentPending},
		{IDs: []string{"adj-c", "adj-B", "adj-a", "adj-0", "adj-x"}}} {
		var want, paged []mercato.BillingAdjustment
		for _, a := range list(f) {
			want = append(want, byID[a.ID])
		}
		for f.AfterID = ""; ; {
			if len(paged) > len(all) {
				t.Fatalf("paging %+v returned %d adjustments of %d", f, len(paged), len(all))
			}
			f.Limit = 2
			page := list(f)
			if len(page) > 2 {
				t.Fatalf("page of %d adjustments, limit 2", len(page))
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			f.AfterID = page[len(page)-1].ID
		}
		same(t, "paged adjustments", want, paged)
	}
}

func testAdjustmentsByToken(t *testing.T, s mercato.Store) {
	// 70 adjustments of the seller: more than one statement probes (64); another seller uses
	// some of the same tokens, and the seller has an adjustment without a token.
	var mine []mercato.BillingAdjustment
	for i := range 70 {
		mine = append(mine, adjustment(fmt.Sprintf("adj-%02d", i), seller, fmt.Sprintf("tok-%02d", i), at(time.Duration(i)*time.Minute)))
	}
	theirs := []mercato.BillingAdjustment{
		adjustment("other-03", seller2, "tok-03", t0),
		adjustment("other-68", seller2, "tok-68", t0),
		adjustment("other-99", seller2, "tok-99", t0),
	}
	noToken := adjustment("adj-none", seller, "", t0)
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(mine...) })
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(append(theirs, noToken)...) })

	tokensOf := func(as []mercato.BillingAdjustment) []string {
		out := make([]string, len(as))
		for i, a := range as {
			out[i] = a.ClientToken
		}
		return out
	}
	all := tokensOf(mine)
	reversed := slices.Clone(all)
	slices.Reverse(reversed)
	var unknown []string
	for i := range 10 {
		unknown = append(unknown, fmt.Sprintf("tok-x%d", i))
	}
	for _, tc := range []struct {
		name   string
		seller string
		tokens []string
		want   []mercato.BillingAdjustment
	}{
		{"no token", seller, nil, nil},
		{"one token", seller, []string{"tok-05"}, mine[5:6]},
		{"three tokens", seller, []string{"tok-20", "tok-01", "tok-10"}, []mercato.BillingAdjustment{mine[1], mine[10], mine[20]}},
		{"tokens two sellers use", seller, []string{"tok-68", "tok-03"}, []mercato.BillingAdjustment{mine[3], mine[68]}},
		{"tokens of the other seller", seller2, []string{"tok-68", "tok-05", "tok-03", "tok-99", "tok-x"}, theirs},
		{"another seller's token only", seller, []string{"tok-99"}, nil},
		{"empty and unknown tokens", seller, []string{"", "tok-07", "tok-x", "", "tok-y"}, mine[7:8]},
		{"the empty token only", seller, []string{""}, nil},
		{"unknown tokens only", seller, unknown, nil},
		{"64 tokens", seller, all[:64], mine[:64]},
		{"65 tokens", seller, all[5:], mine[5:]},
		{"all 70 tokens, last first", seller, reversed, mine},
		{"70 tokens among 80, with empty ones", seller, slices.Concat(unknown[:5], []string{"", ""}, all, unknown[5:]), mine},
	} {
		got := read(t, s, func(tx mercato.Tx) ([]mercato.BillingAdjustment, error) {
			return tx.AdjustmentsByToken(tc.seller, tc.tokens...)
		})
		slices.SortFunc(got, func(a, b mercato.BillingAdjustment) int { return cmp.Compare(a.ID, b.ID) })
		same(t, "AdjustmentsByToken of "+tc.name, tc.want, got)
	}
}

func testSetAdjustmentStatus(t *testing.T, s mercato.Store) {
	a1 := adjustment("adj-1", seller, "tok-1", at(time.Hour))
	a1.Description, a1.PolicyRule = "refund for a partial month", "within-30-days"
	a2 := adjustment("adj-2", seller2, "tok-2", at(2*time.Hour))
	a3 := adjustment("adj-3", seller, "tok-3", at(3*time.Hour))
	update(t, s, func(tx mercato.Tx) error { return tx.InsertAdjustments(a1, a2, a3) })
	get := func(id string) mercato.BillingAdjustment {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.BillingAdjustment, error) { return tx.GetAdjustment(id) })
	}

	// The arguments differ in other fields too: only the status fields are written.
	set1, set2 := a1, a2
	set1.Status, set1.StatusMessage, set1.CreditMemoID = mercato.AdjustmentCompleted, "credit memo issued", "cm-1"
	set1.UpdatedAt = at(5*time.Hour + 7*time.Microsecond)
	set1.Amount, set1.Description, set1.ClientToken, set1.CreatedAt = 1, "changed", "tok-changed", at(9*time.Hour)
	set2.Status, set2.StatusMessage = mercato.AdjustmentValidationFailed, "invoice already refunded"
	set2.UpdatedAt = at(6 * time.Hour)
	set2.SellerID, set2.PolicyRule, set2.OriginalInvoiceID = seller, "changed", "inv-changed"
	update(t, s, func(tx mercato.Tx) error { return tx.SetAdjustmentStatus(set1, set2) })
	want1, want2 := a1, a2
	want1.Status, want1.StatusMessage, want1.CreditMemoID, want1.UpdatedAt = set1.Status, set1.StatusMessage, set1.CreditMemoID, set1.UpdatedAt
	want2.Status, want2.StatusMessage, want2.UpdatedAt = set2.Status, set2.StatusMessage, set2.UpdatedAt
	same(t, "first adjustment after SetAdjustmentStatus", want1, get("adj-1"))
	same(t, "second adjustment after SetAdjustmentStatus", want2, get("adj-2"))
	same(t, "adjustment left out of SetAdjustmentStatus", a3, get("adj-3"))

	// Status fields may be cleared.
	set1 = want1
	set1.Status, set1.StatusMessage, set1.CreditMemoID, set1.UpdatedAt = mercato.AdjustmentPending, "", "", at(7*time.Hour)
	update(t, s, func(tx mercato.Tx) error { return tx.SetAdjustmentStatus(set1) })
	same(t, "adjustment after clearing its status fields", set1, get("adj-1"))
	update(t, s, func(tx mercato.Tx) error { return tx.SetAdjustmentStatus() })

	unknown := adjustment("adj-x", seller, "tok-x", t0)
	changed := set1
	changed.Status, changed.UpdatedAt = mercato.AdjustmentCompleted, at(8*time.Hour)
	updateCode(t, s, "SetAdjustmentStatus of an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		return tx.SetAdjustmentStatus(unknown)
	})
	updateCode(t, s, "SetAdjustmentStatus of a known and an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		return tx.SetAdjustmentStatus(changed, unknown)
	})
	same(t, "adjustment after a refused SetAdjustmentStatus", set1, get("adj-1"))
	viewCode(t, s, "GetAdjustment of the unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetAdjustment("adj-x")
		return err
	})
}

// testRequestConflictsKeepTxUsable checks that the conflicts of the billing adjustments and requests
// leave the transaction usable.
func testRequestConflictsKeepTxUsable(t *testing.T, s mercato.Store) {
	a := adjustment("adj-1", seller, "tok-1", t0)
	c := cancellationRequest("acr-1", t0)
	p := paymentRequest("pr-1", t0)
	r := agreementRequest("ar-1", t0)
	put(t, s,
		func(tx mercato.Tx) error { return tx.InsertAdjustments(a) },
		func(tx mercato.Tx) error { return tx.InsertCancellationRequest(c) },
		func(tx mercato.Tx) error { return tx.InsertPaymentRequest(p) },
		func(tx mercato.Tx) error { return tx.InsertAgreementRequest(r) },
	)
	err := s.Update(context.Background(), func(tx mercato.Tx) error {
		wantCode(t, "InsertAdjustments of a used token", tx.InsertAdjustments(adjustment("adj-2", seller, "tok-1", t0)), mercato.EConflict)
		wantCode(t, "InsertAdjustments of a used ID", tx.InsertAdjustments(adjustment("adj-1", seller, "tok-2", t0)), mercato.EConflict)
		wantCode(t, "InsertCancellationRequest of a used ID", tx.InsertCancellationRequest(c), mercato.EConflict)
		wantCode(t, "InsertPaymentRequest of a used ID", tx.InsertPaymentRequest(p), mercato.EConflict)
		wantCode(t, "InsertAgreementRequest of a used ID", tx.InsertAgreementRequest(r), mercato.EConflict)
		return tx.InsertAdjustments(adjustment("adj-3", seller, "tok-3", t0))
	})
	if err != nil {
		t.Fatalf("Update after conflicts: %v", err)
	}
	same(t, "adjustment written after conflicts", "adj-3", read(t, s, func(tx mercato.Tx) (string, error) {
		found, err := tx.AdjustmentsByToken(seller, "tok-3")
		if err != nil || len(found) != 1 {
			return "", fmt.Errorf("adjustments of tok-3: %v, %w", found, err)
		}
		return found[0].ID, nil
	}))
}
