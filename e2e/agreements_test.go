package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ma "github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement/types"
)

func TestDescribeAgreement(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		want := &ma.DescribeAgreementOutput{
			AgreementId:      aws.String(agmtContract),
			Acceptor:         &types.Acceptor{AccountId: aws.String(buyer1.ID)},
			Proposer:         &types.Proposer{AccountId: aws.String(seller.ID)},
			StartTime:        at("2026-01-10T00:00:00Z"),
			EndTime:          at("2027-01-10T00:00:00Z"),
			AcceptanceTime:   at("2026-01-10T00:00:00Z"),
			AgreementType:    aws.String("PurchaseAgreement"),
			EstimatedCharges: &types.EstimatedCharges{CurrencyCode: aws.String("USD"), AgreementValue: aws.String("3000.00")},
			ProposalSummary: &types.ProposalSummary{
				Resources: []types.Resource{{Id: aws.String("prod-e2e-backup"), Type: aws.String("SaaSProduct")}},
				OfferId:   aws.String("offer-e2e-contract"),
			},
			Status:             types.AgreementStatusActive,
			InitialAgreementId: aws.String(agmtContract),
			EndTimeBehavior: &types.EndTimeBehavior{Type: types.EndTimeBehaviorTypeExpire,
				ReasonCode: types.EndTimeBehaviorReasonCodeAcceptorRenewOptedOut},
		}
		// Both parties see the same agreement.
		for name, c := range map[string]*ma.Client{"seller": e.seller, "buyer": e.buyer1} {
			out, err := c.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtContract)})
			must(t, err)
			same(t, "DescribeAgreement as the "+name, want, out)
		}

		// Pay-as-you-go: no end, nothing estimated in advance, a professional-services resource.
		out, err := e.buyer2.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtPayg)})
		must(t, err)
		if out.EndTime != nil || aws.ToString(out.EstimatedCharges.AgreementValue) != "0.00" ||
			out.EndTimeBehavior.ReasonCode != types.EndTimeBehaviorReasonCodeNoRenewalTerm || !out.StartTime.Equal(*at("2026-01-05T00:00:00Z")) {
			t.Errorf("pay-as-you-go agreement: endTime %v, value %q, end behaviour %+v, start %v",
				out.EndTime, aws.ToString(out.EstimatedCharges.AgreementValue), out.EndTimeBehavior, out.StartTime)
		}
		out, err = e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtConsultingWait)})
		must(t, err)
		if got := aws.ToString(out.ProposalSummary.Resources[0].Type); got != "ProfessionalServicesProduct" ||
			aws.ToString(out.EstimatedCharges.CurrencyCode) != "EUR" || aws.ToString(out.Acceptor.AccountId) != buyer2.ID {
			t.Errorf("consulting agreement: resource type %q, currency %q, acceptor %q", got,
				aws.ToString(out.EstimatedCharges.CurrencyCode), aws.ToString(out.Acceptor.AccountId))
		}
	})
}

// search runs SearchAgreements and returns the IDs found, failing on an error.
func search(t *testing.T, c *ma.Client, in *ma.SearchAgreementsInput) ([]string, *ma.SearchAgreementsOutput) {
	t.Helper()
	out, err := c.SearchAgreements(ctx(), in)
	must(t, err)
	ids := make([]string, len(out.AgreementViewSummaries))
	for i, s := range out.AgreementViewSummaries {
		ids[i] = aws.ToString(s.AgreementId)
	}
	return ids, out
}

func filters(kv ...string) []types.Filter {
	var fs []types.Filter
	for i := 0; i+1 < len(kv); i += 2 {
		fs = append(fs, types.Filter{Name: aws.String(kv[i]), Values: []string{kv[i+1]}})
	}
	return fs
}

func sorted(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }

