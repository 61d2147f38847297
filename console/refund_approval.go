package console

import (
	"net/http"

	"mercato/service"
)

// approvalView is the review of a refund request's approval: what it refunds, from which
// invoices, to whom, and the confirmation that makes it.
type approvalView struct {
	service.RefundApproval
	Buyer   string
	Product string
	Action  string // where the confirmation posts
	Back    string // the list the request came from
	Confirm string // why the approval was not made yet
}

// approvalPage shows what approving the refund request of the path would refund, to whom,
// before it is made: the seller's, or with support, the marketplace support's on its behalf.
func (c *Console) approvalPage(support bool) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		c.showApproval(w, r, u, support, http.StatusOK, "")
	}
}

// showApproval renders the review, or the list with the reason no approval can be made.
func (c *Console) showApproval(w http.ResponseWriter, r *http.Request, u *user, support bool, status int, confirm string) {
	id := r.PathValue("rid")
	ap, err := c.svc.PreviewRefundApproval(r.Context(), u.ID, id)
	if err != nil {
		c.approvalRefused(w, r, u, support, err)
		return
	}
	n := c.names(r.Context())
	v := approvalView{RefundApproval: ap, Buyer: n.Account(ap.Case.BuyerID), Product: n.Product(ap.Case.ProductID),
		Action: "/console/seller/refunds/" + id + "/approve", Back: "/console/seller/refunds", Confirm: confirm}
	nav, list := "seller-refunds", "Refund requests"
	if support {
		v.Action, v.Back, nav, list = "/console/operator/refunds/"+id+"/approve", "/console/operator#h-refunds", "operator", "Operator"
	}
	c.render(w, r, status, page{Name: "refund_approve", Title: "Approve refund request " + id, Nav: nav, User: u,
		Crumbs: []crumb{{list, v.Back}}, Data: v})
}

// approvalRefused shows the list the approval came from with the service's reason.
func (c *Console) approvalRefused(w http.ResponseWriter, r *http.Request, u *user, support bool, err error) {
	if !support {
		c.refundFailed(w, r, u, service.Proposer, refundsView{}, err)
		return
	}
	c.supportDone(w, r, u, err)
}

// confirmed reports whether the approval form was posted with its confirmation ticked; if not,
// it shows the review again, asking for it.
func (c *Console) confirmed(w http.ResponseWriter, r *http.Request, u *user, support bool) bool {
	if r.PostFormValue("confirm") == "1" {
		return true
	}
	c.showApproval(w, r, u, support, http.StatusBadRequest,
		"Confirm that you checked the buyer, the invoices and the amount to refund.")
	return false
}
