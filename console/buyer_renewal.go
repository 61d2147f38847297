package console

import (
	"net/http"
	"net/url"

	"mercato"
	"mercato/service"
)

// setAutoRenew turns the buyer's auto-renewal of an agreement on or off: an amendment of its
// renewal term (intent AMEND), made and accepted at once, as the Agreement API would.
func (c *Console) setAutoRenew(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := c.agreementAs(r, u, service.Acceptor)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	termID := ""
	for _, t := range a.Terms {
		if t.Renewal != nil {
			termID = t.Renewal.ID
		}
	}
	if termID == "" {
		c.showBuyerAgreement(w, r, u, http.StatusBadRequest, "This agreement has no renewal term: it ends at its end date.")
		return
	}
	on := r.PostFormValue("autoRenew") == "on"
	q, err := c.svc.CreateAgreementRequest(r.Context(), u.ID, service.CreateAgreementRequestInput{Intent: "AMEND",
		SourceAgreementID: a.ID, Terms: []service.RequestedTerm{{ID: termID, Renewal: &mercato.RenewalConfiguration{EnableAutoRenew: on}}},
		ClientToken: "console-" + randomHex(16)})
	if err == nil {
		_, err = c.svc.AcceptAgreementRequest(r.Context(), u.ID, q.Request.ID, nil)
	}
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 || status == http.StatusNotFound {
			c.fail(w, r, u, err)
			return
		}
		c.showBuyerAgreement(w, r, u, status, msg)
		return
	}
	http.Redirect(w, r, "/console/buyer/agreements/"+url.PathEscape(a.ID)+"?notice=renewal-updated#renewal", http.StatusSeeOther)
}
