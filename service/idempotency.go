package service

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"mercato"
)

// requestHash fingerprints a request for idempotency: the same client token with a request of
// another fingerprint is a conflict.
func requestHash(req any) string {
	b, err := json.Marshal(req)
	if err != nil {
		panic(err) // inputs are plain structs; marshalling them cannot fail
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// checkClientToken returns EInvalid unless token is empty or has the form the Agreement API
// gives client tokens (the Metering API's tokens are free text of 1 to 64 characters).
func checkClientToken(token string) error {
	var p mercato.Problems
	if mercato.CheckClientToken(&p, "clientToken", token); len(p) == 0 {
		return nil
	}
	return p.Err("client token " + strconv.Quote(token) + " " + p[0].Message)
}

// idempotent runs fn once per (caller, operation, client token) inside tx: a repeat of the same
// request returns the first response stored, a repeat with another request is EConflict. An
// empty token runs fn every time.
func idempotent[T any](tx mercato.Tx, now time.Time, caller, op, token string, req any, fn func() (T, error)) (T, error) {
	var zero T
	if token == "" {
		return fn()
	}
	hash := requestHash(req)
	rec, err := tx.GetIdempotency(caller, op, token)
	switch {
	case err == nil && rec.RequestHash != hash:
		return zero, &mercato.Error{Code: mercato.EConflict, Reason: "INVALID_CLIENT_TOKEN",
			Message: "client token " + token + " was already used with another request"}
	case err == nil:
		var out T
		if err := json.Unmarshal(rec.Response, &out); err != nil {
			return zero, err
		}
		return out, nil
	case mercato.ErrorCodeOf(err) != mercato.ENotFound:
		return zero, err
	}
	out, err := fn()
	if err != nil {
		return zero, err
	}
	resp, err := json.Marshal(out)
	if err != nil {
		return zero, err
	}
	return out, tx.PutIdempotency(mercato.IdempotencyRecord{Caller: caller, Operation: op, Token: token,
		RequestHash: hash, Response: resp, CreatedAt: now})
}
