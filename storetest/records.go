package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"mercato"
)

func insertUsage(t *testing.T, s mercato.Store, r mercato.UsageRecord) *mercato.UsageRecord {
	t.Helper()
	var existing *mercato.UsageRecord
	update(t, s, func(tx mercato.Tx) error {
		var err error
		existing, err = tx.InsertUsage(r)
		return err
	})
	return existing
}

func testUsage(t *testing.T, s mercato.Store) {
	r := mercato.UsageRecord{AgreementID: "agmt-1", Dimension: "users", Hour: at(10 * time.Hour),
		Quantity: 5, RecordedAt: at(10*time.Hour + 1234567*time.Microsecond),
		Allocations: []mercato.UsageAllocation{{Quantity: 5, Tags: []mercato.Tag{{Key: "team", Value: "blue"}, {Key: "env", Value: "prod"}}}}}
	if existing := insertUsage(t, s, r); existing != nil {
		t.Fatalf("InsertUsage of a new record returned existing %+v", *existing)
	}

	replay := r
	replay.RecordedAt = at(11 * time.Hour)
	existing := insertUsage(t, s, replay)
	if existing == nil {
		t.Fatal("InsertUsage of a known key returned no existing record")
	}
	same(t, "existing record of a replay", r, *existing)

	different := r
	different.Quantity, different.Allocations = 50, nil
	existing = insertUsage(t, s, different)
	if existing == nil {
		t.Fatal("InsertUsage of a known key with another quantity returned no existing record")
	}
	same(t, "existing record of a duplicate", r, *existing)

	// Other dimensions and hours are other records.
	for _, other := range []mercato.UsageRecord{
		{AgreementID: "agmt-1", Dimension: "gb", Hour: r.Hour, Quantity: 1, RecordedAt: r.RecordedAt},
		{AgreementID: "agmt-1", Dimension: "users", Hour: r.Hour.Add(time.Hour), Quantity: 1, RecordedAt: r.RecordedAt},
		{AgreementID: "agmt-2", Dimension: "users", Hour: r.Hour, Quantity: 1, RecordedAt: r.RecordedAt},
	} {
		if existing := insertUsage(t, s, other); existing != nil {
			t.Errorf("InsertUsage(%s %s %v) found existing %+v", other.AgreementID, other.Dimension, other.Hour, *existing)
		}
	}
	same(t, "totals after replays", []mercato.UsageTotal{
		{AgreementID: "agmt-1", Dimension: "gb", Quantity: 1}, {AgreementID: "agmt-1", Dimension: "users", Quantity: 5}},
		read(t, s, func(tx mercato.Tx) ([]mercato.UsageTotal, error) {
			return tx.UsageTotals([]string{"agmt-1"}, r.Hour, r.Hour.Add(time.Hour))
		}))
}

func testUsageTotals(t *testing.T, s mercato.Store) {
	jan := mercato.BillingPeriod{Year: 2025, Month: 1}
	from, to := jan.Start(), jan.End()
	records := []mercato.UsageRecord{
		{AgreementID: "agmt-1", Dimension: "users", Hour: from, Quantity: 5},                       // first hour: in
		{AgreementID: "agmt-1", Dimension: "users", Hour: to.Add(-time.Hour), Quantity: 7},         // last hour: in
		{AgreementID: "agmt-1", Dimension: "users", Hour: to, Quantity: 100},                       // next month
		{AgreementID: "agmt-1", Dimension: "users", Hour: from.Add(-time.Hour), Quantity: 1000},    // last month
		{AgreementID: "agmt-1", Dimension: "gb", Hour: from.Add(26 * time.Hour), Quantity: 3},      // in
		{AgreementID: "agmt-2", Dimension: "users", Hour: from.Add(100 * time.Hour), Quantity: 11}, // in
		{AgreementID: "agmt-3", Dimension: "users", Hour: from.Add(100 * time.Hour), Quantity: 13}, // not asked
	}
	update(t, s, func(tx mercato.Tx) error {
		for _, r := range records {
			if _, err := tx.InsertUsage(r); err != nil {
				return err
			}
		}
		return nil
	})
	totals := func(ids []string) []mercato.UsageTotal {
		t.Helper()
		return read(t, s, func(tx mercato.Tx) ([]mercato.UsageTotal, error) { return tx.UsageTotals(ids, from, to) })
	}
	want := []mercato.UsageTotal{
		{AgreementID: "agmt-1", Dimension: "gb", Quantity: 3},
		{AgreementID: "agmt-1", Dimension: "users", Quantity: 12},
		{AgreementID: "agmt-2", Dimension: "users", Quantity: 11},
	}
	same(t, "usage totals of January", want, totals([]string{"agmt-2", "agmt-1", "agmt-9"}))
	same(t, "usage totals of no agreement", []mercato.UsageTotal(nil), totals(nil))

	// A long list of agreements, as the monthly close passes, gives the same totals.
	many := []string{"agmt-2"}
	for i := range 2500 {
		many = append(many, fmt.Sprintf("agmt-x%04d", i))
	}
	many = append(many, "agmt-1")
	same(t, "usage totals of many agreements", want, totals(many))
}

