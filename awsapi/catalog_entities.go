package awsapi

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"mercato"
	"mercato/service"
)

type valueListFilter struct {
	ValueList []string `json:"ValueList"`
}

type wildcardFilter struct {
	ValueList     []string `json:"ValueList"`
	WildCardValue string   `json:"WildCardValue"`
}

type dateRangeFilter struct {
	DateRange *struct {
		AfterValue  string `json:"AfterValue"`
		BeforeValue string `json:"BeforeValue"`
	} `json:"DateRange"`
}

// offerFilters are the OfferFilters of ListEntities.
type offerFilters struct {
	EntityID            *valueListFilter `json:"EntityId"`
	Name                *wildcardFilter  `json:"Name"`
	ProductID           *valueListFilter `json:"ProductId"`
	State               *valueListFilter `json:"State"`
	Targeting           *valueListFilter `json:"Targeting"`
	BuyerAccounts       *wildcardFilter  `json:"BuyerAccounts"`
	AvailabilityEndDate *dateRangeFilter `json:"AvailabilityEndDate"`
	LastModifiedDate    *dateRangeFilter `json:"LastModifiedDate"`
	ReleaseDate         *dateRangeFilter `json:"ReleaseDate"`
}

type listEntitiesIn struct {
	Catalog           string          `json:"Catalog"`
	EntityType        string          `json:"EntityType"`
	FilterList        []catalogFilter `json:"FilterList"`
	Sort              *catalogSort    `json:"Sort"`
	MaxResults        *int            `json:"MaxResults"`
	NextToken         string          `json:"NextToken"`
	OwnershipType     string          `json:"OwnershipType"`
	EntityTypeFilters *struct {
		OfferFilters *offerFilters `json:"OfferFilters"`
	} `json:"EntityTypeFilters"`
	EntityTypeSort *struct {
		OfferSort *catalogSort `json:"OfferSort"`
	} `json:"EntityTypeSort"`
}

var offerSortKeys = []string{"EntityId", "Name", "ProductId", "ReleaseDate", "AvailabilityEndDate", "State",
	"LastModifiedDate", "BuyerAccounts", "Targeting"}

// Validate checks the catalog, ownership, sort and page size; the entity type is the service's.
func (in *listEntitiesIn) Validate() error {
	var p mercato.Problems
	if in.Catalog != service.Catalog {
		p.Add("Catalog", "must be %s", service.Catalog)
	}
	if in.EntityType == "" {
		p.Add("EntityType", "is required")
	}
	if in.OwnershipType != "" && in.OwnershipType != "SELF" && in.OwnershipType != "SHARED" {
		p.Add("OwnershipType", "must be SELF or SHARED")
	}
	for i, f := range in.FilterList {
		if f.Name != "EntityId" && f.Name != "Name" && f.Name != "LastModifiedDate" {
			p.Add(fmt.Sprintf("FilterList[%d].Name", i), "%q is not a filter of entities", f.Name)
		}
	}
	checkSort(&p, "Sort", in.Sort, append([]string{"LastModifiedDate"}, offerSortKeys...))
	if in.EntityTypeSort != nil {
		checkSort(&p, "EntityTypeSort.OfferSort", in.EntityTypeSort.OfferSort, offerSortKeys)
	}
	PageSize(&p, "MaxResults", in.MaxResults, 50, 20)
	return p.Err("invalid request")
}

type offerSummary struct {
	Name                string   `json:"Name,omitempty"`
	ProductID           string   `json:"ProductId"`
	ReleaseDate         string   `json:"ReleaseDate,omitempty"`
	AvailabilityEndDate string   `json:"AvailabilityEndDate,omitempty"`
	BuyerAccounts       []string `json:"BuyerAccounts,omitempty"`
	State               string   `json:"State"`
	Targeting           []string `json:"Targeting"`
}

type productSummary struct {
	ProductTitle string `json:"ProductTitle"`
	Visibility   string `json:"Visibility"`
}

