package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

// TestResaleAsManufacturer: the maker of a resold product finds the partner's agreement as
// Manufacturer (with the Proposer's filters), describes it with the partner as proposer and the
// buyer as acceptor but without the buyer's price, and is told the agreement does not exist when
// it asks for its terms or for a refund of it. As Proposer it finds none of the partner's.
func TestResaleAsManufacturer(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "resale.yaml")
	e := newEnv(t, srv, protocols[0])
	seller, isv := e.client(partner), e.client(maker)
	const agmt = "agmt-e2e-cppo"
	catalog := aws.String("AWSMarketplace")

	for _, f := range [][]string{
		{"PartyType", "Manufacturer"},
		{"PartyType", "Manufacturer", "Status", "ACTIVE", "ResourceIdentifier", "prod-e2e-resold"},
		{"PartyType", "Manufacturer", "AcceptorAccountId", buyer1.ID, "OfferId", "offer-e2e-cppo", "ResourceType", "SaaSProduct"},
		{"PartyType", "Manufacturer", "AfterEndTime", "2026-06-01", "AgreementType", "PurchaseAgreement"},
	} {
		ids, out := search(t, isv, &ma.SearchAgreementsInput{Catalog: catalog, Filters: filters(f...)})
		if len(ids) != 1 || ids[0] != agmt {
			t.Errorf("the maker finds %v with %v, want [%s]", ids, f, agmt)
			continue
		}
		if s := out.AgreementViewSummaries[0]; aws.ToString(s.Proposer.AccountId) != partner.ID {
			t.Errorf("the summary's proposer is %q, want the partner", aws.ToString(s.Proposer.AccountId))
		}
	}
	for _, f := range [][]string{
		{"PartyType", "Manufacturer", "Status", "CANCELLED"},
		{"PartyType", "Manufacturer", "AcceptorAccountId", "999988887777"},
		{"PartyType", "Proposer"},
	} {
		if ids, _ := search(t, isv, &ma.SearchAgreementsInput{Catalog: catalog, Filters: filters(f...)}); len(ids) != 0 {
			t.Errorf("the maker finds %v with %v, want none", ids, f)
		}
	}
	if ids, _ := search(t, seller, &ma.SearchAgreementsInput{Catalog: catalog, Filters: filters("PartyType", "Manufacturer")}); len(ids) != 0 {
		t.Errorf("the partner finds %v as Manufacturer, want none", ids)
	}
	_, err := isv.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Catalog: catalog, Filters: filters("PartyType", "Maker")})
	ve := wantError[*types.ValidationException](t, err)
	if msg := aws.ToString(ve.Message); !contains(msg, "Proposer", "Acceptor", "Manufacturer") {
		t.Errorf("an unknown PartyType is refused with %q, want the three accepted values", msg)
	}
	_, err = isv.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Catalog: catalog, Filters: filters("PartyType", "Manufacturer", "LicenseArn", "x")})
	wantError[*types.ValidationException](t, err)

	got, err := isv.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmt)})
	must(t, err)
	if aws.ToString(got.Proposer.AccountId) != partner.ID || aws.ToString(got.Acceptor.AccountId) != buyer1.ID || got.Status != types.AgreementStatusActive {
		t.Errorf("proposer %q, acceptor %q, status %s; want the partner, the buyer, ACTIVE", aws.ToString(got.Proposer.AccountId), aws.ToString(got.Acceptor.AccountId), got.Status)
	}
	if got.EstimatedCharges != nil {
		t.Errorf("the maker sees the buyer's charges %s %s", aws.ToString(got.EstimatedCharges.AgreementValue), aws.ToString(got.EstimatedCharges.CurrencyCode))
	}
	if got.ProposalSummary == nil || len(got.ProposalSummary.Resources) != 1 || aws.ToString(got.ProposalSummary.Resources[0].Id) != "prod-e2e-resold" {
		t.Errorf("proposal summary %+v, want the product", got.ProposalSummary)
	}

	_, err = isv.GetAgreementTerms(ctx(), &ma.GetAgreementTermsInput{AgreementId: aws.String(agmt)})
	wantError[*types.ResourceNotFoundException](t, err)

	invs := lineItems(t, seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmt), InvoiceType: types.InvoiceTypeInvoice})
	if len(invs) != 1 {
		t.Fatalf("the resale has %d invoices, want 1", len(invs))
	}
	refund := types.BatchCreateBillingAdjustmentRequestEntry{
		AgreementId: aws.String(agmt), OriginalInvoiceId: invs[0].InvoiceId, AdjustmentAmount: aws.String("10.00"),
		CurrencyCode: aws.String("USD"), AdjustmentReasonCode: types.BillingAdjustmentReasonCodeBuyerDissatisfaction,
		ClientToken: aws.String("e2e-maker-refund")}
	out, err := batch(t, isv, refund)
	if err == nil && (len(out.Items) != 0 || len(out.Errors) != 1) {
		t.Errorf("the maker's refund: %d items, errors %+v; want it refused", len(out.Items), out.Errors)
	}
	if err == nil && len(out.Errors) == 1 && out.Errors[0].Code != types.BillingAdjustmentErrorCodeResourceNotFoundException {
		t.Errorf("the maker's refund is refused with %s, want RESOURCE_NOT_FOUND_EXCEPTION", out.Errors[0].Code)
	}
}

// contains reports whether s holds every one of words.
func contains(s string, words ...string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// TestResaleAsManufacturerWithBoto3 runs e2e/python/manufacturer.py: boto3's Agreement client
// searches as Manufacturer and describes the resale as the maker. Skips as TestDiscoveryWithBoto3
// does.
func TestResaleAsManufacturerWithBoto3(t *testing.T) {
	python := boto3Discovery(t)

	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "resale.yaml")
	runPython(t, python, "manufacturer.py", 6, "MERCATO_URL="+srv.URL, "MERCATO_AGREEMENT=agmt-e2e-cppo",
		"MERCATO_PARTNER_ACCOUNT="+partner.ID, "MERCATO_MAKER_ACCESS_KEY_ID="+maker.KeyID, "MERCATO_MAKER_SECRET_ACCESS_KEY="+maker.Secret)
}
