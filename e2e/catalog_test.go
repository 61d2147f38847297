package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	matypes "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
	mc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/document"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// catalogClient returns a Catalog API client signing as a.
func catalogClient(srv *server, a account) *mc.Client {
	return mc.New(mc.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(a.KeyID, a.Secret, ""),
		HTTPClient:   &bufferingClient{http: http.DefaultClient},
		Retryer:      aws.NopRetryer{},
	})
}

// change is a change of a change set whose Details is the JSON text given, as the Seller
// Guide's examples write them.
func change(changeType, entityType, id, name, details string) types.Change {
	c := types.Change{ChangeType: aws.String(changeType), Entity: &types.Entity{Type: aws.String(entityType)},
		Details: aws.String(details)}
	if id != "" {
		c.Entity.Identifier = aws.String(id)
	}
	if name != "" {
		c.ChangeName = aws.String(name)
	}
	return c
}

// start starts a change set and returns its ID.
func start(t *testing.T, c *mc.Client, changes ...types.Change) string {
	t.Helper()
	out, err := c.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSet: changes})
	if err != nil {
		t.Fatalf("StartChangeSet: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(out.ChangeSetArn), "AWSMarketplace/ChangeSet/"+aws.ToString(out.ChangeSetId)) {
		t.Errorf("ChangeSetArn %q does not name change set %s", aws.ToString(out.ChangeSetArn), aws.ToString(out.ChangeSetId))
	}
	return aws.ToString(out.ChangeSetId)
}

