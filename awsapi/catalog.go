package awsapi

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"mercato"
	"mercato/service"
)

// Catalog returns the Marketplace Catalog API (restJson1, 2018-09-17) over svc.
func Catalog(svc *service.Service, pages *PageTokens) RestService {
	c := &catalogAPI{svc: svc, pages: pages}
	return RestService{Name: "Marketplace Catalog", Errors: CatalogErrors, CapitalMessage: true, Resources: c.resources, Operations: []RestOperation{
		RestOp("StartChangeSet", http.MethodPost, "/StartChangeSet", c.startChangeSet),
		RestOp("DescribeChangeSet", http.MethodGet, "/DescribeChangeSet", c.describeChangeSet),
		RestOp("ListChangeSets", http.MethodPost, "/ListChangeSets", c.listChangeSets),
		RestOp("CancelChangeSet", http.MethodPatch, "/CancelChangeSet", c.cancelChangeSet),
		RestOp("DescribeEntity", http.MethodGet, "/DescribeEntity", c.describeEntity),
		RestOp("BatchDescribeEntities", http.MethodPost, "/BatchDescribeEntities", c.batchDescribeEntities),
		RestOp("ListEntities", http.MethodPost, "/ListEntities", c.listEntities),
		RestOp("TagResource", http.MethodPost, "/TagResource", c.tagResource),
		RestOp("UntagResource", http.MethodPost, "/UntagResource", c.untagResource),
		RestOp("ListTagsForResource", http.MethodPost, "/ListTagsForResource", c.listTags),
		RestOp("GetResourcePolicy", http.MethodGet, "/GetResourcePolicy", c.getResourcePolicy),
		RestOp("PutResourcePolicy", http.MethodPost, "/PutResourcePolicy", c.putResourcePolicy),
		RestOp("DeleteResourcePolicy", http.MethodDelete, "/DeleteResourcePolicy", c.deleteResourcePolicy),
	}}
}

type catalogAPI struct {
	svc   *service.Service
	pages *PageTokens
}

type catalogTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func tagsIn(ts []catalogTag) []mercato.Tag {
	var out []mercato.Tag
	for _, t := range ts {
		out = append(out, mercato.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func tagsOut(ts []mercato.Tag) []catalogTag {
	out := []catalogTag{}
	for _, t := range ts {
		out = append(out, catalogTag{Key: t.Key, Value: t.Value})
	}
	return out
}

type catalogEntityRef struct {
	Type       string `json:"Type"`
	Identifier string `json:"Identifier,omitempty"`
}

type catalogChange struct {
	ChangeType      string           `json:"ChangeType"`
	Entity          catalogEntityRef `json:"Entity"`
	EntityTags      []catalogTag     `json:"EntityTags,omitempty"`
	Details         *string          `json:"Details,omitempty"`
	DetailsDocument json.RawMessage  `json:"DetailsDocument,omitempty"`
	ChangeName      string           `json:"ChangeName,omitempty"`
}

type startChangeSetIn struct {
	Catalog            string          `json:"Catalog"`
	ChangeSet          []catalogChange `json:"ChangeSet"`
	ChangeSetName      string          `json:"ChangeSetName"`
	ChangeSetTags      []catalogTag    `json:"ChangeSetTags"`
	ClientRequestToken string          `json:"ClientRequestToken"`
	Intent             string          `json:"Intent"`
}

// input translates the request into the service's, with a problem for a change that gives
// both Details and DetailsDocument.
func (in *startChangeSetIn) input() (service.StartChangeSetInput, mercato.Problems) {
	out := service.StartChangeSetInput{Catalog: in.Catalog, Name: in.ChangeSetName, ClientToken: in.ClientRequestToken,
		Intent: in.Intent, Tags: tagsIn(in.ChangeSetTags)}
	var p mercato.Problems
	for i, ch := range in.ChangeSet {
		c := mercato.Change{ChangeType: ch.ChangeType, EntityType: ch.Entity.Type, EntityID: ch.Entity.Identifier,
			ChangeName: ch.ChangeName, EntityTags: tagsIn(ch.EntityTags)}
		switch {
		case ch.Details != nil && len(ch.DetailsDocument) > 0:
			p.Add(fmt.Sprintf("ChangeSet[%d].Details", i), "give Details or DetailsDocument, not both")
		case ch.Details != nil:
			c.Details, c.DetailsAsString = json.RawMessage(*ch.Details), true
		default:
			c.Details = ch.DetailsDocument
		}
		out.Changes = append(out.Changes, c)
	}
	return out, p
}

// Validate checks the request's shape; the service says the rest.
func (in *startChangeSetIn) Validate() error {
	svcIn, p := in.input()
	if len(p) > 0 {
		return p.Err("invalid change set")
	}
	return svcIn.Validate()
}

type changeSetRefOut struct {
	ChangeSetID  string `json:"ChangeSetId"`
	ChangeSetArn string `json:"ChangeSetArn"`
}

func (c *catalogAPI) startChangeSet(ctx context.Context, in *startChangeSetIn) (*changeSetRefOut, error) {
	svcIn, _ := in.input()
	cs, err := c.svc.StartChangeSet(ctx, caller(ctx), svcIn)
	if err != nil {
		return nil, err
	}
	return &changeSetRefOut{ChangeSetID: cs.ID, ChangeSetArn: service.ChangeSetARN(&cs)}, nil
}

type changeSetQuery struct {
	Catalog     string `query:"catalog"`
	ChangeSetID string `query:"changeSetId"`
}

// Validate checks the query's members.
func (q *changeSetQuery) Validate() error {
	var p mercato.Problems
	if q.ChangeSetID == "" {
		p.Add("ChangeSetId", "is required")
	}
	return p.Err("invalid request")
}

type changeSummary struct {
	ChangeType      string              `json:"ChangeType"`
	Entity          catalogEntityRef    `json:"Entity"`
	Details         string              `json:"Details,omitempty"`
	DetailsDocument json.RawMessage     `json:"DetailsDocument,omitempty"`
	ErrorDetailList []catalogErrorEntry `json:"ErrorDetailList"`
	ChangeName      string              `json:"ChangeName,omitempty"`
}

type catalogErrorEntry struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

type describeChangeSetOut struct {
	ChangeSetID        string          `json:"ChangeSetId"`
	ChangeSetArn       string          `json:"ChangeSetArn"`
	ChangeSetName      string          `json:"ChangeSetName,omitempty"`
	Intent             string          `json:"Intent"`
	StartTime          string          `json:"StartTime"`
	EndTime            string          `json:"EndTime,omitempty"`
	Status             string          `json:"Status"`
	FailureCode        string          `json:"FailureCode,omitempty"`
	FailureDescription string          `json:"FailureDescription,omitempty"`
	ChangeSet          []changeSummary `json:"ChangeSet"`
}

func (c *catalogAPI) describeChangeSet(ctx context.Context, in *changeSetQuery) (*describeChangeSetOut, error) {
	cs, err := c.svc.ChangeSet(ctx, caller(ctx), in.Catalog, in.ChangeSetID)
	if err != nil {
		return nil, err
	}
	out := &describeChangeSetOut{ChangeSetID: cs.ID, ChangeSetArn: service.ChangeSetARN(&cs), ChangeSetName: cs.Name,
		Intent: cs.Intent, StartTime: service.CatalogTime(cs.StartTime), Status: string(cs.Status),
		FailureCode: cs.FailureCode, FailureDescription: cs.FailureDescription, ChangeSet: []changeSummary{}}
	if !cs.EndTime.IsZero() {
		out.EndTime = service.CatalogTime(cs.EndTime)
	}
	for _, ch := range cs.Changes {
		out.ChangeSet = append(out.ChangeSet, summarizeChange(&ch))
	}
	return out, nil
}

func summarizeChange(ch *mercato.Change) changeSummary {
	s := changeSummary{ChangeType: ch.ChangeType, Entity: catalogEntityRef{Type: ch.EntityType, Identifier: ch.EntityID},
		ChangeName: ch.ChangeName, ErrorDetailList: []catalogErrorEntry{}}
	if ch.DetailsAsString {
		s.Details = string(ch.Details)
	} else {
		s.DetailsDocument = ch.Details
	}
	for _, e := range ch.Errors {
		s.ErrorDetailList = append(s.ErrorDetailList, catalogErrorEntry{ErrorCode: e.Code, ErrorMessage: e.Message})
	}
	return s
}

type catalogFilter struct {
	Name      string   `json:"Name"`
	ValueList []string `json:"ValueList"`
}

type catalogSort struct {
	SortBy    string `json:"SortBy"`
	SortOrder string `json:"SortOrder"`
}

type listChangeSetsIn struct {
	Catalog    string          `json:"Catalog"`
	FilterList []catalogFilter `json:"FilterList"`
	Sort       *catalogSort    `json:"Sort"`
	MaxResults *int            `json:"MaxResults"`
	NextToken  string          `json:"NextToken"`
}

// changeSetFilters are the filters ListChangeSets knows, each a test of one change set.
var changeSetFilters = map[string]func(cs *mercato.ChangeSet, v string) bool{
	"ChangeSetName":   func(cs *mercato.ChangeSet, v string) bool { return cs.Name == v },
	"Status":          func(cs *mercato.ChangeSet, v string) bool { return string(cs.Status) == v },
	"EntityId":        func(cs *mercato.ChangeSet, v string) bool { return slices.Contains(cs.EntityIDs(), v) },
	"AfterStartTime":  func(cs *mercato.ChangeSet, v string) bool { return service.CatalogTime(cs.StartTime) > v },
	"BeforeStartTime": func(cs *mercato.ChangeSet, v string) bool { return service.CatalogTime(cs.StartTime) < v },
	"AfterEndTime": func(cs *mercato.ChangeSet, v string) bool {
		return !cs.EndTime.IsZero() && service.CatalogTime(cs.EndTime) > v
	},
	"BeforeEndTime": func(cs *mercato.ChangeSet, v string) bool {
		return !cs.EndTime.IsZero() && service.CatalogTime(cs.EndTime) < v
	},
}

// Validate checks the filters, sort and page size.
func (in *listChangeSetsIn) Validate() error {
	var p mercato.Problems
	if in.Catalog != service.Catalog {
		p.Add("Catalog", "must be %s", service.Catalog)
	}
	if len(in.FilterList) > 8 {
		p.Add("FilterList", "holds at most 8 filters")
	}
	for i, f := range in.FilterList {
		if _, ok := changeSetFilters[f.Name]; !ok {
			p.Add(fmt.Sprintf("FilterList[%d].Name", i), "%q is not a filter of change sets", f.Name)
		}
		if len(f.ValueList) < 1 {
			p.Add(fmt.Sprintf("FilterList[%d].ValueList", i), "needs 1 or more values")
		}
	}
	checkSort(&p, "Sort", in.Sort, []string{"StartTime", "EndTime", "ChangeSetName", "Status"})
	PageSize(&p, "MaxResults", in.MaxResults, 20, 20)
	return p.Err("invalid request")
}

func checkSort(p *mercato.Problems, field string, s *catalogSort, by []string) {
	if s == nil {
		return
	}
	if s.SortBy != "" && !slices.Contains(by, s.SortBy) {
		p.Add(field+".SortBy", "must be one of %s", strings.Join(by, ", "))
	}
	if s.SortOrder != "" && s.SortOrder != "ASCENDING" && s.SortOrder != "DESCENDING" {
		p.Add(field+".SortOrder", "must be ASCENDING or DESCENDING")
	}
}

type changeSetSummary struct {
	ChangeSetID   string   `json:"ChangeSetId"`
	ChangeSetArn  string   `json:"ChangeSetArn"`
	ChangeSetName string   `json:"ChangeSetName,omitempty"`
	StartTime     string   `json:"StartTime"`
	EndTime       string   `json:"EndTime,omitempty"`
	Status        string   `json:"Status"`
	EntityIDList  []string `json:"EntityIdList"`
	FailureCode   string   `json:"FailureCode,omitempty"`
}

type listChangeSetsOut struct {
	ChangeSetSummaryList []changeSetSummary `json:"ChangeSetSummaryList"`
	NextToken            string             `json:"NextToken,omitempty"`
}

func (c *catalogAPI) listChangeSets(ctx context.Context, in *listChangeSetsIn) (*listChangeSetsOut, error) {
	all, err := c.svc.ChangeSets(ctx, caller(ctx))
	if err != nil {
		return nil, err
	}
	matched := slices.DeleteFunc(all, func(cs mercato.ChangeSet) bool {
		for _, f := range in.FilterList {
			test := changeSetFilters[f.Name]
			if !slices.ContainsFunc(f.ValueList, func(v string) bool { return test(&cs, v) }) {
				return true
			}
		}
		return false
	})
	sortChangeSets(matched, in.Sort)
	page, next, err := c.pageOf(ctx, len(matched), in.NextToken, pageSize(in.MaxResults, 20, 20))
	if err != nil {
		return nil, err
	}
	out := &listChangeSetsOut{ChangeSetSummaryList: []changeSetSummary{}, NextToken: next}
	for _, cs := range matched[page[0]:page[1]] {
		s := changeSetSummary{ChangeSetID: cs.ID, ChangeSetArn: service.ChangeSetARN(&cs), ChangeSetName: cs.Name,
			StartTime: service.CatalogTime(cs.StartTime), Status: string(cs.Status), EntityIDList: cs.EntityIDs(),
			FailureCode: cs.FailureCode}
		if !cs.EndTime.IsZero() {
			s.EndTime = service.CatalogTime(cs.EndTime)
		}
		out.ChangeSetSummaryList = append(out.ChangeSetSummaryList, s)
	}
	return out, nil
}

func sortChangeSets(css []mercato.ChangeSet, s *catalogSort) {
	by, desc := "StartTime", false
	if s != nil {
		by, desc = cmp.Or(s.SortBy, by), s.SortOrder == "DESCENDING"
	}
	key := func(cs *mercato.ChangeSet) string {
		switch by {
		case "EndTime":
			return service.CatalogTime(cs.EndTime)
		case "ChangeSetName":
			return cs.Name
		case "Status":
			return string(cs.Status)
		}
		return service.CatalogTime(cs.StartTime)
	}
	slices.SortStableFunc(css, func(a, b mercato.ChangeSet) int {
		r := cmp.Or(cmp.Compare(key(&a), key(&b)), cmp.Compare(a.ID, b.ID))
		if desc {
			return -r
		}
		return r
	})
}

// pageOf returns the bounds [from, to) of the page of n items that token starts, and the
// token of the next page ("" on the last).
func (c *catalogAPI) pageOf(ctx context.Context, n int, token string, size int) ([2]int, string, error) {
	cursor, err := c.pages.Cursor(ctx, token)
	if err != nil {
		return [2]int{}, "", err
	}
	from := 0
	if cursor != "" {
		if from, err = strconv.Atoi(cursor); err != nil || from < 0 {
			return [2]int{}, "", invalidNextToken()
		}
	}
	from = min(from, n)
	to := min(from+size, n)
	next := ""
	if to < n {
		if next, err = c.pages.NextToken(ctx, strconv.Itoa(to)); err != nil {
			return [2]int{}, "", err
		}
	}
	return [2]int{from, to}, next, nil
}

func (c *catalogAPI) cancelChangeSet(ctx context.Context, in *changeSetQuery) (*changeSetRefOut, error) {
	cs, err := c.svc.CancelChangeSet(ctx, caller(ctx), in.Catalog, in.ChangeSetID)
	if err != nil {
		return nil, err
	}
	return &changeSetRefOut{ChangeSetID: cs.ID, ChangeSetArn: service.ChangeSetARN(&cs)}, nil
}

type entityQuery struct {
	Catalog  string `query:"catalog"`
	EntityID string `query:"entityId"`
}

// Validate checks the query's members.
func (q *entityQuery) Validate() error {
	var p mercato.Problems
	if q.EntityID == "" {
		p.Add("EntityId", "is required")
	}
	return p.Err("invalid request")
}

type describeEntityOut struct {
	EntityType       string          `json:"EntityType"`
	EntityIdentifier string          `json:"EntityIdentifier"`
	EntityArn        string          `json:"EntityArn"`
	LastModifiedDate string          `json:"LastModifiedDate,omitempty"`
	Details          string          `json:"Details,omitempty"`
	DetailsDocument  json.RawMessage `json:"DetailsDocument,omitempty"`
}

func (c *catalogAPI) describeEntity(ctx context.Context, in *entityQuery) (*describeEntityOut, error) {
	e, err := c.svc.CatalogEntity(ctx, caller(ctx), in.Catalog, in.EntityID)
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(e.Document())
	if err != nil {
		return nil, err
	}
	return &describeEntityOut{EntityType: e.Type, EntityIdentifier: e.ID + "@1", EntityArn: e.ARN,
		LastModifiedDate: lastModified(&e), Details: string(doc), DetailsDocument: doc}, nil
}

func lastModified(e *service.CatalogEntity) string {
	if e.LastModified.IsZero() {
		return ""
	}
	return service.CatalogTime(e.LastModified)
}

type batchDescribeIn struct {
	EntityRequestList []struct {
		Catalog  string `json:"Catalog"`
		EntityID string `json:"EntityId"`
	} `json:"EntityRequestList"`
}

// Validate checks the list's length.
func (in *batchDescribeIn) Validate() error {
	var p mercato.Problems
	if n := len(in.EntityRequestList); n < 1 || n > 20 {
		p.Add("EntityRequestList", "must hold 1 to 20 requests, has %d", n)
	}
	return p.Err("invalid request")
}

type entityDetail struct {
	EntityType       string          `json:"EntityType"`
	EntityArn        string          `json:"EntityArn"`
	EntityIdentifier string          `json:"EntityIdentifier"`
	LastModifiedDate string          `json:"LastModifiedDate,omitempty"`
	DetailsDocument  json.RawMessage `json:"DetailsDocument"`
}

type batchDescribeOut struct {
	EntityDetails map[string]entityDetail      `json:"EntityDetails"`
	Errors        map[string]catalogErrorEntry `json:"Errors"`
}

func (c *catalogAPI) batchDescribeEntities(ctx context.Context, in *batchDescribeIn) (*batchDescribeOut, error) {
	out := &batchDescribeOut{EntityDetails: map[string]entityDetail{}, Errors: map[string]catalogErrorEntry{}}
	for _, r := range in.EntityRequestList {
		e, err := c.svc.CatalogEntity(ctx, caller(ctx), r.Catalog, r.EntityID)
		if err != nil {
			ex := CatalogErrors.Exception(err)
			if ex.Status >= 500 {
				return nil, err
			}
			out.Errors[r.EntityID] = catalogErrorEntry{ErrorCode: ex.Name, ErrorMessage: ex.Message}
			continue
		}
		doc, err := json.Marshal(e.Document())
		if err != nil {
			return nil, err
		}
		out.EntityDetails[r.EntityID] = entityDetail{EntityType: e.Type, EntityArn: e.ARN, EntityIdentifier: e.ID + "@1",
			LastModifiedDate: lastModified(&e), DetailsDocument: doc}
	}
	return out, nil
}

type arnIn struct {
	ResourceArn string       `json:"ResourceArn" query:"resourceArn"`
	Tags        []catalogTag `json:"Tags"`
	TagKeys     []string     `json:"TagKeys"`
	Policy      string       `json:"Policy"`
}

// Validate checks the ARN's presence.
func (in *arnIn) Validate() error {
	var p mercato.Problems
	if in.ResourceArn == "" || len(in.ResourceArn) > 2048 {
		p.Add("ResourceArn", "must be 1 to 2048 characters")
	}
	return p.Err("invalid request")
}

type tagListOut struct {
	ResourceArn string       `json:"ResourceArn"`
	Tags        []catalogTag `json:"Tags"`
}

func (c *catalogAPI) listTags(ctx context.Context, in *arnIn) (*tagListOut, error) {
	tags, err := c.svc.Tags(ctx, caller(ctx), in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &tagListOut{ResourceArn: in.ResourceArn, Tags: tagsOut(tags)}, nil
}

func (c *catalogAPI) tagResource(ctx context.Context, in *arnIn) (*struct{}, error) {
	return nil, c.svc.TagResource(ctx, caller(ctx), in.ResourceArn, tagsIn(in.Tags))
}

func (c *catalogAPI) untagResource(ctx context.Context, in *arnIn) (*struct{}, error) {
	return nil, c.svc.UntagResource(ctx, caller(ctx), in.ResourceArn, in.TagKeys)
}

// getResourcePolicy answers as AWS does for an entity that has no resource policy, which is
// every entity here: mercato shares no entity with another account.
func (c *catalogAPI) getResourcePolicy(ctx context.Context, in *arnIn) (*struct{}, error) {
	if _, err := c.svc.Tags(ctx, caller(ctx), in.ResourceArn); err != nil {
		return nil, err
	}
	return nil, mercato.Errorf(mercato.ENotFound, "resource %s has no resource policy", in.ResourceArn)
}

func (c *catalogAPI) deleteResourcePolicy(ctx context.Context, in *arnIn) (*struct{}, error) {
	return c.getResourcePolicy(ctx, in)
}

func (c *catalogAPI) putResourcePolicy(ctx context.Context, in *arnIn) (*struct{}, error) {
	if _, err := c.svc.Tags(ctx, caller(ctx), in.ResourceArn); err != nil {
		return nil, err
	}
	return nil, &mercato.Error{Code: mercato.EInvalid, Message: "resource policies are not supported: entities are not shared with other accounts",
		Fields: []mercato.FieldError{{Name: "Policy", Message: "resource policies are not supported"}}}
}

// pageSize is the page size of a validated request: def when absent.
func pageSize(v *int, limit, def int) int {
	var p mercato.Problems
	return PageSize(&p, "MaxResults", v, limit, def)
}
