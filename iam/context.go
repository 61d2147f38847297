package iam

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
)

// Context is what a request tells conditions: the values of its condition keys (e.g.
// aws:CurrentTime, catalog:ChangeType). Value reports whether the request has the key at all;
// a multivalued key (catalog:ChangeType, aws:TagKeys) may have several values or none.
type Context interface {
	Value(key string) (values []string, ok bool)
}

// Keys is a Context held in a map. Key names are matched regardless of case, as IAM matches
// them; values keep their case.
type Keys map[string][]string

// Set gives key its values, replacing any it had.
func (k Keys) Set(key string, values ...string) { k[strings.ToLower(key)] = values }

// SetTransport sets the global keys a transport tells truthfully: aws:SourceIp (the client's
// address, when valid), aws:SecureTransport (whether it used TLS) and aws:RequestedRegion (the
// region the request was signed for, when it names one).
func (k Keys) SetTransport(sourceIP netip.Addr, secure bool, region string) {
	if sourceIP.IsValid() {
		k.Set("aws:SourceIp", sourceIP.String())
	}
	k.Set("aws:SecureTransport", strconv.FormatBool(secure))
	if region != "" {
		k.Set("aws:RequestedRegion", region)
	}
}

// Value implements Context.
func (k Keys) Value(key string) ([]string, bool) {
	v, ok := k[strings.ToLower(key)]
	return v, ok
}

// Merge returns a Context that reads each key from the first of cs that has it.
func Merge(cs ...Context) Context { return merged(cs) }

type merged []Context

func (m merged) Value(key string) ([]string, bool) {
	for _, c := range m {
		if c == nil {
			continue
		}
		if v, ok := c.Value(key); ok {
			return v, true
		}
	}
	return nil, false
}

// ContextFunc adapts a function to Context, for keys that cost a read to know: it is called
// only when a condition asks for a key.
type ContextFunc func(key string) ([]string, bool)

// Value implements Context.
func (f ContextFunc) Value(key string) ([]string, bool) { return f(key) }

type requestKeysKey struct{}

// WithRequestKeys returns ctx carrying the condition keys a transport knows of a request (its
// source address, transport security, region, and the keys its input states), for the
// permission check that the request's handling makes further down.
func WithRequestKeys(ctx context.Context, k Keys) context.Context {
	return context.WithValue(ctx, requestKeysKey{}, k)
}

// RequestKeys returns the keys WithRequestKeys put in ctx, or nil.
func RequestKeys(ctx context.Context) Keys {
	k, _ := ctx.Value(requestKeysKey{}).(Keys)
	return k
}
