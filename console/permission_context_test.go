package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestOffersTabSeesTheClientAddress: a key whose policy allows the Offers tab from some
// addresses only (aws:SourceIp, as the signed API checks it) opens the tab from one of them and
// is told why not from elsewhere.
func TestOffersTabSeesTheClientAddress(t *testing.T) {
	e := newEnv(t)
	policy := func(network string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:ListEntities",` +
			`"aws-marketplace:DescribeEntity","aws-marketplace:StartChangeSet"],"Resource":"*",` +
			`"Condition":{"IpAddress":{"aws:SourceIp":"` + network + `"}}}]}`
	}
	for _, c := range []struct {
		network string
		allowed bool
	}{{"127.0.0.0/8", true}, {"203.0.113.0/24", false}} {
		k, err := e.svc.CreateAccessKey(e.ctx, acme, acme, policy(c.network))
		if err != nil {
			t.Fatal(err)
		}
		cl := e.client()
		cl.signIn(k.ID, k.Secret)
		r := cl.get("/console/seller/offers")
		denied := strings.Contains(r.body, "is not authorized to perform")
		if r.status != http.StatusOK && r.status != http.StatusForbidden || denied == c.allowed {
			t.Errorf("a key allowed from %s, signed in from 127.0.0.1: %d, denied %v", c.network, r.status, denied)
		}
	}
}
