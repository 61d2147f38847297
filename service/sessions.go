package service

import (
	"context"
	"time"

	"mercato"
)

// revokedSessionPrefix keys the settings that mark console sessions ended on the server. They
// live in the database, not in a node's memory, so a session signed out on one node is refused
// by every node sharing the database.
const revokedSessionPrefix = "console-session-revoked:"

// maxSessionIDLength bounds a session ID, so that a forged cookie cannot make a large key.
const maxSessionIDLength = 64

// RevokeSessionInput names a console session to end.
type RevokeSessionInput struct {
	Account   string    // the signed-in account, who ends its own session
	SessionID string    // the session's random ID
	Expires   time.Time // when the session would have ended anyway (wall clock)
}

// Validate reports every bad field: EInvalid.
func (in RevokeSessionInput) Validate() error {
	var p mercato.Problems
	if in.Account == "" {
		p.Add("account", "is required")
	}
	if in.SessionID == "" || len(in.SessionID) > maxSessionIDLength {
		p.Add("sessionId", "must have 1 to %d characters", maxSessionIDLength)
	}
	if in.Expires.IsZero() {
		p.Add("expires", "is required")
	}
	return p.Err("invalid session revocation")
}

// RevokeSession ends a console session on the server, with an audit record, so that its cookie
// is refused from then on even if a browser (or someone who copied it) still holds it. Revoking
// a session twice is harmless. EInvalid for bad input.
func (s *Service) RevokeSession(ctx context.Context, in RevokeSessionInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	now := s.Now()
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		expires := in.Expires.UTC().Format(time.RFC3339)
		if err := tx.PutSetting(revokedSessionPrefix+in.SessionID, expires); err != nil {
			return err
		}
		return audit(tx, now, in.Account, "RevokeConsoleSession", "ConsoleSession", in.SessionID, "", nil)
	})
}

// SessionRevoked reports whether a console session was ended on the server. An unknown (or
// oversized) ID is not revoked.
func (s *Service) SessionRevoked(ctx context.Context, sessionID string) (bool, error) {
	if sessionID == "" || len(sessionID) > maxSessionIDLength {
		return false, nil
	}
	err := s.view(ctx, func(tx mercato.Tx) error {
		_, err := tx.GetSetting(revokedSessionPrefix + sessionID)
		return err
	})
	switch mercato.ErrorCodeOf(err) {
	case "":
		return true, nil
	case mercato.ENotFound:
		return false, nil
	}
	return false, err
}
