package service_test

import (
	"strings"
	"testing"
	"time"

	"mercato"
	"mercato/service"
)

// A session revoked through one node is revoked for every node on the database, with an audit
// record of who ended it.
func TestRevokeSessionHoldsAcrossNodes(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		other := service.New(e.store, e.clk) // a second node on the same database
		const id = "0123456789abcdef0123456789abcdef"
		if revoked, err := other.SessionRevoked(e.ctx, id); err != nil || revoked {
			t.Fatalf("before revocation: %v, %v", revoked, err)
		}
		in := service.RevokeSessionInput{Account: seller, SessionID: id, Expires: time.Now().Add(time.Hour)}
		for range 2 { // revoking twice is harmless
			if err := e.svc.RevokeSession(e.ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		if revoked, err := other.SessionRevoked(e.ctx, id); err != nil || !revoked {
			t.Fatalf("after revocation, the other node says %v, %v", revoked, err)
		}
		if revoked, _ := other.SessionRevoked(e.ctx, id+"0"); revoked {
			t.Error("another session is revoked too")
		}
		var recs []mercato.AuditRecord
		err := e.store.View(e.ctx, func(tx mercato.Tx) (err error) {
			recs, err = tx.ListAudit(mercato.AuditFilter{ResourceID: id})
			return err
		})
		if err != nil || len(recs) == 0 || recs[0].Action != "RevokeConsoleSession" || recs[0].Actor != seller {
			t.Fatalf("audit of the revocation: %+v, %v", recs, err)
		}
	})
}

func TestRevokeSessionValidates(t *testing.T) {
	e := newEnv(t)
	err := e.svc.RevokeSession(e.ctx, service.RevokeSessionInput{SessionID: strings.Repeat("x", 65)})
	if mercato.ErrorCodeOf(err) != mercato.EInvalid {
		t.Fatalf("err = %v, want EInvalid", err)
	}
	for _, field := range []string{"account", "sessionId", "expires"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
}
