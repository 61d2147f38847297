package service

import (
	"context"
	"fmt"
	"time"

	"mercato"
	"mercato/billing"
)

// AcceptInput is a buyer's acceptance of an offer.
type AcceptInput struct {
	OfferID string
	BuyerID string
	// AgreementID is the new agreement's ID; generated when empty (scenarios name theirs).
	AgreementID string
	// ReplacesAgreementID names the buyer's agreement that this acceptance replaces (intent
	// REPLACE); an agreement-based offer names it itself.
	ReplacesAgreementID string
	// Terms, when set, are the offer's terms as the buyer configured them (from a quote).
	Terms mercato.Terms
	// ChargeSeed derives the IDs of the agreement's charges (a quote's ID, so the quote names
	// them); the agreement's ID when empty.
	ChargeSeed string
	// PurchaseOrders maps charge IDs to the buyer's purchase order references.
	PurchaseOrders map[string]string
	ClientToken    string
}

// Validate reports every bad field at once. Who may accept the offer, and until when, depends on
// the offer, so AcceptOffer checks it (see checkBuyer), for every transport alike.
func (in *AcceptInput) Validate() error {
	var p mercato.Problems
	if in.OfferID == "" {
		p.Add("offerId", "is required")
	} else if !mercato.ValidResourceID(in.OfferID) {
		p.Add("offerId", "must be 1-64 letters, digits, _ / -")
	}
	if in.BuyerID == "" {
		p.Add("buyerId", "is required")
	}
	if in.AgreementID != "" && !mercato.ValidResourceID(in.AgreementID) {
		p.Add("agreementId", "must be 1-64 letters, digits, _ / -")
	}
	if in.ReplacesAgreementID != "" && !mercato.ValidResourceID(in.ReplacesAgreementID) {
		p.Add("replacesAgreementId", "must be 1-64 letters, digits, _ / -")
	}
	return p.Err("invalid acceptance")
}

// AcceptOffer makes an agreement of a buyer's acceptance of an offer, now. It invoices what is
// due on acceptance and schedules the rest. While the buyer holds an active agreement for the
// product, the product type decides (see ruleFor): AMI hourly and annual agreements are replaced
// by the new one, their pending charges continuing; SaaS, AMI contracts and professional services
// refuse the acceptance unless it names the agreement it replaces. A buyer that a private
// marketplace governs may accept offers of the products it allows only. Errors: EInvalid (bad input,
// expired offer), ENotFound (unknown offer or buyer), EForbidden (the account may not accept: not
// a buyer, not targeted by a private offer, or a product its private marketplace does not allow), EConflict (reason DUPLICATE_AGREEMENT: an active
// agreement for the product is in the way; the agreement to replace is not active).
func (s *Service) AcceptOffer(ctx context.Context, in AcceptInput) (mercato.Agreement, error) {
	if err := in.Validate(); err != nil {
		return mercato.Agreement{}, err
	}
	var a mercato.Agreement
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		a, err = s.accept(tx, in, s.Now(), in.BuyerID)
		return err
	})
	return a, err
}

// acceptance holds what an acceptance needs, loaded and checked.
type acceptance struct {
	buyer   mercato.Account
	offer   mercato.Offer
	product mercato.Product
	source  *mercato.Agreement // the agreement replaced, if any
	// overrides is set when the offer's terms override those of source (AMI hourly and annual)
	// rather than the acceptance naming it: source's pending charges then continue.
	overrides bool
}