func TestSearchAgreements(t *testing.T) {
	sellerAll := []string{agmtPayg, agmtContract, agmtConsultingAuto, agmtConsultingWait, agmtPaygOne, agmtStorage, agmtFixed}
	forEachProtocol(t, func(t *testing.T, e *env) {
		t.Run("party types", func(t *testing.T) {
			ids, out := search(t, e.seller, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer", "AgreementType", "PurchaseAgreement")})
			same(t, "the seller's agreements", sorted(sellerAll...), sorted(ids...))
			if out.NextToken != nil {
				t.Errorf("a single page has nextToken %q", *out.NextToken)
			}
			// The default order is EndTime descending, agreements without an end first.
			last := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			for _, s := range out.AgreementViewSummaries {
				end := last
				if s.EndTime != nil {
					end = *s.EndTime
				}
				if end.After(last) {
					t.Errorf("agreements are not sorted by EndTime descending: %s ends %v after %v", *s.AgreementId, end, last)
				}
				last = end
			}
			ids, _ = search(t, e.buyer2, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor")})
			same(t, "buyer two's agreements, with both sellers", sorted(agmtPayg, agmtConsultingWait, agmtStorage, agmtFixed, agmtStranger), sorted(ids...))
			ids, _ = search(t, e.buyer2, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer")})
			if len(ids) != 0 {
				t.Errorf("a buyer as Proposer found %v", ids)
			}
		})

		t.Run("summary", func(t *testing.T) {
			_, out := search(t, e.buyer1, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor", "OfferId", "offer-e2e-contract")})
			want := []types.AgreementViewSummary{{
				AgreementId:               aws.String(agmtContract),
				AcceptanceTime:            at("2026-01-10T00:00:00Z"),
				StartTime:                 at("2026-01-10T00:00:00Z"),
				EndTime:                   at("2027-01-10T00:00:00Z"),
				LastUpdateTime:            at("2026-01-10T00:00:00Z"),
				AgreementType:             aws.String("PurchaseAgreement"),
				Acceptor:                  &types.Acceptor{AccountId: aws.String(buyer1.ID)},
				Proposer:                  &types.Proposer{AccountId: aws.String(seller.ID)},
				ProposalSummary:           &types.ProposalSummary{Resources: []types.Resource{{Id: aws.String("prod-e2e-backup"), Type: aws.String("SaaSProduct")}}, OfferId: aws.String("offer-e2e-contract")},
				Status:                    types.AgreementStatusActive,
				Entitlements:              []types.Entitlement{{LicenseArn: aws.String("arn:aws:license-manager::444455556666:license:l-e2e-contract")}},
				InitialAgreementId:        aws.String(agmtContract),
				EndTimeBehaviorType:       types.EndTimeBehaviorTypeExpire,
				EndTimeBehaviorReasonCode: types.EndTimeBehaviorReasonCodeAcceptorRenewOptedOut,
			}}
			same(t, "the contract's summary", want, out.AgreementViewSummaries)
		})

		t.Run("filters", func(t *testing.T) {
			for _, c := range []struct {
				name   string
				client *ma.Client
				kv     []string
				want   []string
			}{
				{"acceptor by status and resource", e.buyer2, []string{"PartyType", "Acceptor", "Status", "ACTIVE", "ResourceIdentifier", "prod-e2e-backup"}, []string{agmtFixed}},
				{"acceptor by resource type", e.buyer1, []string{"PartyType", "Acceptor", "ResourceType", "ProfessionalServicesProduct"}, []string{agmtConsultingAuto}},
				{"proposer by acceptor account", e.seller, []string{"PartyType", "Proposer", "AcceptorAccountId", buyer2.ID}, []string{agmtPayg, agmtConsultingWait, agmtStorage, agmtFixed}},
				{"proposer by offer", e.seller, []string{"PartyType", "Proposer", "OfferId", "offer-e2e-public"}, []string{agmtPayg, agmtPaygOne}},
				{"proposer by start time", e.seller, []string{"PartyType", "Proposer", "AfterStartTime", "2026-02-05T00:00:00Z"}, []string{agmtStorage, agmtFixed}},
				{"proposer by end time", e.seller, []string{"PartyType", "Proposer", "BeforeEndTime", "2026-12-31"}, []string{agmtConsultingAuto}},
				{"no match", e.seller, []string{"PartyType", "Proposer", "Status", "CANCELLED"}, nil},
			} {
				ids, _ := search(t, c.client, &ma.SearchAgreementsInput{Filters: filters(c.kv...)})
				if !slices.Equal(sorted(c.want...), sorted(ids...)) {
					t.Errorf("%s: found %v, want %v", c.name, ids, c.want)
				}
			}
			_, err := e.buyer1.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor", "AcceptorAccountId", buyer1.ID)})
			ve := wantError[*types.ValidationException](t, err)
			if ve.Reason != types.ValidationExceptionReasonUnsupportedFilters {
				t.Errorf("an acceptor filtering on AcceptorAccountId: reason %q, want UNSUPPORTED_FILTERS", ve.Reason)
			}
			_, err = e.seller.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Filters: filters("AgreementType", "PurchaseAgreement")})
			if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonMissingPartyType {
				t.Errorf("no PartyType: reason %q, want MISSING_PARTY_TYPE", ve.Reason)
			}
		})

		startAsc := []string{agmtPayg, agmtContract, agmtConsultingAuto, agmtConsultingWait, agmtPaygOne, agmtStorage, agmtFixed}
		t.Run("sort", func(t *testing.T) {
			ids, _ := search(t, e.seller, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer"),
				Sort: &types.Sort{SortBy: aws.String("StartTime"), SortOrder: types.SortOrderAscending}})
			same(t, "StartTime ascending", startAsc, ids)
			ids, out := search(t, e.seller, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer"),
				Sort: &types.Sort{SortBy: aws.String("StartTime"), SortOrder: types.SortOrderDescending}})
			for i := 1; i < len(out.AgreementViewSummaries); i++ {
				if out.AgreementViewSummaries[i].StartTime.After(*out.AgreementViewSummaries[i-1].StartTime) {
					t.Errorf("StartTime descending: %v", ids)
					break
				}
			}
			if ids[0] != agmtFixed || ids[len(ids)-1] != agmtPayg {
				t.Errorf("StartTime descending starts with %s and ends with %s", ids[0], ids[len(ids)-1])
			}
			_, err := e.buyer1.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor"),
				Sort: &types.Sort{SortBy: aws.String("StartTime")}})
			if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonInvalidSortBy {
				t.Errorf("an acceptor sorting by StartTime: reason %q, want INVALID_SORT_BY", ve.Reason)
			}
		})

		t.Run("pagination", func(t *testing.T) {
			for _, size := range []int32{1, 2} {
				in := &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer"), MaxResults: aws.Int32(size),
					Sort: &types.Sort{SortBy: aws.String("StartTime"), SortOrder: types.SortOrderAscending}}
				var all []string
				pages := 0
				for {
					ids, out := search(t, e.seller, in)
					pages++
					if len(ids) == 0 || len(ids) > int(size) {
						t.Fatalf("page %d of size %d holds %d agreements", pages, size, len(ids))
					}
					all = append(all, ids...)
					if out.NextToken == nil {
						break
					}
					if *out.NextToken == "" || pages > 10 {
						t.Fatalf("page %d: nextToken %q", pages, *out.NextToken)
					}
					in.NextToken = out.NextToken
				}
				same(t, "pages of "+string(rune('0'+size)), startAsc, all)
				if want := (len(startAsc) + int(size) - 1) / int(size); pages != want {
					t.Errorf("maxResults %d: %d pages, want %d", size, pages, want)
				}
			}

			// The SDK's paginator stops by itself on the page without a token.
			p := ma.NewSearchAgreementsPaginator(e.buyer2, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor")},
				func(o *ma.SearchAgreementsPaginatorOptions) { o.Limit = 2 })
			var all []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx())
				must(t, err)
				pages++
				for _, s := range out.AgreementViewSummaries {
					all = append(all, *s.AgreementId)
				}
			}
			if pages != 3 {
				t.Errorf("paginator over 5 agreements, 2 a page: %d pages", pages)
			}
			same(t, "paginated agreements", sorted(agmtPayg, agmtConsultingWait, agmtStorage, agmtFixed, agmtStranger), sorted(all...))

			// A token is good for its caller only.
			_, out := search(t, e.seller, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer"), MaxResults: aws.Int32(1)})
			_, err := e.buyer1.SearchAgreements(ctx(), &ma.SearchAgreementsInput{Filters: filters("PartyType", "Proposer"), NextToken: out.NextToken})
			if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonInvalidNextToken {
				t.Errorf("another caller's token: reason %q, want INVALID_NEXT_TOKEN", ve.Reason)
			}
		})
	})
}

