package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"mercato"
)

const jobScenarioAccept mercato.JobKind = "scenario-accept"

// ApplyScenario applies a scenario all-or-nothing in one transaction: accounts, products and
// offers are created (or left alone when identical to what exists), acceptances at or before the
// business time happen at their own time, later ones are scheduled. Then, in sandbox mode, the
// clock moves to the scenario's clock if that is later, running every job due on the way, and
// the billing due since each acceptance catches up; an earlier scenario clock is ignored (with
// a log line), since business time never moves back. Applying the same scenario twice changes nothing. Errors name the entry
// and where it was written; their codes are those of the rule broken (EInvalid, ENotFound,
// EConflict, EForbidden).
func (s *Service) ApplyScenario(ctx context.Context, sc mercato.Scenario) error {
	target := s.Now()
	if s.sim != nil && sc.Clock.After(target) {
		target = sc.Clock.UTC()
	}
	if s.sim != nil && !sc.Clock.IsZero() && sc.Clock.Before(target) {
		// Re-applying a scenario to a sandbox that has moved on must not rewind business time:
		// what happened since would be in the clock's future.
		s.log.Info("scenario clock is before the sandbox's business time; the clock stays",
			"scenarioClock", sc.Clock.UTC(), "now", target)
	}
	err := s.store.Update(ctx, func(tx mercato.Tx) error { return s.applyScenario(tx, &sc, target) })
	if err != nil {
		return err
	}
	if s.sim == nil {
		err = s.runDue(ctx, s.Now(), nil)
		return err
	}
	_, err = s.Advance(ctx, target)
	return err
}

func (s *Service) applyScenario(tx mercato.Tx, sc *mercato.Scenario, now time.Time) error {
	for i := range sc.Accounts {
		if err := s.putAccount(tx, sc.Accounts[i]); err != nil {
			return entryError(sc, fmt.Sprintf("accounts[%d]", i), err)
		}
	}
	if err := checkPayers(tx, sc); err != nil {
		return err
	}
	for i := range sc.Products {
		if err := putProduct(tx, sc.Products[i]); err != nil {
			return entryError(sc, fmt.Sprintf("products[%d]", i), err)
		}
	}
	for i := range sc.ResaleAuthorizations {
		if err := putScenarioResale(tx, sc.ResaleAuthorizations[i], now); err != nil {
			return entryError(sc, fmt.Sprintf("resaleAuthorizations[%d]", i), err)
		}
	}
	for i := range sc.Offers {
		if err := putOffer(tx, sc.Offers[i]); err != nil {
			return entryError(sc, fmt.Sprintf("offers[%d]", i), err)
		}
	}
	for i := range sc.EventDestinations {
		err := s.checkDestinationHost(sc.EventDestinations[i].URL)
		if err == nil {
			err = applyDestination(tx, sc.EventDestinations[i], now)
		}
		if err != nil {
			return entryError(sc, fmt.Sprintf("eventDestinations[%d]", i), err)
		}
	}
	for i := range sc.PrivateMarketplaces {
		if err := putPrivateMarketplace(tx, sc.PrivateMarketplaces[i]); err != nil {
			return entryError(sc, fmt.Sprintf("privateMarketplaces[%d]", i), err)
		}
	}
	for i := range sc.Agreements {
		if err := s.applyAcceptance(tx, sc.Agreements[i], now); err != nil {
			return entryError(sc, fmt.Sprintf("agreements[%d]", i), err)
		}
	}
	return audit(tx, now, "scenario", "ApplyScenario", "Scenario", "", "", map[string]int{
		"accounts": len(sc.Accounts), "products": len(sc.Products), "offers": len(sc.Offers), "agreements": len(sc.Agreements)})
}

