package service_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"mercato"
	"mercato/service"
)

// downViews is a store whose reads fail once down is set, as a database that went away does.
type downViews struct {
	mercato.Store
	down atomic.Bool
}

func (d *downViews) View(ctx context.Context, fn func(mercato.Tx) error) error {
	if d.down.Load() {
		return errors.New("database unreachable")
	}
	return d.Store.View(ctx, fn)
}

// A condition key whose read fails is not a key the request lacks: a policy that allows unless
// a resource tag says otherwise must not allow because the tags could not be read.
func TestAuthorizeFailsWhenAConditionKeyCannotBeRead(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.keyedMarketplace()
		secret := offerARN(seller, "offer-public")
		if err := e.svc.TagResource(e.ctx, seller, secret, []mercato.Tag{{Key: "secret", Value: "yes"}}); err != nil {
			t.Fatal(err)
		}
		k, err := e.svc.CreateAccessKey(e.ctx, seller, seller, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Action":"aws-marketplace:DescribeEntity","Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceTag/secret":"yes"}}}]}`)
		if err != nil {
			t.Fatal(err)
		}
		store := &downViews{Store: e.store}
		svc := service.New(store, e.clk)
		if got := mercato.ErrorCodeOf(svc.Authorize(e.ctx, k.ID, "aws-marketplace:DescribeEntity", secret)); got != mercato.EForbidden {
			t.Fatalf("the secret offer with the database up: %q, want %q", got, mercato.EForbidden)
		}

		store.down.Store(true) // the key stays cached; the tags read fails
		if err := svc.Authorize(e.ctx, k.ID, "aws-marketplace:DescribeEntity", secret); err == nil {
			t.Error("the secret offer with its tags unreadable: allowed, want the read's error")
		}
	})
}
