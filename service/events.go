package service

import (
	"strconv"
	"time"

	"github.com/google/uuid"

	"mercato"
)

// jobAgreementEnding tells an agreement's parties that it ends in so many days.
const jobAgreementEnding mercato.JobKind = "agreement-ending"

// emit puts a notice's events in the outbox, in the transaction of the change it tells.
func emit(tx mercato.Tx, n mercato.Notice) error {
	es, err := events(n)
	if err != nil || len(es) == 0 {
		return err
	}
	return tx.InsertEvents(es...)
}

// events renders a notice for the outbox, for callers that write many at once: a new id for
// each copy, one requestId for all of them.
func events(n mercato.Notice) ([]mercato.Event, error) {
	return n.Events(uuid.NewString(), uuid.NewString)
}

// agreementParties returns who is told of agreement a's events: its seller of record, its
// buyer, and the maker of its product (p, or read when nil) if that is another account.
func agreementParties(tx mercato.Tx, a *mercato.Agreement, p *mercato.Product) (mercato.Parties, error) {
	if p == nil {
		got, err := tx.GetProduct(a.ProductID)
		if err != nil {
			return mercato.Parties{}, err
		}
		p = &got
	}
	return mercato.AgreementParties(a, p.SellerID), nil
}

// agreementStarted tells the parties of a new agreement, at its acceptance: it was created with
// intent, and its buyer's license was granted (and, for SaaS, what the legacy SNS topics said).
// It schedules the Ending notices still ahead.
func agreementStarted(tx mercato.Tx, a *mercato.Agreement, p *mercato.Product, intent string) error {
	parties, err := agreementParties(tx, a, p)
	if err != nil {
		return err
	}
	if err := emit(tx, mercato.AgreementCreated(a, parties, intent)); err != nil {
		return err
	}
	if err := emit(tx, mercato.License(mercato.EventLicenseUpdated, a, parties, p.ProductCode, LicenseArn(a), a.AcceptanceTime)); err != nil {
		return err
	}
	if err := legacyStarted(tx, a, p, parties, intent); err != nil {
		return err
	}
	if err := scheduleEnding(tx, a, a.AcceptanceTime); err != nil {
		return err
	}
	return scheduleRenewalFinalized(tx, a, a.AcceptanceTime)
}

// agreementEnded tells the parties that agreement a ended at time now, as its status says, and
// that its license is deprovisioned (and, for SaaS, what the legacy SNS topics said).
func agreementEnded(tx mercato.Tx, a *mercato.Agreement, now time.Time) error {
	p, err := tx.GetProduct(a.ProductID)
	if err != nil {
		return err
	}
	parties := mercato.AgreementParties(a, p.SellerID)
	if err := emit(tx, mercato.AgreementEnded(a, parties, now)); err != nil {
		return err
	}
	if err := emit(tx, mercato.License(mercato.EventLicenseDeprovisioned, a, parties, p.ProductCode, LicenseArn(a), now)); err != nil {
		return err
	}
	return legacyEnded(tx, a, &p, parties, now)
}

// endingJob is the payload of an Ending notice's job.
type endingJob struct {
	AgreementID string `json:"agreementId"`
	Days        int    `json:"days"`
}

// scheduleEnding schedules the Ending notices of an agreement with an end that fall after now:
// 180, 120, 90, 60 and 30 days before the end.
func scheduleEnding(tx mercato.Tx, a *mercato.Agreement, now time.Time) error {
	if a.EndTime.IsZero() {
		return nil
	}
	for _, days := range mercato.EndingDays {
		due := endingTime(a.EndTime, days)
		if !due.After(now) {
			continue
		}
		if err := putJob(tx, jobAgreementEnding, endingKey(a.ID, days), due, endingJob{a.ID, days}); err != nil {
			return err
		}
	}
	return nil
}

func endingKey(id string, days int) string { return "ending:" + id + ":" + strconv.Itoa(days) }

// endingTime is when the notice that an agreement ends in days days is due.
func endingTime(end time.Time, days int) time.Time { return end.AddDate(0, 0, -days) }

// agreementEnding sends the Ending notices due, each in the transaction that marks its job done,
// so that each is sent once. An agreement no longer active, or whose end moved, gets none.
func (s *Service) agreementEnding(tx mercato.Tx, jobs []mercato.Job, at []time.Time) error {
	for i, j := range jobs {
		p, err := jobPayload[endingJob](j)
		if err != nil {
			return err
		}
		a, err := tx.GetAgreement(p.AgreementID)
		if err != nil {
			return err
		}
		if a.Status != mercato.AgreementActive || !endingTime(a.EndTime, p.Days).Equal(j.DueAt) || !at[i].Before(a.EndTime) {
			continue
		}
		if err := endingNotice(tx, &a, p.Days, at[i]); err != nil {
			return err
		}
	}
	return nil
}

// agreementSubject is what an agreement's lifecycle events name besides the agreement: its
// parties (with the product's maker), its product, and its seller of record's name.
type agreementSubject struct {
	parties    mercato.Parties
	product    mercato.ProductRef
	sellerName string
}

// subjectOf reads agreement a's subject.
func subjectOf(tx mercato.Tx, a *mercato.Agreement) (agreementSubject, error) {
	p, err := tx.GetProduct(a.ProductID)
	if err != nil {
		return agreementSubject{}, err
	}
	seller, err := tx.GetAccount(a.ProposerID)
	if err != nil {
		return agreementSubject{}, err
	}
	return agreementSubject{mercato.AgreementParties(a, p.SellerID), mercato.ProductRef{ID: p.ID, Title: p.Title}, seller.Name}, nil
}

// endingNotice tells agreement a's parties at time at that it ends in days days.
func endingNotice(tx mercato.Tx, a *mercato.Agreement, days int, at time.Time) error {
	sub, err := subjectOf(tx, a)
	if err != nil {
		return err
	}
	if err := emit(tx, mercato.AgreementEnding(a, sub.parties, days, sub.product, sub.sellerName, at)); err != nil {
		return err
	}
	if days != 30 {
		return nil
	}
	return renewalUpcoming(tx, a, sub.parties, sub.product, sub.sellerName, at)
}

// renewalUpcoming tells the seller, 30 days before agreement a ends, that it will renew, with
// the renewal's contract value at the increase that applies: nothing when it will not renew.
func renewalUpcoming(tx mercato.Tx, a *mercato.Agreement, parties mercato.Parties, product mercato.ProductRef,
	proposerName string, at time.Time) error {
	r, err := renewalOf(tx, a)
	if err != nil || r == nil {
		return err
	}
	summary, err := renewalSummary(a, r, at)
	if err != nil {
		return err
	}
	return emit(tx, mercato.AgreementRenewal(mercato.EventAgreementRenewalUpcoming, a, parties, summary, product, proposerName, at))
}
