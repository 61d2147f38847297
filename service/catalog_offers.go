package service

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"mercato"
)

// Offer change types of the Catalog API, each a function of the plan.
var offerChanges = map[string]func(*catalogPlan, *mercato.Change) error{
	"CreateOffer":                                    (*catalogPlan).createOffer,
	"CreateReplacementOffer":                         (*catalogPlan).createReplacementOffer,
	"CreateOfferUsingResaleAuthorization":            (*catalogPlan).createOfferUsingResaleAuthorization,
	"CreateReplacementOfferUsingResaleAuthorization": (*catalogPlan).createReplacementOfferUsingResaleAuthorization,
	"UpdateMarkup":                                   (*catalogPlan).updateMarkup,
	"UpdateInformation":                              (*catalogPlan).updateOfferInformation,
	"UpdateTargeting":                                (*catalogPlan).updateTargeting,
	"UpdateAvailability":                             (*catalogPlan).updateAvailability,
	"UpdatePricingTerms":                             (*catalogPlan).updateTerms,
	"UpdateLegalTerms":                               (*catalogPlan).updateTerms,
	"UpdateSupportTerms":                             (*catalogPlan).updateTerms,
	"UpdateValidityTerms":                            (*catalogPlan).updateTerms,
	"UpdatePaymentScheduleTerms":                     (*catalogPlan).updateTerms,
	"UpdateRenewalTerms":                             (*catalogPlan).updateTerms,
	"UpdateNetPaymentTerms":                          (*catalogPlan).updateTerms,
	"ReleaseOffer":                                   (*catalogPlan).releaseOffer,
}

// Limits of offer details.
const (
	maxOfferName        = 150
	maxOfferDescription = 255
	maxRefundPolicy     = 500
)

