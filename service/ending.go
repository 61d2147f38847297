package service

import (
	"context"
	"strconv"
	"time"

	"mercato"
)

// jobEndingNotice tells both parties that an agreement ends in so many days.
const jobEndingNotice mercato.JobKind = "ending-notice"

// endingNoticeDays are how many days before its end an agreement's parties hear that it ends
// (events.md: "Purchase Agreement Ending", 180, 120, 90, 60 and 30 days ahead).
var endingNoticeDays = []int{180, 120, 90, 60, 30}

// endingNotice is the payload of an ending notice: the end it announces, so that a notice of an
// end that moved (a cancellation, a replacement) is not sent.
type endingNotice struct {
	AgreementID string    `json:"agreementId"`
	EndTime     time.Time `json:"endTime"`
	Days        int       `json:"days"`
}

// scheduleEndingNotices schedules the notices still ahead of an agreement's end.
func scheduleEndingNotices(tx mercato.Tx, a *mercato.Agreement, now time.Time) error {
	for _, d := range endingNoticeDays {
		due := a.EndTime.AddDate(0, 0, -d)
		if !due.After(now) {
			continue
		}
		n := endingNotice{AgreementID: a.ID, EndTime: a.EndTime, Days: d}
		if err := putJob(tx, jobEndingNotice, "ending:"+a.ID+":"+strconv.Itoa(d), due, n); err != nil {
			return err
		}
	}
	return nil
}

// sendEndingNotice sends an ending notice, if the agreement is still active and ends when it
// said: "Purchase Agreement Ending" to both parties and, 30 days ahead of a renewal, "Purchase
// Agreement Renewal Upcoming" to the seller.
func (s *Service) sendEndingNotice(ctx context.Context, j mercato.Job) error {
	n, err := jobPayload[endingNotice](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAgreement(n.AgreementID)
		if err != nil || a.Status != mercato.AgreementActive || !a.EndTime.Equal(n.EndTime) {
			return err
		}
		detail := map[string]any{"agreementId": a.ID, "offerId": a.OfferID, "status": a.Status,
			"endTime": a.EndTime.UTC().Format(time.RFC3339), "daysBeforeEndTime": n.Days}
		for _, party := range []struct{ account, suffix string }{{a.ProposerID, " - Proposer"}, {a.AcceptorID, " - Acceptor"}} {
			if err := emit(tx, j.DueAt, party.account, "Purchase Agreement Ending"+party.suffix, a.ID, detail); err != nil {
				return err
			}
		}
		if r, err := renewalOf(tx, &a); err != nil || r == nil || n.Days != 30 {
			return err
		}
		return emit(tx, j.DueAt, a.ProposerID, "Purchase Agreement Renewal Upcoming - Proposer", a.ID, detail)
	})
}
