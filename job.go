package mercato

import (
	"encoding/json"
	"time"
)

// JobKind names a kind of background work. Handlers live in package service.
type JobKind string

// JobStatus is the state of a job.
type JobStatus string

// Job statuses.
const (
	JobPending JobStatus = "pending"
	JobDone    JobStatus = "done"
	JobFailed  JobStatus = "failed" // gave up after MaxJobAttempts; the error is kept
)

// MaxJobAttempts is how often a failing job is tried before it is marked failed.
const MaxJobAttempts = 5

// Job is business work due at a point in business time: an installment to invoice, a month to
// close, a scheduled acceptance. Jobs run in due order, each with the clock at its due time.
// Key makes scheduling idempotent: a second job with the same key is not created.
type Job struct {
	ID        int64           `json:"id"`
	Kind      JobKind         `json:"kind"`
	Key       string          `json:"key"`
	DueAt     time.Time       `json:"dueAt"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	Status    JobStatus       `json:"status"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"lastError,omitempty"`
}
