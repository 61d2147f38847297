package service

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"mercato"
)

// SearchInput selects the caller's agreements, as SearchAgreements does: one side, filters by
// name (one value each), a sort and a page.
type SearchInput struct {
	Party     Party
	Filters   map[string]string
	SortBy    string // EndTime (default), StartTime, LastUpdateTime
	Ascending bool
	Page
}

// Filters an acceptor may use; a proposer may use every filter (a manufacturer's are in
// manufacturer.go).
var acceptorFilters = []string{"AgreementType", "PartyType", "Status", "BeforeEndTime", "AfterEndTime",
	"ResourceIdentifier", "ResourceType", "OfferId", "OfferSetId"}

// partyFilters are the filters of each party type that may not use every filter.
var partyFilters = map[Party][]string{Acceptor: acceptorFilters, Manufacturer: manufacturerFilters}

var searchFilters = []string{"PartyType", "AgreementType", "ResourceIdentifier", "ResourceType", "AcceptorAccountId",
	"OfferId", "OfferSetId", "Status", "BeforeEndTime", "AfterEndTime", "BeforeStartTime", "AfterStartTime",
	"BeforeLastUpdateTime", "AfterLastUpdateTime", "EndTimeBehaviorType", "EndTimeBehaviorReasonCode",
	"InitialAgreementId", "LicenseArn"}

// SearchAgreements returns one page of the caller's agreements on one side, sorted, and the
// cursor of the next page. Errors: EInvalid (missing or unknown party, unknown or unsupported
// filters, bad values, a sort the party may not use).
func (s *Service) SearchAgreements(ctx context.Context, caller string, in SearchInput) ([]mercato.Agreement, string, error) {
	match, err := in.matcher(caller)
	if err != nil {
		return nil, "", err
	}
	key, err := in.sortKey()
	if err != nil {
		return nil, "", err
	}
	all, err := s.sideAgreements(ctx, caller, in.Party)
	if err != nil {
		return nil, "", err
	}
	all = slices.DeleteFunc(all, func(a mercato.Agreement) bool { return !match(&a) })
	sort.Slice(all, func(i, j int) bool { return key(&all[i]) < key(&all[j]) })
	page, next := paginate(all, key, in.Page)
	return page, next, nil
}

// sideAgreements returns every agreement the caller is on the given side of.
func (s *Service) sideAgreements(ctx context.Context, caller string, party Party) ([]mercato.Agreement, error) {
	switch party {
	case Acceptor:
		return s.Agreements(ctx, mercato.AgreementFilter{AcceptorID: caller})
	case Manufacturer:
		var out []mercato.Agreement
		err := s.view(ctx, func(tx mercato.Tx) error {
			var err error
			out, err = manufacturedAgreements(tx, caller)
			return err
		})
		return out, err
	}
	return s.Agreements(ctx, mercato.AgreementFilter{ProposerID: caller})
}

// matcher checks the filters and returns the predicate they make.
func (in *SearchInput) matcher(caller string) (func(*mercato.Agreement) bool, error) {
	var p mercato.Problems
	switch in.Party {
	case Proposer, Acceptor, Manufacturer:
	case "":
		return nil, invalid("MISSING_PARTY_TYPE", "filters", "a PartyType filter (Proposer, Acceptor or Manufacturer) is required")
	default:
		return nil, invalid("INVALID_PARTY_TYPE", "filters", "PartyType must be Proposer, Acceptor or Manufacturer, not %q", in.Party)
	}
	var preds []func(*mercato.Agreement) bool
	for name, v := range in.Filters {
		if !slices.Contains(searchFilters, name) {
			p.Add("filters", "unknown filter %q", name)
			continue
		}
		if allowed, ok := partyFilters[in.Party]; ok && !slices.Contains(allowed, name) {
			return nil, invalid("UNSUPPORTED_FILTERS", "filters", "filter %s is not supported for the %s party type", name, in.Party)
		}
		pred, err := filterPredicate(name, v)
		if err != nil {
			p.Add("filters", "%s: %v", name, err)
			continue
		}
		if pred != nil {
			preds = append(preds, pred)
		}
	}
	if err := p.Err("invalid filters"); err != nil {
		err.(*mercato.Error).Reason = "INVALID_FILTER_VALUES"
		return nil, err
	}
	return func(a *mercato.Agreement) bool {
		for _, pr := range preds {
			if !pr(a) {
				return false
			}
		}
		return true
	}, nil
}

