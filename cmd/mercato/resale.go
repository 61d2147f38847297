package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mercato"
	"mercato/service"
)

// resaleCLI holds the flags of mercato resale and its subcommands.
type resaleCLI struct {
	r         signedRemote
	wait      time.Duration
	auth      service.ResaleAuthorizationDraft
	maxOffers int
	offer     service.ResaleOfferDraft
	price     string
}

// resaleCmd manages resale authorizations (channel-partner private offers) on a running server
// through its Catalog API (restJson1, signed with the caller's key), as the AWS CLI's
// marketplace-catalog commands would: the product's maker grants, releases and restricts
// authorizations; the channel partner makes and releases offers with them. Every change is a
// change set, which the command follows until it has succeeded or failed.
func resaleCmd() *cobra.Command {
	c := &resaleCLI{}
	cmd := &cobra.Command{
		Use:   "resale",
		Short: "List, create, release or restrict resale authorizations, and make offers with them, on a server",
		Long: `Manage resale authorizations (channel-partner private offers, CPPO) on a running server through
its Catalog API. Every call is signed with --access-key and --secret-key (or MERCATO_ACCESS_KEY_ID
and MERCATO_SECRET_ACCESS_KEY); the account decides what a call does. Changes are change sets:
the command waits (--wait) until the change set has succeeded or failed and prints it as JSON,
with its entities and errors; a failed change set makes the command exit non-zero.`,
	}
	c.r.flags(cmd)
	cmd.PersistentFlags().DurationVar(&c.wait, "wait", 30*time.Second, "how long to wait for a change set to end (0: do not wait)")
	cmd.AddCommand(c.listCmd(), c.createCmd(), c.stateCmd("release", "ReleaseResaleAuthorization", "Release a draft authorization: its partner may use it"),
		c.stateCmd("restrict", "RestrictResaleAuthorization", "Restrict an authorization: no new offers; those made stand"),
		c.offerCmd(), c.releaseOfferCmd())
	return cmd
}

func (c *resaleCLI) listCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the authorizations you grant (as a product's maker) and those shared with you (as a channel partner)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := map[string][]json.RawMessage{}
			for key, ownership := range map[string]string{"granted": "SELF", "held": "SHARED"} {
				out[key] = []json.RawMessage{}
				for token := ""; ; {
					body, err := c.r.sendJSON(cmd, http.MethodPost, "/ListEntities", map[string]any{"Catalog": "AWSMarketplace",
						"EntityType": "ResaleAuthorization", "OwnershipType": ownership, "NextToken": token})
					if err != nil {
						return err
					}
					var page struct {
						EntitySummaryList []json.RawMessage
						NextToken         string
					}
					if err := json.Unmarshal(body, &page); err != nil {
						return fmt.Errorf("reading the server's answer: %w", err)
					}
					out[key] = append(out[key], page.EntitySummaryList...)
					if token = page.NextToken; token == "" {
						break
					}
				}
			}
			return printJSON(cmd, out)
		},
	}
}

func (c *resaleCLI) createCmd() *cobra.Command {
	d := &c.auth
	var schedule []string
	cmd := &cobra.Command{
		Use:     "create",
		Short:   "Authorize a channel partner to resell one of your products at a wholesale price",
		Example: "  mercato resale create --product prod-acme-backup --reseller 222233334444 --name 'Channel Co' --price 1000.00 --last-day 2026-12-31 --release",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for i, s := range schedule {
				item, err := scheduleItem(s)
				if err != nil {
					return fmt.Errorf("--payment %d: %w", i+1, err)
				}
				d.Schedule = append(d.Schedule, item)
			}
			if len(d.Schedule) == 0 {
				a, err := mercato.ParseAmount(c.price)
				if err != nil {
					return fmt.Errorf("--price: %q is not a decimal amount", c.price)
				}
				d.Price = a
			}
			d.MaxOffers = c.maxOffers
			return c.changeSet(cmd, service.ResaleAuthorizationChanges(*d))
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.ProductID, "product", "", "the product, one of yours")
	f.StringVar(&d.ResellerID, "reseller", "", "the channel partner's account")
	f.StringVar(&d.Name, "name", "", "the authorization's name")
	f.StringVar(&d.Description, "description", "", "its description")
	f.StringVar((*string)(&d.Currency), "currency", "USD", "the wholesale price's currency")
	f.StringVar(&c.price, "price", "", "the wholesale price of the whole contract")
	f.StringVar(&d.Duration, "duration", "P12M", "the contract's duration with --price")
	f.StringSliceVar(&schedule, "payment", nil, "a wholesale payment YYYY-MM-DD=AMOUNT instead of --price (repeat for several)")
	f.StringVar(&d.LastDay, "last-day", "", "the last day the partner may make offers (YYYY-MM-DD)")
	f.StringSliceVar(&d.Buyers, "buyer", nil, "a buyer the partner may offer to (repeat; none: any buyer)")
	f.IntVar(&c.maxOffers, "max-offers", 0, "the number of offers the partner may release (0: any)")
	f.BoolVar(&d.Release, "release", false, "release it at once")
	return cmd
}

