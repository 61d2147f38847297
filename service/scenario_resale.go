package service

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"mercato"
)

// putScenarioResale creates the resale authorization a scenario declares, or does nothing if
// an identical one exists; the same rules as the Catalog's CreateResaleAuthorization hold: the
// product is the maker's, the reseller a registered channel partner. Errors: EInvalid,
// EConflict (an authorization with the ID and other content).
func putScenarioResale(tx mercato.Tx, sa mercato.ScenarioResaleAuthorization, now time.Time) error {
	if err := sa.Validate(); err != nil {
		return err
	}
	p, err := tx.GetProduct(sa.ProductID)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && p.SellerID != sa.ManufacturerID) {
		return mercato.Errorf(mercato.EInvalid, "product: %s is no product of manufacturer %s", sa.ProductID, sa.ManufacturerID)
	}
	if err != nil {
		return err
	}
	reseller, err := tx.GetAccount(sa.ResellerID)
	if err != nil || !reseller.HasRole(mercato.RoleChannelPartner) {
		return mercato.Errorf(mercato.EInvalid, "reseller: %s is not a registered channel partner (role %s)", sa.ResellerID, mercato.RoleChannelPartner)
	}
	c := sa.CurrencyOrDefault()
	terms, _ := json.Marshal(map[string]any{"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": c,
		"Price": sa.Wholesale.Format(c.MinorDigits()), "Duration": sa.ContractDuration().String()})
	want := sa.Authorization(cmp.Or(sa.ID, scenarioResaleID(&sa)), terms, now)
	want.Buyers = slices.Compact(slices.Sorted(slices.Values(want.Buyers)))
	old, err := tx.GetResaleAuthorization(want.ID)
	if err == nil {
		if resaleStateOrder[old.State] > resaleStateOrder[want.State] {
			want.State = old.State // the maker has since released or restricted it through the Catalog
		}
		return sameOrConflict("resale authorization", want.ID, declaredResale(old), declaredResale(want))
	}
	if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return err
	}
	return tx.PutResaleAuthorization(want)
}

// resaleStateOrder orders the states an authorization moves through, which only go forward.
var resaleStateOrder = map[mercato.ResaleAuthorizationState]int{mercato.ResaleAuthorizationDraft: 0,
	mercato.ResaleAuthorizationActive: 1, mercato.ResaleAuthorizationRestricted: 2}

// declaredResale is what a scenario declares of an authorization: all but its times.
func declaredResale(r mercato.ResaleAuthorization) mercato.ResaleAuthorization {
	r.CreatedAt, r.UpdatedAt, r.ExpiresAt = time.Time{}, time.Time{}, r.ExpiresAt.UTC()
	if len(r.Buyers) == 0 {
		r.Buyers = nil
	}
	return r
}

// scenarioResaleID derives a stable ID for an entry without one, so that applying the scenario
// again finds it.
func scenarioResaleID(sa *mercato.ScenarioResaleAuthorization) string {
	h := sha256.Sum256([]byte(sa.ManufacturerID + "\x00" + sa.ResellerID + "\x00" + sa.ProductID + "\x00" + sa.Name))
	return "resaleauthz-" + hex.EncodeToString(h[:])[:13]
}

// resaleFromAuthorization completes a scenario offer that names a resale authorization instead
// of giving its resale terms: the partner's offer stays within it (its reseller, product,
// buyers, end, currency and offer limit; released and not restricted) at a contract price of at
// least its wholesale price, as the Catalog's ReleaseOffer requires. An offer the scenario made
// before keeps the terms it was given, so that applying the file again changes nothing.
func resaleFromAuthorization(tx mercato.Tx, o *mercato.Offer) error {
	id := o.Resale.AuthorizationID
	if old, err := tx.GetOffer(o.ID); err == nil && old.Resale != nil && old.Resale.AuthorizationID == id {
		r := *old.Resale
		o.Resale = &r
		return nil
	}
	r, err := tx.GetResaleAuthorization(id)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && r.ResellerID != o.SellerID) {
		return mercato.Errorf(mercato.EInvalid, "resaleAuthorization: %s names no resale authorization granted to seller %s", id, o.SellerID)
	}
	if err != nil {
		return err
	}
	if err := offerWithinAuthorization(tx, o, &r); err != nil {
		return err
	}
	value, err := resaleContractValue(o.Terms, r.CreatedAt)
	if err != nil {
		return err
	}
	if value < r.Wholesale {
		return mercato.Errorf(mercato.EInvalid, "terms: offer %s's price %s is below the wholesale price %s of resale authorization %s",
			o.ID, value, r.Wholesale, r.ID)
	}
	rates := resaleRates(&r)
	if err := checkRatedPrices(o, &r, rates); err != nil {
		return err
	}
	o.Resale = &mercato.Resale{AuthorizationID: r.ID, ManufacturerID: r.ManufacturerID, Wholesale: r.Wholesale, Price: value, Rates: rates}
	return nil
}

// offerWithinAuthorization checks a scenario offer against the authorization it names.
func offerWithinAuthorization(tx mercato.Tx, o *mercato.Offer, r *mercato.ResaleAuthorization) error {
	switch {
	case r.State != mercato.ResaleAuthorizationActive:
		return mercato.Errorf(mercato.EInvalid, "resaleAuthorization: %s is %s, not active", r.ID, r.State)
	case r.ProductID != o.ProductID:
		return mercato.Errorf(mercato.EInvalid, "product: resale authorization %s is for product %s", r.ID, r.ProductID)
	case !r.ExpiresAt.IsZero() && (o.ExpiresAt.IsZero() || o.ExpiresAt.After(r.ExpiresAt)):
		return mercato.Errorf(mercato.EInvalid, "expires: offer %s must expire by %s, when resale authorization %s does",
			o.ID, r.ExpiresAt.UTC().Format(time.RFC3339), r.ID)
	case o.Terms.Currency() != r.Currency:
		return mercato.Errorf(mercato.EInvalid, "terms: offer %s is priced in %s; resale authorization %s in %s", o.ID, o.Terms.Currency(), r.ID, r.Currency)
	}
	for _, b := range o.Buyers {
		if len(r.Buyers) > 0 && !slices.Contains(r.Buyers, b) {
			return mercato.Errorf(mercato.EInvalid, "buyers: buyer %s is not one resale authorization %s allows (%v)", b, r.ID, r.Buyers)
		}
	}
	if r.MaxOffers == 0 {
		return nil
	}
	made, err := offersWith(tx, r) // o's seller is r's reseller: resaleFromAuthorization checked
	if err != nil {
		return err
	}
	n := 0
	for _, other := range made {
		if other.ID != o.ID && other.Released() {
			n++
		}
	}
	if n >= r.MaxOffers {
		return mercato.Errorf(mercato.EInvalid, "resaleAuthorization: %s allows %d offers, all made", r.ID, r.MaxOffers)
	}
	return nil
}
