package scenario

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mercato"
)

// TestParseEventDestinations reads the key as events.md writes it.
func TestParseEventDestinations(t *testing.T) {
	sc, err := Parse([]byte(`eventDestinations:
  - account: "111122223333"
    url: http://127.0.0.1:9000/events
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw   # "whsec_" + base64 of the key
    eventTypes: ["Purchase Agreement Created - Proposer"]   # optional
  - {account: 444455556666, url: "https://example.com/hooks?x=1"}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []mercato.ScenarioEventDestination{
		{AccountID: "111122223333", URL: "http://127.0.0.1:9000/events", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			EventTypes: []string{"Purchase Agreement Created - Proposer"}},
		{AccountID: "444455556666", URL: "https://example.com/hooks?x=1"},
	}
	if d := cmp.Diff(want, sc.EventDestinations); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	if sc.Where["eventDestinations[1]"] != "line 6" {
		t.Errorf("where = %v", sc.Where)
	}
}

// TestParseEventDestinationErrors names each bad entry with its line and field.
func TestParseEventDestinationErrors(t *testing.T) {
	_, err := Parse([]byte(`eventDestinations:
  - account: "111122223333"
    url: ftp://example.com/x
  - account: "111122223333"
    url: http://127.0.0.1:9000/events
    secret: MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  - {url: "https://example.com"}
  - {account: "111122223333", url: "http://127.0.0.1:9000/events", eventTypes: [a, a]}
  - {account: "111122223333", urls: "x"}
`))
	var e *mercato.Error
	if !errors.As(err, &e) || e.Code != mercato.EInvalid {
		t.Fatalf("got %v, want EInvalid", err)
	}
	wants := []struct{ name, msg string }{
		{"eventDestinations[0] (line 2)", "url (line 3): must be an http or https URL"},
		{"eventDestinations[1] (line 4)", `secret (line 6): must start with "whsec_"`},
		{"eventDestinations[2] (line 7)", "account: is required"},
		{"eventDestinations[3] (line 8)", "already a destination of account 111122223333 in eventDestinations[1] (line 4)"},
		{"eventDestinations[3] (line 8)", `lists "a" twice`},
		{"eventDestinations[4] (line 9)", "urls"},
	}
	for _, w := range wants {
		if !slices.ContainsFunc(e.Fields, func(f mercato.FieldError) bool {
			return f.Name == w.name && strings.Contains(f.Message, w.msg)
		}) {
			t.Errorf("no problem %s: %q in\n%v", w.name, w.msg, e.Fields)
		}
	}
}