func TestGetAgreementEntitlements(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		for name, c := range map[string]*ma.Client{"seller": e.seller, "buyer": e.buyer1} {
			out, err := c.GetAgreementEntitlements(ctx(), &ma.GetAgreementEntitlementsInput{AgreementId: aws.String(agmtContract)})
			must(t, err)
			if len(out.AgreementEntitlements) != 1 {
				t.Fatalf("%s: %d entitlements, want 1", name, len(out.AgreementEntitlements))
			}
			got := out.AgreementEntitlements[0]
			if tok := aws.ToString(got.RegistrationToken); strings.Count(tok, ".") != 1 || len(tok) < 20 {
				t.Errorf("%s: registration token %q", name, tok)
			}
			got.RegistrationToken = nil
			same(t, name+"'s entitlement", types.AgreementEntitlement{
				Resource:         &types.Resource{Id: aws.String("prod-e2e-backup"), Type: aws.String("SaaSProduct")},
				Type:             aws.String("Entitlement"),
				Status:           types.AgreementEntitlementStatusProvisioned,
				StatusReasonCode: types.AgreementEntitlementStatusReasonCodeAgreementActive,
				LicenseArn:       aws.String("arn:aws:license-manager::444455556666:license:l-e2e-contract"),
			}, got)
		}
		_, err := e.stranger.GetAgreementEntitlements(ctx(), &ma.GetAgreementEntitlementsInput{AgreementId: aws.String(agmtContract)})
		wantError[*types.ResourceNotFoundException](t, err)
	})
}