// filterPredicate returns the test a filter makes, nil for one that matches everything here.
func filterPredicate(name, v string) (func(*mercato.Agreement) bool, error) {
	eq := func(get func(*mercato.Agreement) string) func(*mercato.Agreement) bool {
		return func(a *mercato.Agreement) bool { return get(a) == v }
	}
	switch name {
	case "PartyType", "EndTimeBehaviorReasonCode": // the party is applied apart; no renewals end early
		return nil, nil
	case "OfferSetId": // the marketplace has no offer sets
		return func(*mercato.Agreement) bool { return false }, nil
	case "LicenseArn":
		return func(a *mercato.Agreement) bool { return LicenseArn(a) == v }, nil
	case "AgreementType":
		if v != AgreementType {
			return nil, fmt.Errorf("only %s is supported", AgreementType)
		}
		return nil, nil
	case "Status":
		if !mercato.AgreementStatus(v).Valid() {
			return nil, fmt.Errorf("unknown status %q", v)
		}
		return eq(func(a *mercato.Agreement) string { return string(a.Status) }), nil
	case "ResourceIdentifier":
		return eq(func(a *mercato.Agreement) string { return a.ProductID }), nil
	case "ResourceType":
		return eq(func(a *mercato.Agreement) string { return ResourceType(a.ProductType) }), nil
	case "AcceptorAccountId":
		return eq(func(a *mercato.Agreement) string { return a.AcceptorID }), nil
	case "OfferId":
		return eq(func(a *mercato.Agreement) string { return a.OfferID }), nil
	case "InitialAgreementId":
		return eq(func(a *mercato.Agreement) string { return a.InitialAgreementID }), nil
	case "EndTimeBehaviorType":
		return eq(func(a *mercato.Agreement) string { behavior, _ := EndTimeBehavior(a); return behavior }), nil
	}
	return timeFilter(name, v)
}

func timeFilter(name, v string) (func(*mercato.Agreement) bool, error) {
	t, err := parseFilterTime(v)
	if err != nil {
		return nil, err
	}
	field := map[string]func(*mercato.Agreement) time.Time{
		"EndTime":        func(a *mercato.Agreement) time.Time { return a.EndTime },
		"StartTime":      func(a *mercato.Agreement) time.Time { return a.StartTime },
		"LastUpdateTime": func(a *mercato.Agreement) time.Time { return a.UpdatedAt },
	}
	name, before := strings.CutPrefix(name, "Before")
	get := field[strings.TrimPrefix(name, "After")]
	if before {
		return func(a *mercato.Agreement) bool { x := get(a); return !x.IsZero() && x.Before(t) }, nil
	}
	return func(a *mercato.Agreement) bool { x := get(a); return !x.IsZero() && x.After(t) }, nil
}

// parseFilterTime reads a date filter value: RFC 3339, a date, or epoch seconds.
func parseFilterTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2026-01-31 or 2026-01-31T00:00:00Z)", v)
}

// sortKey returns a key whose ascending order is the requested order, ID last so it is unique.
func (in *SearchInput) sortKey() (func(*mercato.Agreement) string, error) {
	by := in.SortBy
	if by == "" {
		by = "EndTime"
	}
	var get func(*mercato.Agreement) time.Time
	switch by {
	case "EndTime":
		get = func(a *mercato.Agreement) time.Time { return a.EndTime }
	case "StartTime", "LastUpdateTime":
		if in.Party == Acceptor {
			return nil, invalid("INVALID_SORT_BY", "sort.sortBy", "only a Proposer or a Manufacturer may sort by %s", by)
		}
		get = func(a *mercato.Agreement) time.Time { return a.StartTime }
		if by == "LastUpdateTime" {
			get = func(a *mercato.Agreement) time.Time { return a.UpdatedAt }
		}
	default:
		return nil, invalid("INVALID_SORT_BY", "sort.sortBy", "sortBy must be EndTime, StartTime or LastUpdateTime")
	}
	asc := in.Ascending
	return func(a *mercato.Agreement) string {
		t := get(a)
		v := int64(1 << 62) // no end sorts after every end
		if !t.IsZero() {
			v = t.UnixMicro()
		}
		if !asc {
			v = 1<<63 - 1 - v
		}
		return fmt.Sprintf("%020d|%s", v, a.ID)
	}, nil
}

// ResourceType names a product type as the Agreement API's resources do.
func ResourceType(t mercato.ProductType) string {
	switch t {
	case mercato.ProductAMI:
		return "AmiProduct"
	case mercato.ProductContainer:
		return "ContainerProduct"
	case mercato.ProductProfessionalServices:
		return "ProfessionalServicesProduct"
	case mercato.ProductData:
		return "DataProduct"
	}
	return "SaaSProduct"
}

// EndTimeBehavior says what happens at the agreement's end: EXPIRE, RENEW (auto-renewal on) or
// REPLACE (it was replaced); for EXPIRE, reason says why it will not renew:
// ACCEPTOR_RENEW_OPTED_OUT (it has a renewal term, turned off) or NO_RENEWAL_TERM.
func EndTimeBehavior(a *mercato.Agreement) (behavior, reason string) {
	if a.Status == mercato.AgreementReplaced {
		return "REPLACE", ""
	}
	reason = "NO_RENEWAL_TERM"
	for _, t := range a.Terms {
		if r := t.Renewal; r != nil {
			if r.Configuration != nil && r.Configuration.EnableAutoRenew {
				return "RENEW", ""
			}
			reason = "ACCEPTOR_RENEW_OPTED_OUT"
		}
	}
	return "EXPIRE", reason
}

// LicenseArn returns the license the agreement grants, in the form of AWS License Manager ARNs.
func LicenseArn(a *mercato.Agreement) string {
	return "arn:aws:license-manager::" + a.AcceptorID + ":license:l-" + strings.ReplaceAll(strings.TrimPrefix(a.ID, "agmt-"), "_", "")
}
