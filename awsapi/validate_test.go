package awsapi_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/awsapi"
)

type status string

func TestValidationHelpers(t *testing.T) {
	var p mercato.Problems
	checks := []struct {
		ok   bool
		want bool
	}{
		{awsapi.Required(&p, "a", ""), false},
		{awsapi.Required(&p, "ok", "x"), true},
		{awsapi.Length(&p, "b", "abc", 5, 64), false},
		{awsapi.Length(&p, "ok", "", 5, 64), true},     // absent
		{awsapi.Length(&p, "ok", "ééééé", 5, 5), true}, // characters, not bytes
		{awsapi.Length(&p, "c", "USDX", 3, 3), false},
		{awsapi.Pattern(&p, "d", "agmt 1", awsapi.ResourceIDPattern), false},
		{awsapi.Pattern(&p, "ok", "agmt-1/x_y", awsapi.ResourceIDPattern), true},
		{awsapi.IntRange(&p, "e", 13, 1, 12), false},
		{awsapi.IntRange(&p, "ok", int64(2050), 2023, 2050), true},
		{awsapi.OneOf(&p, "f", status("NOPE"), "ACTIVE", "EXPIRED"), false},
		{awsapi.OneOf(&p, "ok", status("ACTIVE"), "ACTIVE", "EXPIRED"), true},
		{awsapi.Amount(&p, "g", "1.123456789"), false},
		{awsapi.Amount(&p, "g2", "-1"), false},
		{awsapi.Amount(&p, "g3", "1e5"), false},
		{awsapi.Amount(&p, "ok", "0.12345678"), true},
		{awsapi.Amount(&p, "ok", "100"), true},
		{awsapi.ClientToken(&p, "h", strings.Repeat("a", 65)), false},
		{awsapi.ClientToken(&p, "i", "a_b"), false},
		{awsapi.ClientToken(&p, "ok", "6f1c2a0e-5b7d-4d7e-9a51-2a8c3b9e0f11"), true},
		{awsapi.StringRule{Min: 1, Max: 64, Pattern: awsapi.ResourceIDPattern}.Check(&p, "j", "", true), false},
		{awsapi.StringRule{Min: 1, Max: 64, Pattern: awsapi.ResourceIDPattern}.Check(&p, "ok", "", false), true},
		{awsapi.StringRule{Min: 1, Max: 4, Pattern: awsapi.ResourceIDPattern}.Check(&p, "k", "abcde!", true), false},
		{awsapi.StringRule{Min: 3, Pattern: awsapi.CurrencyPattern}.Check(&p, "l", "usd", true), false},
	}
	for i, c := range checks {
		if c.ok != c.want {
			t.Errorf("check %d returned %v", i, c.ok)
		}
	}
	var names []string
	for _, f := range p {
		names = append(names, f.Name)
		if f.Message == "" {
			t.Errorf("%s has no message", f.Name)
		}
	}
	// Every bad field is reported, once, up to MaxProblems; the others are counted.
	want := []string{"a", "b", "c", "d", "e", "f", "g", "g2", "g3", "h"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if p.Omitted() != 4 {
		t.Errorf("omitted %d problems, want 4 (i, j, k, l)", p.Omitted())
	}

	err := awsapi.Invalid(p, "INVALID_CLIENT_TOKEN")
	var me *mercato.Error
	if !errors.As(err, &me) || me.Reason != "INVALID_CLIENT_TOKEN" || len(me.Fields) != len(want) {
		t.Fatalf("Invalid = %#v", err)
	}
	ex := awsapi.AgreementErrors.Exception(err)
	if ex.Name != "ValidationException" || ex.Status != 400 || ex.Members["reason"] != "INVALID_CLIENT_TOKEN" {
		t.Errorf("exception %+v", ex)
	}
	if awsapi.Invalid(nil, "X") != nil {
		t.Error("Invalid without problems is not nil")
	}
}

func TestErrorTable(t *testing.T) {
	for _, tt := range []struct {
		err     error
		name    string
		status  int
		members map[string]any
	}{
		{&mercato.Error{Code: mercato.EInvalid, Message: "m"}, "ValidationException", 400, map[string]any{"reason": "OTHER"}},
		{&mercato.Error{Code: mercato.EForbidden, Message: "m"}, "AccessDeniedException", 403, nil},
		{mercato.NotFound("Agreement", "agmt-1"), "ResourceNotFoundException", 404,
			map[string]any{"resourceId": "agmt-1", "resourceType": "Agreement"}},
		{&mercato.Error{Code: mercato.EConflict, Message: "m", ResourceID: "x"}, "ConflictException", 409, map[string]any{"resourceId": "x"}},
		{&mercato.Error{Code: mercato.EQuota, Message: "m"}, "ServiceQuotaExceededException", 402, nil},
		{&mercato.Error{Code: mercato.EThrottled, Message: "m"}, "ThrottlingException", 429, nil},
		{&mercato.Error{Code: mercato.EInternal, Message: "secret detail"}, "InternalServerException", 500, nil},
		{errors.New("secret detail"), "InternalServerException", 500, nil},
		{&mercato.Error{Code: "brand_new_code", Message: "secret detail"}, "InternalServerException", 500, nil},
		{awsapi.NewException(418, "TeapotException", "m"), "TeapotException", 418, nil},
	} {
		ex := awsapi.AgreementErrors.Exception(tt.err)
		if ex.Name != tt.name || ex.Status != tt.status || strings.Contains(ex.Message, "secret") {
			t.Errorf("%v: got %s %d %q", tt.err, ex.Name, ex.Status, ex.Message)
		}
		if diff := cmp.Diff(tt.members, ex.Members); diff != "" {
			t.Errorf("%v: members (-want +got):\n%s", tt.err, diff)
		}
	}
	// A wrapped *Exception is found too.
	wrapped := errors.Join(errors.New("ctx"), awsapi.NewException(400, "DuplicateRequestException", "dup"))
	if ex := awsapi.AgreementErrors.Exception(wrapped); ex.Name != "DuplicateRequestException" {
		t.Errorf("wrapped exception: %+v", ex)
	}
}

// TestValidationMessages checks that each kind of constraint reads as AWS words it, so that the
// SDKs and the CLI, which print only the message, say what was wrong.
func TestValidationMessages(t *testing.T) {
	for _, tt := range []struct {
		name  string
		check func(p *mercato.Problems)
		want  string
	}{
		{"required", func(p *mercato.Problems) { awsapi.Required(p, "agreementId", "") },
			"Value null at 'agreementId' failed to satisfy constraint: Member must not be null"},
		{"too long", func(p *mercato.Problems) { awsapi.Length(p, "clientToken", strings.Repeat("a", 65), 1, 64) },
			"Value '" + strings.Repeat("a", 64) + "...' at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"too short", func(p *mercato.Problems) { awsapi.Length(p, "name", "abc", 5, 64) },
			"Value 'abc' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 5"},
		{"pattern", func(p *mercato.Problems) { awsapi.Pattern(p, "agreementId", "bad id!", awsapi.ResourceIDPattern) },
			"Value 'bad id!' at 'agreementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9_/-]+$"},
		{"above range", func(p *mercato.Problems) { awsapi.IntRange(p, "maxResults", 51, 1, 50) },
			"Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"},
		{"below range", func(p *mercato.Problems) { awsapi.IntRange(p, "maxResults", 0, 1, 50) },
			"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"enum", func(p *mercato.Problems) { awsapi.OneOf(p, "status", status("NOPE"), "ACTIVE", "EXPIRED") },
			"Value 'NOPE' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, EXPIRED]"},
		{"list too long", func(p *mercato.Problems) { awsapi.ListLength(p, "filters", 11, 0, 10) },
			"Value with 11 elements at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{"list too short", func(p *mercato.Problems) { awsapi.ListLength(p, "filters[0].values", 0, 1, 1) },
			"Value with 0 elements at 'filters[0].values' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"page size", func(p *mercato.Problems) { v := 51; awsapi.MaxResults(p, &v) },
			"Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"},
		// A value is quoted escaped, so that the message stays one readable line.
		{"escaped", func(p *mercato.Problems) { awsapi.Pattern(p, "agreementId", "a\n'b\x00", awsapi.ResourceIDPattern) },
			`Value 'a\n'b\x00' at 'agreementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9_/-]+$`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p mercato.Problems
			tt.check(&p)
			if len(p) != 1 || p[0].Message != tt.want {
				t.Fatalf("problems %+v\nwant message %q", p, tt.want)
			}
			err := awsapi.Invalid(p, "OTHER")
			if got, want := err.Error(), "1 validation error detected: "+tt.want; got != want {
				t.Errorf("message\n got %q\nwant %q", got, want)
			}
			ex := awsapi.AgreementErrors.Exception(err)
			if ex.Message != "1 validation error detected: "+tt.want {
				t.Errorf("wire message %q", ex.Message)
			}
		})
	}
}