// settle waits for a change set to end and returns its description. The sandbox applies a
// change set by a job due at once, which its scheduler runs within a second: the clock never
// moves here, as a seller's tool that polls DescribeChangeSet would see it.
func settle(t *testing.T, srv *server, c *mc.Client, id string) *mc.DescribeChangeSetOutput {
	t.Helper()
	for attempt := 0; attempt < 250; attempt++ {
		out, err := c.DescribeChangeSet(ctx(), &mc.DescribeChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetId: aws.String(id)})
		if err != nil {
			t.Fatalf("DescribeChangeSet %s: %v", id, err)
		}
		switch out.Status {
		case types.ChangeStatusSucceeded, types.ChangeStatusFailed, types.ChangeStatusCancelled:
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("change set %s did not end within 5 s without a clock move", id)
	return nil
}

func succeeded(t *testing.T, srv *server, c *mc.Client, id string) *mc.DescribeChangeSetOutput {
	t.Helper()
	out := settle(t, srv, c, id)
	if out.Status != types.ChangeStatusSucceeded {
		b, _ := json.Marshal(out.ChangeSet)
		t.Fatalf("change set %s is %s (%s): %s", id, out.Status, aws.ToString(out.FailureDescription), b)
	}
	return out
}

// The private offer of the Seller Guide's "Create a private offer with a flexible payment
// schedule": every term in one change set, released at once.
func privateOfferChanges(product, buyer, endDate string) []types.Change {
	ref := "$NewOffer.Entity.Identifier"
	return []types.Change{
		change("CreateOffer", "Offer@1.0", "", "NewOffer", `{"ProductId": "`+product+`", "Name": "Storage for Buyer One"}`),
		change("UpdateInformation", "Offer@1.0", ref, "", `{"Name": "Storage, 2026 contract", "Description": "Twelve months of storage, paid in two installments"}`),
		change("UpdateTargeting", "Offer@1.0", ref, "", `{"PositiveTargeting": {"BuyerAccounts": ["`+buyer+`"]}}`),
		change("UpdatePricingTerms", "Offer@1.0", ref, "", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm",
			"CurrencyCode": "USD", "Price": "0.0", "Duration": "P12M", "Grants": [{"DimensionKey": "gigabytes", "MaxQuantity": 500}]}]}`),
		change("UpdatePaymentScheduleTerms", "Offer@1.0", ref, "", `{"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD",
			"Schedule": [{"ChargeDate": "2026-03-15", "ChargeAmount": "600.00"}, {"ChargeDate": "2026-09-15", "ChargeAmount": "400.00"}]}]}`),
		change("UpdateValidityTerms", "Offer@1.0", ref, "", `{"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P12M"}]}`),
		change("UpdateLegalTerms", "Offer@1.0", ref, "", `{"Terms": [{"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2022-07-14"}]}]}`),
		change("UpdateSupportTerms", "Offer@1.0", ref, "", `{"Terms": [{"Type": "SupportTerm", "RefundPolicy": "Refunds within 30 days of each payment."}]}`),
		change("UpdateAvailability", "Offer@1.0", ref, "", `{"AvailabilityEndDate": "`+endDate+`"}`),
		change("ReleaseOffer", "Offer@1.0", ref, "", `{}`),
	}
}

// discovery calls an operation of the Discovery API, signed with the Go SDK's SigV4 signer as
// a (the Go SDK has no Discovery client), and returns the status and the decoded body.
func discovery(t *testing.T, srv *server, a account, op string, in any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/2026-02-05/"+op, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: a.KeyID, SecretAccessKey: a.Secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "aws-marketplace", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %s %s", op, resp.Status, raw)
	}
	if resp.StatusCode != http.StatusOK {
		out["__type"] = resp.Header.Get("X-Amzn-Errortype")
	}
	return resp.StatusCode, out
}

// offerTerms returns the terms of the offer, as the buyer reads them through Discovery's
// GetOfferTerms, as the terms an agreement request asks for.
func offerTerms(t *testing.T, srv *server, buyer account, offerID string) []matypes.RequestedTerm {
	t.Helper()
	status, terms := discovery(t, srv, buyer, "getOfferTerms", map[string]string{"offerId": offerID})
	if status != http.StatusOK {
		t.Fatalf("GetOfferTerms of %s: %d %v", offerID, status, terms)
	}
	var requested []matypes.RequestedTerm
	for _, term := range terms["offerTerms"].([]any) {
		for _, v := range term.(map[string]any) {
			requested = append(requested, matypes.RequestedTerm{Id: aws.String(v.(map[string]any)["id"].(string))})
		}
	}
	return requested
}

// TestCatalogPrivateOfferLifecycle is the acceptance path: a seller makes a private
// offer with a flexible payment schedule in one change set; the targeted buyer finds its
// agreement proposal ID through Discovery and accepts it through the Agreement API; another
// buyer cannot see it; the seller extends one offer and cancels another before acceptance.
func TestCatalogPrivateOfferLifecycle(t *testing.T) {
	srv := startServer(t)
	cat := catalogClient(srv, seller)

	cs := succeeded(t, srv, cat, start(t, cat, privateOfferChanges("prod-e2e-storage", buyer1.ID, "2026-04-30")...))
	offerID := aws.ToString(cs.ChangeSet[0].Entity.Identifier)
	if !strings.HasPrefix(offerID, "offer-") || aws.ToString(cs.ChangeSet[9].Entity.Identifier) != offerID {
		t.Fatalf("the change set created offer %q and released %q", offerID, aws.ToString(cs.ChangeSet[9].Entity.Identifier))
	}
	if cs.StartTime == nil || !strings.HasPrefix(aws.ToString(cs.StartTime), "2026-03-01T") {
		t.Errorf("StartTime %q is not the business time", aws.ToString(cs.StartTime))
	}
	checkDescribedOffer(t, cat, offerID)

	// The targeted buyer learns the proposal ID and the terms, and accepts.
	status, got := discovery(t, srv, buyer1, "getOffer", map[string]string{"offerId": offerID})
	if status != http.StatusOK || got["agreementProposalId"] != proposalID(offerID) || got["offerName"] != "Storage, 2026 contract" {
		t.Fatalf("buyer one's GetOffer: %d %v", status, got)
	}
	requested := offerTerms(t, srv, buyer1, offerID)
	if len(requested) != 5 {
		t.Fatalf("GetOfferTerms returned %d terms, want 5: %v", len(requested), requested)
	}
	agr := newEnv(t, srv, protocols[0])
	quote, err := agr.buyer1.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offerID)), RequestedTerms: requested})
	must(t, err)
	accepted, err := agr.buyer1.AcceptAgreementRequest(ctx(), &ma.AcceptAgreementRequestInput{AgreementRequestId: quote.AgreementRequestId})
	must(t, err)
	if s := agreementStatus(t, agr.seller, aws.ToString(accepted.AgreementId)); s != matypes.AgreementStatusActive {
		t.Fatalf("the accepted agreement is %s", s)
	}

	// Another buyer sees nothing of it through Discovery; the Agreement API refuses it the
	// proposal as it refuses every private offer that does not target the caller.
	if status, got := discovery(t, srv, buyer2, "getOffer", map[string]string{"offerId": offerID}); status != http.StatusNotFound || got["__type"] != "ResourceNotFoundException" {
		t.Errorf("buyer two's GetOffer: %d %v", status, got)
	}
	_, err = agr.buyer2.CreateAgreementRequest(ctx(), &ma.CreateAgreementRequestInput{Intent: matypes.IntentNew,
		AgreementProposalIdentifier: aws.String(proposalID(offerID)), RequestedTerms: requested})
	if _, ok := errors.AsType[*matypes.AccessDeniedException](err); !ok {
		t.Errorf("buyer two's CreateAgreementRequest: %v, want AccessDeniedException", err)
	}

	// The accepted offer cannot be ended by its availability: that takes a cancellation request.
	cs = settle(t, srv, cat, start(t, cat, change("UpdateAvailability", "Offer@1.0", offerID, "", `{"AvailabilityEndDate": "2026-01-01"}`)))
	if cs.Status != types.ChangeStatusFailed || errorCode(cs, 0) != "OFFER_ALREADY_ACCEPTED" {
		t.Errorf("ending an accepted offer: %s %q", cs.Status, errorCode(cs, 0))
	}

	extendAndCancel(t, srv, cat)
}

// checkDescribedOffer checks DescribeEntity's view of the released offer.
func checkDescribedOffer(t *testing.T, cat *mc.Client, offerID string) {
	t.Helper()
	ent, err := cat.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(offerID)})
	must(t, err)
	var doc struct {
		State, Name, ProductID string
		Terms                  []map[string]any
		Rules                  []map[string]any
	}
	must(t, json.Unmarshal([]byte(aws.ToString(ent.Details)), &doc))
	if aws.ToString(ent.EntityType) != "Offer@1.0" || doc.State != "Released" || doc.Name != "Storage, 2026 contract" || len(doc.Terms) != 5 {
		t.Errorf("DescribeEntity: %s %s", aws.ToString(ent.EntityType), aws.ToString(ent.Details))
	}
	sched := findTerm(doc.Terms, "PaymentScheduleTerm")
	if sched == nil || fmt.Sprint(sched["Schedule"]) != "[map[ChargeAmount:600.00 ChargeDate:2026-03-15] map[ChargeAmount:400.00 ChargeDate:2026-09-15]]" {
		t.Errorf("the payment schedule reads back as %v", sched)
	}
	if fmt.Sprint(doc.Rules) != "[map[PositiveTargeting:map[BuyerAccounts:["+buyer1.ID+"]] Type:TargetingRule] map[AvailabilityEndDate:2026-04-30 Type:AvailabilityRule]]" {
		t.Errorf("rules read back as %v", doc.Rules)
	}
}

func findTerm(terms []map[string]any, typ string) map[string]any {
	for _, t := range terms {
		if t["Type"] == typ {
			return t
		}
	}
	return nil
}

func errorCode(cs *mc.DescribeChangeSetOutput, i int) string {
	if i >= len(cs.ChangeSet) || len(cs.ChangeSet[i].ErrorDetailList) == 0 {
		return ""
	}
	return aws.ToString(cs.ChangeSet[i].ErrorDetailList[0].ErrorCode)
}

// extendAndCancel releases two private offers to buyer two: the first expires and is
// extended, the second is cancelled before acceptance.
func extendAndCancel(t *testing.T, srv *server, cat *mc.Client) {
	ext := aws.ToString(succeeded(t, srv, cat, start(t, cat, privateOfferChanges("prod-e2e-reports", buyer2.ID, "2026-03-05")...)).ChangeSet[0].Entity.Identifier)
	gone := aws.ToString(succeeded(t, srv, cat, start(t, cat, privateOfferChanges("prod-e2e-reports", buyer2.ID, "2026-04-30")...)).ChangeSet[0].Entity.Identifier)
	status := func(id string) string {
		_, got := discovery(t, srv, buyer2, "listPurchaseOptions", map[string]any{
			"filters": []any{map[string]any{"filterType": "PRODUCT_ID", "filterValues": []string{"prod-e2e-reports"}}}})
		for _, o := range got["purchaseOptions"].([]any) {
			if o := o.(map[string]any); o["purchaseOptionId"] == id {
				return o["availabilityStatus"].(string)
			}
		}
		return "absent"
	}
	if s := status(ext); s != "AVAILABLE" {
		t.Errorf("a released private offer is %s to its buyer", s)
	}
	srv.advance(t, "144h") // 2026-03-07: the first offer's last day was the 5th
	if s := status(ext); s != "EXPIRED" {
		t.Errorf("after its end date the offer is %s", s)
	}
	succeeded(t, srv, cat, start(t, cat, change("UpdateAvailability", "Offer@1.0", ext, "", `{"AvailabilityEndDate": "2026-05-31"}`)))
	if s := status(ext); s != "AVAILABLE" {
		t.Errorf("the extended offer is %s", s)
	}

	succeeded(t, srv, cat, start(t, cat, change("UpdateAvailability", "Offer@1.0", gone, "", `{"AvailabilityEndDate": "2026-03-01"}`)))
	if s := status(gone); s != "EXPIRED" {
		t.Errorf("the cancelled offer is %s", s)
	}
}

// TestCatalogInvalidChangeChangesNothing sends a change set whose second change is malformed:
// it fails with that change's error, naming the field, and its valid first change is not
// applied either.
func TestCatalogInvalidChangeChangesNothing(t *testing.T) {
	srv := startServer(t)
	cat := catalogClient(srv, seller)
	draft := aws.ToString(succeeded(t, srv, cat, start(t, cat,
		change("CreateOffer", "Offer@1.0", "", "", `{"ProductId": "prod-e2e-storage", "Name": "Draft"}`))).ChangeSet[0].Entity.Identifier)

	bad := []struct{ name, details, code, field string }{
		{"price as a number", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": 12}]}`, "INVALID_INPUT", "Details.Terms[0].Price"},
		{"unknown member", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "1", "Cost": "2"}]}`, "INVALID_INPUT", "Details.Terms[0].Cost"},
		{"unknown term type", `{"PricingModel": "Contract", "Terms": [{"Type": "GoldTerm"}]}`, "INVALID_INPUT", "Details.Terms[0].Type"},
		{"bad pricing model", `{"PricingModel": "Gift", "Terms": []}`, "INVALID_INPUT", "Details.PricingModel"},
		{"terms not a list", `{"PricingModel": "Contract", "Terms": {"Type": "ByolPricingTerm"}}`, "INVALID_INPUT", "Details.Terms"},
		{"bad currency", `{"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "XXX", "Price": "1"}]}`, "INVALID_INPUT", "Details.Terms[0].CurrencyCode"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			cs := settle(t, srv, cat, start(t, cat,
				change("UpdateInformation", "Offer@1.0", draft, "", `{"Name": "Renamed"}`),
				change("UpdatePricingTerms", "Offer@1.0", draft, "", b.details)))
			if cs.Status != types.ChangeStatusFailed || aws.ToString((*string)(&cs.FailureCode)) != "CLIENT_ERROR" {
				t.Fatalf("status %s, failure code %s", cs.Status, cs.FailureCode)
			}
			if len(cs.ChangeSet[0].ErrorDetailList) != 0 || errorCode(cs, 1) != b.code ||
				!strings.Contains(aws.ToString(cs.ChangeSet[1].ErrorDetailList[0].ErrorMessage), b.field) {
				t.Errorf("errors: %+v / %+v", cs.ChangeSet[0].ErrorDetailList, cs.ChangeSet[1].ErrorDetailList)
			}
			ent, err := cat.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(draft)})
			must(t, err)
			if !strings.Contains(aws.ToString(ent.Details), `"Name":"Draft"`) {
				t.Errorf("the valid change of a failed set was applied: %s", aws.ToString(ent.Details))
			}
		})
	}

	// A request whose shape is wrong is refused at once (422), naming the member.
	_, err := cat.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"),
		ChangeSet: []types.Change{change("UpdateInformation", "Widget@1.0", draft, "", `{}`)}})
	var ve *types.ValidationException
	if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "ChangeSet[0].Entity.Type") {
		t.Errorf("an unknown entity type: %v", err)
	}

	// An entity an open change set holds is in use.
	first := start(t, cat, change("UpdateInformation", "Offer@1.0", draft, "", `{"Name": "One"}`))
	_, err = cat.StartChangeSet(ctx(), &mc.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"),
		ChangeSet: []types.Change{change("UpdateInformation", "Offer@1.0", draft, "", `{"Name": "Two"}`)}})
	if _, ok := errors.AsType[*types.ResourceInUseException](err); !ok {
		t.Errorf("a second change set on a held entity: %v, want ResourceInUseException", err)
	}
	succeeded(t, srv, cat, first)
}

