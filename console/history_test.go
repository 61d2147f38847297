package console_test

import (
	"html"
	"strings"
	"testing"
)

// An agreement's history says which events each change sent and to whom, in the catalog's
// words: beside the change when it is the only one of its resource at that time, on rows of
// their own when two changes share the time (an agreement accepted and replaced at once).
func TestHistoryShowsTheEventsEachChangeSent(t *testing.T) {
	e := newEnv(t)
	old, repl := e.replacedAMIAnnual()
	c := e.client()
	c.signIn(acmeKey, acmeSecret)

	history := historyOf(t, c.get("/console/seller/agreements/"+old).body)
	for _, want := range []string{
		"Event sent: Agreement created: Acme Software (Proposer), Buyer Corp (Acceptor)",
		"Event sent: License granted or changed: Acme Software (Manufacturer)",
		"Event sent: Agreement ended: Acme Software (Proposer), Buyer Corp (Acceptor)",
		"Event sent: License deprovisioned: Acme Software (Manufacturer)",
	} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	if strings.Contains(history, "Offer accepted: agreement created<div class=\"muted small\">Event sent") {
		t.Errorf("events are put beside one of two changes of the same time:\n%s", history)
	}

	history = historyOf(t, c.get("/console/seller/agreements/"+repl).body)
	want := "Offer accepted: agreement created" +
		`<div class="muted small">Event sent: Agreement created: Acme Software (Proposer), Buyer Corp (Acceptor)</div>` +
		`<div class="muted small">Event sent: License granted or changed: Acme Software (Manufacturer)</div>`
	if !strings.Contains(history, want) {
		t.Errorf("the replacement's acceptance is not shown with its events:\n%s", history)
	}
}

// historyOf returns the history table of a page, unescaped.
func historyOf(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `id="history"`)
	if i < 0 {
		t.Fatalf("no history:\n%s", page)
	}
	return html.UnescapeString(page[i:])
}
