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

// historyEntry is one change of an agreement's history, in words: an audit record and the
// events it told, or an event told without a change (an agreement's end coming).
type historyEntry struct {
	Time     time.Time
	Actor    string
	Action   string
	Resource string
	Details  []string
	// Told says which events the change sent and to whom: "Agreement created: Acme (Proposer),
	// Buyer Corp (Acceptor)".
	Told []string
}

// history returns the audit records of an agreement and of the requests made on it, with the
// events each told, oldest first. The caller must already be allowed to see the agreement and
// the requests.
func (c *Console) history(ctx context.Context, agreementID string, requestIDs []string) ([]historyEntry, error) {
	ids := append([]string{agreementID}, requestIDs...)
	var recs []mercato.AuditRecord
	for _, id := range ids {
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
	events, err := c.svc.Events(ctx, mercato.EventFilter{ResourceIDs: ids})
	if err != nil {
		return nil, err
	}
	n := c.names(ctx)
	out := make([]historyEntry, len(recs))
	for i, rec := range recs {
		out[i] = historyEntry{Time: rec.Time, Actor: actorName(n, rec.Actor), Action: mercato.AuditAction(rec.Action).Title(),
			Resource: rec.ResourceID, Details: auditDetails(rec.Details)}
	}
	out = withEvents(out, n, events)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// withEvents adds to the entries the events told of them. A notice goes with the one entry of
// its resource and time; where there is none (an Ending notice changes nothing) or several (an
// agreement accepted and replaced at the same time), it is an entry of its own, after them.
func withEvents(entries []historyEntry, n *names, events []mercato.Event) []historyEntry {
	audited := len(entries)
	for _, g := range toldGroups(n, events) {
		i := onlyEntry(entries[:audited], g.resource, g.time)
		if i < 0 {
			entries = append(entries, historyEntry{Time: g.time, Actor: actorName(n, "system"), Action: g.kind.Title(),
				Resource: g.resource})
			i = len(entries) - 1
		}
		entries[i].Told = append(entries[i].Told, g.String())
	}
	return entries
}

// onlyEntry returns the index of the one entry of the resource at time t, or -1 if there is
// none or more than one.
func onlyEntry(entries []historyEntry, resource string, t time.Time) int {
	found := -1
	for i, e := range entries {
		if e.Resource == resource && e.Time.Equal(t) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// toldGroup is one notice: the copies of an event of one kind, about one resource, at one time.
type toldGroup struct {
	kind     mercato.EventKind
	resource string
	time     time.Time
	to       []string // "Acme (Proposer)"
}

// String says what was told to whom: "Agreement created: Acme (Proposer), Buyer Corp (Acceptor)".
func (g *toldGroup) String() string { return g.kind.Title() + ": " + strings.Join(g.to, ", ") }

// toldGroups gathers events, in outbox order, into the notices they are copies of. Events
// written before the catalog have no kind in it and are left out.
func toldGroups(n *names, events []mercato.Event) []*toldGroup {
	var out []*toldGroup
	for _, ev := range events {
		k, party, ok := mercato.ParseDetailType(ev.DetailType)
		if !ok {
			continue
		}
		to := n.Account(ev.AccountID)
		if party != mercato.EventNoParty {
			to += " (" + string(party) + ")"
		}
		if last := len(out) - 1; last >= 0 && out[last].kind == k && out[last].resource == ev.ResourceID && out[last].time.Equal(ev.Time) {
			out[last].to = append(out[last].to, to)
			continue
		}
		out = append(out, &toldGroup{kind: k, resource: ev.ResourceID, time: ev.Time, to: []string{to}})
	}
	return out
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