// TestCatalogListEntitiesPagesThroughAThousandOffers creates 1,000 draft offers in 50 change
// sets and pages through them 50 at a time: each exactly once.
func TestCatalogListEntitiesPagesThroughAThousandOffers(t *testing.T) {
	srv := startServer(t)
	cat := catalogClient(srv, seller)
	var ids []string
	for set := 0; set < 50; set++ {
		var changes []types.Change
		for i := 0; i < 20; i++ {
			changes = append(changes, types.Change{ChangeType: aws.String("CreateOffer"), Entity: &types.Entity{Type: aws.String("Offer@1.0")},
				DetailsDocument: document.NewLazyDocument(map[string]any{"ProductId": "prod-e2e-reports", "Name": fmt.Sprintf("Bulk %d-%d", set, i)})})
		}
		ids = append(ids, start(t, cat, changes...))
	}
	srv.advance(t, "0s") // see settle
	for _, id := range ids {
		succeeded(t, srv, cat, id)
	}

	seen := map[string]bool{}
	pages := 0
	p := mc.NewListEntitiesPaginator(cat, &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String("Offer"),
		MaxResults: aws.Int32(50), EntityTypeFilters: &types.EntityTypeFiltersMemberOfferFilters{Value: types.OfferFilters{
			State: &types.OfferStateFilter{ValueList: []types.OfferStateString{types.OfferStateStringDraft}}}}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx())
		must(t, err)
		pages++
		for _, e := range page.EntitySummaryList {
			if seen[aws.ToString(e.EntityId)] {
				t.Fatalf("offer %s listed twice", aws.ToString(e.EntityId))
			}
			seen[aws.ToString(e.EntityId)] = true
			if e.OfferSummary == nil || e.OfferSummary.State != types.OfferStateStringDraft {
				t.Fatalf("a listed offer is not a draft: %+v", e.OfferSummary)
			}
		}
	}
	if len(seen) != 1000 || pages != 20 {
		t.Errorf("listed %d drafts in %d pages, want 1000 in 20", len(seen), pages)
	}
}