// entryError names the scenario entry (and its line) in err's message, keeping its code.
func entryError(sc *mercato.Scenario, entry string, err error) error {
	where := entry
	if w := sc.Where[entry]; w != "" {
		where += " (" + w + ")"
	}
	var e *mercato.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("%s: %w", where, err)
	}
	out := *e
	out.Message = where + ": " + e.Error()
	out.Fields = nil
	return &out
}

// putAccount creates an account, or does nothing if an identical one exists. Its keys' secrets
// are stored encrypted.
func (s *Service) putAccount(tx mercato.Tx, a mercato.Account) error {
	if err := validateAccount(&a); err != nil {
		return err
	}
	old, err := tx.GetAccount(a.ID)
	if err == nil {
		if err := s.openKeys(tx, &old); err != nil {
			return err
		}
		return sameOrConflict("account", a.ID, declared(old, a), a)
	}
	if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return err
	}
	for _, k := range a.AccessKeys {
		if owner, err := tx.AccountByAccessKey(k.ID); err == nil && owner.ID != a.ID {
			return mercato.Errorf(mercato.EConflict, "access key %s belongs to account %s", k.ID, owner.ID)
		}
	}
	if err := s.sealKeys(tx, &a); err != nil {
		return err
	}
	return tx.PutAccount(a)
}

// declared returns the stored account as the scenario would declare it, so that what changes
// online is no conflict when the scenario is applied again (at every start of a server given
// it): keys created online are left out, keys revoked online count as declared (they stay
// revoked), and payouts the seller set count as the scenario's (they stay the seller's).
func declared(stored, wanted mercato.Account) mercato.Account {
	stored.Disbursement = wanted.Disbursement
	keys := make([]mercato.AccessKey, 0, len(wanted.AccessKeys))
	for _, w := range wanted.AccessKeys {
		for _, k := range stored.AccessKeys {
			if k.ID == w.ID {
				k.Status, k.Created = w.Status, w.Created
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		keys = nil
	}
	stored.AccessKeys = keys
	return stored
}

// putProduct creates a product of an existing seller, or does nothing if an identical one exists.
func putProduct(tx mercato.Tx, p mercato.Product) error {
	if p.ProductCode == "" {
		p.ProductCode = p.ID
	}
	if p.Visibility == "" {
		p.Visibility = "public"
	}
	if err := p.Validate(); err != nil {
		return err
	}
	seller, err := tx.GetAccount(p.SellerID)
	if err != nil {
		return err
	}
	if !seller.HasRole(mercato.RoleSeller) {
		return mercato.Errorf(mercato.EInvalid, "account %s is not a seller", seller.ID)
	}
	old, err := tx.GetProduct(p.ID)
	if err == nil {
		return sameOrConflict("product", p.ID, old, p)
	}
	if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return err
	}
	if other, err := tx.ProductByCode(p.ProductCode); err == nil {
		return mercato.Errorf(mercato.EConflict, "product code %s is used by product %s", p.ProductCode, other.ID)
	}
	return tx.PutProduct(p)
}

// putOffer creates an offer, or does nothing if an identical one exists. A paid offer needs a
// product with a refund policy; a product has at most one public offer.
func putOffer(tx mercato.Tx, o mercato.Offer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	p, err := tx.GetProduct(o.ProductID)
	if err != nil {
		return err
	}
	if o.SellerID == "" {
		o.SellerID = p.SellerID
	}
	o.Terms.FillIDs(o.ID)
	if o.ProposalID == "" {
		o.ProposalID = proposalID(o.ID)
	}
	if o.Resale != nil {
		if err := checkResaleOffer(tx, &o, &p); err != nil {
			return err
		}
	} else if o.SellerID != p.SellerID {
		return mercato.Errorf(mercato.EInvalid, "offer seller %s is not the seller of product %s", o.SellerID, p.ID)
	}
	if o.Terms.IsPaid() && p.RefundPolicy == "" {
		return mercato.Errorf(mercato.EInvalid, "product %s has paid offers and needs a refund policy", p.ID)
	}
	old, err := tx.GetOffer(o.ID)
	if err == nil && !old.Listing.ModifiedAt.IsZero() {
		return nil // the scenario made it, and the seller has changed it through the Catalog since
	}
	if err == nil {
		return sameOrConflict("offer", o.ID, old, o)
	}
	if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return err
	}
	if !o.IsPrivate() {
		public, err := tx.ListOffers(mercato.OfferFilter{ProductID: p.ID, Visibility: "public"})
		if err != nil {
			return err
		}
		if len(public) > 0 {
			return mercato.Errorf(mercato.EConflict, "product %s already has a public offer (%s)", p.ID, public[0].ID)
		}
	}
	return tx.PutOffer(o)
}

