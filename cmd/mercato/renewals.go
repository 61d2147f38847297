package main

import (
	"net/http"

	"github.com/spf13/cobra"

	"mercato/control"
)

// renewalsCLI holds the flags of mercato renewals and its subcommands.
type renewalsCLI struct {
	s    signedRemote
	body control.RenewalAdjustmentBody
}

// renewalsCmd shows an agreement's coming renewal and lets its seller choose the renewal's
// price increase within the renewal term's range, on a running server
// (/_mercato/agreements/{id}/renewal), signed with the caller's access key. AWS Marketplace has
// no API for this choice; the server checks every rule, as it does for the console.
func renewalsCmd() *cobra.Command {
	c := &renewalsCLI{}
	cmd := &cobra.Command{
		Use:   "renewals",
		Short: "Show an agreement's coming renewal, or adjust its price increase as the seller",
		Long: `Show the coming renewal of an agreement (the price increase that applies, the renewal's value,
the adjustment deadline and the lockout), and, as its seller, choose the increase within the
renewal term's PercentageRange before the adjustment deadline. Without a choice the range's
default applies. Every call is signed with --access-key and --secret-key (or MERCATO_ACCESS_KEY_ID
and MERCATO_SECRET_ACCESS_KEY). Answers are JSON.`,
	}
	c.s.flags(cmd)
	cmd.AddCommand(c.showCmd(), c.adjustCmd())
	return cmd
}

func (c *renewalsCLI) showCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show AGREEMENT_ID",
		Short: "Show an agreement's coming renewal, to either party",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.s.callJSON(cmd, http.MethodGet, resourcePath("/_mercato/agreements", args[0], "renewal"), nil)
		},
	}
}

func (c *renewalsCLI) adjustCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "adjust AGREEMENT_ID --increase PERCENT",
		Short:   "Choose the renewal's price increase within its range, as the seller",
		Example: `  mercato renewals adjust agmt-1234 --increase 5`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.s.callJSON(cmd, http.MethodPost, resourcePath("/_mercato/agreements", args[0], "renewal/adjustment"), &c.body)
		},
	}
	cmd.Flags().StringVar(&c.body.Increase, "increase", "", "the increase in percent, e.g. 3.5")
	cmd.Flags().StringVar(&c.body.ClientToken, "client-token", "", "a token that makes a retry return the first answer")
	return cmd
}
