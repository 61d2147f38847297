package awsapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"

	"mercato"
)

// Pagination limits of the Agreement API.
const (
	DefaultPageSize = 50   // maxResults when absent
	MaxPageSize     = 50   // largest maxResults
	MaxTokenLength  = 8192 // longest nextToken
)

const (
	tokenVersion = 1
	tokenMACSize = 16 // truncated HMAC-SHA256
	// maxCursor keeps base64url(version | cursor | mac) within MaxTokenLength.
	maxCursor = MaxTokenLength/4*3 - 1 - tokenMACSize
)

// PageTokens mints and opens nextToken values: base64url (no padding) of a version byte,
// the service's cursor and an HMAC-SHA256 (truncated to 16 bytes) binding the cursor to the
// operation and the caller. A token is thus opaque to tampering and valid only for the
// operation and account it was issued to; the cursor itself is not secret. Tokens match
// ^[a-zA-Z0-9+/=_-]+$ and are at most MaxTokenLength long. Safe for concurrent use.
type PageTokens struct {
	key []byte
}

// NewPageTokens returns PageTokens signing with key, which must have at least 16 bytes and
// be shared by every server that should accept the tokens.
func NewPageTokens(key []byte) (*PageTokens, error) {
	if len(key) < 16 {
		return nil, errors.New("awsapi: page token key must have at least 16 bytes")
	}
	return &PageTokens{key: append([]byte(nil), key...)}, nil
}

// Encode returns the token for cursor, or "" for an empty cursor (the last page has no
// nextToken).
func (p *PageTokens) Encode(operation, caller, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	if len(cursor) > maxCursor {
		return "", errors.New("awsapi: page cursor too long for a nextToken")
	}
	raw := make([]byte, 0, 1+len(cursor)+tokenMACSize)
	raw = append(raw, tokenVersion)
	raw = append(raw, cursor...)
	raw = append(raw, p.mac(operation, caller, cursor)...)
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// Decode returns the cursor of token, or "" for an empty token (the first page). A token
// that was altered, or minted for another operation or caller, is a ValidationException
// with reason INVALID_NEXT_TOKEN and field nextToken.
func (p *PageTokens) Decode(token, operation, caller string) (string, error) {
	if token == "" {
		return "", nil
	}
	if len(token) > MaxTokenLength {
		return "", invalidNextToken()
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+1+tokenMACSize || raw[0] != tokenVersion {
		return "", invalidNextToken()
	}
	cursor := string(raw[1 : len(raw)-tokenMACSize])
	if !hmac.Equal(raw[len(raw)-tokenMACSize:], p.mac(operation, caller, cursor)) {
		return "", invalidNextToken()
	}
	return cursor, nil
}

// NextToken is Encode for the operation and caller in ctx (set by the Handler).
func (p *PageTokens) NextToken(ctx context.Context, cursor string) (string, error) {
	caller, _ := CallerFrom(ctx)
	return p.Encode(OperationFrom(ctx), caller, cursor)
}

// Cursor is Decode for the operation and caller in ctx (set by the Handler).
func (p *PageTokens) Cursor(ctx context.Context, token string) (string, error) {
	caller, _ := CallerFrom(ctx)
	return p.Decode(token, OperationFrom(ctx), caller)
}

func (p *PageTokens) mac(operation, caller, cursor string) []byte {
	m := hmac.New(sha256.New, p.key)
	var b [1 + 2*binary.MaxVarintLen64]byte
	head := append(b[:0], tokenVersion)
	head = binary.AppendUvarint(head, uint64(len(operation)))
	m.Write(head)
	m.Write([]byte(operation))
	m.Write(binary.AppendUvarint(b[:0], uint64(len(caller))))
	m.Write([]byte(caller))
	m.Write([]byte(cursor))
	return m.Sum(nil)[:tokenMACSize]
}

func invalidNextToken() error {
	return &mercato.Error{Code: mercato.EInvalid, Reason: "INVALID_NEXT_TOKEN",
		Message: "The nextToken is invalid or expired",
		Fields:  []mercato.FieldError{{Name: "nextToken", Message: "is not a token issued for this request"}}}
}

// MaxResults validates an Agreement maxResults member (1-50) and returns the page size to
// use: DefaultPageSize when v is nil or invalid (the problem is recorded in p).
func MaxResults[T ~int | ~int32 | ~int64](p *mercato.Problems, v *T) int {
	return PageSize(p, "maxResults", v, MaxPageSize, DefaultPageSize)
}

// PageSize validates a page-size member named name (1..limit) and returns the page size to
// use: def when v is nil or invalid (the problem is recorded in p). Entitlement's
// MaxResults, for instance, is PageSize(p, "MaxResults", in.MaxResults, 25, 25).
func PageSize[T ~int | ~int32 | ~int64](p *mercato.Problems, name string, v *T, limit, def int) int {
	if v == nil {
		return def
	}
	if !IntRange(p, name, int64(*v), 1, int64(limit)) {
		return def
	}
	return int(*v)
}