// sameOrConflict is nil when a scenario entry equals what is stored, EConflict otherwise:
// scenarios create, they do not silently change.
func sameOrConflict(kind, id string, stored, wanted any) error {
	a, _ := json.Marshal(stored)
	b, _ := json.Marshal(wanted)
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return mercato.Errorf(mercato.EConflict, "%s %s already exists with different content", kind, id)
}

// applyAcceptance applies a scenario acceptance now if it is due, or checks and schedules it.
func (s *Service) applyAcceptance(tx mercato.Tx, sa mercato.ScenarioAgreement, now time.Time) error {
	in := AcceptInput{OfferID: sa.OfferID, BuyerID: sa.BuyerID, AgreementID: sa.ID, ReplacesAgreementID: sa.Replaces}
	if in.AgreementID == "" {
		in.AgreementID = scenarioAgreementID(sa)
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if sa.AcceptedAt.IsZero() {
		return mercato.Errorf(mercato.EInvalid, "acceptedAt is required")
	}
	if _, err := tx.GetAgreement(in.AgreementID); err == nil {
		return nil // applied before
	} else if mercato.ErrorCodeOf(err) != mercato.ENotFound {
		return err
	}
	at := sa.AcceptedAt.UTC()
	if !at.After(now) {
		if err := afterLastSettlement(tx, at); err != nil {
			return err
		}
		_, err := s.accept(tx, in, at, "scenario")
		return err
	}
	if _, err := checkAcceptance(tx, in, at); err != nil {
		return err
	}
	return putJob(tx, jobScenarioAccept, "accept:"+in.AgreementID, at, in)
}

// afterLastSettlement refuses a backdated acceptance that falls before the last settlement that
// ran: the invoices it issues would lie behind every later settlement's window, and nothing
// would ever collect them (the receivable-opened invariant). EInvalid names acceptedAt.
func afterLastSettlement(tx mercato.Tx, at time.Time) error {
	through, _, err := timeSetting(tx, settledThroughKey)
	if err != nil || through.IsZero() || !at.Before(through) {
		return err
	}
	var p mercato.Problems
	p.Add("acceptedAt", "%s is before the last settlement, of %s, which its invoices would miss; date it at or after the settlement",
		at.Format(time.RFC3339), through.UTC().Format(time.RFC3339))
	return p.Err("invalid acceptance")
}

// scenarioAgreementID derives a stable ID for an acceptance without one, so that applying the
// scenario again finds it.
func scenarioAgreementID(sa mercato.ScenarioAgreement) string {
	h := sha256.Sum256([]byte(sa.OfferID + "\x00" + sa.BuyerID + "\x00" + sa.AcceptedAt.UTC().Format(time.RFC3339Nano)))
	return "agmt-" + hex.EncodeToString(h[:])[:24]
}

// scenarioAccept performs an acceptance a scenario scheduled.
func (s *Service) scenarioAccept(ctx context.Context, j mercato.Job) error {
	in, err := jobPayload[AcceptInput](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		if _, err := tx.GetAgreement(in.AgreementID); err == nil {
			return nil
		}
		_, err := s.accept(tx, in, j.DueAt, "scenario")
		return err
	})
}
