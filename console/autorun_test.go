package console_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestOperatorPageSaysHowDueWorkRuns checks the operator page's words on due work: while the
// sandbox's scheduler runs, work due now runs on its own and a retried job within seconds;
// without it (serve --manual-jobs), both wait for a move of the clock.
func TestOperatorPageSaysHowDueWorkRuns(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.signIn(operatorKey, operatorSec)
	manual := c.get("/console/operator?notice=job-retried").body
	for _, want := range []string{"--manual-jobs", "advancing by 0s runs the work that is due now", "It runs at the next move of the clock"} {
		if !strings.Contains(manual, want) {
			t.Errorf("without the scheduler, the operator page lacks %q", want)
		}
	}

	ctx, cancel := context.WithCancel(e.ctx)
	stopped := make(chan struct{})
	go func() { e.svc.RunJobs(ctx, time.Hour); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
	for deadline := time.Now().Add(10 * time.Second); !e.svc.Scheduling(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the scheduler did not start")
		}
	}
	auto := c.get("/console/operator?notice=job-retried").body
	for _, want := range []string{"runs on its own within a second", "The job is pending again. It runs within seconds."} {
		if !strings.Contains(auto, want) {
			t.Errorf("with the scheduler, the operator page lacks %q", want)
		}
	}
	if strings.Contains(auto, "--manual-jobs") {
		t.Error("with the scheduler, the operator page speaks of --manual-jobs")
	}
}