// checkAcceptance loads and checks everything an acceptance at time at depends on.
func checkAcceptance(tx mercato.Tx, in AcceptInput, at time.Time) (acceptance, error) {
	var c acceptance
	var err error
	if c.buyer, err = tx.GetAccount(in.BuyerID); err != nil {
		return c, err
	}
	if c.offer, err = tx.GetOffer(in.OfferID); err != nil {
		return c, err
	}
	if !c.offer.Released() {
		return c, hiddenOffer("Offer", in.OfferID, in.BuyerID) // a draft is the seller's alone
	}
	if c.product, err = tx.GetProduct(c.offer.ProductID); err != nil {
		return c, err
	}
	if !productVisibleTo(&c.product, in.BuyerID) {
		return c, hiddenOffer("Offer", in.OfferID, in.BuyerID)
	}
	var active []mercato.Agreement
	if c.product.Type.OneActiveAgreement() {
		// One is all the rules allow; a few more still find a store that broke them.
		active, err = tx.ListAgreements(mercato.AgreementFilter{AcceptorID: c.buyer.ID, ProductID: c.product.ID,
			Status: mercato.AgreementActive, Limit: 4})
		if err != nil {
			return c, err
		}
	}
	return c, judge(tx, &c, in.ReplacesAgreementID, at, active)
}

// judge applies the rules of acceptance at time at to c, given the buyer's active agreements
// (those for other products are ignored): who may accept, until when, which agreement the
// acceptance replaces and which it would duplicate. It sets c.source and c.overrides. The buyer's
// offers page runs it too, so that it offers only what acceptance allows.
func judge(tx mercato.Tx, c *acceptance, replaces string, at time.Time, active []mercato.Agreement) error {
	if err := checkBuyer(&c.buyer, &c.offer, at); err != nil {
		return err
	}
	if err := buyerMayBuy(tx, c.buyer.ID, c.offer.ProductID, c.offer.ID); err != nil {
		return err
	}
	if replaces == "" {
		replaces = c.offer.ReplacesAgreementID
	}
	if replaces != "" {
		src, err := replaceable(tx, replaces, c)
		if err != nil {
			return err
		}
		c.source = &src
	}
	a, rule := inTheWay(active, &c.offer, replaces)
	switch {
	case rule == refuse || (rule == override && c.source != nil):
		return duplicate(c.buyer.ID, a)
	case rule == override:
		src := *a
		c.source, c.overrides = &src, true
	}
	return nil
}

// checkBuyer enforces who may accept an offer, and until when.
func checkBuyer(buyer *mercato.Account, o *mercato.Offer, at time.Time) error {
	if !buyer.HasRole(mercato.RoleBuyer) || buyer.ID == o.SellerID {
		return forbidden(o.ID, "wrong account: %s is not a buyer account that may accept offer %s", buyer.ID, o.ID)
	}
	if country := buyer.Country(); !o.AvailableIn(country) {
		return forbidden(o.ID, "not available: offer %s is not available to buyers in %s, the country of account %s", o.ID, country, buyer.ID)
	}
	if !o.IsPrivate() {
		return nil
	}
	if !o.Targets(buyer.ID) {
		return forbidden(o.ID, "not targeted: offer %s is a private offer that does not target account %s", o.ID, buyer.ID)
	}
	if o.ExpiredAt(at) {
		e := mercato.Errorf(mercato.EInvalid, "offer %s expired at %s", o.ID, o.ExpiresAt.Format(time.RFC3339))
		e.Reason, e.ResourceID, e.ResourceType = "EXPIRED_AGREEMENT_PROPOSAL", o.ID, "AgreementProposal"
		return e
	}
	return nil
}

// forbidden refuses an acceptance; the message says why (the API's reason, INVALID_ACCESS, does
// not).
func forbidden(offerID, format string, args ...any) error {
	e := mercato.Errorf(mercato.EForbidden, format, args...)
	e.Reason, e.ResourceID, e.ResourceType = "INVALID_ACCESS", offerID, "AgreementProposal"
	return e
}

