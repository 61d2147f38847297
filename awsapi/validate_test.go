package awsapi_test

import (
	"errors"
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
	// Every bad field is reported, once.
	want := []string{"a", "b", "c", "d", "e", "f", "g", "g2", "g3", "h", "i", "j", "k", "l"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	err := awsapi.Invalid(p, "INVALID_CLIENT_TOKEN", "Invalid request")
	var me *mercato.Error
	if !errors.As(err, &me) || me.Reason != "INVALID_CLIENT_TOKEN" || len(me.Fields) != len(want) {
		t.Fatalf("Invalid = %#v", err)
	}
	ex := awsapi.AgreementErrors.Exception(err)
	if ex.Name != "ValidationException" || ex.Status != 400 || ex.Members["reason"] != "INVALID_CLIENT_TOKEN" {
		t.Errorf("exception %+v", ex)
	}
	if awsapi.Invalid(nil, "X", "no problems") != nil {
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
