package console

import (
	"net/http"
	"slices"

	"mercato"
	"mercato/service"
)

// maxInvoiceChoices bounds the invoices the seller's refund form offers; older ones are typed.
const maxInvoiceChoices = 200

// sellerFilingChoices fills the choices of the seller's "File a refund request for a buyer"
// form: the refund types, the seller's invoices (newest first) and the products it has
// agreements for.
func (c *Console) sellerFilingChoices(r *http.Request, u *user, v *refundsView) error {
	invs, err := c.svc.Invoices(r.Context(), mercato.InvoiceFilter{SellerID: u.ID, Type: mercato.InvoiceTypeInvoice})
	if err != nil {
		return err
	}
	slices.Reverse(invs)
	v.Invoices = invs[:min(len(invs), maxInvoiceChoices)]
	as, err := c.svc.Agreements(r.Context(), mercato.AgreementFilter{ProposerID: u.ID})
	if err != nil {
		return err
	}
	for _, a := range as {
		if !slices.Contains(v.Products, a.ProductID) {
			v.Products = append(v.Products, a.ProductID)
		}
	}
	slices.Sort(v.Products)
	v.Kinds = service.RefundKinds
	return nil
}

// fileSellerRefund files a refund request for a buyer as the seller, as the seeds' refund
// request form does: the seller's request authorizes the refund, so it completes at once
// unless something is missing or its billing period is not invoiced yet.
func (c *Console) fileSellerRefund(w http.ResponseWriter, r *http.Request, u *user) {
	f := readRefundForm(r)
	in, p := f.request()
	in.BuyerID, in.SellerID, in.ProductID = f.Buyer, u.ID, f.Product
	if len(p) > 0 {
		f.Error, f.Fields = "The request is not complete: see the fields below.", p
		c.showRefunds(w, r, u, service.Proposer, http.StatusBadRequest, refundsView{File: f}, "")
		return
	}
	if _, err := c.svc.FileRefundRequest(r.Context(), u.ID, in); err != nil {
		status, msg := problemOf(err)
		if status >= 500 {
			c.fail(w, r, u, err)
			return
		}
		// Not found here is a buyer or product the seller typed: the form says so.
		f.Error, f.Fields = msg, fieldProblems(err)
		c.showRefunds(w, r, u, service.Proposer, status, refundsView{File: f}, "")
		return
	}
	http.Redirect(w, r, "/console/seller/refunds?notice=refund-filed-seller", http.StatusSeeOther)
}