// charges lists a buyer's charges (of one agreement if id is not empty) through the paginator.
func charges(t *testing.T, c *ma.Client, id string) []types.Charge {
	t.Helper()
	in := &ma.ListAgreementChargesInput{}
	if id != "" {
		in.AgreementId = aws.String(id)
	}
	var all []types.Charge
	p := ma.NewListAgreementChargesPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx())
		must(t, err)
		all = append(all, out.Items...)
	}
	return all
}

func TestListAgreementCharges(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		charge := func(amount, when string) types.Charge {
			return types.Charge{Revision: aws.Int64(1), AgreementId: aws.String(agmtContract), AgreementType: aws.String("PurchaseAgreement"),
				CurrencyCode: aws.String("USD"), Amount: aws.String(amount), Time: at(when)}
		}
		want := []types.Charge{charge("1200.00", "2026-01-15T00:00:00Z"), charge("800.00", "2026-02-15T00:00:00Z"), charge("1000.00", "2026-06-15T00:00:00Z")}
		got := charges(t, e.buyer1, "")
		for i := range got {
			if !strings.HasPrefix(aws.ToString(got[i].Id), "ch-") {
				t.Errorf("charge %d: id %q", i, aws.ToString(got[i].Id))
			}
			got[i].Id = nil
		}
		same(t, "buyer one's charges", want, got)

		// Pages of one, through the SDK's paginator, and the last without a token.
		p := ma.NewListAgreementChargesPaginator(e.buyer2, &ma.ListAgreementChargesInput{MaxResults: aws.Int32(1)})
		var amounts []string
		for p.HasMorePages() {
			out, err := p.NextPage(ctx())
			must(t, err)
			if len(out.Items) != 1 {
				t.Fatalf("a page of maxResults 1 holds %d charges", len(out.Items))
			}
			amounts = append(amounts, aws.ToString(out.Items[0].Amount)+" "+aws.ToString(out.Items[0].AgreementId))
		}
		// Buyer two: January's fee of the analytics subscription (27 of 31 days) and 12 days of
		// the stranger's tool, both charged at the end of January, then the upfront price of the
		// fixed contract.
		if len(amounts) == 3 {
			slices.Sort(amounts[:2])
		}
		same(t, "buyer two's charges", []string{"3.87 " + agmtStranger, "87.10 " + agmtPayg, "600.00 " + agmtFixed}, amounts)

		if got := charges(t, e.buyer2, agmtConsultingWait); len(got) != 0 {
			t.Errorf("consulting agreement without payments has charges %+v", got)
		}
		_, err := e.seller.ListAgreementCharges(ctx(), &ma.ListAgreementChargesInput{AgreementId: aws.String(agmtContract)})
		ad := wantError[*types.AccessDeniedException](t, err)
		if ad.Reason != types.AccessDeniedExceptionReasonInvalidAccess {
			t.Errorf("the seller listing charges: reason %q", ad.Reason)
		}
	})
}

// lineItems lists the invoices of an agreement as its seller.
func lineItems(t *testing.T, c *ma.Client, in *ma.ListAgreementInvoiceLineItemsInput) []types.AgreementInvoiceLineItemGroupSummary {
	t.Helper()
	if in.GroupBy == "" {
		in.GroupBy = types.LineItemGroupByInvoiceId
	}
	var all []types.AgreementInvoiceLineItemGroupSummary
	p := ma.NewListAgreementInvoiceLineItemsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx())
		must(t, err)
		all = append(all, out.AgreementInvoiceLineItemGroupSummaries...)
	}
	return all
}

