package service_test

import (
	"sync"
	"testing"

	"mercato"
	"mercato/service"
)

// TestTwoReleasesRaceForAResaleAuthorizationsLastOffer: an authorization allows one offer; the
// partner has two drafts and releases both at once, in two change sets applied concurrently.
// Exactly one is released, the other fails naming ResaleAuthorizationId, round after round.
// On PostgreSQL the two applications overlap. The second waits for the authorization's lock
// (LockResaleAuthorization) before it counts the offers made with it; Update's SERIALIZABLE
// isolation alone also keeps the two apart (the loser is aborted, retried, and then counts the
// winner's offer), but with neither, at READ COMMITTED, both releases succeed.
func TestTwoReleasesRaceForAResaleAuthorizationsLastOffer(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.marketplace()
		e.channelPartners()
		for round := range 3 {
			id := e.resaleAuthorization("2026-02-28")
			limit := e.changeSet(seller, ra("UpdateAvailability", id, `{"AvailabilityEndDate": "2026-02-28", "OffersMaxQuantity": 1}`))
			if limit.Status != mercato.ChangeSetSucceeded {
				t.Fatalf("limit: %s %+v", limit.Status, limit.Changes)
			}
			var drafts, releases [2]string
			for i := range drafts {
				draft := e.changeSet(partner, cppo(id, "1200.00", "2026-01-31")[:3]...)
				if draft.Status != mercato.ChangeSetSucceeded {
					t.Fatalf("draft: %s %+v", draft.Status, draft.Changes)
				}
				drafts[i] = draft.Changes[0].EntityID
			}
			// Both releases wait for their jobs, which run below, at once.
			for i, offer := range drafts {
				cs, err := e.svc.StartChangeSet(e.ctx, partner, service.StartChangeSetInput{Catalog: "AWSMarketplace",
					Changes: []mercato.Change{ch("ReleaseOffer", offer, `{}`)}})
				if err != nil {
					t.Fatal(err)
				}
				releases[i] = cs.ID
			}

			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, len(releases))
			for i, cs := range releases {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = service.ApplyChangeSet(e.ctx, e.svc, cs)
				}()
			}
			close(start)
			wg.Wait()

			succeeded := 0
			for i, id := range releases {
				if errs[i] != nil {
					t.Fatalf("round %d: apply %s: %v", round, id, errs[i])
				}
				cs, err := e.svc.ChangeSet(e.ctx, partner, "AWSMarketplace", id)
				if err != nil {
					t.Fatal(err)
				}
				switch cs.Status {
				case mercato.ChangeSetSucceeded:
					succeeded++
				case mercato.ChangeSetFailed:
					failsWith(t, cs, 0, "INVALID_RESALE_AUTHORIZATION", "ResaleAuthorizationId")
				default:
					t.Fatalf("round %d: change set %s is %s", round, id, cs.Status)
				}
			}
			if succeeded != 1 {
				t.Fatalf("round %d: %d of 2 releases succeeded under an authorization that allows 1 offer", round, succeeded)
			}
		}
	})
}
