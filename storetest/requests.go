package storetest

import (
	"testing"
	"time"

	"mercato"
)

func cancellationRequest(id string, created time.Time) mercato.CancellationRequest {
	return mercato.CancellationRequest{
		ID: id, AgreementID: "agmt-1", SellerID: seller, BuyerID: buyer, ReasonCode: "PRODUCT_DISCONTINUED",
		Description: "we stop selling it", Status: mercato.CancellationPendingApproval, ClientToken: "tok-" + id,
		CreatedAt: created, UpdatedAt: created,
	}
}

func paymentRequest(id string, created time.Time) mercato.PaymentRequest {
	return mercato.PaymentRequest{
		ID: id, AgreementID: "agmt-1", SellerID: seller, BuyerID: buyer, TermID: "vp", Name: "March services",
		Description: "consulting, 10 days", Amount: mercato.MustAmount("1500.00000001"), Currency: "USD",
		Status: mercato.PaymentRequestPendingApproval, PurchaseOrderReference: "PO-7", ClientToken: "tok-" + id,
		CreatedAt: created, UpdatedAt: created,
	}
}

func agreementRequest(id string, created time.Time) mercato.AgreementRequest {
	return mercato.AgreementRequest{
		ID: id, BuyerID: buyer, Intent: "NEW", OfferID: "offer-1", Terms: richTerms(), ClientToken: "tok-" + id,
		CreatedAt: created, ExpiresAt: created.Add(time.Hour),
	}
}

func testCancellationRequests(t *testing.T, s mercato.Store) {
	r := cancellationRequest("acr-1", at(time.Hour+42*time.Microsecond))
	bare := mercato.CancellationRequest{ID: "acr-2", AgreementID: "agmt-2", SellerID: seller, BuyerID: buyer2,
		ReasonCode: "OTHER", Status: mercato.CancellationValidationFailed, CreatedAt: t0, UpdatedAt: t0}
	put(t, s,
		func(tx mercato.Tx) error { return tx.InsertCancellationRequest(r) },
		func(tx mercato.Tx) error { return tx.InsertCancellationRequest(bare) },
	)
	get := func(id string) mercato.CancellationRequest {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.CancellationRequest, error) { return tx.GetCancellationRequest(id) })
	}
	same(t, "GetCancellationRequest", r, get("acr-1"))
	same(t, "GetCancellationRequest of one without optional fields", bare, get("acr-2"))

	dup := cancellationRequest("acr-1", t0)
	dup.AgreementID = "agmt-9"
	updateCode(t, s, "InsertCancellationRequest of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertCancellationRequest(dup)
	})
	same(t, "cancellation request after a conflicting insert", r, get("acr-1"))

	r.Status, r.StatusMessage, r.UpdatedAt = mercato.CancellationRejected, "the buyer still needs it", at(49*time.Hour)
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateCancellationRequest(r) })
	same(t, "updated cancellation request", r, get("acr-1"))
	same(t, "other cancellation request after an update", bare, get("acr-2"))
}

func testPaymentRequests(t *testing.T, s mercato.Store) {
	r := paymentRequest("pr-1", at(time.Hour+42*time.Microsecond))
	bare := mercato.PaymentRequest{ID: "pr-2", AgreementID: "agmt-2", SellerID: seller, BuyerID: buyer2,
		TermID: "vp", Name: "x", Amount: -1, Currency: "EUR", Status: mercato.PaymentRequestValidating,
		CreatedAt: t0, UpdatedAt: t0}
	put(t, s,
		func(tx mercato.Tx) error { return tx.InsertPaymentRequest(r) },
		func(tx mercato.Tx) error { return tx.InsertPaymentRequest(bare) },
	)
	get := func(id string) mercato.PaymentRequest {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.PaymentRequest, error) { return tx.GetPaymentRequest(id) })
	}
	same(t, "GetPaymentRequest", r, get("pr-1"))
	same(t, "GetPaymentRequest of one without optional fields", bare, get("pr-2"))

	dup := paymentRequest("pr-1", t0)
	dup.Amount = 1
	updateCode(t, s, "InsertPaymentRequest of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertPaymentRequest(dup)
	})
	same(t, "payment request after a conflicting insert", r, get("pr-1"))

	r.Status, r.StatusMessage, r.ChargeID, r.UpdatedAt = mercato.PaymentRequestApproved, "approved by buyer", "ch-7", at(49*time.Hour)
	update(t, s, func(tx mercato.Tx) error { return tx.UpdatePaymentRequest(r) })
	same(t, "updated payment request", r, get("pr-1"))
	same(t, "other payment request after an update", bare, get("pr-2"))
}

