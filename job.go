package mercato

import (
	"encoding/json"
	"slices"
	"time"
)

// JobKind names a kind of background work. Handlers live in package service.
type JobKind string

// JobStatus is the state of a job.
type JobStatus string

// Job statuses.
const (
	JobPending JobStatus = "pending" // waiting for its due time, or for its next attempt
	JobDone    JobStatus = "done"
	JobFailed  JobStatus = "failed" // gave up after MaxJobAttempts, or at an error no retry cures; the error is kept
)

// jobTransitions lists, for each status, the statuses it may move to. A job stays pending
// through attempts that failed and will be tried again; only an operator's retry brings a
// failed job back; a done job never runs again.
var jobTransitions = map[JobStatus][]JobStatus{
	JobPending: {JobDone, JobFailed},
	JobFailed:  {JobPending},
	JobDone:    nil,
}

// CanBecome reports whether a job in status s may move to next.
func (s JobStatus) CanBecome(next JobStatus) bool {
	return slices.Contains(jobTransitions[s], next)
}

// Valid reports whether s is a known status.
func (s JobStatus) Valid() bool {
	_, ok := jobTransitions[s]
	return ok
}

// MaxJobAttempts is how often a failing job is tried before it is marked failed.
const MaxJobAttempts = 5

// JobRetryDelay is how long after its attempt-th failed attempt a job is tried again: a minute,
// doubled after each further failure, at most an hour. Faults that pass on their own (a
// database restarting, a lock held too long) get time to pass, and a job that keeps failing
// gives up within a quarter of an hour of business time.
func JobRetryDelay(attempt int) time.Duration {
	if attempt >= 7 {
		return time.Hour
	}
	return time.Minute << max(0, attempt-1)
}

// Job is business work due at a point in business time: an installment to invoice, a month to
// close, a scheduled acceptance. Jobs run in due order, each with the clock at its due time.
// Key makes scheduling idempotent: a second job with the same key is not created. A failed
// attempt moves RunAt, not DueAt: the work is still that of its due time, only later.
type Job struct {
	ID        int64           `json:"id"`
	Kind      JobKind         `json:"kind"`
	Key       string          `json:"key"`
	DueAt     time.Time       `json:"dueAt"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	Status    JobStatus       `json:"status"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"lastError,omitempty"`
	// RunAt is when the job's next attempt may start: its due time, then after each failed
	// attempt a little later (JobRetryDelay).
	RunAt time.Time `json:"runAt"`
}

// Transition moves the job to status next, or returns EConflict.
func (j *Job) Transition(next JobStatus) error {
	if !j.Status.CanBecome(next) {
		return Errorf(EConflict, "job %d is %s: it cannot become %s", j.ID, j.Status, next)
	}
	j.Status = next
	return nil
}
