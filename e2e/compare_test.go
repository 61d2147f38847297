package e2e

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sdkCmp compares SDK values: it ignores their unexported members and result metadata, and
// compares times as instants.
var sdkCmp = cmp.Options{
	cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		return ok && (sf.Name() == "ResultMetadata" || sf.Name() == "noSmithyDocumentSerde")
	}, cmp.Ignore()),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

// same fails the test if got differs from want.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got, sdkCmp); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// at parses an RFC 3339 time, for expected values.
func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// scenarioNow is the business time the scenario starts the sandbox at.
var scenarioNow = *at("2026-03-01T00:00:00Z")
