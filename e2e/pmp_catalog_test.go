package e2e

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	matypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	mc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/document"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// experienceChange is a change of an Experience@1.0 with its DetailsDocument, as AWS's guide to
// private marketplaces writes them.
func experienceChange(changeType, id, name string, details map[string]any) types.Change {
	c := types.Change{ChangeType: aws.String(changeType), Entity: &types.Entity{Type: aws.String("Experience@1.0")},
		DetailsDocument: document.NewLazyDocument(details)}
	if id != "" {
		c.Entity.Identifier = aws.String(id)
	}
	if name != "" {
		c.ChangeName = aws.String(name)
	}
	return c
}

// TestPrivateMarketplaceThroughTheCatalogWithTheSDK: the administrator makes an experience
// through the Catalog API and moves the governed buyer into its audience (out of the
// scenario's experience, in the same change set); the buyer is refused the reports product,
// buys it once the administrator allows it, and is refused it again once denied. ListEntities
// and DescribeEntity show the experiences and the products allowed.
func TestPrivateMarketplaceThroughTheCatalogWithTheSDK(t *testing.T) {
	srv := startServerWith(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), orgScenario(t))
	admin := catalogClient(srv, pmpAdmin)
	ref := "$Experience.Entity.Identifier"
	made := succeeded(t, srv, admin, start(t, admin,
		experienceChange("DisassociateAudience", "exp-e2e", "", map[string]any{"Principals": []string{governed.ID}}),
		experienceChange("CreateExperience", "", "Experience", map[string]any{"Name": "Governed Corp marketplace"}),
		experienceChange("CreateProcurementPolicy", ref, "", map[string]any{"Name": "Approved software"}),
		experienceChange("AssociateAudience", ref, "", map[string]any{"Name": "Governed Corp", "Principals": []string{governed.ID}}),
		experienceChange("UpdateExperience", ref, "", map[string]any{"Status": "Enabled"})))
	expID := aws.ToString(made.ChangeSet[1].Entity.Identifier)
	if !strings.HasPrefix(expID, "exp-") {
		t.Fatalf("CreateExperience made %q", expID)
	}

	buyer := newEnv(t, srv, protocols[0]).client(governed)
	buy := func() error {
		q, err := buyer.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentNew,
			AgreementProposalIdentifier: aws.String(proposalID(offerReports)), RequestedTerms: reportsTerms(1)})
		if err != nil {
			return err
		}
		_, err = buyer.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: q.AgreementRequestId})
		return err
	}
	refused := func(when string) {
		t.Helper()
		ad := wantError[*matypes.AccessDeniedException](t, buy())
		if !strings.Contains(aws.ToString(ad.Message), expID) {
			t.Errorf("%s: the refusal names no experience %s: %q", when, expID, aws.ToString(ad.Message))
		}
	}
	refused("before the product is allowed")

	products := map[string]any{"Products": []any{map[string]any{"Ids": []string{"prod-e2e-reports"}, "Notes": "reports for finance"}}}
	succeeded(t, srv, admin, start(t, admin, experienceChange("AllowProductProcurement", expID, "", products)))
	must(t, buy())
	checkExperiences(t, admin, expID, []string{"prod-e2e-reports"})

	succeeded(t, srv, admin, start(t, admin, experienceChange("DenyProductProcurement", expID, "", products)))
	refused("once the product is denied again")
	checkExperiences(t, admin, expID, nil)

	ou := settle(t, srv, admin, start(t, admin,
		experienceChange("AssociateAudience", expID, "", map[string]any{"Principals": []string{"ou-abcd-01234567"}})))
	if ou.Status != types.ChangeStatusFailed || errorCode(ou, 0) != "INVALID_INPUT" ||
		!strings.Contains(aws.ToString(ou.ChangeSet[0].ErrorDetailList[0].ErrorMessage), "Details.Principals[0]") {
		b, _ := json.Marshal(ou.ChangeSet)
		t.Errorf("an organisational unit in the audience: %s %s", ou.Status, b)
	}
}

// checkExperiences checks that ListEntities shows the administrator's two experiences and
// that the new one's procurement policy allows exactly the products.
func checkExperiences(t *testing.T, admin *mc.Client, expID string, products []string) {
	t.Helper()
	list, err := admin.ListEntities(ctx(), &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String("Experience")})
	must(t, err)
	var ids []string
	for _, e := range list.EntitySummaryList {
		ids = append(ids, aws.ToString(e.EntityId))
	}
	if !slices.Contains(ids, expID) || !slices.Contains(ids, "exp-e2e") || len(ids) != 2 {
		t.Errorf("ListEntities Experience: %v", ids)
	}
	exp, err := admin.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(expID)})
	must(t, err)
	var doc struct {
		Status              string
		ProcurementPolicies []string
	}
	must(t, json.Unmarshal([]byte(aws.ToString(exp.Details)), &doc))
	if aws.ToString(exp.EntityType) != "Experience@1.0" || doc.Status != "Enabled" || len(doc.ProcurementPolicies) != 1 {
		t.Fatalf("DescribeEntity %s: %s %s", expID, aws.ToString(exp.EntityType), aws.ToString(exp.Details))
	}
	policy, err := admin.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(doc.ProcurementPolicies[0])})
	must(t, err)
	var pdoc struct {
		Statements []struct {
			Effect    string
			Resources []struct {
				Type string
				Ids  []string
			}
		}
	}
	must(t, json.Unmarshal([]byte(aws.ToString(policy.Details)), &pdoc))
	var allowed []string
	for _, s := range pdoc.Statements {
		for _, r := range s.Resources {
			if s.Effect == "Allow" && r.Type == "Product" {
				allowed = append(allowed, r.Ids...)
			}
		}
	}
	if aws.ToString(policy.EntityType) != "ProcurementPolicy@1.0" || !slices.Equal(allowed, products) {
		t.Errorf("the procurement policy allows %v, want %v: %s", allowed, products, aws.ToString(policy.Details))
	}
}
