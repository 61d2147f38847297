package awsapi

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"mercato"
	"mercato/service"
)

// discoveryBase is the path prefix of the Discovery API's operations (its version).
const discoveryBase = "/2026-02-05/"

// Discovery returns the Marketplace Discovery API (restJson1, 2026-02-05) over svc: what buyers
// may find and buy, each caller seeing only what it may.
func Discovery(svc *service.Service, pages *PageTokens) RestService {
	d := &discoveryAPI{catalogAPI{svc: svc, pages: pages}}
	return RestService{Name: "Marketplace Discovery", Errors: DiscoveryErrors, Operations: []RestOperation{
		RestOp("GetOffer", http.MethodPost, discoveryBase+"getOffer", d.getOffer),
		RestOp("GetOfferTerms", http.MethodPost, discoveryBase+"getOfferTerms", d.getOfferTerms),
		RestOp("GetOfferSet", http.MethodPost, discoveryBase+"getOfferSet", d.getOfferSet),
		RestOp("GetListing", http.MethodPost, discoveryBase+"getListing", d.getListing),
		RestOp("GetProduct", http.MethodPost, discoveryBase+"getProduct", d.getProduct),
		RestOp("SearchListings", http.MethodPost, discoveryBase+"searchListings", d.searchListings),
		RestOp("SearchFacets", http.MethodPost, discoveryBase+"searchFacets", d.searchFacets),
		RestOp("ListPurchaseOptions", http.MethodPost, discoveryBase+"listPurchaseOptions", d.listPurchaseOptions),
		RestOp("ListFulfillmentOptions", http.MethodPost, discoveryBase+"listFulfillmentOptions", d.listFulfillmentOptions),
	}}
}

type discoveryAPI struct{ catalogAPI }

var discoveryIDPattern = regexp.MustCompile(`^[\w\-]{1,255}$`)

// checkID adds a problem unless id is an ID of the Discovery API.
func checkID(p *mercato.Problems, field, id string) {
	if !discoveryIDPattern.MatchString(id) {
		p.Add(field, "must be 1 to 255 letters, digits, _ or -")
	}
}

type sellerInfo struct {
	SellerProfileID string `json:"sellerProfileId"`
	DisplayName     string `json:"displayName"`
}

func sellerOf(a *mercato.Account) sellerInfo {
	return sellerInfo{SellerProfileID: a.ID, DisplayName: a.Name}
}

type productInfo struct {
	ProductID    string     `json:"productId"`
	ProductName  string     `json:"productName"`
	Manufacturer sellerInfo `json:"manufacturer"`
}

type pricingModel struct {
	PricingModelType string `json:"pricingModelType"`
	DisplayName      string `json:"displayName"`
}

type badge struct {
	DisplayName string `json:"displayName"`
	BadgeType   string `json:"badgeType"`
}

