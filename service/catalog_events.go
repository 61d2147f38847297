package service

import (
	"time"

	"mercato"
)

// The Catalog API's events (EventBridge source aws.marketplacecatalog), one function each, for
// the seller who started the change set. Times in details are ISO 8601 strings.

// changeSetDetail is the detail of the change-set events.
type changeSetDetail struct {
	RequestID     string `json:"requestId"`
	Catalog       string `json:"Catalog"`
	ChangeSetID   string `json:"ChangeSetId"`
	ChangeSetName string `json:"ChangeSetName,omitempty"`
	ChangeSetArn  string `json:"ChangeSetArn"`
	StartTime     string `json:"StartTime"`
	EndTime       string `json:"EndTime,omitempty"`
	FailureCode   string `json:"FailureCode,omitempty"`
}

func newChangeSetDetail(cs *mercato.ChangeSet) changeSetDetail {
	d := changeSetDetail{RequestID: cs.ID, Catalog: cs.Catalog, ChangeSetID: cs.ID, ChangeSetName: cs.Name,
		ChangeSetArn: ChangeSetARN(cs), StartTime: CatalogTime(cs.StartTime), FailureCode: cs.FailureCode}
	if !cs.EndTime.IsZero() {
		d.EndTime = CatalogTime(cs.EndTime)
	}
	return d
}

// emitChangeSetSucceeded tells the seller that every change of a change set applied.
func emitChangeSetSucceeded(tx mercato.Tx, now time.Time, cs *mercato.ChangeSet) error {
	return emit(tx, now, cs.SellerID, "Change Set Succeeded", cs.ID, newChangeSetDetail(cs))
}

// emitChangeSetFailed tells the seller that a change set failed (FailureCode says how).
func emitChangeSetFailed(tx mercato.Tx, now time.Time, cs *mercato.ChangeSet) error {
	return emit(tx, now, cs.SellerID, "Change Set Failed", cs.ID, newChangeSetDetail(cs))
}

// emitChangeSetCancelled tells the seller that a change set was cancelled.
func emitChangeSetCancelled(tx mercato.Tx, now time.Time, cs *mercato.ChangeSet) error {
	return emit(tx, now, cs.SellerID, "Change Set Cancelled", cs.ID, newChangeSetDetail(cs))
}

// offerReleasedDetail is the detail of Offer Released.
type offerReleasedDetail struct {
	RequestID string `json:"requestId"`
	Catalog   string `json:"catalog"`
	Offer     struct {
		ID                  string   `json:"id"`
		Arn                 string   `json:"arn"`
		Name                string   `json:"name,omitempty"`
		ProductID           string   `json:"productId"`
		Visibility          string   `json:"visibility"`
		BuyerAccounts       []string `json:"buyerAccounts,omitempty"`
		AvailabilityEndDate string   `json:"availabilityEndDate,omitempty"`
		ReleaseDate         string   `json:"releaseDate"`
	} `json:"offer"`
}

// emitOfferReleased tells the seller that an offer is now visible to the buyers it targets.
func emitOfferReleased(tx mercato.Tx, now time.Time, o *mercato.Offer) error {
	var d offerReleasedDetail
	d.RequestID, d.Catalog = o.ID, Catalog
	d.Offer.ID, d.Offer.Arn, d.Offer.Name, d.Offer.ProductID = o.ID, entityARN(o.SellerID, "Offer", o.ID), o.Listing.Name, o.ProductID
	d.Offer.Visibility, d.Offer.BuyerAccounts, d.Offer.ReleaseDate = o.Visibility, o.Buyers, CatalogTime(now)
	if o.IsPrivate() {
		d.Offer.AvailabilityEndDate = CatalogTime(o.ExpiresAt)
	}
	return emit(tx, now, o.SellerID, "Offer Released", o.ID, d)
}

// CatalogTime writes a time as the Catalog API does: ISO 8601 in UTC to the second.
func CatalogTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