// replaceable loads the agreement an acceptance replaces and checks it may be replaced: it is
// active, the buyer's, and the same seller's.
func replaceable(tx mercato.Tx, id string, c *acceptance) (mercato.Agreement, error) {
	src, err := tx.GetAgreement(id)
	if err != nil {
		return src, err
	}
	if src.AcceptorID != c.buyer.ID {
		return src, mercato.NotFound("Agreement", id)
	}
	if src.ProposerID != c.offer.SellerID {
		return src, mercato.Errorf(mercato.EInvalid, "agreement %s has another seller of record than offer %s", id, c.offer.ID)
	}
	if src.Status != mercato.AgreementActive {
		return src, &mercato.Error{Code: mercato.EConflict, Message: fmt.Sprintf("agreement %s is %s, only an active agreement can be replaced", id, src.Status),
			ResourceID: id, ResourceType: "Agreement"}
	}
	return src, nil
}

// onActive is what accepting an offer does while the buyer holds an active agreement for the
// same product (seed 003, "You already have an active contract").
type onActive int

const (
	// keepBoth: the product type allows several active agreements (containers, data).
	keepBoth onActive = iota
	// refuse: one active agreement per buyer and product; only an acceptance that names it (an
	// agreement-based offer, intent REPLACE) may replace it.
	refuse
	// override: the new offer's terms override the agreement's, which the acceptance replaces.
	override
)

// ruleFor returns what accepting a new offer does to the buyer's active agreement a. SaaS
// (subscriptions, contracts, contracts with consumption pricing) and professional services allow
// one agreement, which must end or be replaced by name first. So does an AMI contract (contract
// pricing: paid upfront or by schedule, with no hourly price); but an AMI bought by the hour,
// with or without an annual commitment, takes the new offer's terms on acceptance.
func ruleFor(a *mercato.Agreement) onActive {
	switch {
	case !a.ProductType.OneActiveAgreement():
		return keepBoth
	case a.ProductType == mercato.ProductAMI && !isContractPricing(a.Terms):
		return override
	}
	return refuse
}

// isContractPricing reports whether terms are contract pricing (upfront or scheduled payments
// without a usage price) rather than usage pricing (hourly, possibly with an annual commitment).
func isContractPricing(ts mercato.Terms) bool { return ts.IsContract() && ts.Usage() == nil }

// inTheWay returns the buyer's active agreement for the offer's product that accepting o would
// duplicate or override, and which of the two; replaces, the agreement the acceptance names, is
// never in the way. Accepting the offer of an agreement again overrides nothing: the same terms
// would replace themselves, so it is a duplicate.
func inTheWay(active []mercato.Agreement, o *mercato.Offer, replaces string) (*mercato.Agreement, onActive) {
	var found *mercato.Agreement
	for i := range active {
		a := &active[i]
		if a.ProductID != o.ProductID || a.ID == replaces {
			continue
		}
		switch rule := ruleFor(a); {
		case rule == refuse || (rule == override && a.OfferID == o.ID):
			return a, refuse
		case rule == override:
			found = a
		}
	}
	if found != nil {
		return found, override
	}
	return nil, keepBoth
}

// duplicate refuses an acceptance because of the buyer's active agreement a.
func duplicate(buyerID string, a *mercato.Agreement) error {
	return &mercato.Error{Code: mercato.EConflict, Reason: "DUPLICATE_AGREEMENT",
		Message: fmt.Sprintf("account %s already has an active contract for product %s (agreement %s): it must end, "+
			"or an agreement-based offer replace it, before another offer of the product is accepted", buyerID, a.ProductID, a.ID),
		ResourceID: a.ID, ResourceType: "Agreement"}
}

// accept makes the agreement at time now inside tx.
func (s *Service) accept(tx mercato.Tx, in AcceptInput, now time.Time, actor string) (mercato.Agreement, error) {
	c, err := checkAcceptance(tx, in, now)
	if err != nil {
		return mercato.Agreement{}, err
	}
	a, err := newAgreement(in, &c, now)
	if err != nil {
		return a, err
	}
	if err := tx.InsertAgreement(a); err != nil {
		return a, err
	}
	if c.source != nil {
		if err := replace(tx, c.source, a.ID, !c.overrides, now, actor); err != nil {
			return a, err
		}
	}
	seed := in.ChargeSeed
	if seed == "" {
		seed = a.ID
	}
	if err := s.scheduleAgreement(tx, &a, now, seed, in.PurchaseOrders); err != nil {
		return a, err
	}
	if err := s.scheduleFulfillment(tx, &a, &c.product, now); err != nil {
		return a, err
	}
	if err := audit(tx, now, actor, "AcceptOffer", "Agreement", a.ID, in.ClientToken,
		map[string]any{"offerId": a.OfferID, "replaces": a.SourceAgreementID, "agreementValue": a.Value}); err != nil {
		return a, err
	}
	intent := mercato.IntentNew
	if c.source != nil {
		intent = mercato.IntentReplace
	}
	return a, agreementStarted(tx, &a, &c.product, intent)
}

