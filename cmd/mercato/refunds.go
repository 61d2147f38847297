package main

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"mercato/control"
)

// refundsCLI holds the flags of mercato refunds and its subcommands.
type refundsCLI struct {
	r    signedRemote
	as   string
	body control.RefundRequestBody
}

// refundsCmd files and follows refund requests on a running server (/_mercato/refunds), signed
// with the caller's access key: a buyer or a seller files and answers, the seller approves or
// rejects, and an operator (the marketplace's support) sees every waiting request and decides
// or answers it on the seller's behalf. The server checks every rule, as it does for the
// console.
func refundsCmd() *cobra.Command {
	c := &refundsCLI{}
	cmd := &cobra.Command{
		Use:   "refunds",
		Short: "File, list, show, approve, reject or answer refund requests on a server",
		Long: `File and follow refund (and cancellation) requests on a running server, as a buyer, a seller, or
an operator acting as the marketplace's support. Every call is signed with --access-key and
--secret-key (or MERCATO_ACCESS_KEY_ID and MERCATO_SECRET_ACCESS_KEY); the account decides what
a call does. Answers are JSON.`,
	}
	c.r.flags(cmd)
	cmd.AddCommand(c.listCmd(), c.showCmd(), c.fileCmd(), c.approveCmd(), c.rejectCmd(), c.answerCmd())
	return cmd
}

func refundPath(id, action string) string { return resourcePath("/_mercato/refunds", id, action) }

// resourcePath is the path of a control resource under base, and of an action on it if any.
func resourcePath(base, id, action string) string {
	p := base + "/" + url.PathEscape(id)
	if action != "" {
		p += "/" + action
	}
	return p
}

func (c *refundsCLI) listCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your refund requests as buyer or seller, or (operator) every request waiting",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf("--as", c.as, "buyer", "seller", "operator"); err != nil {
				return err
			}
			return c.r.callJSON(cmd, http.MethodGet, "/_mercato/refunds?as="+url.QueryEscape(c.as), nil)
		},
	}
	cmd.Flags().StringVar(&c.as, "as", "buyer", "buyer, seller or operator")
	return cmd
}

func (c *refundsCLI) showCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show REFERENCE_ID",
		Short: "Show a refund request: amounts, dates, status and rule",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodGet, refundPath(args[0], ""), nil)
		},
	}
}

// requestFlags adds the flags of a request's fields (those of an answer when answer is set).
func (c *refundsCLI) requestFlags(cmd *cobra.Command, answer bool) {
	f, b := cmd.Flags(), &c.body
	if !answer {
		f.StringVar(&b.BuyerID, "buyer", "", "the buyer's account (default: you)")
		f.StringVar(&b.SellerID, "seller", "", "the seller's account (default: you, when you name the buyer)")
		f.StringVar(&b.ProductID, "product", "", "the product ID")
		f.StringVar(&b.AgreementID, "agreement", "", "the agreement ID (default: the invoice's, or the buyer's latest for the product)")
		f.StringVar(&b.Type, "type", "", "REFUND, UPGRADE, DOWNGRADE, CANCELLATION or TAX")
	}
	f.StringSliceVar(&b.InvoiceIDs, "invoice", nil, "an invoice to refund (repeat for several)")
	f.StringSliceVar(&b.BillingPeriods, "period", nil, "a billing period to refund, YYYY-MM (repeat for several)")
	f.StringVar(&b.Amount, "amount", "", "the pre-tax amount (0 or none for a cancellation only)")
	f.StringVar(&b.CancellationDate, "cancellation-date", "", "the subscription cancellation date, YYYY-MM-DD")
	f.StringVar(&b.Comments, "comments", "", "additional comments")
}

func (c *refundsCLI) fileCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "file",
		Short: "File a refund request, as the buyer or for a buyer as the seller",
		Example: `  mercato refunds file --buyer 777788889999 --product prod-acme-analytics --type REFUND \
      --period 2026-01 --amount 20.00 --comments "Outage on 12 January"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.r.callJSON(cmd, http.MethodPost, "/_mercato/refunds", &c.body)
		},
	}
	c.requestFlags(cmd, false)
	return cmd
}

func (c *refundsCLI) approveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "approve REFERENCE_ID",
		Short: "Approve a request awaiting the seller (as the seller, or as support)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodPost, refundPath(args[0], "approve"), nil)
		},
	}
}

func (c *refundsCLI) rejectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reject REFERENCE_ID --reason TEXT",
		Short: "Reject a request (as the seller, or as support), with a reason the parties see",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodPost, refundPath(args[0], "reject"), map[string]string{"reason": c.body.Reason})
		},
	}
	cmd.Flags().StringVar(&c.body.Reason, "reason", "", "why the request is rejected")
	return cmd
}

func (c *refundsCLI) answerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "answer REFERENCE_ID",
		Short: "Supply what a request that needs action lacks (as its filer, or as support)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.r.callJSON(cmd, http.MethodPost, refundPath(args[0], "answer"), &c.body)
		},
	}
	c.requestFlags(cmd, true)
	return cmd
}