func TestListAgreementInvoiceLineItems(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		invoice := func(amount string, month int32, issued string) types.AgreementInvoiceLineItemGroupSummary {
			return types.AgreementInvoiceLineItemGroupSummary{
				AgreementId:           aws.String(agmtContract),
				PricingCurrencyAmount: &types.PricingCurrencyAmount{Amount: aws.String(amount), MaxAdjustmentAmount: aws.String(amount), CurrencyCode: aws.String("USD")},
				InvoiceBillingPeriod:  &types.InvoiceBillingPeriod{Month: aws.Int32(month), Year: aws.Int32(2026)},
				IssuedTime:            at(issued),
				InvoiceType:           types.InvoiceTypeInvoice,
				InvoicingEntity:       &types.InvoicingEntity{LegalName: aws.String("Mercato Marketplace, Inc.")},
			}
		}
		all := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract), MaxResults: aws.Int32(1)})
		ids := make([]string, len(all))
		for i := range all {
			ids[i] = aws.ToString(all[i].InvoiceId)
			if !strings.HasPrefix(ids[i], "inv-") {
				t.Errorf("invoice ID %q", ids[i])
			}
			all[i].InvoiceId = nil
		}
		same(t, "the contract's invoices", []types.AgreementInvoiceLineItemGroupSummary{
			invoice("1200.00", 1, "2026-01-15T00:00:00Z"), invoice("800.00", 2, "2026-02-15T00:00:00Z")}, all)

		for _, c := range []struct {
			name string
			in   ma.ListAgreementInvoiceLineItemsInput
			want []string
		}{
			{"by billing period", ma.ListAgreementInvoiceLineItemsInput{InvoiceBillingPeriod: &types.InvoiceBillingPeriod{Month: aws.Int32(2), Year: aws.Int32(2026)}}, ids[1:]},
			{"issued after", ma.ListAgreementInvoiceLineItemsInput{AfterIssuedTime: at("2026-02-01T00:00:00Z")}, ids[1:]},
			{"issued before", ma.ListAgreementInvoiceLineItemsInput{BeforeIssuedTime: at("2026-02-01T00:00:00Z")}, ids[:1]},
			{"by invoice", ma.ListAgreementInvoiceLineItemsInput{InvoiceId: aws.String(ids[0])}, ids[:1]},
			{"credit memos", ma.ListAgreementInvoiceLineItemsInput{InvoiceType: types.InvoiceTypeCreditMemo}, nil},
		} {
			in := c.in
			in.AgreementId = aws.String(agmtContract)
			var got []string
			for _, g := range lineItems(t, e.seller, &in) {
				got = append(got, aws.ToString(g.InvoiceId))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// Buyer two's invoices come from the European entity and are in euros where the terms are.
		got := lineItems(t, e.seller, &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtPayg)})
		if len(got) != 1 || aws.ToString(got[0].PricingCurrencyAmount.Amount) != "87.10" ||
			!strings.Contains(aws.ToString(got[0].InvoicingEntity.LegalName), "Europe") || aws.ToInt32(got[0].InvoiceBillingPeriod.Month) != 1 {
			t.Errorf("pay-as-you-go invoices: %+v", got)
		}

		_, err := e.buyer1.ListAgreementInvoiceLineItems(ctx(), &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract), GroupBy: types.LineItemGroupByInvoiceId})
		wantError[*types.AccessDeniedException](t, err)
		_, err = e.stranger.ListAgreementInvoiceLineItems(ctx(), &ma.ListAgreementInvoiceLineItemsInput{AgreementId: aws.String(agmtContract), GroupBy: types.LineItemGroupByInvoiceId})
		wantError[*types.ResourceNotFoundException](t, err)
	})
}