// newAgreement builds the agreement of an acceptance: the offer's terms, its dates, value and
// listing fee.
func newAgreement(in AcceptInput, c *acceptance, now time.Time) (mercato.Agreement, error) {
	id := in.AgreementID
	if id == "" {
		id = newID("agmt-")
	}
	a := mercato.Agreement{
		ID: id, OfferID: c.offer.ID, ProductID: c.product.ID, ProductType: c.product.Type,
		ProposerID: c.offer.SellerID, AcceptorID: c.buyer.ID, Private: c.offer.IsPrivate(),
		Terms: c.offer.Terms.Clone(), Status: mercato.AgreementActive, AcceptanceTime: now, StartTime: now,
		UpdatedAt: now, InitialAgreementID: id, Currency: c.offer.Terms.Currency(),
		TaxJurisdiction: c.buyer.TaxJurisdiction,
	}
	if in.Terms != nil {
		a.Terms = in.Terms
	}
	if c.source != nil {
		a.SourceAgreementID, a.InitialAgreementID = c.source.ID, c.source.InitialAgreementID
	}
	a.EndTime = a.Terms.EndTime(a.StartTime)
	v, err := billing.ContractValue(&a)
	if err != nil {
		return a, err
	}
	a.Value = v
	if a.Resale, err = resaleOf(&c.offer, &a); err != nil {
		return a, err
	}
	a.ListingFeeRate = billing.ListingFeeRate(billing.FeeInput{ProductType: c.product.Type, Private: a.Private,
		Renewal: c.offer.Renewal, ChannelPartner: c.offer.ChannelPartner != "" || a.Resale != nil, ContractValue: v})
	return a, nil
}

// replace ends the source agreement as REPLACED and, if cancelCharges, cancels its charges not
// yet invoiced; invoices already issued stay as they are. An agreement-based offer overrides the
// payments not yet invoiced; a new AMI offer does not (its seed: "pending charges from the
// previous offer's payment schedule will continue unless cancelled").
func replace(tx mercato.Tx, src *mercato.Agreement, by string, cancelCharges bool, now time.Time, actor string) error {
	if err := src.Transition(mercato.AgreementReplaced, now); err != nil {
		return err
	}
	src.MarkReplacedBy(by)
	if err := tx.UpdateAgreement(*src); err != nil {
		return err
	}
	cancelled := []string{}
	if cancelCharges {
		var err error
		if cancelled, err = cancelPendingCharges(tx, src.ID); err != nil {
			return err
		}
	}
	if err := audit(tx, now, actor, "ReplaceAgreement", "Agreement", src.ID, "",
		map[string]any{"replacedBy": by, "cancelledCharges": cancelled, "overridden": !cancelCharges}); err != nil {
		return err
	}
	return agreementEnded(tx, src, now)
}

// cancelPendingCharges cancels the agreement's charges that are not invoiced yet and returns
// their IDs.
func cancelPendingCharges(tx mercato.Tx, agreementID string) ([]string, error) {
	pending, err := tx.ListCharges(mercato.ChargeFilter{AgreementID: agreementID, Status: mercato.ChargePending})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(pending))
	for _, c := range pending {
		c.Status = mercato.ChargeCancelled
		if err := tx.UpdateCharge(c); err != nil {
			return nil, err
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}
