package console

import (
	"net/http"
)

// supportApproveRefund is the marketplace's support authorizing, on the seller's behalf, a
// refund request that awaits the seller, once the review (approvalPage) is confirmed.
func (c *Console) supportApproveRefund(w http.ResponseWriter, r *http.Request, u *user) {
	if !c.confirmed(w, r, u, true) {
		return
	}
	_, err := c.svc.OperatorApproveRefundRequest(r.Context(), u.ID, r.PathValue("rid"))
	c.supportDone(w, r, u, err)
}

// supportRejectRefund is the marketplace's support closing a waiting refund request, with a
// reason both parties see.
func (c *Console) supportRejectRefund(w http.ResponseWriter, r *http.Request, u *user) {
	reason, problem := answer(r, "reason", "buyer and the seller")
	if problem != "" {
		c.showOperator(w, r, u, http.StatusBadRequest, "", problem)
		return
	}
	_, err := c.svc.OperatorRejectRefundRequest(r.Context(), u.ID, r.PathValue("rid"), reason)
	c.supportDone(w, r, u, err)
}

// supportAnswerRefund is the marketplace's support supplying what a refund request that needs
// action lacks, which submits it again.
func (c *Console) supportAnswerRefund(w http.ResponseWriter, r *http.Request, u *user) {
	in, problem := readAnswer(r)
	if problem != "" {
		c.showOperator(w, r, u, http.StatusBadRequest, "", problem)
		return
	}
	_, err := c.svc.OperatorAnswerRefundRequest(r.Context(), u.ID, r.PathValue("rid"), in)
	c.supportDone(w, r, u, err)
}

// supportDone goes back to the operator page: with a notice when the decision was made, or
// with the service's reason when it was refused.
func (c *Console) supportDone(w http.ResponseWriter, r *http.Request, u *user, err error) {
	if err == nil {
		http.Redirect(w, r, "/console/operator?notice=refund-support#h-refunds", http.StatusSeeOther)
		return
	}
	if status, msg, ok := c.formProblem(w, r, u, err); ok {
		c.showOperator(w, r, u, status, "", msg)
	}
}
