package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"mercato/control"
)

// jobNames says what each kind of job does, for the summary of a clock move; a kind missing
// here is printed by its name.
var jobNames = map[string]string{
	"invoice-charge":            "upfront and installment charges invoiced",
	"monthly-close":             "monthly closes (consolidated invoices)",
	"settle":                    "daily settlements (collections and payouts)",
	"process-adjustment":        "billing adjustment batches completed",
	"expire-agreement":          "agreements expired",
	"scenario-accept":           "scheduled acceptances",
	"auto-approve-cancellation": "cancellation requests approved after 7 days",
	"auto-approve-payment":      "payment requests approved",
	"refund-case-review":        "refund requests decided",
	"refund-case-cancel":        "cancellations on their date",
}

// printClockMove writes what a move of the clock did, for people: the new time, the documents
// issued, the jobs done by kind and the jobs that failed.
func printClockMove(w io.Writer, m control.ClockMoveBody) error {
	var b strings.Builder
	fmt.Fprintf(&b, "business time is now %s\n", m.Now)
	i := m.Issued
	fmt.Fprintf(&b, "issued: %d invoices, %d credit memos (refunds), %d payments, %d payouts\n",
		i.Invoices, i.CreditMemos, i.Payments, i.Payouts)
	if len(m.Done) == 0 {
		b.WriteString("jobs done: none\n")
	} else {
		b.WriteString("jobs done:\n")
		for _, k := range slices.Sorted(maps.Keys(m.Done)) {
			name := jobNames[string(k)]
			if name == "" {
				name = string(k)
			}
			fmt.Fprintf(&b, "  %6d  %s\n", m.Done[k], name)
		}
	}
	if len(m.Failed) == 0 {
		b.WriteString("jobs failed: none\n")
	} else {
		fmt.Fprintf(&b, "jobs failed: %d (listed below)\n", len(m.Failed))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
