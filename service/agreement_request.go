package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"mercato"
	"mercato/billing"
)

// agreementRequestLife is how long a quote may be accepted, unless its offer expires first.
const agreementRequestLife = 7 * 24 * time.Hour

// RequestedTerm is a term of the offer the buyer requests, with the buyer's configuration where
// the term takes one.
type RequestedTerm struct {
	ID                  string                                    `json:"id"`
	ConfigurableUpfront *mercato.ConfigurableUpfrontConfiguration `json:"configurableUpfront,omitempty"`
	Renewal             *mercato.RenewalConfiguration             `json:"renewal,omitempty"`
	VariablePayment     *mercato.VariablePaymentConfiguration     `json:"variablePayment,omitempty"`
}

// CreateAgreementRequestInput is a buyer's request for a quote.
type CreateAgreementRequestInput struct {
	Intent            string          `json:"intent"` // NEW | REPLACE | AMEND
	ProposalID        string          `json:"proposalId,omitempty"`
	SourceAgreementID string          `json:"sourceAgreementId,omitempty"`
	Terms             []RequestedTerm `json:"terms"`
	EstimateTax       bool            `json:"estimateTax,omitempty"`
	ClientToken       string          `json:"-"`
}

// ExpectedCharge is a charge the agreement would make.
type ExpectedCharge struct {
	ID             string         `json:"id"`
	Time           time.Time      `json:"time,omitzero"`
	Amount         mercato.Amount `json:"amount"`
	AmountAfterTax mercato.Amount `json:"amountAfterTax"`
	Tax            mercato.Amount `json:"tax"`
	Timing         string         `json:"timing"` // ON_ACCEPTANCE, SCHEDULED, BILLING_PERIOD
}

// ChargeSummary is what a quote says the agreement would cost.
type ChargeSummary struct {
	Currency         mercato.Currency            `json:"currencyCode"`
	Value            mercato.Amount              `json:"newAgreementValue"`
	ValueAfterTax    mercato.Amount              `json:"newAgreementValueAfterTax"`
	Charges          []ExpectedCharge            `json:"expectedCharges"`
	TaxEstimated     bool                        `json:"taxEstimated"`
	Taxes            []mercato.TaxLine           `json:"taxes,omitempty"`
	InvoicingEntity  mercato.InvoicingEntity     `json:"invoicingEntity"`
	ConfiguredValues []mercato.DimensionQuantity `json:"configured,omitempty"`
}

// Quote is an agreement request and what it would cost.
type Quote struct {
	Request mercato.AgreementRequest `json:"request"`
	Summary ChargeSummary            `json:"summary"`
}

// CreateAgreementRequest quotes an agreement for a buyer: the offer named by its proposal ID with
// the requested terms configured, checked as an acceptance would be, and the charges it would
// make. Errors: EInvalid (intent and identifiers that do not fit together, terms that are not the
// offer's, missing configuration, expired offer), ENotFound (unknown proposal or source agreement),
// EForbidden (not targeted, not a buyer), EConflict (an active contract exists).
func (s *Service) CreateAgreementRequest(ctx context.Context, caller string, in CreateAgreementRequestInput) (Quote, error) {
	if err := in.check(); err != nil {
		return Quote{}, err
	}
	if err := checkClientToken(in.ClientToken); err != nil {
		return Quote{}, err
	}
	var q Quote
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		now := s.Now()
		var err error
		q, err = idempotent(tx, now, caller, "CreateAgreementRequest", in.ClientToken, in, func() (Quote, error) {
			return s.quote(tx, caller, in, now)
		})
		return err
	})
	return q, err
}

func (in *CreateAgreementRequestInput) check() error {
	switch in.Intent {
	case "NEW":
		if in.SourceAgreementID != "" {
			return invalid("INVALID_SOURCE_AGREEMENT_IDENTIFIER", "sourceAgreementIdentifier", "a NEW agreement has no source agreement")
		}
	case "REPLACE":
		if in.SourceAgreementID == "" {
			return invalid("MISSING_SOURCE_AGREEMENT_IDENTIFIER", "sourceAgreementIdentifier", "REPLACE needs the agreement to replace")
		}
	case "AMEND":
		if in.SourceAgreementID == "" {
			return invalid("MISSING_SOURCE_AGREEMENT_IDENTIFIER", "sourceAgreementIdentifier", "AMEND needs the agreement to amend")
		}
		if len(in.Terms) == 0 {
			return invalid("MISSING_REQUESTED_TERMS", "requestedTerms", "at least one requested term is required")
		}
		return nil // the agreement's own offer is the proposal
	default:
		return invalid("INVALID_INTENT", "intent", "intent must be NEW, AMEND or REPLACE")
	}
	if in.ProposalID == "" {
		return invalid("MISSING_AGREEMENT_PROPOSAL_IDENTIFIER", "agreementProposalIdentifier", "the offer's agreement proposal identifier is required")
	}
	if len(in.Terms) == 0 {
		return invalid("MISSING_REQUESTED_TERMS", "requestedTerms", "at least one requested term is required")
	}
	return nil
}