func testIdempotency(t *testing.T, s mercato.Store) {
	r := mercato.IdempotencyRecord{Caller: buyer, Operation: "AcceptOffer", Token: "tok-1",
		RequestHash: "sha256:abc", Response: json.RawMessage(`{"agreementId":"agmt-1"}`), CreatedAt: at(time.Second)}
	update(t, s, func(tx mercato.Tx) error { return tx.PutIdempotency(r) })
	same(t, "GetIdempotency", r, read(t, s, func(tx mercato.Tx) (mercato.IdempotencyRecord, error) {
		return tx.GetIdempotency(buyer, "AcceptOffer", "tok-1")
	}))
	updateCode(t, s, "PutIdempotency of a used token", mercato.EConflict, func(tx mercato.Tx) error {
		return tx.PutIdempotency(r)
	})

	// The token is scoped to the caller and the operation.
	other := r
	other.Operation, other.Response = "CancelAgreement", nil
	update(t, s, func(tx mercato.Tx) error { return tx.PutIdempotency(other) })
	same(t, "record of another operation", other, read(t, s, func(tx mercato.Tx) (mercato.IdempotencyRecord, error) {
		return tx.GetIdempotency(buyer, "CancelAgreement", "tok-1")
	}))
	viewCode(t, s, "GetIdempotency of another caller", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetIdempotency(seller, "AcceptOffer", "tok-1")
		return err
	})
}

func testAudit(t *testing.T, s mercato.Store) {
	records := []mercato.AuditRecord{
		{Time: at(time.Hour), WallTime: at(time.Minute), Actor: seller, Action: "CreateOffer",
			ResourceType: "Offer", ResourceID: "offer-1", ClientToken: "tok", Details: json.RawMessage(`{"visibility":"public"}`)},
		{Time: at(0), WallTime: at(2 * time.Minute), Actor: buyer, Action: "AcceptOffer", // business time may go back
			ResourceType: "Agreement", ResourceID: "agmt-1"},
		{Time: at(2 * time.Hour), WallTime: at(3 * time.Minute), Actor: "system", Action: "IssueInvoice",
			ResourceType: "Invoice", ResourceID: "offer-1"},
	}
	for _, r := range records {
		update(t, s, func(tx mercato.Tx) error { return tx.InsertAudit(r) })
	}
	got := read(t, s, func(tx mercato.Tx) ([]mercato.AuditRecord, error) { return tx.ListAudit(mercato.AuditFilter{}) })
	if len(got) != len(records) {
		t.Fatalf("ListAudit returned %d records, want %d", len(got), len(records))
	}
	for i := range records {
		if i > 0 && got[i].ID <= got[i-1].ID {
			t.Errorf("audit IDs %d, %d do not grow", got[i-1].ID, got[i].ID)
		}
		records[i].ID = got[i].ID
	}
	same(t, "audit records, oldest first", records, got)
	same(t, "audit of a resource", []mercato.AuditRecord{records[0], records[2]},
		read(t, s, func(tx mercato.Tx) ([]mercato.AuditRecord, error) {
			return tx.ListAudit(mercato.AuditFilter{ResourceID: "offer-1"})
		}))
	same(t, "audit of an actor", []mercato.AuditRecord{records[1]},
		read(t, s, func(tx mercato.Tx) ([]mercato.AuditRecord, error) {
			return tx.ListAudit(mercato.AuditFilter{Actor: buyer})
		}))
	same(t, "audit of an actor and resource", []mercato.AuditRecord(nil),
		read(t, s, func(tx mercato.Tx) ([]mercato.AuditRecord, error) {
			return tx.ListAudit(mercato.AuditFilter{Actor: buyer, ResourceID: "offer-1"})
		}))
}

