package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"

	"mercato/control"
)

// eventsCLI holds the flags of mercato events and its subcommands.
type eventsCLI struct {
	r         signedRemote
	body      control.DestinationBody
	fromStart bool
	limit     int
}

// eventsCmd follows an account's events and manages the destinations they are delivered to as
// signed webhooks (/_mercato/events, /_mercato/event-destinations), signed with the account's
// access key.
func eventsCmd() *cobra.Command {
	c := &eventsCLI{}
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Follow an account's events, and manage the webhook destinations they are delivered to",
		Long: `Follow an account's events on a running server (tail), and register, list, delete and rotate the
secret of the HTTP destinations they are delivered to as signed webhooks (Standard Webhooks),
see each destination's delivery log and redeliver an event. Every call is signed with
--access-key and --secret-key (or MERCATO_ACCESS_KEY_ID and MERCATO_SECRET_ACCESS_KEY).`,
	}
	c.r.flags(cmd)
	cmd.AddCommand(c.tailCmd(), c.destinationsCmd())
	return cmd
}

// tailCmd long-polls /_mercato/events and prints each event, one JSON line each, until
// interrupted.
func (c *eventsCLI) tailCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Print the account's events as they are committed (one EventBridge JSON per line)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			after := "-1"
			if c.fromStart {
				after = "0"
			}
			for n := 0; c.limit == 0 || n < c.limit; {
				out, err := c.r.sendJSON(cmd, http.MethodGet, "/_mercato/events?wait=25&after="+url.QueryEscape(after), nil)
				if cmd.Context().Err() != nil {
					return nil
				}
				if err != nil {
					return err
				}
				var page struct {
					Events []json.RawMessage `json:"events"`
					Next   string            `json:"next"`
				}
				if err := json.Unmarshal(out, &page); err != nil {
					return fmt.Errorf("reading the server's answer: %w", err)
				}
				for _, e := range page.Events {
					if c.limit > 0 && n >= c.limit {
						break
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s\n", e)
					n++
				}
				after = page.Next
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&c.fromStart, "from-start", false, "print the account's earlier events first")
	cmd.Flags().IntVar(&c.limit, "limit", 0, "stop after this many events (0: never)")
	return cmd
}

func destinationPath(id, action string) string {
	return resourcePath("/_mercato/event-destinations", id, action)
}

// destinationsCmd manages the account's webhook destinations.
func (c *eventsCLI) destinationsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "destinations",
		Aliases: []string{"webhooks"},
		Short:   "Register, list, delete and rotate webhook destinations; see their log; redeliver",
	}
	list := &cobra.Command{Use: "list", Short: "List the account's destinations", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.r.callJSON(cmd, http.MethodGet, "/_mercato/event-destinations", nil)
		}}
	add := &cobra.Command{Use: "add URL", Short: "Register a destination (its secret is generated unless --secret)",
		Example: `  mercato events destinations add https://example.com/events --type "Purchase Agreement Created - Proposer"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c.body.URL = args[0]
			return c.r.callJSON(cmd, http.MethodPost, "/_mercato/event-destinations", &c.body)
		}}
	add.Flags().StringSliceVar(&c.body.EventTypes, "type", nil, "a detail type to deliver (repeat; default: every event)")
	add.Flags().StringVar(&c.body.Secret, "secret", "", `the signing secret, "whsec_" + base64 (default: generated)`)
	del := &cobra.Command{Use: "delete ID", Short: "Delete a destination", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := c.r.sendJSON(cmd, http.MethodDelete, destinationPath(args[0], ""), nil)
			return err
		}}
	rotate := &cobra.Command{Use: "rotate-secret ID", Short: "Replace a destination's signing secret", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodPost, destinationPath(args[0], "rotate-secret"), map[string]string{"secret": c.body.Secret})
		}}
	rotate.Flags().StringVar(&c.body.Secret, "secret", "", "the new secret (default: generated)")
	attempts := &cobra.Command{Use: "attempts ID", Short: "Show a destination's latest delivery attempts", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodGet, destinationPath(args[0], "attempts")+"?limit="+strconv.Itoa(max(c.limit, 1)), nil)
		}}
	attempts.Flags().IntVar(&c.limit, "limit", 50, "how many attempts")
	redeliver := &cobra.Command{Use: "redeliver ID EVENT_ID", Short: "Deliver an event to a destination again", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodPost, destinationPath(args[0], "redeliver"), map[string]string{"eventId": args[1]})
		}}
	cmd.AddCommand(list, add, del, rotate, attempts, redeliver)
	return cmd
}