func testAgreementRequests(t *testing.T, s mercato.Store) {
	r := agreementRequest("ar-1", at(time.Hour+42*time.Microsecond))
	replace := mercato.AgreementRequest{ID: "ar-2", BuyerID: buyer2, Intent: "REPLACE", OfferID: "offer-2",
		SourceAgreementID: "agmt-1", Terms: mercato.Terms{upfrontTerm()}, CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 1)}
	put(t, s,
		func(tx mercato.Tx) error { return tx.InsertAgreementRequest(r) },
		func(tx mercato.Tx) error { return tx.InsertAgreementRequest(replace) },
	)
	get := func(id string) mercato.AgreementRequest {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) (mercato.AgreementRequest, error) { return tx.GetAgreementRequest(id) })
	}
	same(t, "GetAgreementRequest", r, get("ar-1"))
	same(t, "GetAgreementRequest of a replacement", replace, get("ar-2"))

	updateCode(t, s, "InsertAgreementRequest of a used ID", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.InsertAgreementRequest(agreementRequest("ar-2", t0))
	})
	same(t, "agreement request after a conflicting insert", replace, get("ar-2"))

	r.AgreementID = "agmt-7"
	r.Terms = mercato.Terms{recurringTerm()}
	update(t, s, func(tx mercato.Tx) error { return tx.UpdateAgreementRequest(r) })
	same(t, "accepted agreement request", r, get("ar-1"))
	same(t, "other agreement request after an update", replace, get("ar-2"))
}

// requestKind adapts the tests of request lists to cancellation and payment requests.
type requestKind[T any] struct {
	// make returns a request; status is one of two statuses, 1 or 2.
	make   func(id, sellerID, buyerID, agreementID string, status int, created time.Time) T
	insert func(mercato.Tx, T) error
	list   func(mercato.Tx, mercato.RequestFilter) ([]T, error)
	id     func(T) string
	// statuses are the statuses 1 and 2 as a filter names them.
	status1, status2 string
}

func testListCancellationRequests(t *testing.T, s mercato.Store) {
	testRequestList(t, s, requestKind[mercato.CancellationRequest]{
		make: func(id, sellerID, buyerID, agreementID string, status int, created time.Time) mercato.CancellationRequest {
			r := cancellationRequest(id, created)
			r.SellerID, r.BuyerID, r.AgreementID = sellerID, buyerID, agreementID
			r.Status = []mercato.CancellationStatus{"", mercato.CancellationPendingApproval, mercato.CancellationApproved}[status]
			return r
		},
		insert:  mercato.Tx.InsertCancellationRequest,
		list:    mercato.Tx.ListCancellationRequests,
		id:      func(r mercato.CancellationRequest) string { return r.ID },
		status1: string(mercato.CancellationPendingApproval),
		status2: string(mercato.CancellationApproved),
	})
}

func testListPaymentRequests(t *testing.T, s mercato.Store) {
	testRequestList(t, s, requestKind[mercato.PaymentRequest]{
		make: func(id, sellerID, buyerID, agreementID string, status int, created time.Time) mercato.PaymentRequest {
			r := paymentRequest(id, created)
			r.SellerID, r.BuyerID, r.AgreementID = sellerID, buyerID, agreementID
			r.Status = []mercato.PaymentRequestStatus{"", mercato.PaymentRequestPendingApproval, mercato.PaymentRequestRejected}[status]
			return r
		},
		insert:  mercato.Tx.InsertPaymentRequest,
		list:    mercato.Tx.ListPaymentRequests,
		id:      func(r mercato.PaymentRequest) string { return r.ID },
		status1: string(mercato.PaymentRequestPendingApproval),
		status2: string(mercato.PaymentRequestRejected),
	})
}

