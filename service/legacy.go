package service

import (
	"time"

	"mercato"
)

// jobLegacyUnsubscribed tells a SaaS product's maker, an hour after its buyer's subscription
// ended, that it is over (the legacy SNS unsubscribe-success).
const jobLegacyUnsubscribed mercato.JobKind = "legacy-unsubscribed"

// legacyMeteringWindow is how long after a subscription ends its seller may still meter the
// hours before the end: unsubscribe-success follows unsubscribe-pending by as much.
const legacyMeteringWindow = time.Hour

// legacy says whether product p still has the legacy SNS topics: a SaaS product that names its
// buyers by customer identifier, as products integrated before EventBridge do.
func legacy(p *mercato.Product) bool { return p.Type == mercato.ProductSaaS && p.CustomerIdentifier }

// legacyStarted tells the maker of a SaaS product what its legacy SNS topics said of an
// acceptance: subscribe-success for a new subscription, and entitlement-updated where the
// buyer bought a contract or replaced its terms (a replacement changes a subscription rather
// than starting one).
func legacyStarted(tx mercato.Tx, a *mercato.Agreement, p *mercato.Product, parties mercato.Parties, intent string) error {
	if !legacy(p) {
		return nil
	}
	customer, err := legacyCustomer(tx, p, a)
	if err != nil {
		return err
	}
	if intent != mercato.IntentReplace {
		if err := emit(tx, mercato.LegacySubscription(mercato.SNSSubscribeSuccess, a, parties, p.ProductCode, customer, a.AcceptanceTime)); err != nil {
			return err
		}
	}
	if a.Terms.IsContract() || intent == mercato.IntentReplace {
		return emit(tx, mercato.LegacyEntitlement(a, parties, p.ProductCode, customer, a.AcceptanceTime))
	}
	return nil
}

// legacyEnded tells the maker of a SaaS product that its buyer's subscription under agreement
// a ended at time now (unsubscribe-pending: the last hour may still be metered), and schedules
// unsubscribe-success for an hour later. A replaced agreement's subscription goes on.
func legacyEnded(tx mercato.Tx, a *mercato.Agreement, p *mercato.Product, parties mercato.Parties, now time.Time) error {
	if !legacy(p) || a.Status == mercato.AgreementReplaced {
		return nil
	}
	customer, err := legacyCustomer(tx, p, a)
	if err != nil {
		return err
	}
	if err := emit(tx, mercato.LegacySubscription(mercato.SNSUnsubscribePending, a, parties, p.ProductCode, customer, now)); err != nil {
		return err
	}
	return putJob(tx, jobLegacyUnsubscribed, "legacy-unsubscribed:"+a.ID, now.Add(legacyMeteringWindow), requestJob{a.ID})
}

// legacyUnsubscribed sends the unsubscribe-success notifications due, each in the
// transaction that marks its job done, so that each is sent once.
func (s *Service) legacyUnsubscribed(tx mercato.Tx, jobs []mercato.Job, at []time.Time) error {
	for i, j := range jobs {
		job, err := jobPayload[requestJob](j)
		if err != nil {
			return err
		}
		a, err := tx.GetAgreement(job.ID)
		if err != nil {
			return err
		}
		p, err := tx.GetProduct(a.ProductID)
		if err != nil {
			return err
		}
		customer, err := legacyCustomer(tx, &p, &a)
		if err != nil {
			return err
		}
		n := mercato.LegacySubscription(mercato.SNSUnsubscribeSuccess, &a, mercato.AgreementParties(&a, p.SellerID),
			p.ProductCode, customer, at[i])
		if err := emit(tx, n); err != nil {
			return err
		}
	}
	return nil
}

// legacyCustomer returns the customer identifier of agreement a's buyer for product p, the
// one ResolveCustomer gives.
func legacyCustomer(tx mercato.Tx, p *mercato.Product, a *mercato.Agreement) (string, error) {
	key, err := tokenKey(tx)
	if err != nil {
		return "", err
	}
	return customerIdentifier(key, p.ID, a.AcceptorID), nil
}