type offerIDIn struct {
	OfferID    string `json:"offerId"`
	MaxResults *int   `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// Validate checks the offer ID and page size.
func (in *offerIDIn) Validate() error {
	var p mercato.Problems
	checkID(&p, "offerId", in.OfferID)
	PageSize(&p, "maxResults", in.MaxResults, 50, 50)
	return p.Err("invalid request")
}

type getOfferOut struct {
	OfferID                string           `json:"offerId"`
	Catalog                string           `json:"catalog"`
	OfferName              string           `json:"offerName,omitempty"`
	AgreementProposalID    string           `json:"agreementProposalId"`
	ExpirationTime         *Timestamp       `json:"expirationTime,omitempty"`
	AvailableFromTime      *Timestamp       `json:"availableFromTime,omitempty"`
	SellerOfRecord         sellerInfo       `json:"sellerOfRecord"`
	ReplacementAgreementID string           `json:"replacementAgreementId,omitempty"`
	PricingModel           pricingModel     `json:"pricingModel"`
	Badges                 []badge          `json:"badges"`
	AssociatedEntities     []map[string]any `json:"associatedEntities"`
}

func (d *discoveryAPI) getOffer(ctx context.Context, in *offerIDIn) (*getOfferOut, error) {
	o, err := d.svc.DiscoverOffer(ctx, caller(ctx), in.OfferID)
	if err != nil {
		return nil, err
	}
	out := offerOut(&o)
	return &out, nil
}

// offerOut writes a discovered offer as GetOffer does.
func offerOut(d *service.DiscoveredOffer) getOfferOut {
	o := &d.Offer
	out := getOfferOut{OfferID: o.ID, Catalog: service.Catalog, OfferName: o.Listing.Name, AgreementProposalID: o.ProposalID,
		SellerOfRecord: sellerOf(&d.Seller), ReplacementAgreementID: o.ReplacesAgreementID, PricingModel: pricingOf(o.Terms),
		Badges: []badge{}, AssociatedEntities: []map[string]any{{"product": productInfo{ProductID: d.Product.ID,
			ProductName: d.Product.Title, Manufacturer: sellerOf(&d.Seller)}}}}
	if o.IsPrivate() {
		out.ExpirationTime = At(o.ExpiresAt)
		out.Badges = append(out.Badges, badge{DisplayName: "Private pricing", BadgeType: "PRIVATE_PRICING"})
	}
	if o.ReplacesAgreementID != "" {
		out.Badges = append(out.Badges, badge{DisplayName: "Replacement offer", BadgeType: "REPLACEMENT_OFFER"})
	}
	if !o.Listing.ReleasedAt.IsZero() {
		out.AvailableFromTime = At(o.Listing.ReleasedAt)
	}
	return out
}

// pricingOf names the pricing model of an offer's terms.
func pricingOf(ts mercato.Terms) pricingModel {
	for _, t := range ts {
		switch {
		case t.Byol != nil:
			return pricingModel{"BYOL", "Bring your own license"}
		case t.UsageBased != nil || t.RecurringPayment != nil:
			return pricingModel{"USAGE", "Usage-based"}
		}
	}
	if ts.IsPaid() {
		return pricingModel{"CONTRACT", "Contract"}
	}
	return pricingModel{"FREE", "Free"}
}

type offerTermsOut struct {
	OfferTerms []map[string]any `json:"offerTerms"`
	NextToken  string           `json:"nextToken,omitempty"`
}

func (d *discoveryAPI) getOfferTerms(ctx context.Context, in *offerIDIn) (*offerTermsOut, error) {
	o, err := d.svc.DiscoverOffer(ctx, caller(ctx), in.OfferID)
	if err != nil {
		return nil, err
	}
	terms := o.Offer.Terms
	page, next, err := d.pageOf(ctx, len(terms), in.NextToken, pageSize(in.MaxResults, 50, 50))
	if err != nil {
		return nil, err
	}
	out := &offerTermsOut{OfferTerms: []map[string]any{}, NextToken: next}
	for _, t := range terms[page[0]:page[1]] {
		out.OfferTerms = append(out.OfferTerms, discoveryTerm(t))
	}
	return out, nil
}

// discoveryDates are the term members the Discovery API writes as timestamps (epoch seconds).
var discoveryDates = map[string]bool{"chargeDate": true, "agreementStartDate": true, "agreementEndDate": true}

// discoveryTerm writes a term as the Discovery API's OfferTerm union: the Agreement API's form
// with the type named and dates as epoch seconds.
func discoveryTerm(t mercato.Term) map[string]any {
	b, _ := json.Marshal(t)
	var wrapped map[string]map[string]any
	json.Unmarshal(b, &wrapped) //nolint:errcheck // the term was just encoded
	for kind, inner := range wrapped {
		inner["type"] = t.Kind()
		epochDates(inner)
		return map[string]any{kind: inner}
	}
	return map[string]any{}
}

func epochDates(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && discoveryDates[k] {
				if tm, err := time.Parse(time.RFC3339, s); err == nil {
					x[k] = tm.Unix()
				}
				continue
			}
			epochDates(e)
		}
	case []any:
		for _, e := range x {
			epochDates(e)
		}
	}
}

type offerSetIn struct {
	OfferSetID string `json:"offerSetId"`
}

// Validate checks the offer set ID.
func (in *offerSetIn) Validate() error {
	var p mercato.Problems
	checkID(&p, "offerSetId", in.OfferSetID)
	return p.Err("invalid request")
}

// getOfferSet answers that the offer set does not exist: mercato's offers belong to no set.
func (d *discoveryAPI) getOfferSet(_ context.Context, in *offerSetIn) (*struct{}, error) {
	return nil, mercato.NotFound("OfferSet", in.OfferSetID)
}

type productIDIn struct {
	ProductID  string `json:"productId"`
	ListingID  string `json:"listingId"`
	MaxResults *int   `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// Validate checks the product (or listing) ID.
func (in *productIDIn) Validate() error {
	var p mercato.Problems
	if in.ListingID != "" {
		checkID(&p, "listingId", in.ListingID)
	} else {
		checkID(&p, "productId", in.ProductID)
	}
	PageSize(&p, "maxResults", in.MaxResults, 50, 50)
	return p.Err("invalid request")
}

func (in *productIDIn) id() string { return cmp.Or(in.ListingID, in.ProductID) }

// fulfillmentTypes are the fulfillment option types of each product type.
var fulfillmentTypes = map[mercato.ProductType][2]string{
	mercato.ProductSaaS:                 {"SAAS", "SaaS"},
	mercato.ProductAMI:                  {"AMAZON_MACHINE_IMAGE", "Amazon Machine Image"},
	mercato.ProductContainer:            {"CONTAINER", "Container image"},
	mercato.ProductProfessionalServices: {"PROFESSIONAL_SERVICES", "Professional services"},
	mercato.ProductData:                 {"DATA_EXCHANGE", "AWS Data Exchange"},
}

// productOut writes a product as GetProduct and GetListing do (the listing of a product has its
// ID), with what mercato knows of it: its title, seller, refund policy and dimensions.
func productOut(p *mercato.Product, seller *mercato.Account, listing bool) map[string]any {
	ft := fulfillmentTypes[p.Type]
	desc := p.Title
	if p.RefundPolicy != "" {
		desc = p.Title + ". Refund policy: " + p.RefundPolicy
	}
	out := map[string]any{"catalog": service.Catalog, "shortDescription": p.Title, "longDescription": desc,
		"logoThumbnailUrl":           "https://example.invalid/logo.png",
		"fulfillmentOptionSummaries": []any{map[string]any{"fulfillmentOptionType": ft[0], "displayName": ft[1]}},
		"categories":                 []any{}, "highlights": []any{}, "promotionalMedia": []any{}, "resources": []any{},
		"sellerEngagements": []any{}}
	if listing {
		out["listingId"], out["listingName"], out["publisher"] = p.ID, p.Title, sellerOf(seller)
		out["badges"], out["useCases"], out["pricingUnits"], out["pricingModels"] = []any{}, []any{}, units(p), []any{}
		out["associatedEntities"] = []any{map[string]any{"product": productInfo{p.ID, p.Title, sellerOf(seller)}}}
		return out
	}
	out["productId"], out["productName"], out["manufacturer"] = p.ID, p.Title, sellerOf(seller)
	out["deployedOnAws"] = "NOT_APPLICABLE"
	return out
}

func units(p *mercato.Product) []any {
	out := []any{}
	for _, d := range p.Dimensions {
		out = append(out, map[string]any{"pricingUnitType": "UNITS", "displayName": cmp.Or(d.Unit, d.Key)})
	}
	return out
}

func (d *discoveryAPI) getProduct(ctx context.Context, in *productIDIn) (*map[string]any, error) {
	p, seller, err := d.svc.DiscoverProduct(ctx, caller(ctx), in.id())
	if err != nil {
		return nil, err
	}
	out := productOut(&p, &seller, false)
	return &out, nil
}

func (d *discoveryAPI) getListing(ctx context.Context, in *productIDIn) (*map[string]any, error) {
	p, seller, err := d.svc.DiscoverProduct(ctx, caller(ctx), in.id())
	if err != nil {
		return nil, mercato.NotFound("Listing", in.id())
	}
	out := productOut(&p, &seller, true)
	return &out, nil
}

type fulfillmentOut struct {
	FulfillmentOptions []map[string]any `json:"fulfillmentOptions"`
	NextToken          string           `json:"nextToken,omitempty"`
}

func (d *discoveryAPI) listFulfillmentOptions(ctx context.Context, in *productIDIn) (*fulfillmentOut, error) {
	p, _, err := d.svc.DiscoverProduct(ctx, caller(ctx), in.id())
	if err != nil {
		return nil, err
	}
	ft := fulfillmentTypes[p.Type]
	opt := map[string]any{"fulfillmentOptionId": "fo-" + p.ID, "fulfillmentOptionType": ft[0], "fulfillmentOptionDisplayName": ft[1],
		"fulfillmentOptionName": ft[1]}
	if p.Type == mercato.ProductAMI {
		opt["operatingSystems"] = []any{}
	}
	return &fulfillmentOut{FulfillmentOptions: []map[string]any{{fulfillmentMember(p.Type): opt}}}, nil
}

// fulfillmentMember is the FulfillmentOption union member of a product type.
func fulfillmentMember(t mercato.ProductType) string {
	switch t {
	case mercato.ProductSaaS:
		return "saasFulfillmentOption"
	case mercato.ProductAMI:
		return "amazonMachineImageFulfillmentOption"
	case mercato.ProductContainer:
		return "containerFulfillmentOption"
	case mercato.ProductProfessionalServices:
		return "professionalServicesFulfillmentOption"
	case mercato.ProductData:
		return "dataExchangeFulfillmentOption"
	}
	return "apiFulfillmentOption"
}

type searchIn struct {
	SearchText string `json:"searchText"`
	Filters    []struct {
		FilterType   string   `json:"filterType"`
		FilterValues []string `json:"filterValues"`
	} `json:"filters"`
	FacetTypes []string `json:"facetTypes"`
	MaxResults *int     `json:"maxResults"`
	SortBy     string   `json:"sortBy"`
	SortOrder  string   `json:"sortOrder"`
	NextToken  string   `json:"nextToken"`
}

// Validate checks the page size and the filters mercato knows (PUBLISHER,
// FULFILLMENT_OPTION_TYPE); others are refused rather than ignored.
func (in *searchIn) Validate() error {
	var p mercato.Problems
	PageSize(&p, "maxResults", in.MaxResults, 50, 20)
	for _, f := range in.Filters {
		if f.FilterType != "PUBLISHER" && f.FilterType != "FULFILLMENT_OPTION_TYPE" {
			p.Add("filters", "filter %q is not supported", f.FilterType)
		}
	}
	if err := p.Err("invalid request"); err != nil {
		err.(*mercato.Error).Reason = "UNSUPPORTED_FILTERS"
		return err
	}
	return nil
}

// matching returns the products the caller may see that the search finds, by ID.
func (d *discoveryAPI) matching(ctx context.Context, in *searchIn) ([]mercato.Product, map[string]mercato.Account, error) {
	all, sellers, err := d.svc.DiscoverProducts(ctx, caller(ctx))
	if err != nil {
		return nil, nil, err
	}
	text := strings.ToLower(in.SearchText)
	out := slices.DeleteFunc(all, func(p mercato.Product) bool {
		if text != "" && !strings.Contains(strings.ToLower(p.Title+" "+p.ID), text) {
			return true
		}
		for _, f := range in.Filters {
			v := p.SellerID
			if f.FilterType == "FULFILLMENT_OPTION_TYPE" {
				v = fulfillmentTypes[p.Type][0]
			}
			if !slices.Contains(f.FilterValues, v) {
				return true
			}
		}
		return false
	})
	return out, sellers, nil
}

type searchOut struct {
	TotalResults     int              `json:"totalResults"`
	ListingSummaries []map[string]any `json:"listingSummaries"`
	NextToken        string           `json:"nextToken,omitempty"`
}

func (d *discoveryAPI) searchListings(ctx context.Context, in *searchIn) (*searchOut, error) {
	found, sellers, err := d.matching(ctx, in)
	if err != nil {
		return nil, err
	}
	page, next, err := d.pageOf(ctx, len(found), in.NextToken, pageSize(in.MaxResults, 50, 20))
	if err != nil {
		return nil, err
	}
	out := &searchOut{TotalResults: len(found), ListingSummaries: []map[string]any{}, NextToken: next}
	for _, p := range found[page[0]:page[1]] {
		seller := sellers[p.SellerID]
		l := productOut(&p, &seller, true)
		l["reviewSummary"] = map[string]any{"reviewSourceSummaries": []any{}}
		out.ListingSummaries = append(out.ListingSummaries, l)
	}
	return out, nil
}

type facetsOut struct {
	TotalResults  int                         `json:"totalResults"`
	ListingFacets map[string][]map[string]any `json:"listingFacets"`
}

// searchFacets counts the listings found by publisher and fulfillment option type.
func (d *discoveryAPI) searchFacets(ctx context.Context, in *searchIn) (*facetsOut, error) {
	found, sellers, err := d.matching(ctx, in)
	if err != nil {
		return nil, err
	}
	out := &facetsOut{TotalResults: len(found), ListingFacets: map[string][]map[string]any{}}
	count := func(facet, value, name string) {
		for _, f := range out.ListingFacets[facet] {
			if f["value"] == value {
				f["count"] = f["count"].(int) + 1
				return
			}
		}
		out.ListingFacets[facet] = append(out.ListingFacets[facet], map[string]any{"value": value, "displayName": name, "count": 1})
	}
	for _, p := range found {
		count("PUBLISHER", p.SellerID, sellers[p.SellerID].Name)
		ft := fulfillmentTypes[p.Type]
		count("FULFILLMENT_OPTION_TYPE", ft[0], ft[1])
	}
	return out, nil
}

type purchaseOptionsIn struct {
	Filters []struct {
		FilterType   string   `json:"filterType"`
		FilterValues []string `json:"filterValues"`
	} `json:"filters"`
	MaxResults *int   `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// purchaseFilters are ListPurchaseOptions' filters, each a test of one discovered offer.
var purchaseFilters = map[string]func(d *service.DiscoveredOffer, v string) bool{
	"PRODUCT_ID":                  func(d *service.DiscoveredOffer, v string) bool { return d.Offer.ProductID == v },
	"SELLER_OF_RECORD_PROFILE_ID": func(d *service.DiscoveredOffer, v string) bool { return d.Offer.SellerID == v },
	"PURCHASE_OPTION_TYPE":        func(_ *service.DiscoveredOffer, v string) bool { return v == "OFFER" },
	"VISIBILITY_SCOPE": func(d *service.DiscoveredOffer, v string) bool {
		return (v == "PRIVATE") == d.Offer.IsPrivate()
	},
	"AVAILABILITY_STATUS": func(d *service.DiscoveredOffer, v string) bool { return d.Status == v },
}

// Validate checks the filters and the page size.
func (in *purchaseOptionsIn) Validate() error {
	var p mercato.Problems
	PageSize(&p, "maxResults", in.MaxResults, 100, 20)
	for _, f := range in.Filters {
		if _, ok := purchaseFilters[f.FilterType]; !ok {
			p.Add("filters", "filterType %q is not one of PRODUCT_ID, SELLER_OF_RECORD_PROFILE_ID, PURCHASE_OPTION_TYPE, VISIBILITY_SCOPE, AVAILABILITY_STATUS", f.FilterType)
		}
		if len(f.FilterValues) < 1 || len(f.FilterValues) > 10 {
			p.Add("filters", "filter %s needs 1 to 10 values", f.FilterType)
		}
	}
	return p.Err("invalid request")
}

// purchaseOptions lists the offers the caller may buy or has bought: public offers and the
// private offers targeting it, whose status (AVAILABLE, ACCEPTED, EXPIRED) the
// AVAILABILITY_STATUS filter selects.
func (d *discoveryAPI) listPurchaseOptions(ctx context.Context, in *purchaseOptionsIn) (*map[string]any, error) {
	all, err := d.svc.DiscoverOffers(ctx, caller(ctx), "")
	if err != nil {
		return nil, err
	}
	matched := slices.DeleteFunc(all, func(o service.DiscoveredOffer) bool {
		for _, f := range in.Filters {
			test := purchaseFilters[f.FilterType]
			if !slices.ContainsFunc(f.FilterValues, func(v string) bool { return test(&o, v) }) {
				return true
			}
		}
		return false
	})
	page, next, err := d.pageOf(ctx, len(matched), in.NextToken, pageSize(in.MaxResults, 100, 20))
	if err != nil {
		return nil, err
	}
	opts := []any{}
	for _, o := range matched[page[0]:page[1]] {
		opts = append(opts, purchaseOption(&o))
	}
	out := map[string]any{"purchaseOptions": opts}
	if next != "" {
		out["nextToken"] = next
	}
	return &out, nil
}

func purchaseOption(d *service.DiscoveredOffer) map[string]any {
	g := offerOut(d)
	opt := map[string]any{"purchaseOptionId": g.OfferID, "catalog": g.Catalog, "purchaseOptionType": "OFFER",
		"sellerOfRecord": g.SellerOfRecord, "badges": g.Badges, "availabilityStatus": d.Status,
		"associatedEntities": []any{map[string]any{"product": g.AssociatedEntities[0]["product"],
			"offer": map[string]any{"offerId": g.OfferID, "offerName": g.OfferName, "sellerOfRecord": g.SellerOfRecord}}}}
	if g.OfferName != "" {
		opt["purchaseOptionName"] = g.OfferName
	}
	if g.ExpirationTime != nil {
		opt["expirationTime"] = g.ExpirationTime
	}
	if g.AvailableFromTime != nil {
		opt["availableFromTime"] = g.AvailableFromTime
	}
	return opt
}