// testRequestList checks the filters, order and paging of a list of requests.
func testRequestList[T any](t *testing.T, s mercato.Store, k requestKind[T]) {
	ta, t1, t2, t3 := at(30*time.Minute), at(time.Hour+time.Microsecond), at(2*time.Hour), at(3*time.Hour)
	// Inserted out of order; three share a creation time, and their IDs mix case: the order
	// is byte order whatever the database's locale.
	all := []T{
		k.make("r-b", seller, buyer, "agmt-1", 1, t1),
		k.make("r-c", seller, buyer2, "agmt-2", 2, t3),
		k.make("r-a", seller2, buyer, "agmt-3", 1, t1),
		k.make("r-9", seller, buyer, "agmt-1", 2, ta),
		k.make("r-B", seller2, buyer2, "agmt-3", 1, t1),
		k.make("r-0", seller, buyer, "agmt-2", 1, t2),
	}
	for _, r := range all {
		update(t, s, func(tx mercato.Tx) error { return k.insert(tx, r) })
	}
	ids := func(rs []T) []string {
		var out []string
		for _, r := range rs {
			out = append(out, k.id(r))
		}
		return out
	}
	list := func(f mercato.RequestFilter) []T {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]T, error) { return k.list(tx, f) })
	}
	sorted := []string{"r-9", "r-B", "r-a", "r-b", "r-0", "r-c"}
	for _, tc := range []struct {
		name   string
		filter mercato.RequestFilter
		want   []string
	}{
		{"all, by creation time then ID", mercato.RequestFilter{}, sorted},
		{"seller", mercato.RequestFilter{SellerID: seller}, []string{"r-9", "r-b", "r-0", "r-c"}},
		{"buyer", mercato.RequestFilter{BuyerID: buyer2}, []string{"r-B", "r-c"}},
		{"agreement", mercato.RequestFilter{AgreementID: "agmt-3"}, []string{"r-B", "r-a"}},
		{"status", mercato.RequestFilter{Status: k.status1}, []string{"r-B", "r-a", "r-b", "r-0"}},
		{"other status", mercato.RequestFilter{Status: k.status2}, []string{"r-9", "r-c"}},
		{"seller, buyer and status", mercato.RequestFilter{SellerID: seller, BuyerID: buyer, Status: k.status1}, []string{"r-b", "r-0"}},
		{"agreement and buyer", mercato.RequestFilter{AgreementID: "agmt-2", BuyerID: buyer}, []string{"r-0"}},
		{"after", mercato.RequestFilter{AfterID: "r-B"}, []string{"r-a", "r-b", "r-0", "r-c"}},
		{"after the first of a time", mercato.RequestFilter{AfterID: "r-a"}, []string{"r-b", "r-0", "r-c"}},
		{"after the last of a time", mercato.RequestFilter{AfterID: "r-b"}, []string{"r-0", "r-c"}},
		{"after one of another seller", mercato.RequestFilter{SellerID: seller, AfterID: "r-a"}, []string{"r-b", "r-0", "r-c"}},
		{"limit", mercato.RequestFilter{Limit: 3}, sorted[:3]},
		{"after and limit", mercato.RequestFilter{AfterID: "r-9", Limit: 2}, []string{"r-B", "r-a"}},
		{"after, limit and buyer", mercato.RequestFilter{AfterID: "r-9", Limit: 2, BuyerID: buyer}, []string{"r-a", "r-b"}},
		{"after the last", mercato.RequestFilter{AfterID: "r-c"}, nil},
		{"no match", mercato.RequestFilter{SellerID: buyer}, nil},
	} {
		same(t, "list "+tc.name, tc.want, ids(list(tc.filter)))
	}
	viewCode(t, s, "list after an unknown ID", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := k.list(tx, mercato.RequestFilter{AfterID: "r-x"})
		return err
	})

	// Paging with AfterID and Limit visits every request once, in order, whole.
	byID := map[string]T{}
	for _, r := range all {
		byID[k.id(r)] = r
	}
	for _, f := range []mercato.RequestFilter{{}, {SellerID: seller}, {Status: k.status1}} {
		var want, paged []T
		for _, id := range ids(list(f)) {
			want = append(want, byID[id])
		}
		for f.AfterID = ""; ; {
			if len(paged) > len(all) {
				t.Fatalf("paging %+v returned %d requests of %d", f, len(paged), len(all))
			}
			f.Limit = 2
			page := list(f)
			if len(page) > 2 {
				t.Fatalf("page of %d requests, limit 2", len(page))
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			f.AfterID = k.id(page[len(page)-1])
		}
		if len(want) == 0 {
			t.Fatalf("no requests match %+v", f)
		}
		same(t, "paged requests", want, paged)
	}
}
