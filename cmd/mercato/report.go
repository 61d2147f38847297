package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/spf13/cobra"
)

// reportOptions are the flags of mercato report.
type reportOptions struct {
	seller, from, to, format string
	accessKey, secretKey     string
}

// reportCmd prints the revenue reports. It asks the server (GET /_mercato/reports/...) rather
// than reading the database: the server is where the rules live, it works the same on SQLite
// and on a PostgreSQL cluster without handing database credentials to report users, and outside
// the sandbox the server checks who asks (requests are signed with the seller's or an
// operator's access key, like the AWS APIs).
func reportCmd() *cobra.Command {
	var r remote
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report billed|collections|disbursements|reconcile",
		Short: "Print a seller's billed revenue, collections, disbursements or reconciliation",
		Long: `Print a revenue report of a running server, as CSV or JSON:

  billed         per invoice issued in the period: gross, listing fee, tax, refunds, net;
                 in a resale a line for each party: its own fee, the partner's wholesale cost
  collections    buyers' payments on the seller's invoices in the period (refunds negative)
  disbursements  disbursements in the period, each with its lines (invoices, credit memos)
  reconcile      per currency: opening balance + invoiced - refunds - fees = disbursed +
                 closing balance; "difference" is zero when the books agree

--from is inclusive and --to exclusive (RFC 3339 times or dates); both are optional. Outside
sandbox mode, sign with --access-key and --secret-key (or MERCATO_ACCESS_KEY_ID and
MERCATO_SECRET_ACCESS_KEY) of the seller or an operator.`,
		Example:   "  mercato report reconcile --seller 111122223333 --to 2027-01-01 --format csv",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"billed", "collections", "disbursements", "reconcile"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("report", args[0], cmd.ValidArgs...); err != nil {
				return err
			}
			if err := oneOf("--format", o.format, "csv", "json"); err != nil {
				return err
			}
			if o.accessKey != "" {
				r.sign = signer(o.accessKey, o.secretKey)
			}
			return r.call(cmd, http.MethodGet, reportPath(args[0], o), "", nil)
		},
	}
	r.flags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.seller, "seller", "", "the seller's account ID (required unless an operator asks for every seller)")
	f.StringVar(&o.from, "from", "", "start of the period, inclusive (RFC 3339 time or date)")
	f.StringVar(&o.to, "to", "", "end of the period, exclusive (RFC 3339 time or date)")
	f.StringVar(&o.format, "format", "csv", "csv or json")
	f.StringVar(&o.accessKey, "access-key", envOr("MERCATO_ACCESS_KEY_ID", ""), "access key ID to sign with (env MERCATO_ACCESS_KEY_ID)")
	f.StringVar(&o.secretKey, "secret-key", envOr("MERCATO_SECRET_ACCESS_KEY", ""), "secret access key (env MERCATO_SECRET_ACCESS_KEY)")
	return cmd
}

func reportPath(report string, o reportOptions) string {
	q := url.Values{}
	for k, v := range map[string]string{"seller": o.seller, "from": o.from, "to": o.to, "format": o.format} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/_mercato/reports/" + url.PathEscape(report) + "?" + q.Encode()
}

// emptyPayloadHash is the SHA-256 of an empty body, which a GET request has.
var emptyPayloadHash = func() string { h := sha256.Sum256(nil); return hex.EncodeToString(h[:]) }()

// signer returns a function that signs requests with AWS Signature Version 4 as the access key,
// over the request's body.
func signer(keyID, secret string) func(*http.Request) error {
	s := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
	return func(req *http.Request) error {
		if secret == "" {
			return fmt.Errorf("--secret-key (or MERCATO_SECRET_ACCESS_KEY) is required with --access-key")
		}
		hash, err := payloadHash(req)
		if err != nil {
			return err
		}
		return s.SignHTTP(req.Context(), creds, req, hash, "aws-marketplace", "us-east-1", time.Now())
	}
}

// payloadHash returns the hex SHA-256 of the request's body, read from a copy.
func payloadHash(req *http.Request) (string, error) {
	if req.GetBody == nil || req.ContentLength == 0 {
		return emptyPayloadHash, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return "", err
	}
	defer body.Close()
	h := sha256.New()
	if _, err := io.Copy(h, body); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
