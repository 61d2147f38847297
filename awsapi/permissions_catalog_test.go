package awsapi

import (
	"slices"
	"testing"

	"mercato/iam"
)

// StartChangeSet states each change type once, and the tags of the change set and its entities
// as aws:RequestTag/<key> and aws:TagKeys; TagResource and UntagResource state theirs.
func TestCatalogConditionKeys(t *testing.T) {
	in := &startChangeSetIn{ChangeSetTags: []catalogTag{{Key: "team", Value: "pricing"}}, ChangeSet: []catalogChange{
		{ChangeType: "CreateOffer", EntityTags: []catalogTag{{Key: "cost-center", Value: "42"}}},
		{ChangeType: "UpdateInformation"}, {ChangeType: "UpdateInformation"}, {ChangeType: "ReleaseOffer"}}}
	k := iam.Keys{}
	in.conditionKeys(k)
	for key, want := range map[string][]string{
		"catalog:ChangeType":         {"CreateOffer", "UpdateInformation", "ReleaseOffer"},
		"aws:RequestTag/team":        {"pricing"},
		"aws:RequestTag/cost-center": {"42"},
		"aws:TagKeys":                {"team", "cost-center"},
	} {
		if got, _ := k.Value(key); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", key, got, want)
		}
	}

	untag := iam.Keys{}
	(&arnIn{TagKeys: []string{"team"}}).conditionKeys(untag)
	if got, _ := untag.Value("aws:TagKeys"); !slices.Equal(got, []string{"team"}) {
		t.Errorf("UntagResource's aws:TagKeys = %v", got)
	}
	none := iam.Keys{}
	(&arnIn{}).conditionKeys(none)
	if _, ok := none.Value("aws:TagKeys"); ok {
		t.Error("a call without tags states aws:TagKeys")
	}

	search := iam.Keys{}
	(&searchInput{Filters: []filter{{Name: "PartyType", Values: []string{"Proposer"}}, {Name: "AgreementType", Values: []string{"PurchaseAgreement"}}}}).conditionKeys(search)
	if got, _ := search.Value("aws-marketplace:PartyType"); !slices.Equal(got, []string{"Proposer"}) {
		t.Errorf("SearchAgreements' party type = %v", got)
	}
}