type entitySummary struct {
	Name                    string          `json:"Name,omitempty"`
	EntityType              string          `json:"EntityType"`
	EntityID                string          `json:"EntityId"`
	EntityArn               string          `json:"EntityArn"`
	LastModifiedDate        string          `json:"LastModifiedDate,omitempty"`
	Visibility              string          `json:"Visibility"`
	OfferSummary            *offerSummary   `json:"OfferSummary,omitempty"`
	SaaSProductSummary      *productSummary `json:"SaaSProductSummary,omitempty"`
	AmiProductSummary       *productSummary `json:"AmiProductSummary,omitempty"`
	ContainerProductSummary *productSummary `json:"ContainerProductSummary,omitempty"`
	DataProductSummary      *productSummary `json:"DataProductSummary,omitempty"`
	// ResaleAuthorizationSummary is set for resale authorizations.
	ResaleAuthorizationSummary *resaleSummary `json:"ResaleAuthorizationSummary,omitempty"`
}

type resaleSummary struct {
	Name                  string `json:"Name,omitempty"`
	ProductID             string `json:"ProductId"`
	ManufacturerAccountID string `json:"ManufacturerAccountId"`
	ResellerAccountID     string `json:"ResellerAccountID"`
	Status                string `json:"Status"`
	CreatedDate           string `json:"CreatedDate"`
	AvailabilityEndDate   string `json:"AvailabilityEndDate,omitempty"`
}

type listEntitiesOut struct {
	EntitySummaryList []entitySummary `json:"EntitySummaryList"`
	NextToken         string          `json:"NextToken,omitempty"`
}

func (c *catalogAPI) listEntities(ctx context.Context, in *listEntitiesIn) (*listEntitiesOut, error) {
	out := &listEntitiesOut{EntitySummaryList: []entitySummary{}}
	list := c.svc.CatalogEntities
	if in.OwnershipType == "SHARED" {
		list = c.svc.SharedCatalogEntities // resale authorizations granted to the caller
	}
	all, err := list(ctx, caller(ctx), in.EntityType)
	if err != nil {
		return nil, err
	}
	summaries := make([]entitySummary, 0, len(all))
	for i := range all {
		s := summarize(&all[i])
		if in.matches(&s) {
			summaries = append(summaries, s)
		}
	}
	sortSummaries(summaries, in.sort())
	page, next, err := c.pageOf(ctx, len(summaries), in.NextToken, pageSize(in.MaxResults, 50, 20))
	if err != nil {
		return nil, err
	}
	out.EntitySummaryList, out.NextToken = summaries[page[0]:page[1]], next
	return out, nil
}

func (in *listEntitiesIn) sort() *catalogSort {
	if in.EntityTypeSort != nil && in.EntityTypeSort.OfferSort != nil {
		return in.EntityTypeSort.OfferSort
	}
	return in.Sort
}

// summarize writes an entity as ListEntities does.
func summarize(e *service.CatalogEntity) entitySummary {
	s := entitySummary{Name: e.Name, EntityType: e.Kind(), EntityID: e.ID, EntityArn: e.ARN,
		LastModifiedDate: lastModified(e), Visibility: e.Visibility}
	if o := e.Offer; o != nil {
		os := &offerSummary{Name: o.Listing.Name, ProductID: o.ProductID, BuyerAccounts: o.Buyers, State: "Released",
			Targeting: targetingOf(o)}
		if !o.Released() {
			os.State = "Draft"
		}
		if !o.Listing.ReleasedAt.IsZero() {
			os.ReleaseDate = service.CatalogTime(o.Listing.ReleasedAt)
		}
		if o.IsPrivate() && !o.ExpiresAt.IsZero() {
			os.AvailabilityEndDate = service.CatalogTime(o.ExpiresAt)
		}
		s.OfferSummary = os
		return s
	}
	if r := e.ResaleAuthorization; r != nil {
		s.ResaleAuthorizationSummary = &resaleSummary{Name: r.Name, ProductID: r.ProductID, ManufacturerAccountID: r.ManufacturerID,
			ResellerAccountID: r.ResellerID, Status: string(r.State), CreatedDate: service.CatalogTime(r.CreatedAt)}
		if !r.ExpiresAt.IsZero() {
			s.ResaleAuthorizationSummary.AvailabilityEndDate = service.CatalogTime(r.ExpiresAt)
		}
		return s
	}
	ps := &productSummary{ProductTitle: e.Name, Visibility: e.Visibility}
	switch e.Kind() {
	case "SaaSProduct", "ProfessionalServicesProduct":
		s.SaaSProductSummary = ps
	case "AmiProduct":
		s.AmiProductSummary = ps
	case "ContainerProduct":
		s.ContainerProductSummary = ps
	case "DataProduct":
		s.DataProductSummary = ps
	}
	return s
}

