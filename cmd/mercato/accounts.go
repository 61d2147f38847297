package main

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"mercato"
	"mercato/control"
)

// accountsCmd manages accounts on a running server (/_mercato/accounts), signed like mercato
// refunds: an operator creates accounts; a seller sets its own payouts.
func accountsCmd() *cobra.Command {
	c := &signedRemote{}
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "Create and show accounts, and set a seller's payouts, on a server",
		Long: `Create accounts (as an operator), show one, and set a seller's payout schedule and bank
accounts (as the seller or an operator). Every call is signed with --access-key and --secret-key
(or MERCATO_ACCESS_KEY_ID and MERCATO_SECRET_ACCESS_KEY). Answers are JSON.`,
	}
	c.flags(cmd)
	var b control.AccountBody
	var roles []string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an account (operators only); give it a key with mercato keys create",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, r := range roles {
				b.Roles = append(b.Roles, mercato.Role(r))
			}
			return c.callJSON(cmd, http.MethodPost, "/_mercato/accounts", b)
		},
	}
	f := create.Flags()
	f.StringVar(&b.ID, "id", "", "the 12-digit account ID")
	f.StringVar(&b.Name, "name", "", "the account's name")
	f.StringSliceVar(&roles, "role", nil, "seller, channelPartner, buyer, privateMarketplaceAdmin or operator (repeatable)")
	f.StringVar(&b.TaxJurisdiction, "tax-jurisdiction", "", "e.g. US-WA, DE, JP")
	show := &cobra.Command{
		Use: "show ACCOUNT", Short: "Show an account", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.callJSON(cmd, http.MethodGet, accountPath(args[0], ""), nil)
		},
	}
	var d mercato.Disbursement
	payout := &cobra.Command{
		Use: "payout ACCOUNT", Short: "Set a seller's payout schedule (daily, or monthly on a day 1-28)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.callJSON(cmd, http.MethodPost, accountPath(args[0], "/payout"), d)
		},
	}
	payout.Flags().StringVar(&d.Cadence, "cadence", "monthly", "daily or monthly")
	payout.Flags().IntVar(&d.Day, "day", 0, "day of the month, 1-28, for a monthly cadence")
	cmd.AddCommand(create, show, payout)
	return cmd
}

// keysCmd creates, lists, rotates and revokes an account's access keys on a running server.
func keysCmd() *cobra.Command {
	c := &signedRemote{}
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list, rotate and revoke an account's access keys on a server",
		Long: `Manage an account's access keys, as the account itself or an operator. A new key's secret is
printed once, by create or rotate, and never again. A key may carry a policy: an IAM JSON policy
document, or the name of an AWS managed policy such as AWSMarketplaceSellerProductsReadOnly; a
key without one has its account's full access. A revoked key stops working on every node within
seconds. Every call is signed with --access-key and --secret-key (or MERCATO_ACCESS_KEY_ID and
MERCATO_SECRET_ACCESS_KEY).`,
	}
	c.flags(cmd)
	var b control.CreateKeyBody
	create := &cobra.Command{
		Use: "create ACCOUNT", Short: "Create a key; its secret is shown this once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.callJSON(cmd, http.MethodPost, accountPath(args[0], "/keys"), b)
		},
	}
	create.Flags().StringVar(&b.Policy, "policy", "", "IAM JSON policy document or AWS managed policy name")
	list := &cobra.Command{
		Use: "list ACCOUNT", Short: "List an account's keys, without secrets", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.callJSON(cmd, http.MethodGet, accountPath(args[0], "/keys"), nil)
		},
	}
	keyAction := func(action, short string) *cobra.Command {
		return &cobra.Command{
			Use: action + " ACCOUNT KEY", Short: short, Args: cobra.ExactArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				return c.callJSON(cmd, http.MethodPost, accountPath(args[0], "/keys/"+url.PathEscape(args[1])+"/"+action), nil)
			},
		}
	}
	cmd.AddCommand(create, list,
		keyAction("rotate", "Replace a key by a new one with its policy; the new secret is shown this once"),
		keyAction("revoke", "Revoke a key"))
	return cmd
}

func accountPath(id, rest string) string { return "/_mercato/accounts/" + url.PathEscape(id) + rest }
