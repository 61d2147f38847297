package console

import (
	"net/http"

	"mercato"
)

// billedInvoice is an invoice or credit memo billed to the account, with the account that
// subscribed: the payer's own, or one of its organisation's linked accounts.
type billedInvoice struct {
	mercato.Invoice
	Subscriber     string // the agreement's buyer
	SubscriberName string
	Own            bool // the agreement is the caller's, so its page opens
}

// buyerInvoices lists the invoices billed to the account: those of its own agreements and, for
// an organisation's payer, those of its linked accounts' agreements.
func (c *Console) buyerInvoices(w http.ResponseWriter, r *http.Request, u *user) {
	invoices, err := c.svc.Invoices(r.Context(), mercato.InvoiceFilter{BuyerID: u.ID})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	n := c.names(r.Context())
	acceptors := map[string]string{}
	out := make([]billedInvoice, 0, len(invoices))
	for _, inv := range invoices {
		who, ok := acceptors[inv.AgreementID]
		if !ok {
			a, err := c.svc.Agreement(r.Context(), inv.AgreementID)
			if err != nil {
				c.fail(w, r, u, err)
				return
			}
			who, acceptors[inv.AgreementID] = a.AcceptorID, a.AcceptorID
		}
		out = append(out, billedInvoice{Invoice: inv, Subscriber: who, SubscriberName: n.Account(who), Own: who == u.ID})
	}
	c.render(w, r, http.StatusOK, page{Name: "buyer_invoices", Title: "Invoices", Nav: "buyer-invoices", User: u, Data: out})
}
