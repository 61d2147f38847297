package mercato

import (
	"encoding/json"
	"testing"
	"time"
)

func TestEventEnvelope(t *testing.T) {
	e := Event{ID: 7, UID: "3f1c0e2a-0000-4000-8000-000000000001",
		Time: time.Date(2026, 1, 5, 0, 0, 0, 123, time.FixedZone("x", 3600)), AccountID: "111122223333",
		Source: "aws.agreement-marketplace", DetailType: "Purchase Agreement Created - Proposer",
		ResourceID: "agmt-1", Resources: []string{"arn:aws:aws-marketplace::aws:agreement:agmt-1"},
		Detail: json.RawMessage(`{"agreement":{"id":"agmt-1"}}`)}
	got, err := e.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"0","id":"3f1c0e2a-0000-4000-8000-000000000001",` +
		`"detail-type":"Purchase Agreement Created - Proposer","source":"aws.agreement-marketplace",` +
		`"account":"111122223333","time":"2026-01-04T23:00:00Z","region":"us-east-1",` +
		`"resources":["arn:aws:aws-marketplace::aws:agreement:agmt-1"],` +
		`"detail":{"agreement":{"id":"agmt-1"}}}`
	if string(got) != want {
		t.Errorf("envelope\n got %s\nwant %s", got, want)
	}

	// An event without resources or detail still has both, as EventBridge's always do.
	bare, err := Event{UID: "u", Source: "mercato", DetailType: "Disbursement Paid"}.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(bare, &m); err != nil {
		t.Fatal(err)
	}
	if string(m["resources"]) != "[]" || string(m["detail"]) != "{}" {
		t.Errorf("bare envelope resources %s detail %s, want [] and {}", m["resources"], m["detail"])
	}
}

// A destination that names no event types takes every event of its account but the opt-in
// kinds; one that names them takes those only.
func TestDestinationWants(t *testing.T) {
	all := EventDestination{}
	named := EventDestination{EventTypes: []string{"aws-mp-subscription-notification"}}
	for _, tc := range []struct {
		d          *EventDestination
		detailType string
		want       bool
	}{
		{&all, "Purchase Agreement Created - Proposer", true},
		{&all, "Event Destination Failing", true},
		{&all, "aws-mp-subscription-notification", false},
		{&all, "aws-mp-entitlement-notification", false},
		{&named, "aws-mp-subscription-notification", true},
		{&named, "Purchase Agreement Created - Proposer", false},
	} {
		if got := tc.d.Wants(tc.detailType); got != tc.want {
			t.Errorf("%v wants %q = %v, want %v", tc.d.EventTypes, tc.detailType, got, tc.want)
		}
	}
}