func (s *Service) quote(tx mercato.Tx, caller string, in CreateAgreementRequestInput, now time.Time) (Quote, error) {
	if in.Intent == "AMEND" {
		return s.quoteAmendment(tx, caller, in, now)
	}
	offers, err := tx.ListOffers(mercato.OfferFilter{ProposalID: in.ProposalID})
	if err != nil {
		return Quote{}, err
	}
	if len(offers) == 0 || !offers[0].Released() {
		return Quote{}, hiddenOffer("AgreementProposal", in.ProposalID, caller)
	}
	offer := offers[0]
	if product, err := tx.GetProduct(offer.ProductID); err != nil || !productVisibleTo(&product, caller) {
		return Quote{}, cmpErr(err, hiddenOffer("AgreementProposal", in.ProposalID, caller))
	}
	acc := AcceptInput{OfferID: offer.ID, BuyerID: caller, ReplacesAgreementID: in.SourceAgreementID}
	c, err := checkAcceptance(tx, acc, now) // first: who may not accept it learns nothing of its terms
	if err != nil {
		return Quote{}, err
	}
	if acc.Terms, err = configureTerms(offer.Terms, in.Terms); err != nil {
		return Quote{}, err
	}
	req := mercato.AgreementRequest{ID: newID("ar-"), BuyerID: caller, Intent: in.Intent, OfferID: offer.ID,
		SourceAgreementID: in.SourceAgreementID, Terms: acc.Terms, ClientToken: in.ClientToken, CreatedAt: now,
		ExpiresAt: now.Add(agreementRequestLife)}
	if offer.IsPrivate() && offer.ExpiresAt.Before(req.ExpiresAt) {
		req.ExpiresAt = offer.ExpiresAt
	}
	acc.ChargeSeed = req.ID
	a, err := newAgreement(acc, &c, now)
	if err != nil {
		return Quote{}, err
	}
	summary, err := summarize(&a, req.ID, now, in.EstimateTax)
	if err != nil {
		return Quote{}, err
	}
	if err := tx.InsertAgreementRequest(req); err != nil {
		return Quote{}, err
	}
	if err := audit(tx, now, caller, "CreateAgreementRequest", "AgreementRequest", req.ID, in.ClientToken,
		map[string]any{"offerId": offer.ID, "intent": in.Intent, "value": summary.Value}); err != nil {
		return Quote{}, err
	}
	return Quote{Request: req, Summary: summary}, nil
}

// configureTerms returns the offer's terms with the buyer's configuration applied; every term of
// the offer must be requested, and only those.
func configureTerms(offer mercato.Terms, requested []RequestedTerm) (mercato.Terms, error) {
	byID := map[string]RequestedTerm{}
	for i, r := range requested {
		if _, dup := byID[r.ID]; dup {
			return nil, invalid("INVALID_REQUESTED_TERMS", fmt.Sprintf("requestedTerms[%d].id", i), "term %s is requested twice", r.ID)
		}
		byID[r.ID] = r
	}
	out := make(mercato.Terms, len(offer))
	for i, t := range offer {
		h, _ := t.Header()
		r, ok := byID[h.ID]
		if !ok {
			return nil, invalid("MISSING_MANDATORY_TERMS", "requestedTerms", "term %s (%s) of the offer must be requested", h.ID, t.Kind())
		}
		delete(byID, h.ID)
		configured, err := configureTerm(t, r)
		if err != nil {
			return nil, err
		}
		out[i] = configured
	}
	for id := range byID {
		return nil, invalid("INVALID_REQUESTED_TERM_ID", "requestedTerms", "the offer has no term %s", id)
	}
	return out, nil
}

// configureTerm copies a term with the buyer's configuration, which must fit the term.
func configureTerm(t mercato.Term, r RequestedTerm) (mercato.Term, error) {
	bad := func(what string) (mercato.Term, error) {
		return t, invalid("INVALID_REQUESTED_TERM_CONFIGURATION", "requestedTerms", "term %s takes no %s configuration", r.ID, what)
	}
	switch {
	case r.ConfigurableUpfront != nil:
		if t.ConfigurableUpfront == nil {
			return bad("configurable upfront")
		}
		c := *t.ConfigurableUpfront
		c.Configuration = r.ConfigurableUpfront
		t.ConfigurableUpfront = &c
	case r.Renewal != nil:
		if t.Renewal == nil {
			return bad("renewal")
		}
		c := *t.Renewal
		c.Configuration = r.Renewal
		t.Renewal = &c
	case r.VariablePayment != nil:
		if t.VariablePayment == nil {
			return bad("variable payment")
		}
		c := *t.VariablePayment
		c.Configuration = r.VariablePayment
		t.VariablePayment = &c
	case t.ConfigurableUpfront != nil && t.ConfigurableUpfront.Configuration == nil:
		return t, invalid("MISSING_REQUESTED_TERM_CONFIGURATION", "requestedTerms", "term %s needs the buyer's configuration (a contract duration and quantities)", r.ID)
	}
	return t, nil
}

