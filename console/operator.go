package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"mercato"
)

// operatorView is the data of the operator page.
type operatorView struct {
	Advance     string // the duration last typed
	Balanced    bool
	LedgerError string
	Failed      []mercato.Job
	Pending     int
	NextDue     time.Time
	Refunds     []mercato.RefundCase // refund requests of every party that wait for someone
}

// operatorPage shows the marketplace's clock, the health of its ledger and its failed jobs.
func (c *Console) operatorPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showOperator(w, r, u, http.StatusOK, "", "")
}

func (c *Console) showOperator(w http.ResponseWriter, r *http.Request, u *user, status int, advance, problem string) {
	v := operatorView{Advance: advance, Balanced: true}
	// An unbalanced ledger is a fault of the marketplace, and the operator is who must see it.
	if err := c.svc.CheckLedger(r.Context()); err != nil {
		c.log.Error("console: ledger check failed", "err", err)
		v.Balanced, v.LedgerError = false, err.Error()
	}
	failed, err := c.svc.Jobs(r.Context(), mercato.JobFilter{Status: mercato.JobFailed})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	pending, err := c.svc.Jobs(r.Context(), mercato.JobFilter{Status: mercato.JobPending})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	refunds, err := c.svc.WaitingRefundCases(r.Context(), u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v.Failed, v.Pending, v.Refunds = failed, len(pending), refunds
	for _, j := range pending {
		if v.NextDue.IsZero() || j.RunAt.Before(v.NextDue) { // a retry runs after its due time
			v.NextDue = j.RunAt
		}
	}
	c.render(w, r, status, page{Name: "operator", Title: "Operations", Nav: "operator", User: u, Error: problem, Data: v})
}

// advanceClock moves the sandbox's simulated clock forward by a duration, running every job due
// on the way.
func (c *Console) advanceClock(w http.ResponseWriter, r *http.Request, u *user) {
	in := strings.TrimSpace(r.PostFormValue("advance"))
	if !c.svc.Sandbox() {
		c.showOperator(w, r, u, http.StatusConflict, in, "The clock is real time outside the sandbox: it cannot be moved.")
		return
	}
	target, ok := advanceTarget(c.svc.Now(), in)
	if !ok {
		c.showOperator(w, r, u, http.StatusBadRequest, in,
			"Enter how far to move the clock: a duration such as 0s, 36h or 720h, or an ISO 8601 period such as P1D or P1M.")
		return
	}
	m, err := c.svc.MoveClock(r.Context(), target)
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 {
			c.log.Error("console: advancing the clock", "err", err)
		}
		c.showOperator(w, r, u, status, in, msg)
		return
	}
	notice := "clock-advanced"
	if len(m.Failed) > 0 {
		notice = "clock-advanced-failures"
	}
	http.Redirect(w, r, "/console/operator?notice="+notice, http.StatusSeeOther)
}

// retryJob puts a failed job back to pending, to run within the scheduler's tick, or at the
// next move of the clock in a sandbox whose scheduler does not run (--manual-jobs).
func (c *Console) retryJob(w http.ResponseWriter, r *http.Request, u *user) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.notFound(w, r, u)
		return
	}
	if _, err := c.svc.RetryJob(r.Context(), u.ID, id); err != nil {
		status, msg := problemOf(err)
		if status >= 500 {
			c.log.Error("console: retrying a job", "job", id, "err", err)
		}
		c.showOperator(w, r, u, status, "", msg)
		return
	}
	http.Redirect(w, r, "/console/operator?notice=job-retried", http.StatusSeeOther)
}

// advanceTarget reads a forward move of the clock: a Go duration (720h) or an ISO 8601 period
// (P1M), never negative.
func advanceTarget(now time.Time, in string) (time.Time, bool) {
	if strings.HasPrefix(in, "P") {
		p, err := mercato.ParsePeriod(in)
		return p.AddTo(now), err == nil
	}
	d, err := time.ParseDuration(in)
	return now.Add(d), err == nil && d >= 0
}
