package awsapi

import (
	"errors"
	"slices"
	"testing"
	"time"

	"mercato"
)

// TestBatchMeterUsageProblemNames checks that each problem of a record is named by the record's
// index and member, and that good records add none.
func TestBatchMeterUsageProblemNames(t *testing.T) {
	neg := int64(-1)
	in := &batchMeterUsageInput{ProductCode: "pc-api", UsageRecords: []usageRecordWire{
		{Dimension: "calls", Timestamp: At(time.Now())},
		{Quantity: &neg, UsageAllocations: []usageAllocationWire{{}}},
	}}
	me, ok := errors.AsType[*mercato.Error](in.Validate())
	if !ok {
		t.Fatalf("Validate = %v, want a *mercato.Error", in.Validate())
	}
	var names []string
	for _, f := range me.Fields {
		names = append(names, f.Name)
	}
	want := []string{"UsageRecords[1].Dimension", "UsageRecords[1].Quantity",
		"UsageRecords[1].UsageAllocations[0].AllocatedUsageQuantity", "UsageRecords[1].Timestamp"}
	if !slices.Equal(names, want) {
		t.Errorf("problems %q, want %q", names, want)
	}
	if len(in.records) != 2 || in.records[0].Dimension != "calls" {
		t.Errorf("records %+v", in.records)
	}
}
