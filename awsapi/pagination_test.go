package awsapi_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"mercato"
	"mercato/awsapi"
)

var tokenPattern = regexp.MustCompile(`^[a-zA-Z0-9+/=_-]+$`)

func wantInvalidToken(t *testing.T, err error) {
	t.Helper()
	var me *mercato.Error
	if !errors.As(err, &me) || me.Code != mercato.EInvalid || me.Reason != "INVALID_NEXT_TOKEN" ||
		len(me.Fields) != 1 || me.Fields[0].Name != "nextToken" {
		t.Fatalf("got %#v, want EInvalid INVALID_NEXT_TOKEN on nextToken", err)
	}
	ex := awsapi.AgreementErrors.Exception(err)
	if ex.Name != "ValidationException" || ex.Status != 400 || ex.Members["reason"] != "INVALID_NEXT_TOKEN" {
		t.Errorf("exception %+v", ex)
	}
}

func TestPageTokens(t *testing.T) {
	p, err := awsapi.NewPageTokens([]byte("server-key-of-32-bytes-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	const op, caller = "SearchAgreements", "111122223333"
	for _, cursor := range []string{"1", "agmt-42|2026-01-01T00:00:00Z", "\x00\xff binary ok", strings.Repeat("c", 6127)} {
		tok, err := p.Encode(op, caller, cursor)
		if err != nil {
			t.Fatalf("%.20q: %v", cursor, err)
		}
		if !tokenPattern.MatchString(tok) || len(tok) > awsapi.MaxTokenLength {
			t.Errorf("token %.40q (len %d) breaks the model's pattern or length", tok, len(tok))
		}
		got, err := p.Decode(tok, op, caller)
		if err != nil || got != cursor {
			t.Errorf("round trip %.20q: got %.20q %v", cursor, got, err)
		}
	}
	if _, err := p.Encode(op, caller, strings.Repeat("c", 6128)); err == nil {
		t.Error("oversized cursor accepted")
	}
	if tok, err := p.Encode(op, caller, ""); tok != "" || err != nil {
		t.Errorf("empty cursor gives %q %v", tok, err)
	}
	if c, err := p.Decode("", op, caller); c != "" || err != nil {
		t.Errorf("empty token gives %q %v", c, err)
	}

	tok, _ := p.Encode(op, caller, "cursor-7")
	t.Run("tampered", func(t *testing.T) {
		for i := range tok {
			b := []byte(tok)
			b[i] ^= 0x01
			if _, err := p.Decode(string(b), op, caller); err == nil {
				t.Fatalf("flipping byte %d of %s went unnoticed", i, tok)
			}
		}
		_, err := p.Decode(tok+"A", op, caller)
		wantInvalidToken(t, err)
		_, err = p.Decode(tok[:len(tok)-2], op, caller)
		wantInvalidToken(t, err)
		_, err = p.Decode("not base64!", op, caller)
		wantInvalidToken(t, err)
		_, err = p.Decode(strings.Repeat("A", awsapi.MaxTokenLength+1), op, caller)
		wantInvalidToken(t, err)
	})
	t.Run("non-canonical padding bits", func(t *testing.T) {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		// 1+8+16 = 25 bytes: the last character carries 2 bits and 4 unused ones.
		last := strings.IndexByte(alphabet, tok[len(tok)-1])
		alt := tok[:len(tok)-1] + string(alphabet[last^1])
		_, err := p.Decode(alt, op, caller)
		wantInvalidToken(t, err)
	})
	t.Run("wrong operation", func(t *testing.T) {
		_, err := p.Decode(tok, "ListAgreementCharges", caller)
		wantInvalidToken(t, err)
	})
	t.Run("wrong caller", func(t *testing.T) {
		_, err := p.Decode(tok, op, "444455556666")
		wantInvalidToken(t, err)
	})
	t.Run("field boundaries", func(t *testing.T) {
		// "ab"+"c" must not collide with "a"+"bc".
		tok, _ := p.Encode("ab", "c", "x")
		if _, err := p.Decode(tok, "a", "bc"); err == nil {
			t.Error("operation/caller boundary is ambiguous")
		}
	})
	t.Run("another key", func(t *testing.T) {
		other, _ := awsapi.NewPageTokens([]byte("another-server-key-0123456789"))
		_, err := other.Decode(tok, op, caller)
		wantInvalidToken(t, err)
	})
	t.Run("context", func(t *testing.T) {
		ctx := awsapi.WithCall(context.Background(), caller, op)
		tok, err := p.NextToken(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if c, err := p.Cursor(ctx, tok); c != "c1" || err != nil {
			t.Errorf("got %q %v", c, err)
		}
		if _, err := p.Cursor(awsapi.WithCall(ctx, "444455556666", op), tok); err == nil {
			t.Error("token accepted for another caller")
		}
	})

	if _, err := awsapi.NewPageTokens([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func TestMaxResults(t *testing.T) {
	i32 := func(v int32) *int32 { return &v }
	for _, tt := range []struct {
		in       *int32
		want     int
		problems int
	}{
		{nil, 50, 0}, {i32(1), 1, 0}, {i32(50), 50, 0}, {i32(0), 50, 1}, {i32(51), 50, 1}, {i32(-3), 50, 1},
	} {
		var p mercato.Problems
		got := awsapi.MaxResults(&p, tt.in)
		if got != tt.want || len(p) != tt.problems {
			t.Errorf("MaxResults(%v) = %d with %v", tt.in, got, p)
		}
		if len(p) > 0 && p[0].Name != "maxResults" {
			t.Errorf("problem names %q", p[0].Name)
		}
	}
	var p mercato.Problems
	v := 30
	if got := awsapi.PageSize(&p, "MaxResults", &v, 25, 25); got != 25 || len(p) != 1 || p[0].Name != "MaxResults" {
		t.Errorf("PageSize = %d, %v", got, p)
	}
}
