package mercato

import "time"

// UsageRecord is metered usage of one dimension by one customer in one hour. The key
// (agreement, dimension, hour) is unique: a replay with the same quantity is the same record.
type UsageRecord struct {
	AgreementID string            `json:"agreementId"`
	Dimension   string            `json:"dimension"`
	Hour        time.Time         `json:"hour"`
	Quantity    int64             `json:"quantity"`
	RecordedAt  time.Time         `json:"recordedAt"`
	Allocations []UsageAllocation `json:"allocations,omitempty"` // how the quantity splits by tags
}

// UsageTotal is the quantity of one dimension used in a period.
type UsageTotal struct {
	AgreementID string
	Dimension   string
	Quantity    int64
}