// testEvents inserts events, several per call: they are stored in order, with growing IDs.
func testEvents(t *testing.T, s mercato.Store) {
	// Times and accounts do not follow the insertion order.
	events := []mercato.Event{
		{UID: "e1", Time: at(2 * time.Hour), AccountID: seller, Source: "mercato", DetailType: "Invoice Issued",
			ResourceID: "inv-1", Detail: json.RawMessage(`{"invoice":{"id":"inv-1"}}`)},
		{UID: "e2", Time: at(time.Hour), AccountID: buyer, Source: "mercato", DetailType: "Invoice Issued", ResourceID: "inv-1"},
		{UID: "e3", Time: at(3 * time.Hour), AccountID: seller, Source: "mercato", DetailType: "Billing Adjustment Created",
			ResourceID: "adj-1"},
		{UID: "e4", Time: t0, AccountID: buyer2, Source: "aws.agreement-marketplace",
			DetailType: "Purchase Agreement Created - Acceptor", ResourceID: "agmt-2",
			Resources: []string{"arn:aws:aws-marketplace::aws:agreement:agmt-2"},
			Detail:    json.RawMessage(`{"agreement":{"id":"agmt-2"}}`)},
		{UID: "e5", Time: at(time.Hour), AccountID: seller, Source: "mercato", DetailType: "Invoice Issued", ResourceID: "inv-2"},
	}
	update(t, s, func(tx mercato.Tx) error { return tx.InsertEvents(events[:3]...) })
	update(t, s, func(tx mercato.Tx) error { return tx.InsertEvents() })
	update(t, s, func(tx mercato.Tx) error { return tx.InsertEvents(events[3:]...) })
	got := read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) { return tx.ListEvents(mercato.EventFilter{}) })
	if len(got) != len(events) {
		t.Fatalf("ListEvents returned %d events, want %d", len(got), len(events))
	}
	for i := range events {
		if i > 0 && got[i].ID <= got[i-1].ID {
			t.Errorf("event IDs %d, %d do not grow", got[i-1].ID, got[i].ID)
		}
		events[i].ID = got[i].ID
	}
	same(t, "events inserted several at a time, in insertion order", events, got)
	same(t, "events of an account", []mercato.Event{events[0], events[2], events[4]},
		read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) {
			return tx.ListEvents(mercato.EventFilter{AccountID: seller})
		}))
	same(t, "events of resources", []mercato.Event{events[0], events[1], events[3]},
		read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) {
			return tx.ListEvents(mercato.EventFilter{ResourceIDs: []string{"agmt-2", "inv-1", "inv-9"}})
		}))
	same(t, "events of an account and resources", []mercato.Event{events[0], events[4]},
		read(t, s, func(tx mercato.Tx) ([]mercato.Event, error) {
			return tx.ListEvents(mercato.EventFilter{AccountID: seller, ResourceIDs: []string{"inv-1", "inv-2"}})
		}))
}

func testSettings(t *testing.T, s mercato.Store) {
	get := func(key string) func(mercato.Tx) (string, error) {
		return func(tx mercato.Tx) (string, error) { return tx.GetSetting(key) }
	}
	update(t, s, func(tx mercato.Tx) error { return tx.PutSetting("clock", "2025-01-01T00:00:00Z") })
	same(t, "setting", "2025-01-01T00:00:00Z", read(t, s, get("clock")))
	update(t, s, func(tx mercato.Tx) error { return tx.PutSetting("clock", "2025-02-01T00:00:00Z") })
	same(t, "replaced setting", "2025-02-01T00:00:00Z", read(t, s, get("clock")))
	update(t, s, func(tx mercato.Tx) error { return tx.PutSetting("empty", "") })
	same(t, "empty setting", "", read(t, s, get("empty")))
	viewCode(t, s, "GetSetting of an unknown key", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := get("Clock")(tx)
		return err
	})
}

// writeSome writes one row of several kinds in tx.
func writeSome(tx mercato.Tx) error {
	if err := tx.PutSetting("k", "v"); err != nil {
		return err
	}
	if err := tx.InsertAgreement(agreement("agmt-1", mercato.Terms{recurringTerm()}, t0, time.Time{})); err != nil {
		return err
	}
	_, err := tx.PutJobs(job("j", t0))
	return err
}

// wantNothingWritten checks that nothing of writeSome is stored.
func wantNothingWritten(t *testing.T, s mercato.Store) {
	t.Helper()
	viewCode(t, s, "GetSetting after rollback", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetSetting("k")
		return err
	})
	viewCode(t, s, "GetAgreement after rollback", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetAgreement("agmt-1")
		return err
	})
	if jobs := listJobs(t, s, mercato.JobFilter{}); len(jobs) != 0 {
		t.Errorf("jobs after rollback: %v", keys(jobs))
	}
}

// writer is one of a store's ways to write, Update or UpdateRows: the rollback tests run with
// each.
type writer func(context.Context, func(mercato.Tx) error) error