// TestCatalogChangeSetsTagsAndPolicies covers the Catalog operations around change sets:
// cancelling one still preparing, listing with filters, tags of entities and change sets, and
// the resource-policy operations for entities without a policy; another seller sees none of it.
func TestCatalogChangeSetsTagsAndPolicies(t *testing.T) {
	srv := startServer(t)
	cat := catalogClient(srv, seller)
	created := succeeded(t, srv, cat, start(t, cat,
		change("CreateOffer", "Offer@1.0", "", "", `{"ProductId": "prod-e2e-reports", "Name": "Tagged"}`)))
	offerID := aws.ToString(created.ChangeSet[0].Entity.Identifier)

	pending := start(t, cat, change("UpdateInformation", "Offer@1.0", offerID, "", `{"Name": "Never"}`))
	cancelled, err := cat.CancelChangeSet(ctx(), &mc.CancelChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetId: aws.String(pending)})
	must(t, err)
	if aws.ToString(cancelled.ChangeSetId) != pending {
		t.Errorf("CancelChangeSet answered %s", aws.ToString(cancelled.ChangeSetId))
	}
	if cs := settle(t, srv, cat, pending); cs.Status != types.ChangeStatusCancelled {
		t.Errorf("the cancelled change set is %s", cs.Status)
	}
	_, err = cat.CancelChangeSet(ctx(), &mc.CancelChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetId: created.ChangeSetId})
	if _, ok := errors.AsType[*types.ResourceInUseException](err); !ok {
		t.Errorf("cancelling a change set that succeeded: %v", err)
	}

	list, err := cat.ListChangeSets(ctx(), &mc.ListChangeSetsInput{Catalog: aws.String("AWSMarketplace"),
		FilterList: []types.Filter{{Name: aws.String("Status"), ValueList: []string{"CANCELLED"}}}})
	must(t, err)
	if len(list.ChangeSetSummaryList) != 1 || aws.ToString(list.ChangeSetSummaryList[0].ChangeSetId) != pending ||
		list.ChangeSetSummaryList[0].EntityIdList[0] != offerID {
		t.Errorf("ListChangeSets by status: %+v", list.ChangeSetSummaryList)
	}

	arn := "arn:aws:aws-marketplace:us-east-1:" + seller.ID + ":AWSMarketplace/Offer/" + offerID
	_, err = cat.TagResource(ctx(), &mc.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("sales")}, {Key: aws.String("deal"), Value: aws.String("42")}}})
	must(t, err)
	_, err = cat.UntagResource(ctx(), &mc.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"deal"}})
	must(t, err)
	tags, err := cat.ListTagsForResource(ctx(), &mc.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	must(t, err)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "sales" {
		t.Errorf("tags: %+v", tags.Tags)
	}
	_, err = cat.GetResourcePolicy(ctx(), &mc.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); !ok {
		t.Errorf("GetResourcePolicy of an entity without one: %v", err)
	}

	// Another seller can neither see nor tag the offer.
	other := catalogClient(srv, stranger)
	_, err = other.DescribeEntity(ctx(), &mc.DescribeEntityInput{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String(offerID)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); !ok {
		t.Errorf("another seller's DescribeEntity: %v", err)
	}
	_, err = other.ListTagsForResource(ctx(), &mc.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); !ok {
		t.Errorf("another seller's ListTagsForResource: %v", err)
	}
	_, err = other.DescribeChangeSet(ctx(), &mc.DescribeChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetId: aws.String(pending)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); !ok {
		t.Errorf("another seller's DescribeChangeSet: %v", err)
	}

	// Products are entities too.
	products, err := cat.ListEntities(ctx(), &mc.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String("SaaSProduct")})
	must(t, err)
	if len(products.EntitySummaryList) != 4 || products.EntitySummaryList[0].SaaSProductSummary == nil {
		t.Errorf("the seller's SaaS products: %+v", products.EntitySummaryList)
	}
	batch, err := cat.BatchDescribeEntities(ctx(), &mc.BatchDescribeEntitiesInput{EntityRequestList: []types.EntityRequest{
		{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String("prod-e2e-analytics")},
		{Catalog: aws.String("AWSMarketplace"), EntityId: aws.String("prod-e2e-stranger")}}})
	must(t, err)
	if _, ok := batch.EntityDetails["prod-e2e-analytics"]; !ok || aws.ToString(batch.Errors["prod-e2e-stranger"].ErrorCode) != "ResourceNotFoundException" {
		t.Errorf("BatchDescribeEntities: %+v %+v", batch.EntityDetails, batch.Errors)
	}
}
