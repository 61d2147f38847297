package mercato

import (
	"testing"
	"time"
)

func TestJobTransitions(t *testing.T) {
	tests := []struct {
		from, to JobStatus
		ok       bool
	}{
		{JobPending, JobDone, true},
		{JobPending, JobFailed, true},
		{JobFailed, JobPending, true}, // an operator's retry
		{JobPending, JobPending, false},
		{JobFailed, JobDone, false},
		{JobDone, JobPending, false},
		{JobDone, JobFailed, false},
		{"running", JobDone, false},
	}
	for _, tt := range tests {
		j := Job{ID: 7, Status: tt.from}
		err := j.Transition(tt.to)
		if (err == nil) != tt.ok || tt.from.CanBecome(tt.to) != tt.ok {
			t.Errorf("%s -> %s: %v, want allowed = %v", tt.from, tt.to, err, tt.ok)
		}
		if err != nil && (ErrorCodeOf(err) != EConflict || j.Status != tt.from) {
			t.Errorf("%s -> %s refused with %v, status now %s", tt.from, tt.to, err, j.Status)
		}
	}
	for _, s := range []JobStatus{JobPending, JobDone, JobFailed} {
		if !s.Valid() {
			t.Errorf("%s is not valid", s)
		}
	}
	if JobStatus("running").Valid() {
		t.Error("an unknown status is valid")
	}
}

func TestJobRetryDelay(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := JobRetryDelay(i + 1); got != w {
			t.Errorf("delay after attempt %d = %s, want %s", i+1, got, w)
		}
	}
	if got := JobRetryDelay(1000); got != time.Hour {
		t.Errorf("delay after attempt 1000 = %s", got)
	}
}
