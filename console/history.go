package console

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"mercato"
)

// historyEntry is one audit record of an agreement's history, in words.
type historyEntry struct {
	Time     time.Time
	Actor    string
	Action   string
	Resource string
	Details  []string
}

// actionNames say what an audit action did.
var actionNames = map[string]string{
	"AcceptOffer":                             "Offer accepted: agreement created",
	"ReplaceAgreement":                        "Agreement replaced",
	"CancelReplacedCharges":                   "Previous offer's pending payments stopped by the seller",
	"CancelAgreement":                         "Agreement cancelled",
	"ExpireAgreement":                         "Agreement expired",
	"CreateBillingAdjustment":                 "Billing adjustment submitted",
	"CompleteBillingAdjustment":               "Billing adjustment completed: credit memo issued",
	"FailBillingAdjustment":                   "Billing adjustment failed",
	"SendAgreementCancellationRequest":        "Cancellation requested by the seller",
	"AcceptAgreementCancellationRequest":      "Cancellation approved by the buyer",
	"RejectAgreementCancellationRequest":      "Cancellation rejected by the buyer",
	"CancelAgreementCancellationRequest":      "Cancellation request withdrawn by the seller",
	"AutoApproveAgreementCancellationRequest": "Cancellation approved automatically after 7 days",
	"SendAgreementPaymentRequest":             "Payment requested by the seller",
	"AcceptAgreementPaymentRequest":           "Payment request approved by the buyer",
	"RejectAgreementPaymentRequest":           "Payment request rejected by the buyer",
	"CancelAgreementPaymentRequest":           "Payment request withdrawn by the seller",
	"AutoApproveAgreementPaymentRequest":      "Payment request approved automatically",
	"UpdatePurchaseOrder":                     "Purchase order reference updated",
}

// history returns the audit records of an agreement and of the requests made on it, oldest
// first. The caller must already be allowed to see the agreement and the requests.
func (c *Console) history(ctx context.Context, agreementID string, requestIDs []string) ([]historyEntry, error) {
	var recs []mercato.AuditRecord
	for _, id := range append([]string{agreementID}, requestIDs...) {
		got, err := c.svc.Audit(ctx, mercato.AuditFilter{ResourceID: id})
		if err != nil {
			return nil, err
		}
		recs = append(recs, got...)
	}
	sort.SliceStable(recs, func(i, j int) bool {
		if !recs[i].Time.Equal(recs[j].Time) {
			return recs[i].Time.Before(recs[j].Time)
		}
		return recs[i].ID < recs[j].ID
	})
	n := c.names(ctx)
	out := make([]historyEntry, len(recs))
	for i, rec := range recs {
		out[i] = historyEntry{Time: rec.Time, Actor: actorName(n, rec.Actor), Action: actionName(rec.Action),
			Resource: rec.ResourceID, Details: auditDetails(rec.Details)}
	}
	return out, nil
}

func actorName(n *names, actor string) string {
	switch actor {
	case "system":
		return "Marketplace (automatic)"
	case "scenario":
		return "Sandbox scenario"
	}
	return n.Account(actor)
}

func actionName(a string) string {
	if s, ok := actionNames[a]; ok {
		return s
	}
	return a
}

// auditDetails renders an audit record's details as "key: value" lines, sorted by key, leaving
// out empty values.
func auditDetails(raw json.RawMessage) []string {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != nil && v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + ": " + detailValue(m[k])
	}
	return out
}

func detailValue(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	case float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