// summarize lists the charges an agreement would make, with their IDs as acceptance will give
// them, and estimates tax if asked.
func summarize(a *mercato.Agreement, seed string, now time.Time, estimateTax bool) (ChargeSummary, error) {
	charges, err := billing.AcceptanceCharges(a)
	if err != nil {
		return ChargeSummary{}, err
	}
	j, _ := mercato.LookupJurisdiction(a.TaxJurisdiction)
	sum := ChargeSummary{Currency: a.Currency, Value: a.Value, TaxEstimated: estimateTax, InvoicingEntity: j.InvoicingEntity}
	for _, c := range charges {
		e := ExpectedCharge{ID: chargeID(seed, c.Key), Time: c.Time, Amount: c.Amount, Timing: "SCHEDULED"}
		if !c.Time.After(now) {
			e.Timing = "ON_ACCEPTANCE"
		}
		if estimateTax {
			e.Tax, _ = billing.Tax(c.Amount, a.Currency, j)
		}
		e.AmountAfterTax = e.Amount + e.Tax
		sum.Charges = append(sum.Charges, e)
	}
	if r := a.Terms.Recurring(); r != nil {
		sum.Charges = append(sum.Charges, ExpectedCharge{ID: chargeID(seed, "recurring:"+r.ID), Amount: r.Price,
			AmountAfterTax: r.Price, Timing: "BILLING_PERIOD"})
	}
	sum.ValueAfterTax = sum.Value
	if estimateTax {
		var total mercato.Amount
		total, sum.Taxes = billing.Tax(sum.Value, a.Currency, j)
		sum.ValueAfterTax += total
	}
	for _, t := range a.Terms {
		if cu := t.ConfigurableUpfront; cu != nil && cu.Configuration != nil {
			sum.ConfiguredValues = cu.Configuration.Dimensions
		}
	}
	return sum, nil
}

// chargeID derives a charge's ID from the agreement (or quote) it belongs to and its key, so a
// quote can name the charges its acceptance will make.
func chargeID(seed, key string) string {
	h := sha256.Sum256([]byte(seed + "\x00" + key))
	return "ch-" + hex.EncodeToString(h[:12])
}

// AcceptAgreementRequest accepts a quote: the agreement is made (and, for REPLACE, the source
// replaced) with the quoted terms; purchase orders name references for the quoted charges.
// Accepting again returns the same agreement. Errors: ENotFound (not the caller's quote),
// EInvalid (expired, unknown charge in a purchase order), and those of an acceptance.
func (s *Service) AcceptAgreementRequest(ctx context.Context, caller, id string, pos []PurchaseOrder) (string, error) {
	var agreementID string
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		req, err := tx.GetAgreementRequest(id)
		if err != nil {
			return err
		}
		if req.BuyerID != caller {
			return mercato.NotFound("AgreementRequest", id)
		}
		if req.AgreementID != "" {
			agreementID = req.AgreementID
			return nil
		}
		now := s.Now()
		if !now.Before(req.ExpiresAt) {
			return invalid("EXPIRED_AGREEMENT_PROPOSAL", "agreementRequestId", "agreement request %s expired at %s", id, req.ExpiresAt.Format(time.RFC3339))
		}
		if req.Intent == "AMEND" {
			agreementID = req.SourceAgreementID
			return s.amend(tx, caller, &req, now)
		}
		refs := map[string]string{}
		for _, po := range pos {
			refs[po.ChargeID] = po.Reference
		}
		a, err := s.accept(tx, AcceptInput{OfferID: req.OfferID, BuyerID: caller, ReplacesAgreementID: req.SourceAgreementID,
			Terms: req.Terms, ChargeSeed: req.ID, PurchaseOrders: refs}, now, caller)
		if err != nil {
			return err
		}
		req.AgreementID, agreementID = a.ID, a.ID
		return tx.UpdateAgreementRequest(req)
	})
	return agreementID, err
}

// checkPurchaseOrders reports purchase orders naming charges the agreement does not make.
func checkPurchaseOrders(charges []mercato.Charge, refs map[string]string) error {
	for id := range refs {
		if !slices.ContainsFunc(charges, func(c mercato.Charge) bool { return c.ID == id }) {
			return invalid("INVALID_PURCHASE_ORDERS", "purchaseOrders", "charge %s is not a charge of this agreement", id)
		}
	}
	return nil
}
