package service

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestAdjustmentJobPayloads checks that a process-adjustment job names the adjustments it
// completes in both payloads: one per group accepted together, and the single adjustment of
// jobs scheduled before groups existed.
func TestAdjustmentJobPayloads(t *testing.T) {
	for _, tc := range []struct {
		payload string
		want    []string
	}{
		{`{"adjustmentIds":["ba-1","ba-2"]}`, []string{"ba-1", "ba-2"}},
		{`{"adjustmentId":"ba-old"}`, []string{"ba-old"}},
		{`{}`, nil},
	} {
		var p adjustmentJob
		if err := json.Unmarshal([]byte(tc.payload), &p); err != nil {
			t.Fatal(err)
		}
		if got := p.ids(); !slices.Equal(got, tc.want) {
			t.Errorf("ids of %s = %v, want %v", tc.payload, got, tc.want)
		}
	}
	b, err := json.Marshal(adjustmentJob{AdjustmentIDs: []string{"ba-1"}})
	if err != nil || string(b) != `{"adjustmentIds":["ba-1"]}` {
		t.Errorf("payload written = %s, %v", b, err)
	}
}