// scheduleItem reads a YYYY-MM-DD=AMOUNT payment.
func scheduleItem(s string) (mercato.ScheduleItem, error) {
	day, amount, _ := strings.Cut(s, "=")
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return mercato.ScheduleItem{}, fmt.Errorf("%q: write YYYY-MM-DD=AMOUNT", s)
	}
	a, err := mercato.ParseAmount(amount)
	if err != nil {
		return mercato.ScheduleItem{}, fmt.Errorf("%q: %q is not a decimal amount", s, amount)
	}
	return mercato.ScheduleItem{ChargeDate: t, ChargeAmount: a}, nil
}

// stateCmd is release or restrict of an authorization.
func (c *resaleCLI) stateCmd(use, changeType, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use + " AUTHORIZATION_ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.changeSet(cmd, []mercato.Change{service.ResaleStateChange(changeType, args[0])})
		},
	}
}

func (c *resaleCLI) offerCmd() *cobra.Command {
	d := &c.offer
	cmd := &cobra.Command{
		Use:     "offer",
		Short:   "Make a private offer with an authorization shared with you: a markup or a price not below wholesale",
		Example: "  mercato resale offer --authorization resaleauthz-… --markup 20 --buyer 444455556666 --name 'For Buyer One' --release",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (d.Markup == "") == (c.price == "") {
				return errors.New("give --markup or --price")
			}
			auth, lastDay, err := c.heldAuthorization(cmd, d.AuthorizationID)
			if err != nil {
				return err
			}
			if d.LastDay == "" {
				d.LastDay = lastDay // as long as the authorization allows
			}
			if c.price != "" {
				if d.Price, err = mercato.ParseAmount(c.price); err != nil {
					return fmt.Errorf("--price: %q is not a decimal amount", c.price)
				}
			}
			changes, err := service.ResaleOfferChanges(&auth, *d)
			if err != nil {
				return err
			}
			return c.changeSet(cmd, changes)
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.AuthorizationID, "authorization", "", "the resale authorization shared with you")
	f.StringVar(&d.Name, "name", "", "the offer's name")
	f.StringVar(&d.Markup, "markup", "", "your markup on the wholesale price, in percent")
	f.StringVar(&c.price, "price", "", "or your price of the whole contract, not below wholesale")
	f.StringSliceVar(&d.Buyers, "buyer", nil, "a buyer, within the authorization's (repeat; none: its buyers)")
	f.StringVar(&d.LastDay, "last-day", "", "the last day the buyer may accept (YYYY-MM-DD)")
	f.BoolVar(&d.Release, "release", false, "release it at once")
	return cmd
}

// heldAuthorization reads an authorization shared with the caller through DescribeEntity, with
// the last day on which offers may be made with it ("" if none).
func (c *resaleCLI) heldAuthorization(cmd *cobra.Command, id string) (mercato.ResaleAuthorization, string, error) {
	if id == "" {
		return mercato.ResaleAuthorization{}, "", errors.New("--authorization is required")
	}
	body, err := c.r.sendJSON(cmd, http.MethodGet, "/DescribeEntity?catalog=AWSMarketplace&entityId="+url.QueryEscape(id), nil)
	if err != nil {
		return mercato.ResaleAuthorization{}, "", err
	}
	var e struct {
		DetailsDocument struct {
			ProductId string
			Terms     []json.RawMessage
			Rules     []struct{ Type, AvailabilityEndDate string }
		}
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return mercato.ResaleAuthorization{}, "", fmt.Errorf("reading the server's answer: %w", err)
	}
	lastDay := ""
	for _, r := range e.DetailsDocument.Rules {
		if r.Type == "AvailabilityRule" {
			lastDay = r.AvailabilityEndDate
		}
	}
	return mercato.ResaleAuthorization{ID: id, ProductID: e.DetailsDocument.ProductId, Terms: e.DetailsDocument.Terms}, lastDay, nil
}

func (c *resaleCLI) releaseOfferCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "release-offer OFFER_ID",
		Short: "Release a draft offer you made with an authorization: its buyers see it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.changeSet(cmd, []mercato.Change{{ChangeType: "ReleaseOffer", EntityType: "Offer@1.0", EntityID: args[0], Details: []byte(`{}`)}})
		},
	}
}
