package e2e

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// TestSandboxCompletesAdjustmentsByItself does what a tool that polls for completion does (such
// as AWS's bulk billing-adjustment tool), against the sandbox with the Go SDK: create billing
// adjustments, then poll Get and ListBillingAdjustmentRequests until they are COMPLETED, without
// anyone moving the clock. They complete within a few seconds, at the business time they were
// made, which stays where it was; the credit memos are issued.
func TestSandboxCompletesAdjustmentsByItself(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	e := newEnv(t, srv, protocols[0])
	before := srv.now(t)
	ids := createAdjustments(t, e)

	created := time.Now()
	waitForStatus(t, e, ids, types.BillingAdjustmentStatusCompleted, 10*time.Second)
	took := time.Since(created)
	t.Logf("completed %d adjustments %v after they were accepted", len(ids), took)
	if took > 5*time.Second {
		t.Errorf("the adjustments took %v to complete on their own, want a few seconds", took)
	}
	if after := srv.now(t); !after.Equal(before) {
		t.Errorf("business time moved from %s to %s", before, after)
	}
	for _, id := range ids {
		got, err := e.seller.GetBillingAdjustmentRequest(ctx(), &ma.GetBillingAdjustmentRequestInput{
			AgreementId: aws.String(agmtContract), BillingAdjustmentRequestId: aws.String(id)})
		must(t, err)
		if !got.UpdatedAt.Equal(before) {
			t.Errorf("adjustment %s completed at %s, want the business time %s", id, got.UpdatedAt, before)
		}
	}
	memos := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract), InvoiceType: types.InvoiceTypeCreditMemo})
	if len(memos) != len(ids) {
		t.Errorf("%d credit memos, want %d", len(memos), len(ids))
	}
}

// TestSandboxManualJobsKeepsAdjustmentsPending checks serve --manual-jobs: the adjustments stay
// PENDING, however long one polls, until the clock moves (by 0s), which completes them.
func TestSandboxManualJobsKeepsAdjustmentsPending(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--manual-jobs")
	e := newEnv(t, srv, protocols[0])
	ids := createAdjustments(t, e)

	// Longer than the scheduler's tick: nothing runs on its own.
	for deadline := time.Now().Add(2500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		for id, s := range statuses(t, e, ids) {
			if s != types.BillingAdjustmentStatusPending {
				t.Fatalf("adjustment %s is %s before the clock moved", id, s)
			}
		}
	}
	srv.advance(t, "0s")
	for id, s := range statuses(t, e, ids) {
		if s != types.BillingAdjustmentStatusCompleted {
			t.Errorf("adjustment %s is %s after the clock moved", id, s)
		}
	}
}

// createAdjustments refunds part of each of the contract's invoices and returns the IDs of the
// billing adjustment requests.
func createAdjustments(t *testing.T, e *env) []string {
	t.Helper()
	invs := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract)})
	if len(invs) != 2 {
		t.Fatalf("the contract has %d invoices, want 2", len(invs))
	}
	out, err := batch(t, e.seller, entry(aws.ToString(invs[0].InvoiceId), "100.00", "autorun-1"),
		entry(aws.ToString(invs[1].InvoiceId), "50.00", "autorun-2"))
	must(t, err)
	byToken, errs := items(t, out)
	if len(byToken) != 2 || len(errs) != 0 {
		t.Fatalf("adjustments: items %v, errors %v", byToken, errs)
	}
	return []string{byToken["autorun-1"], byToken["autorun-2"]}
}

// statuses returns the status of each adjustment, as GetBillingAdjustmentRequest says it and
// checked against what ListBillingAdjustmentRequests says.
func statuses(t *testing.T, e *env, ids []string) map[string]types.BillingAdjustmentStatus {
	t.Helper()
	listed := map[string]types.BillingAdjustmentStatus{}
	out, err := e.seller.ListBillingAdjustmentRequests(ctx(), &ma.ListBillingAdjustmentRequestsInput{AgreementId: aws.String(agmtContract)})
	must(t, err)
	for _, s := range out.Items {
		listed[aws.ToString(s.BillingAdjustmentRequestId)] = s.Status
	}
	got := map[string]types.BillingAdjustmentStatus{}
	for _, id := range ids {
		ba, err := e.seller.GetBillingAdjustmentRequest(ctx(), &ma.GetBillingAdjustmentRequestInput{
			AgreementId: aws.String(agmtContract), BillingAdjustmentRequestId: aws.String(id)})
		must(t, err)
		got[id] = ba.Status
		if listed[id] != ba.Status && listed[id] != types.BillingAdjustmentStatusPending {
			// The list was read first: it may say PENDING of one completed since, never more.
			t.Errorf("adjustment %s: listed %s, got %s", id, listed[id], ba.Status)
		}
	}
	return got
}

// waitForStatus polls the adjustments, as a client waiting for them does, until all have the
// status want, and fails the test if they have not within limit.
func waitForStatus(t *testing.T, e *env, ids []string, want types.BillingAdjustmentStatus, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got := statuses(t, e, ids)
		done := true
		for _, s := range got {
			done = done && s == want
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("adjustments not %s after %v: %v", want, limit, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