func targetingOf(o *mercato.Offer) []string {
	var t []string
	if len(o.Buyers) > 0 {
		t = append(t, "BuyerAccounts")
	}
	if len(o.Listing.Countries)+len(o.Listing.ExcludedCountries) > 0 {
		t = append(t, "CountryCodes")
	}
	if len(t) == 0 {
		t = []string{"None"}
	}
	return t
}

// matches applies the request's filters to one summary.
func (in *listEntitiesIn) matches(s *entitySummary) bool {
	for _, f := range in.FilterList {
		v := map[string]string{"EntityId": s.EntityID, "Name": s.Name, "LastModifiedDate": s.LastModifiedDate}[f.Name]
		if !slices.Contains(f.ValueList, v) {
			return false
		}
	}
	if in.EntityTypeFilters == nil || in.EntityTypeFilters.OfferFilters == nil {
		return true
	}
	o := s.OfferSummary
	if o == nil {
		return false
	}
	return in.EntityTypeFilters.OfferFilters.match(s, o)
}

func (f *offerFilters) match(s *entitySummary, o *offerSummary) bool {
	return inList(f.EntityID, s.EntityID) && inList(f.ProductID, o.ProductID) && inList(f.State, o.State) &&
		f.Targeting.any(o.Targeting) && wildcard(f.Name, o.Name) && wildcardAny(f.BuyerAccounts, o.BuyerAccounts) &&
		f.AvailabilityEndDate.within(o.AvailabilityEndDate) && f.LastModifiedDate.within(s.LastModifiedDate) &&
		f.ReleaseDate.within(o.ReleaseDate)
}

func inList(f *valueListFilter, v string) bool {
	return f == nil || len(f.ValueList) == 0 || slices.Contains(f.ValueList, v)
}

func (f *valueListFilter) any(vs []string) bool {
	return f == nil || len(f.ValueList) == 0 || slices.ContainsFunc(vs, func(v string) bool { return slices.Contains(f.ValueList, v) })
}

// wildcard matches a value list, or a pattern in which * stands for any text.
func wildcard(f *wildcardFilter, v string) bool {
	if f == nil {
		return true
	}
	if len(f.ValueList) > 0 && !slices.Contains(f.ValueList, v) {
		return false
	}
	if f.WildCardValue == "" {
		return true
	}
	pat := f.WildCardValue
	if !strings.Contains(pat, "*") {
		pat = "*" + pat + "*"
	}
	ok, err := path.Match(pat, v)
	return err == nil && ok
}

func wildcardAny(f *wildcardFilter, vs []string) bool {
	if f == nil {
		return true
	}
	return slices.ContainsFunc(vs, func(v string) bool { return wildcard(f, v) })
}

func (f *dateRangeFilter) within(v string) bool {
	if f == nil || f.DateRange == nil {
		return true
	}
	r := f.DateRange
	return v != "" && (r.AfterValue == "" || v >= r.AfterValue) && (r.BeforeValue == "" || v <= r.BeforeValue)
}

func sortSummaries(ss []entitySummary, s *catalogSort) {
	by, desc := "EntityId", false
	if s != nil {
		by, desc = cmp.Or(s.SortBy, by), s.SortOrder == "DESCENDING"
	}
	key := func(e *entitySummary) string {
		o := e.OfferSummary
		if o == nil {
			o = &offerSummary{}
		}
		switch by {
		case "Name":
			return e.Name
		case "LastModifiedDate":
			return e.LastModifiedDate
		case "ProductId":
			return o.ProductID
		case "ReleaseDate":
			return o.ReleaseDate
		case "AvailabilityEndDate":
			return o.AvailabilityEndDate
		case "State":
			return o.State
		case "BuyerAccounts":
			return strings.Join(o.BuyerAccounts, ",")
		case "Targeting":
			return strings.Join(o.Targeting, ",")
		}
		return e.EntityID
	}
	slices.SortStableFunc(ss, func(a, b entitySummary) int {
		r := cmp.Or(cmp.Compare(key(&a), key(&b)), cmp.Compare(a.EntityID, b.EntityID))
		if desc {
			return -r
		}
		return r
	})
}
