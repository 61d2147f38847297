package sqlstore

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"mercato"
)

// jobCols are the columns of a job as read; the ID is assigned by the database, and the lease
// (lease_owner, lease_until) is the store's own.
var jobCols = []string{"id", "kind", "key", "due_at", "payload", "status", "attempts", "last_error", "run_at"}

var (
	selectJobs = selectSQL("jobs", jobCols)
	finishJob  = `UPDATE jobs SET status = $2, attempts = $3, last_error = $4, run_at = $5,
		lease_owner = '', lease_until = 0 WHERE id = $1`
	nextJobDue = "SELECT MIN(run_at) FROM jobs WHERE status = 'pending'"
	// extendLeases moves to $2 the leases that $1 holds on pending jobs and that end before $2.
	extendLeases = `UPDATE jobs SET lease_until = $2
		WHERE lease_owner = $1 AND status = 'pending' AND lease_until < $2`
)

// claimJobs leases, to $1 until $2, up to $4 pending jobs to run by $3 that are not leased to
// another owner, or whose lease ran out by $5. %s is the dialect's ClaimLock.
const claimJobs = `UPDATE jobs SET lease_owner = $1, lease_until = $2
	WHERE id IN (
		SELECT id FROM jobs
		WHERE status = 'pending' AND run_at <= $3
			AND (lease_owner = '' OR lease_owner = $1 OR lease_until <= $5)
		ORDER BY run_at, id
		LIMIT $4
		%s)
	RETURNING `

// PutJobs schedules the jobs whose keys are new and returns how many it scheduled. The database
// assigns the IDs.
func (t *tx) PutJobs(js ...mercato.Job) (int, error) {
	n, err := t.insertRows("jobs", jobCols[1:], len(js), func(i int, dst []any) []any {
		j := &js[i]
		return append(dst, string(j.Kind), j.Key, micros(j.DueAt), rawArg(j.Payload), string(j.Status), j.Attempts, j.LastError,
			micros(j.RunAt))
	})
	if err != nil && len(js) > 0 {
		return int(n), t.fail(err, "put", "Job", js[0].Key)
	}
	return int(n), err
}

// ClaimJobs leases up to limit pending jobs to run at or before now (RunAt) to owner until
// leaseUntil, and returns them in the order they run (RunAt, then ID). Jobs leased to another
// owner whose lease has not run out by leaseNow are skipped; a limit below 1 claims nothing.
func (t *tx) ClaimJobs(now time.Time, owner string, leaseNow, leaseUntil time.Time, limit int) ([]mercato.Job, error) {
	if limit < 1 {
		return nil, nil
	}
	query := fmt.Sprintf(claimJobs, t.d.ClaimLock) + strings.Join(jobCols, ", ")
	jobs, err := list(t, scanJob, query, owner, micros(leaseUntil), micros(now), limit, micros(leaseNow))
	if err != nil {
		return nil, wrap(err, "claim jobs for %s", owner)
	}
	slices.SortFunc(jobs, func(a, b mercato.Job) int {
		return cmp.Or(a.RunAt.Compare(b.RunAt), cmp.Compare(a.ID, b.ID))
	})
	return jobs, nil
}

// FinishJob records the job's status, attempts, last error and next run time (RunAt) and
// releases its lease. Its due time is left as it was.
func (t *tx) FinishJob(j mercato.Job) error {
	return t.updateExisting("Job", strconv.FormatInt(j.ID, 10), finishJob, j.ID, string(j.Status), j.Attempts, j.LastError,
		micros(j.RunAt))
}

// NextJobDue returns the earliest time a pending job may run (RunAt), and false if there is none.
func (t *tx) NextJobDue() (time.Time, bool, error) {
	due, err := getRow(t, scanNullInt, nextJobDue)
	if err != nil || !due.Valid {
		return time.Time{}, false, wrap(err, "next job due")
	}
	return fromMicros(due.Int64), true, nil
}

// ListJobs returns the jobs matching f in due order (due time, then ID).
func (t *tx) ListJobs(f mercato.JobFilter) ([]mercato.Job, error) {
	var w filter
	if f.ID != 0 {
		w.where("id = %s", f.ID)
	}
	w.eq("status", string(f.Status))
	w.eq("kind", string(f.Kind))
	jobs, err := list(t, scanJob, selectJobs+w.clause()+" ORDER BY due_at, id", w.args...)
	return jobs, wrap(err, "list jobs")
}

func scanJob(s scanner) (mercato.Job, error) {
	var j mercato.Job
	err := s.Scan(&j.ID, &j.Kind, &j.Key, timeCol{&j.DueAt}, rawCol{&j.Payload}, &j.Status,
		&j.Attempts, &j.LastError, timeCol{&j.RunAt})
	return j, err
}

// scanNullInt scans an integer that may be NULL, such as an aggregate of no rows.
func scanNullInt(s scanner) (sql.NullInt64, error) {
	var v sql.NullInt64
	err := s.Scan(&v)
	return v, err
}

// ExtendJobLeases moves to until the leases owner holds on pending jobs that end before until,
// and returns how many it moved. A lease is never shortened; a job another owner has claimed
// since, or that is finished (its lease released), is left as it is.
func (t *tx) ExtendJobLeases(owner string, until time.Time) (int, error) {
	n, err := t.execCount(extendLeases, owner, micros(until))
	return int(n), wrap(err, "extend job leases of %s", owner)
}