// TestValidationMessageIsBounded checks that a huge value and a huge number of problems give
// a short message: at most MaxProblems listed, with the count of the others.
func TestValidationMessageIsBounded(t *testing.T) {
	var p mercato.Problems
	awsapi.Required(&p, "agreementId", "")
	awsapi.IntRange(&p, "maxResults", 51, 1, 50)
	err := awsapi.Invalid(p, "OTHER")
	want := "2 validation errors detected: Value null at 'agreementId' failed to satisfy constraint: Member must not be null; " +
		"Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"
	if err.Error() != want {
		t.Errorf("message\n got %q\nwant %q", err.Error(), want)
	}

	p = nil
	huge := strings.Repeat("é", 1<<20)
	awsapi.Length(&p, "entries[0].description", huge, 1, 500)
	for i := 1; i < 100_000; i++ {
		awsapi.Length(&p, "entries["+strconv.Itoa(i)+"].description", strings.Repeat("x", 501), 1, 500)
	}
	if len(p) != mercato.MaxProblems || p.Omitted() != 100_000-mercato.MaxProblems {
		t.Fatalf("kept %d problems, omitted %d", len(p), p.Omitted())
	}
	msg := awsapi.Invalid(p, "OTHER").Error()
	if !strings.HasPrefix(msg, "100000 validation errors detected: Value '"+strings.Repeat("é", 64)+"...' at 'entries[0].description'") ||
		!strings.HasSuffix(msg, "; and 99990 more") || len(msg) > 4096 {
		t.Errorf("message of %d bytes: %.300q ... %q", len(msg), msg, msg[max(0, len(msg)-40):])
	}
	ex := awsapi.AgreementErrors.Exception(awsapi.Invalid(p, "OTHER"))
	if fields := ex.Members["fields"].([]mercato.FieldError); len(fields) != mercato.MaxProblems {
		t.Errorf("%d fields on the wire", len(fields))
	}
}
