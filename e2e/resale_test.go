package e2e

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// The accounts of testdata/resale.yaml.
var (
	maker   = account{"111122223333", "AKIAE2EMAKER00000001", "e2e-maker-secret"}
	partner = account{"222233334444", "AKIAE2EPARTNER000001", "e2e-partner-secret"}
)

// TestResaleWithTheSDK: a channel partner's resale of Acme's product, accepted and invoiced
// (1,200.00), is the partner's agreement: it describes and finds it as Proposer and refunds
// 600.00 of it (what the maker sees of it is in TestResaleAsManufacturer). On March 10 both
// are paid out to the cent at 3.5%: the maker 1,000.00 - 35.00 less half, 482.50; the partner
// 200.00 - 7.00 less half, 96.50; both reconciliations balance, and mercato check passes when
// the server stops.
func TestResaleWithTheSDK(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "resale.yaml")
	e := newEnv(t, srv, protocols[0])
	seller := e.client(partner)
	const agmt = "agmt-e2e-cppo"

	got, err := seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmt)})
	must(t, err)
	if aws.ToString(got.Proposer.AccountId) != partner.ID || aws.ToString(got.Acceptor.AccountId) != buyer1.ID {
		t.Errorf("proposer %q, acceptor %q; want the partner and the buyer", aws.ToString(got.Proposer.AccountId), aws.ToString(got.Acceptor.AccountId))
	}
	ids, _ := search(t, seller, &ma.SearchAgreementsInput{Catalog: aws.String("AWSMarketplace"), Filters: filters("PartyType", "Proposer")})
	if len(ids) != 1 || ids[0] != agmt {
		t.Errorf("the partner finds %v as Proposer, want [%s]", ids, agmt)
	}

	invs := lineItems(t, seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmt), InvoiceType: types.InvoiceTypeInvoice})
	if len(invs) != 1 {
		t.Fatalf("the resale has %d invoices, want 1", len(invs))
	}
	refund := types.BatchCreateBillingAdjustmentRequestEntry{
		AgreementId: aws.String(agmt), OriginalInvoiceId: invs[0].InvoiceId, AdjustmentAmount: aws.String("600.00"),
		CurrencyCode: aws.String("USD"), AdjustmentReasonCode: types.BillingAdjustmentReasonCodeBuyerDissatisfaction,
		ClientToken: aws.String("e2e-cppo-refund")}
	out, err := batch(t, seller, refund)
	must(t, err)
	if len(out.Items) != 1 || len(out.Errors) != 0 {
		t.Fatalf("the partner's refund: %d items, errors %+v", len(out.Items), out.Errors)
	}

	srv.advance(t, "240h") // to March 11: the refund completes, March 10 pays out
	for _, want := range []struct{ seller, disbursed string }{{maker.ID, "482.50"}, {partner.ID, "96.50"}} {
		r := reconciliation(t, srv, want.seller)
		if r["disbursed"] != want.disbursed || r["balanced"] != "true" || r["closing_balance"] != "0.00" {
			t.Errorf("reconciliation of %s = %v, want %s disbursed and balanced", want.seller, r, want.disbursed)
		}
	}
}

// reconciliation returns the seller's one row of the reconciliation report.
func reconciliation(t *testing.T, srv *server, seller string) map[string]string {
	t.Helper()
	resp, err := http.Get(srv.URL + "/_mercato/reports/reconcile?format=json&seller=" + seller)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Rows []map[string]string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || len(body.Rows) != 1 {
		t.Fatalf("reconcile %s: %s, %v, %+v", seller, resp.Status, err, body)
	}
	return body.Rows[0]
}