func TestCancelAgreement(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		// The buyer ends a pay-as-you-go subscription itself.
		_, err := e.buyer2.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(agmtPayg)})
		must(t, err)
		if x := e.rec.last(t, "CancelAgreement"); x.status != 200 {
			t.Errorf("CancelAgreement status %d", x.status)
		}
		out, err := e.seller.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtPayg)})
		must(t, err)
		if out.Status != types.AgreementStatusCancelled {
			t.Errorf("after CancelAgreement the agreement is %s", out.Status)
		}
		ents, err := e.buyer2.GetAgreementEntitlements(ctx(), &ma.GetAgreementEntitlementsInput{AgreementId: aws.String(agmtPayg)})
		must(t, err)
		if s := ents.AgreementEntitlements[0]; s.Status != types.AgreementEntitlementStatusDeprovisioned ||
			s.StatusReasonCode != types.AgreementEntitlementStatusReasonCodeAgreementInactive || s.RegistrationToken != nil {
			t.Errorf("entitlement of a cancelled agreement: %s %s token %v", s.Status, s.StatusReasonCode, s.RegistrationToken)
		}
		ids, _ := search(t, e.buyer2, &ma.SearchAgreementsInput{Filters: filters("PartyType", "Acceptor", "Status", "CANCELLED")})
		same(t, "cancelled agreements", []string{agmtPayg}, ids)

		// Again: it is no longer active.
		_, err = e.buyer2.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(agmtPayg)})
		wantError[*types.ConflictException](t, err)
		// A contract is cancelled through the seller.
		_, err = e.buyer2.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(agmtFixed)})
		ce := wantError[*types.ConflictException](t, err)
		if ce.ResourceType != types.ResourceTypeAgreement || aws.ToString(ce.ResourceId) != agmtFixed {
			t.Errorf("contract: conflict on %s %s", ce.ResourceType, aws.ToString(ce.ResourceId))
		}
		// Only the buyer cancels; strangers do not see the agreement.
		_, err = e.seller.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(agmtPaygOne)})
		wantError[*types.AccessDeniedException](t, err)
		_, err = e.stranger.CancelAgreement(ctx(), &ma.CancelAgreementInput{AgreementId: aws.String(agmtPaygOne)})
		wantError[*types.ResourceNotFoundException](t, err)
		out, err = e.buyer1.DescribeAgreement(ctx(), &ma.DescribeAgreementInput{AgreementId: aws.String(agmtPaygOne)})
		must(t, err)
		if out.Status != types.AgreementStatusActive {
			t.Errorf("refused cancellations changed the agreement to %s", out.Status)
		}
	})
}

func TestUpdatePurchaseOrders(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		before := charges(t, e.buyer1, agmtContract)
		if len(before) != 3 {
			t.Fatalf("the contract has %d charges", len(before))
		}
		_, err := e.buyer1.UpdatePurchaseOrders(ctx(), &ma.UpdatePurchaseOrdersInput{PurchaseOrders: []types.PurchaseOrder{
			{ChargeId: before[0].Id, ChargeRevision: aws.Int64(1), AgreementId: aws.String(agmtContract), PurchaseOrderReference: aws.String("PO-100")},
			{ChargeId: before[2].Id, PurchaseOrderReference: aws.String("PO-300")},
		}})
		must(t, err)
		after := charges(t, e.buyer1, agmtContract)
		for i, want := range []struct {
			rev int64
			po  string
		}{{2, "PO-100"}, {1, ""}, {2, "PO-300"}} {
			if aws.ToInt64(after[i].Revision) != want.rev || aws.ToString(after[i].PurchaseOrderReference) != want.po {
				t.Errorf("charge %d: revision %d, PO %q; want %d, %q", i, aws.ToInt64(after[i].Revision),
					aws.ToString(after[i].PurchaseOrderReference), want.rev, want.po)
			}
		}

		// A stale revision, or another buyer's charge, fails the whole request.
		_, err = e.buyer1.UpdatePurchaseOrders(ctx(), &ma.UpdatePurchaseOrdersInput{PurchaseOrders: []types.PurchaseOrder{
			{ChargeId: before[1].Id, PurchaseOrderReference: aws.String("PO-200")},
			{ChargeId: before[0].Id, ChargeRevision: aws.Int64(1), PurchaseOrderReference: aws.String("PO-101")},
		}})
		ve := wantError[*types.ValidationException](t, err)
		if ve.Reason != types.ValidationExceptionReasonInvalidChargeRevision || len(ve.Fields) != 1 ||
			aws.ToString(ve.Fields[0].Name) != "purchaseOrders[1].chargeRevision" {
			t.Errorf("stale revision: reason %q fields %+v", ve.Reason, ve.Fields)
		}
		_, err = e.buyer2.UpdatePurchaseOrders(ctx(), &ma.UpdatePurchaseOrdersInput{PurchaseOrders: []types.PurchaseOrder{
			{ChargeId: before[1].Id, PurchaseOrderReference: aws.String("PO-X")}}})
		if ve := wantError[*types.ValidationException](t, err); ve.Reason != types.ValidationExceptionReasonInvalidChargeId {
			t.Errorf("another buyer's charge: reason %q", ve.Reason)
		}
		if got := charges(t, e.buyer1, agmtContract); aws.ToString(got[1].PurchaseOrderReference) != "" || aws.ToInt64(got[1].Revision) != 1 {
			t.Errorf("a failed request changed charge 1: %+v", got[1])
		}
	})
}
