package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// remote calls a running mercato server's /_mercato/ endpoints. sign, when set, signs each
// request before it is sent.
type remote struct {
	server string
	sign   func(*http.Request) error
}

func (r *remote) flags(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&r.server, "server", envOr("MERCATO_SERVER", "http://127.0.0.1:8080"),
		"the mercato server (env MERCATO_SERVER)")
}

// call sends a request and prints the JSON answer; a non-2xx answer is an error with the
// server's message.
func (r *remote) call(cmd *cobra.Command, method, path, contentType string, body []byte) error {
	req, err := http.NewRequestWithContext(cmd.Context(), method, strings.TrimRight(r.server, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if r.sign != nil {
		if err := r.sign(req); err != nil {
			return err
		}
	}
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		if json.Unmarshal(out, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s (HTTP %d)", e.Error.Message, resp.StatusCode)
		}
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(out))
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

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
	cmd.AddCommand(&cobra.Command{
		Use:     "advance DURATION",
		Short:   "Move the clock forward (720h, 90m, P1M, P30D), running every job due on the way",
		Example: "  mercato clock advance 720h",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, _ := json.Marshal(map[string]string{"advance": args[0]})
			return r.call(cmd, http.MethodPost, "/_mercato/clock", "application/json", body)
		},
	}, &cobra.Command{
		Use:     "set TIME",
		Short:   "Move the clock forward to an RFC 3339 time",
		Example: "  mercato clock set 2026-03-01T00:00:00Z",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, _ := json.Marshal(map[string]string{"set": args[0]})
			return r.call(cmd, http.MethodPost, "/_mercato/clock", "application/json", body)
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