var (
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// applyOffer applies a change to an Offer@1.0 entity.
func (p *catalogPlan) applyOffer(ch *mercato.Change) error {
	fn, ok := offerChanges[ch.ChangeType]
	if !ok {
		return invalid("INVALID_CHANGE_TYPE", "ChangeType", "ChangeType %s is not a change type of Offer@1.0", ch.ChangeType)
	}
	return fn(p, ch)
}

// createOffer makes a draft public offer of one of the seller's products.
func (p *catalogPlan) createOffer(ch *mercato.Change) error {
	var d struct {
		ProductId, Name, OfferSetId string
	}
	if err := p.creating(ch, &d); err != nil {
		return err
	}
	if d.ProductId == "" {
		return fieldError("Details.ProductId", "is required")
	}
	if err := checkOfferName(d.Name); err != nil {
		return err
	}
	if _, err := p.product(d.ProductId); err != nil {
		return fieldError("Details.ProductId", "names no product of yours (%s)", d.ProductId)
	}
	o := p.newOffer(d.ProductId, d.Name)
	ch.EntityID = o.ID
	return nil
}

// createReplacementOffer makes a draft agreement-based offer that replaces a buyer's active
// agreement with the seller: private to that buyer, for the same product.
func (p *catalogPlan) createReplacementOffer(ch *mercato.Change) error {
	var d struct{ AgreementId, Name string }
	if err := p.creating(ch, &d); err != nil {
		return err
	}
	if d.AgreementId == "" {
		return fieldError("Details.AgreementId", "is required")
	}
	if err := checkOfferName(d.Name); err != nil {
		return err
	}
	a, err := p.tx.GetAgreement(d.AgreementId)
	if err != nil || a.ProposerID != p.seller {
		return &mercato.Error{Code: mercato.EInvalid, Reason: "INVALID_AGREEMENT_ID",
			Message: fmt.Sprintf("Details.AgreementId names no agreement of yours (%s)", d.AgreementId)}
	}
	if a.Status != mercato.AgreementActive {
		return invalid("INVALID_AGREEMENT_ID", "Details.AgreementId",
			"Details.AgreementId %s is %s: only an active agreement can be replaced", a.ID, a.Status)
	}
	o := p.newOffer(a.ProductID, d.Name)
	o.Visibility, o.Buyers, o.ReplacesAgreementID = "private", []string{a.AcceptorID}, a.ID
	if a.Resale != nil {
		// A channel partner's agreement-based offer resells under the same terms with the maker:
		// the maker keeps its share of what the buyer pays.
		r := *a.Resale
		o.Resale = &r
	}
	ch.EntityID = o.ID
	return nil
}

// creating decodes the details of a change that creates an entity, which names none.
func (p *catalogPlan) creating(ch *mercato.Change, d any) error {
	if ch.EntityID != "" {
		return invalid("INVALID_INPUT", "Entity.Identifier", "Entity.Identifier must be empty: %s creates the entity", ch.ChangeType)
	}
	return decodeDetails(ch, d)
}

// newOffer adds a draft public offer of the product to the plan.
func (p *catalogPlan) newOffer(productID, name string) *mercato.Offer {
	id := "offer-" + randomID(13)
	o := &mercato.Offer{ID: id, ProposalID: proposalID(id), ProductID: productID, SellerID: p.seller,
		Visibility: "public", State: mercato.OfferDraft, Listing: mercato.OfferListing{Name: name}}
	p.keepOffer(o)
	return o
}

func checkOfferName(name string) error {
	if len([]rune(name)) > maxOfferName {
		return fieldError("Details.Name", "must be at most %d characters", maxOfferName)
	}
	return nil
}

// updateOfferInformation sets an offer's name and description.
func (p *catalogPlan) updateOfferInformation(ch *mercato.Change) error {
	var d struct {
		Name, Description    *string
		PreExistingAgreement json.RawMessage
	}
	o, err := p.changing(ch, &d)
	if err != nil {
		return err
	}
	if d.Name != nil {
		if err := checkOfferName(*d.Name); err != nil {
			return err
		}
		o.Listing.Name = *d.Name
	}
	if d.Description != nil {
		if n := len([]rune(*d.Description)); n < 1 || n > maxOfferDescription {
			return fieldError("Details.Description", "must be 1 to %d characters", maxOfferDescription)
		}
		o.Listing.Description = *d.Description
	}
	return nil
}

// changing decodes the details of a change to an existing offer and returns the offer.
func (p *catalogPlan) changing(ch *mercato.Change, d any) (*mercato.Offer, error) {
	o, err := p.offer(ch.EntityID)
	if err != nil {
		return nil, err
	}
	return o, decodeDetails(ch, d)
}

// targeting is the Catalog's targeting of an offer.
type targeting struct {
	BuyerAccounts         []string
	CountryCodes          []string
	ParticipatingPrograms []string
}

// updateTargeting sets the buyers (a private offer) and countries an offer targets. A released
// private offer's buyers are fixed, as are an agreement-based offer's.
func (p *catalogPlan) updateTargeting(ch *mercato.Change) error {
	var d struct{ PositiveTargeting, NegativeTargeting *targeting }
	o, err := p.changing(ch, &d)
	if err != nil {
		return err
	}
	pos, neg := derefTargeting(d.PositiveTargeting), derefTargeting(d.NegativeTargeting)
	if err := checkTargeting(&pos, &neg); err != nil {
		return err
	}
	buyers := slices.Clone(pos.BuyerAccounts)
	slices.Sort(buyers)
	buyers = slices.Compact(buyers)
	if (o.Released() || o.ReplacesAgreementID != "") && !slices.Equal(buyers, sortedCopy(o.Buyers)) {
		return invalid("INVALID_BUYER_ACCOUNTS", "Details.PositiveTargeting.BuyerAccounts",
			"Details.PositiveTargeting.BuyerAccounts cannot change once the offer is released or replaces an agreement")
	}
	o.Buyers, o.Visibility = buyers, "public"
	if len(buyers) > 0 {
		o.Visibility = "private"
	}
	o.Listing.Countries, o.Listing.ExcludedCountries = pos.CountryCodes, neg.CountryCodes
	return nil
}

func derefTargeting(t *targeting) targeting {
	if t == nil {
		return targeting{}
	}
	return *t
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// checkTargeting checks the accounts and countries of an offer's targeting.
func checkTargeting(pos, neg *targeting) error {
	if len(pos.BuyerAccounts) > mercato.MaxOfferBuyers {
		return invalid("INVALID_BUYER_ACCOUNTS", "Details.PositiveTargeting.BuyerAccounts",
			"Details.PositiveTargeting.BuyerAccounts holds %d accounts; at most %d", len(pos.BuyerAccounts), mercato.MaxOfferBuyers)
	}
	for i, b := range pos.BuyerAccounts {
		if !accountPattern.MatchString(b) {
			return invalid("INVALID_BUYER_ACCOUNTS", fmt.Sprintf("Details.PositiveTargeting.BuyerAccounts[%d]", i),
				"Details.PositiveTargeting.BuyerAccounts[%d] %q is not a 12-digit account ID", i, b)
		}
	}
	if len(neg.BuyerAccounts) > 0 {
		return fieldError("Details.NegativeTargeting.BuyerAccounts", "is not supported: target buyers positively")
	}
	for name, cs := range map[string][]string{"PositiveTargeting": pos.CountryCodes, "NegativeTargeting": neg.CountryCodes} {
		for i, c := range cs {
			if !countryPattern.MatchString(c) {
				return fieldError(fmt.Sprintf("Details.%s.CountryCodes[%d]", name, i), "%q is not an ISO 3166 alpha-2 country code", c)
			}
		}
	}
	if len(pos.CountryCodes) > 0 && len(neg.CountryCodes) > 0 {
		return fieldError("Details.NegativeTargeting.CountryCodes", "cannot be combined with positive country targeting")
	}
	return nil
}

// availabilityEndDay reads a change's Details.AvailabilityEndDate: a required date, YYYY-MM-DD.
func availabilityEndDay(date *string) (time.Time, error) {
	if date == nil {
		return time.Time{}, fieldError("Details.AvailabilityEndDate", "is required")
	}
	day, err := time.Parse(time.DateOnly, *date)
	if err != nil {
		return time.Time{}, fieldError("Details.AvailabilityEndDate", "%q is not a date YYYY-MM-DD", *date)
	}
	return day, nil
}

// updateAvailability sets the last day a private offer may be accepted (until 23:59:59 UTC):
// a later day extends it (an expired offer too); a day already past ends it now. An offer a
// buyer has accepted is not ended this way: the agreement is, through a cancellation request.
func (p *catalogPlan) updateAvailability(ch *mercato.Change) error {
	var d struct{ AvailabilityEndDate *string }
	o, err := p.changing(ch, &d)
	if err != nil {
		return err
	}
	day, err := availabilityEndDay(d.AvailabilityEndDate)
	if err != nil {
		return err
	}
	if !o.IsPrivate() {
		return invalid("INVALID_AVAILABILITY_END_DATE", "Details.AvailabilityEndDate",
			"Details.AvailabilityEndDate applies to private offers only: target buyer accounts first")
	}
	end := day.UTC().AddDate(0, 0, 1) // the day is the last one on which the buyer may accept
	if !end.After(p.now) {
		return p.endOffer(o)
	}
	o.ExpiresAt = end
	return nil
}

// endOffer ends a private offer's availability now, unless a buyer has accepted it.
func (p *catalogPlan) endOffer(o *mercato.Offer) error {
	accepted, err := p.tx.ListAgreements(mercato.AgreementFilter{OfferID: o.ID, Limit: 1})
	if err != nil {
		return err
	}
	if len(accepted) > 0 {
		return invalid("OFFER_ALREADY_ACCEPTED", "Details.AvailabilityEndDate",
			"offer %s was accepted (agreement %s): end the agreement with a cancellation request instead", o.ID, accepted[0].ID)
	}
	o.ExpiresAt = p.now
	return nil
}

// updateTerms replaces the offer's terms of the kinds the change type sets with those of its
// Details. A released private offer's terms are fixed but for renewal and support; a payment
// schedule never changes once released.
func (p *catalogPlan) updateTerms(ch *mercato.Change) error {
	var d struct {
		PricingModel string
		Terms        []json.RawMessage
	}
	o, err := p.changing(ch, &d)
	if err != nil {
		return err
	}
	if d.Terms == nil {
		return fieldError("Details.Terms", "is required")
	}
	if o.Released() && o.IsPrivate() && ch.ChangeType != "UpdateRenewalTerms" && ch.ChangeType != "UpdateSupportTerms" {
		return invalid("INVALID_STATE", "Details.Terms", "%s: a released private offer's terms cannot change; create a new offer", ch.ChangeType)
	}
	if ch.ChangeType == "UpdatePricingTerms" {
		if err := checkPricingModel(d.PricingModel); err != nil {
			return err
		}
	}
	terms, err := catalogTerms(d.Terms, ch.ChangeType)
	if err != nil {
		return err
	}
	o.Terms = replaceTerms(o.Terms, terms, ch.ChangeType)
	o.Terms.FillIDs(o.ID)
	return nil
}

func checkPricingModel(m string) error {
	switch m {
	case "Usage", "Contract", "Free", "Byol":
		return nil
	}
	return fieldError("Details.PricingModel", "must be Usage, Contract, Free or Byol")
}

// catalogTerms decodes and checks the terms of a change.
func catalogTerms(raws []json.RawMessage, changeType string) (mercato.Terms, error) {
	var terms mercato.Terms
	for i, raw := range raws {
		t, err := decodeCatalogTerm(raw, fmt.Sprintf("Details.Terms[%d]", i), changeType)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if err := checkChangeTerms(terms, changeType); err != nil {
		return nil, err
	}
	var p mercato.Problems
	if len(terms) > 0 {
		terms.Validate("terms", &p)
	}
	if len(p) > 0 {
		f := "Details." + problemField(p[0].Name)
		return nil, invalid("INVALID_INPUT", f, "%s %s", f, p[0].Message)
	}
	return terms, nil
}

// checkChangeTerms applies the Catalog's rules on the terms one change type sets.
func checkChangeTerms(terms mercato.Terms, changeType string) error {
	switch changeType {
	case "UpdateLegalTerms":
		if len(terms) != 1 {
			return fieldError("Details.Terms", "must hold exactly one LegalTerm")
		}
	case "UpdateSupportTerms":
		for i, t := range terms {
			if n := len([]rune(t.Support.RefundPolicy)); n < 1 || n > maxRefundPolicy {
				return fieldError(fmt.Sprintf("Details.Terms[%d].RefundPolicy", i), "must be 1 to %d characters", maxRefundPolicy)
			}
		}
	case "UpdateRenewalTerms":
		if len(terms) > 1 {
			return fieldError("Details.Terms", "holds at most one RenewalTerm")
		}
	case "UpdatePaymentScheduleTerms":
		for i, t := range terms {
			if err := checkSchedule(t.PaymentSchedule, fmt.Sprintf("Details.Terms[%d]", i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSchedule checks a flexible payment schedule: up to 60 payments on distinct dates.
func checkSchedule(ps *mercato.PaymentScheduleTerm, f string) error {
	if len(ps.Schedule) < 1 || len(ps.Schedule) > mercato.MaxInstallments {
		return fieldError(f+".Schedule", "must hold 1 to %d payments", mercato.MaxInstallments)
	}
	seen := map[time.Time]bool{}
	for i, it := range ps.Schedule {
		if seen[it.ChargeDate] {
			return fieldError(fmt.Sprintf("%s.Schedule[%d].ChargeDate", f, i), "%s appears twice", it.ChargeDate.Format(time.DateOnly))
		}
		seen[it.ChargeDate] = true
		if msg := mercato.MinorUnitsProblem(it.ChargeAmount, ps.CurrencyCode); msg != "" && ps.CurrencyCode.Valid() {
			return fieldError(fmt.Sprintf("%s.Schedule[%d].ChargeAmount", f, i), "%s", msg)
		}
	}
	return nil
}

// replaceTerms returns terms without those of the kinds the change type sets, plus news.
func replaceTerms(terms, news mercato.Terms, changeType string) mercato.Terms {
	var out mercato.Terms
	for _, t := range terms {
		if catalogTermKinds[t.Kind()] != changeType {
			t := t
			clearID(&t)
			out = append(out, t)
		}
	}
	for _, t := range news {
		clearID(&t)
		out = append(out, t)
	}
	return out
}

// clearID drops a term's ID, so that FillIDs numbers the offer's terms afresh.
func clearID(t *mercato.Term) {
	if h, _ := t.Header(); h != nil {
		h.ID = ""
	}
}

// releaseOffer makes a draft offer visible to the buyers it targets, once it is complete: a
// private offer needs an availability end date ahead and buyers; a paid offer a refund policy;
// a product one public offer at most; and a seller makes private offers only once one of its
// products is public with a paid public offer.
func (p *catalogPlan) releaseOffer(ch *mercato.Change) error {
	var d struct{}
	o, err := p.changing(ch, &d)
	if err != nil {
		return err
	}
	if o.Released() {
		return invalid("INVALID_STATE", "Entity.Identifier", "offer %s is already released", o.ID)
	}
	if err := p.releasable(o); err != nil {
		return err
	}
	o.State, o.Listing.ReleasedAt = mercato.OfferReleased, p.now
	p.released = append(p.released, o.ID)
	return nil
}

// releasable checks a draft offer against the rules of release.
func (p *catalogPlan) releasable(o *mercato.Offer) error {
	if o.IsPrivate() && o.ExpiresAt.IsZero() {
		return invalid("MISSING_AVAILABILITY_END_DATE", "AvailabilityEndDate",
			"offer %s is private and has no AvailabilityEndDate: add an UpdateAvailability change", o.ID)
	}
	if o.IsPrivate() && !o.ExpiresAt.After(p.now) {
		return invalid("INVALID_AVAILABILITY_END_DATE", "AvailabilityEndDate",
			"offer %s's availability ended at %s: choose a later end date", o.ID, o.ExpiresAt.Format(time.RFC3339))
	}
	if !hasPricing(o.Terms) {
		return invalid("MISSING_PRICING_TERMS", "Terms", "offer %s has no pricing terms: add an UpdatePricingTerms change", o.ID)
	}
	// An agreement-based CPPO keeps the terms of the agreement it replaces, whose authorization
	// was checked when it was released (or came from a scenario file); one made with an
	// authorization is priced afresh and checked against it.
	if o.Resale != nil && o.Resale.AuthorizationID != "" && (o.ReplacesAgreementID == "" || o.Resale.Reauthorized) {
		if err := p.releasableResale(o); err != nil {
			return err
		}
	}
	if err := o.Validate(); err != nil {
		return catalogOfferProblem(err)
	}
	if o.IsPrivate() && o.Resale == nil { // a channel partner resells under the maker's authorization
		if err := p.mayOfferPrivately(); err != nil {
			return err
		}
	}
	pr, err := p.offeredProduct(o)
	if err != nil {
		return err
	}
	if o.Terms.IsPaid() && pr.RefundPolicy == "" && refundPolicy(o.Terms) == "" {
		return invalid("MISSING_REFUND_POLICY", "Terms",
			"offer %s is paid: state a refund policy (UpdateSupportTerms) or give product %s one", o.ID, pr.ID)
	}
	if o.IsPrivate() {
		return nil
	}
	return p.onlyPublicOffer(o)
}

// offeredProduct returns the product of the offer: the seller's own, or, for a channel
// partner's resale, the maker's (read, never changed by the plan).
func (p *catalogPlan) offeredProduct(o *mercato.Offer) (*mercato.Product, error) {
	if o.Resale == nil {
		return p.product(o.ProductID)
	}
	pr, err := p.tx.GetProduct(o.ProductID)
	if err != nil {
		return nil, err
	}
	if pr.SellerID != o.Resale.ManufacturerID {
		return nil, invalid("INVALID_INPUT", "Entity.Identifier", "offer %s resells product %s, which %s does not make",
			o.ID, pr.ID, o.Resale.ManufacturerID)
	}
	return &pr, nil
}

// hasPricing reports whether the terms say what the buyer pays (nothing included): pricing
// terms, or a payment schedule, which prices the offer by itself.
func hasPricing(ts mercato.Terms) bool {
	for _, t := range ts {
		if ct := catalogTermKinds[t.Kind()]; ct == "UpdatePricingTerms" || ct == "UpdatePaymentScheduleTerms" {
			return true
		}
	}
	return false
}

// refundPolicy returns the refund policy the terms state, or "".
func refundPolicy(ts mercato.Terms) string {
	for _, t := range ts {
		if t.Support != nil {
			return t.Support.RefundPolicy
		}
	}
	return ""
}

// catalogOfferProblem names the first problem of an offer's validation as the Catalog does.
func catalogOfferProblem(err error) error {
	me, ok := err.(*mercato.Error)
	if !ok || len(me.Fields) == 0 {
		return err
	}
	f := me.Fields[0]
	names := map[string]string{"buyers": "PositiveTargeting.BuyerAccounts", "expires": "AvailabilityEndDate"}
	name := names[f.Name]
	if name == "" {
		name = problemField(f.Name)
	}
	code := "INVALID_INPUT"
	if strings.HasPrefix(name, "Terms") {
		code = "INCOMPATIBLE_TERMS"
	}
	return invalid(code, name, "%s %s", name, f.Message)
}

// onlyPublicOffer refuses a second released public offer of a product.
func (p *catalogPlan) onlyPublicOffer(o *mercato.Offer) error {
	public, err := p.tx.ListOffers(mercato.OfferFilter{ProductID: o.ProductID, Visibility: "public"})
	if err != nil {
		return err
	}
	for _, other := range public {
		if other.ID != o.ID && other.Released() {
			return invalid("DUPLICATE_PUBLIC_OFFER", "Entity.Identifier",
				"product %s already has a public offer (%s)", o.ProductID, other.ID)
		}
	}
	return nil
}

// mayOfferPrivately enforces the seed's prerequisite of private offers.
func (p *catalogPlan) mayOfferPrivately() error {
	ok, err := hasPaidPublicProduct(p.tx, p.seller)
	if err != nil || ok {
		return err
	}
	return invalid("PRIVATE_OFFER_PREREQUISITE", "Entity.Identifier",
		"a seller makes private offers only once it has a public product with a released, paid public offer; release one first")
}

// hasPaidPublicProduct reports whether the seller has a public product with a released public
// offer that is not free: what a seller needs before it makes private offers (seed 000).
func hasPaidPublicProduct(tx mercato.Tx, seller string) (bool, error) {
	offers, err := tx.ListOffers(mercato.OfferFilter{SellerID: seller, Visibility: "public"})
	if err != nil {
		return false, err
	}
	for _, o := range offers {
		if !o.Released() || !o.Terms.IsPaid() {
			continue
		}
		pr, err := tx.GetProduct(o.ProductID)
		if err != nil {
			return false, err
		}
		if pr.Visibility == "public" {
			return true, nil
		}
	}
	return false, nil
}
