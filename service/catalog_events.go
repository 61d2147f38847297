package service

import (
	"time"

	"mercato"
)

// The Catalog API's events (EventBridge source aws.marketplacecatalog), one function each, for
// the seller who started the change set. Times in details are ISO 8601 strings.

// changeSetEvent tells the seller that its change set ended as k says, at its end (now if it
// has none yet).
func changeSetEvent(tx mercato.Tx, k mercato.EventKind, cs *mercato.ChangeSet, now time.Time) error {
	end := cs.EndTime
	if end.IsZero() {
		end = now
	}
	return emit(tx, mercato.ChangeSetCompleted(k, cs.SellerID, cs.ID, cs.Name, cs.StartTime, end, cs.FailureCode))
}

// emitChangeSetSucceeded tells the seller that every change of a change set applied.
func emitChangeSetSucceeded(tx mercato.Tx, now time.Time, cs *mercato.ChangeSet) error {
	return changeSetEvent(tx, mercato.EventChangeSetSucceeded, cs, now)
}

// emitChangeSetFailed tells the seller that a change set failed (FailureCode says how).
func emitChangeSetFailed(tx mercato.Tx, now time.Time, cs *mercato.ChangeSet) error {
	return changeSetEvent(tx, mercato.EventChangeSetFailed, cs, now)
}

// emitChangeSetCancelled tells the seller that a change set was cancelled.
func emitChangeSetCancelled(tx mercato.Tx, now time.Time, cs *mercato.ChangeSet) error {
	return changeSetEvent(tx, mercato.EventChangeSetCancelled, cs, now)
}

// emitOfferReleased tells the seller that an offer is now visible to the buyers it targets.
func emitOfferReleased(tx mercato.Tx, now time.Time, o *mercato.Offer) error {
	p, err := tx.GetProduct(o.ProductID)
	if err != nil {
		return err
	}
	d := mercato.OfferReleasedDetail{
		Offer:        mercato.OfferRef{ID: o.ID, ARN: mercato.OfferARN(o.SellerID, o.ID), Name: o.Listing.Name},
		Product:      mercato.ProductRef{ID: p.ID, Code: p.ProductCode, Title: p.Title},
		Manufacturer: mercato.AccountRef{AccountID: p.SellerID}, SellerOfRecord: mercato.AccountRef{AccountID: o.SellerID},
		TargetedBuyerAccountIDs: o.Buyers}
	if o.IsPrivate() {
		d.Offer.ExpirationDate = mercato.EventTime(o.ExpiresAt)
	}
	return emit(tx, mercato.OfferReleasedNotice(d, now))
}

// CatalogTime writes a time as the Catalog API does: ISO 8601 in UTC to the second.
func CatalogTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
