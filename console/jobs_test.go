package console_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"mercato"
)

// plantFailingJob schedules, due now, a job of a kind this version has no handler for: every
// attempt of it fails. It returns the job's ID.
func (e *env) plantFailingJob() int64 {
	e.t.Helper()
	now := e.svc.Now()
	err := e.store.Update(e.ctx, func(tx mercato.Tx) error {
		_, err := tx.PutJobs(mercato.Job{Kind: "retired-kind", Key: "retired:1", DueAt: now, RunAt: now, Status: mercato.JobPending})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	jobs, err := e.svc.Jobs(e.ctx, mercato.JobFilter{Kind: "retired-kind"})
	if err != nil || len(jobs) != 1 {
		e.t.Fatalf("planted job: %v, %v", jobs, err)
	}
	return jobs[0].ID
}

// The operator sees that a move of the clock left a job failed, sees the job (kind, due time,
// attempts, error), and puts it back to pending with its Retry button; the form needs the
// session's CSRF token, and only an operator has it.
func TestOperatorRetriesAFailedJob(t *testing.T) {
	e := newEnv(t)
	id := e.plantFailingJob()
	retry := "/console/operator/jobs/" + strconv.FormatInt(id, 10) + "/retry"
	c := e.client()
	c.signIn(operatorKey, operatorSec)
	token := c.csrf("/console/operator")
	if r := c.post("/console/operator/clock", c.form(token, "advance", "1h")); r.status != http.StatusSeeOther ||
		r.location != "/console/operator?notice=clock-advanced-failures" {
		t.Fatalf("advance: %d to %q", r.status, r.location)
	}
	page := c.get("/console/operator?notice=clock-advanced-failures")
	for _, want := range []string{"jobs failed on the way", `<td class="mono">retired:1</td>`, "<td>retired-kind</td>",
		"16 Jan 2026", `<td class="num">5</td>`, "no handler for job kind", `action="` + retry + `"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("operator page lacks %q", want)
		}
	}

	if r := c.post(retry, c.form("forged")); r.status != http.StatusForbidden {
		t.Errorf("retry without the CSRF token: %d, want 403", r.status)
	}
	seller := e.client()
	seller.signIn(acmeKey, acmeSecret)
	if r := seller.post(retry, seller.form(seller.csrf("/console/seller/agreements"))); r.status != http.StatusNotFound {
		t.Errorf("retry by a seller: %d, want 404", r.status)
	}
	if r := c.post("/console/operator/jobs/x/retry", c.form(token)); r.status != http.StatusNotFound {
		t.Errorf("retry of job x: %d, want 404", r.status)
	}

	if r := c.post(retry, c.form(token)); r.status != http.StatusSeeOther || r.location != "/console/operator?notice=job-retried" {
		t.Fatalf("retry: %d to %q", r.status, r.location)
	}
	jobs, err := e.svc.Jobs(e.ctx, mercato.JobFilter{ID: id})
	if err != nil || len(jobs) != 1 || jobs[0].Status != mercato.JobPending || jobs[0].Attempts != 0 {
		t.Errorf("job after the retry: %+v, %v", jobs, err)
	}
	if r := c.post(retry, c.form(token)); r.status != http.StatusConflict || !strings.Contains(r.body, "only a failed job can be retried") {
		t.Errorf("retry of a pending job: %d", r.status)
	}
}
