package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"mercato"
	"mercato/service"
)

// loadRenewal adds to the seller's agreement page the plan of its coming renewal, when its
// renewal term has a range the seller picks the increase from: the page shows no other.
func (c *Console) loadRenewal(ctx context.Context, u *user, v *sellerAgreementView) error {
	r := v.A.Terms.Renewal()
	if r == nil {
		return nil
	}
	if _, _, _, ranged := r.IncreaseRange(); !ranged {
		return nil
	}
	p, err := c.svc.RenewalPlan(ctx, u.ID, v.A.ID)
	if err != nil {
		return err
	}
	v.Renewal = &p
	return nil
}

// adjustRenewalPrice sets the price increase of the agreement's coming renewal within its
// renewal term's range, before the adjustment deadline.
func (c *Console) adjustRenewalPrice(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := c.agreementAs(r, u, service.Proposer)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	raw := strings.TrimSpace(r.PostFormValue("increase"))
	refuse := func(status int, msg string) {
		c.renderSellerAgreement(w, r, u, status, func(v *sellerAgreementView) { v.RenewalError, v.RenewalInput = msg, raw })
	}
	pct, err := mercato.ParseAmount(raw)
	if err != nil {
		refuse(http.StatusBadRequest, "increase must be a percentage such as 3.5.")
		return
	}
	_, err = c.svc.AdjustRenewal(r.Context(), u.ID, service.AdjustRenewalInput{AgreementID: a.ID, Increase: pct,
		ClientToken: "console-" + randomHex(16)})
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 || status == http.StatusNotFound {
			c.fail(w, r, u, err)
			return
		}
		refuse(status, msg)
		return
	}
	http.Redirect(w, r, "/console/seller/agreements/"+url.PathEscape(a.ID)+"?notice=renewal-adjusted#renewal", http.StatusSeeOther)
}