func testRollback(t *testing.T, s mercato.Store, write writer) {
	boom := mercato.Errorf(mercato.EInvalid, "boom")
	err := write(context.Background(), func(tx mercato.Tx) error {
		if err := writeSome(tx); err != nil {
			return err
		}
		return fmt.Errorf("give up: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("write returned %v, want fn's error", err)
	}
	wantNothingWritten(t, s)
	// The store is usable afterwards.
	update(t, s, writeSome)
}

// testUpdateRows checks that UpdateRows commits as Update does, and that a store error undoes
// all of fn's writes (its rollbacks are tested with Update's).
func testUpdateRows(t *testing.T, s mercato.Store) {
	ctx := context.Background()
	if err := s.UpdateRows(ctx, writeSome); err != nil {
		t.Fatalf("UpdateRows: %v", err)
	}
	same(t, "setting written by UpdateRows", "v", read(t, s, func(tx mercato.Tx) (string, error) { return tx.GetSetting("k") }))
	same(t, "agreement written by UpdateRows", agreement("agmt-1", mercato.Terms{recurringTerm()}, t0, time.Time{}),
		read(t, s, func(tx mercato.Tx) (mercato.Agreement, error) { return tx.GetAgreement("agmt-1") }))
	same(t, "jobs written by UpdateRows", []string{"j"}, keys(listJobs(t, s, mercato.JobFilter{})))

	// A store error returned by fn keeps its code, and undoes fn's other writes.
	err := s.UpdateRows(ctx, func(tx mercato.Tx) error {
		if err := tx.PutSetting("k", "changed"); err != nil {
			return err
		}
		if err := tx.PutSetting("k2", "v2"); err != nil {
			return err
		}
		return tx.InsertAgreement(agreement("agmt-1", nil, t0, time.Time{}))
	})
	wantCode(t, "UpdateRows inserting a used agreement ID", err, mercato.EConflict)
	same(t, "setting after a failed UpdateRows", "v", read(t, s, func(tx mercato.Tx) (string, error) { return tx.GetSetting("k") }))
	viewCode(t, s, "setting written by a failed UpdateRows", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetSetting("k2")
		return err
	})

}

func testRollbackOnPanic(t *testing.T, s mercato.Store, write writer) {
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Fatalf("recovered %v, want the panic of fn", p)
			}
		}()
		_ = write(context.Background(), func(tx mercato.Tx) error {
			if err := writeSome(tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	wantNothingWritten(t, s)
	update(t, s, writeSome)
}

// testConflictKeepsTxUsable checks that a conflict reported by the store leaves the transaction
// usable, so that a caller may handle it and go on.
func testConflictKeepsTxUsable(t *testing.T, s mercato.Store) {
	update(t, s, writeSome)
	update(t, s, func(tx mercato.Tx) error {
		a := agreement("agmt-1", nil, t0, time.Time{})
		wantCode(t, "InsertAgreement of a used ID", tx.InsertAgreement(a), mercato.EConflict)
		inv := invoice("inv-1", "agmt-1", "k", t0)
		if err := tx.InsertInvoices(inv); err != nil {
			return err
		}
		wantCode(t, "InsertInvoice of a used key", tx.InsertInvoices(invoice("inv-2", "agmt-1", "k", t0)), mercato.EConflict)
		wantCode(t, "over-refund", tx.AddInvoiceRefunds(mercato.InvoiceAmount{InvoiceID: "inv-1", Amount: inv.PreTax + 1}), mercato.EConflict)
		if created, err := tx.PutJobs(job("j", t0)); err != nil || created != 0 {
			t.Errorf("PutJobs of a used key = %v, %v; want 0, nil", created, err)
		}
		if existing, err := tx.InsertUsage(mercato.UsageRecord{AgreementID: "agmt-1", Dimension: "u", Hour: t0}); err != nil || existing != nil {
			t.Errorf("InsertUsage = %v, %v", existing, err)
		}
		if existing, err := tx.InsertUsage(mercato.UsageRecord{AgreementID: "agmt-1", Dimension: "u", Hour: t0}); err != nil || existing == nil {
			t.Errorf("InsertUsage of a replay = %v, %v", existing, err)
		}
		return tx.PutSetting("after", "conflicts")
	})
	same(t, "setting written after conflicts", "conflicts", read(t, s, func(tx mercato.Tx) (string, error) { return tx.GetSetting("after") }))
	same(t, "invoice written between conflicts", "inv-1", read(t, s, func(tx mercato.Tx) (string, error) {
		inv, err := tx.GetInvoice("inv-1")
		return inv.ID, err
	}))
}

func testViewIsReadOnly(t *testing.T, s mercato.Store) {
	if err := s.View(context.Background(), func(tx mercato.Tx) error { return tx.PutSetting("k", "v") }); err == nil {
		t.Error("PutSetting in View succeeded")
	}
	viewCode(t, s, "GetSetting after a write in View", mercato.ENotFound, func(tx mercato.Tx) error {
		_, err := tx.GetSetting("k")
		return err
	})
}
