package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mercato"
	"mercato/control"
)

// remote calls a running mercato server's /_mercato/ endpoints. sign, when set, signs each
// request before it is sent.
type remote struct {
	server string
	sign   func(*http.Request) error
	json   bool // clock moves: print the server's JSON answer rather than a summary
}

func (r *remote) flags(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&r.server, "server", envOr("MERCATO_SERVER", "http://127.0.0.1:8080"),
		"the mercato server (env MERCATO_SERVER)")
}

// call sends a request and prints the JSON answer; a non-2xx answer is an error with the
// server's message.
func (r *remote) call(cmd *cobra.Command, method, path, contentType string, body []byte) error {
	out, err := r.send(cmd, method, path, contentType, body)
	if err != nil {
		return err
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

// send sends a request and returns the JSON answer; a non-2xx answer is an error with the
// server's message.
func (r *remote) send(cmd *cobra.Command, method, path, contentType string, body []byte) ([]byte, error) {
	resp, err := r.do(cmd, method, path, contentType, body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// do sends a request and returns the answer, whose body the caller reads and closes; a non-2xx
// answer is an error with the server's message.
func (r *remote) do(cmd *cobra.Command, method, path, contentType string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(cmd.Context(), method, strings.TrimRight(r.server, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if r.sign != nil {
		if err := r.sign(req); err != nil {
			return nil, err
		}
	}
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	if json.Unmarshal(out, &e) == nil && e.Error.Message != "" {
		return nil, fmt.Errorf("%s (HTTP %d)", e.Error.Message, resp.StatusCode)
	}
	return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(out))
}

// moveClock moves the server's clock as the request says, prints the answer (the new time, the
// jobs done per kind and the jobs that failed), and returns an error naming each failed job, so
// that the command exits non-zero: the clock did move, but a script should not go on as if all
// was well.
func (r *remote) moveClock(cmd *cobra.Command, request map[string]string) error {
	body, _ := json.Marshal(request)
	out, err := r.send(cmd, http.MethodPost, "/_mercato/clock", "application/json", body)
	if err != nil {
		return err
	}
	var m control.ClockMoveBody
	if err := json.Unmarshal(out, &m); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	if r.json {
		_, err = cmd.OutOrStdout().Write(out)
	} else {
		err = printClockMove(cmd.OutOrStdout(), m)
	}
	if err != nil {
		return err
	}
	return failedJobs(m.Failed)
}

// failedJobs returns an error that lists the jobs, or nil if there are none.
func failedJobs(jobs []control.FailedJob) error {
	if len(jobs) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the clock moved, but %d job", len(jobs))
	if len(jobs) > 1 {
		b.WriteString("s")
	}
	b.WriteString(" failed on the way:")
	for _, j := range jobs {
		fmt.Fprintf(&b, "\n  job %d %s (%s) ", j.ID, j.Key, j.Kind)
		if j.Status == mercato.JobPending {
			fmt.Fprintf(&b, "failed attempt %d, next attempt at %s: %s", j.Attempts, j.NextAttemptAt, j.LastError)
		} else {
			fmt.Fprintf(&b, "failed after %d attempts: %s", j.Attempts, j.LastError)
		}
	}
	return errors.New(b.String())
}

// clockMoveHelp says what a move of the clock prints and when it fails.
const clockMoveHelp = `It prints the new time, the documents issued on the way (invoices, credit memos, payments,
payouts), how many jobs of each kind were done, and the jobs whose last attempt failed (a failed attempt is retried after 1, 2, 4 and 8 minutes of business time, then
the job gives up until an operator retries it in the console). The command exits with status 1
when a job failed on the way, and names each one: the clock did move, but what was due did not
all happen. With --json it prints the server's answer as JSON instead.`

func clockCmd() *cobra.Command {
	var r remote
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Show or move a sandbox server's simulated clock",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return r.call(cmd, http.MethodGet, "/_mercato/clock", "", nil)
		},
	}
	r.flags(cmd)
	cmd.PersistentFlags().BoolVar(&r.json, "json", false, "advance, set: print the server's JSON answer instead of a summary")
	cmd.AddCommand(&cobra.Command{
		Use:     "advance DURATION",
		Short:   "Move the clock forward (720h, 90m, P1M, P30D), running every job due on the way",
		Long:    "Move the clock forward (720h, 90m, P1M, P30D), running every job due on the way.\n\n" + clockMoveHelp,
		Example: "  mercato clock advance 720h",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return r.moveClock(cmd, map[string]string{"advance": args[0]})
		},
	}, &cobra.Command{
		Use:     "set TIME",
		Short:   "Move the clock forward to an RFC 3339 time",
		Long:    "Move the clock forward to an RFC 3339 time, running every job due on the way.\n\n" + clockMoveHelp,
		Example: "  mercato clock set 2026-03-01T00:00:00Z",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return r.moveClock(cmd, map[string]string{"set": args[0]})
		},
	})
	return cmd
}

func scenarioCmd() *cobra.Command {
	var r remote
	cmd := &cobra.Command{Use: "scenario", Short: "Load scenario files into a sandbox server"}
	r.flags(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "apply FILE",
		Short: "Apply a scenario file, all or nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return r.call(cmd, http.MethodPost, "/_mercato/scenario", "application/yaml", data)
		},
	})
	return cmd
}
