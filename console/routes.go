package console

import (
	"net/http"

	"mercato"
	"mercato/service"
)

// pageHandler serves a request of a signed-in account.
type pageHandler func(w http.ResponseWriter, r *http.Request, u *user)

// routes registers every page of the console.
func (c *Console) routes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /console/{$}", c.signedIn(c.home))
	m.HandleFunc("GET /console/signin", c.signInPage)
	m.HandleFunc("POST /console/signin", c.signIn)
	m.HandleFunc("POST /console/signout", c.signedIn(c.signOut))
	m.Handle("GET /console/static/{file}", c.static)
	c.sellerRoutes(m, c.as(mercato.RoleSeller))
	c.buyerRoutes(m, c.as(mercato.RoleBuyer))
	c.operatorRoutes(m, c.as(mercato.RoleOperator))
	c.eventRoutes(m) // every account's event destinations (events.go)
	c.privateMarketplaceRoutes(m)
	c.keysRoutes(m)
	c.accountRoutes(m)
	m.HandleFunc("/console/", c.signedIn(func(w http.ResponseWriter, r *http.Request, u *user) { c.notFound(w, r, u) }))
	return m
}

// as returns a wrapper that serves a page to signed-in accounts with the role, and answers 404
// to any other account, as if the page did not exist.
func (c *Console) as(role mercato.Role) func(pageHandler) http.HandlerFunc {
	return func(h pageHandler) http.HandlerFunc {
		return c.signedIn(func(w http.ResponseWriter, r *http.Request, u *user) {
			if !u.Is(role) {
				c.notFound(w, r, u)
				return
			}
			h(w, r, u)
		})
	}
}

func (c *Console) sellerRoutes(m *http.ServeMux, seller func(pageHandler) http.HandlerFunc) {
	const a = "/console/seller/agreements/{id}"
	m.HandleFunc("GET /console/seller/agreements", seller(c.agreementList(service.Proposer, "seller_agreements", "Agreements", "/console/seller/agreements")))
	m.HandleFunc("GET "+a, seller(c.sellerAgreement))
	m.HandleFunc("GET "+resoldBase, seller(c.resoldList))
	m.HandleFunc("GET "+resoldBase+"/{id}", seller(c.resoldAgreement))
	m.HandleFunc("GET "+a+"/adjust", seller(c.adjustReason))
	m.HandleFunc("POST "+a+"/adjust", seller(c.adjustReason))
	m.HandleFunc("POST "+a+"/adjust/invoice", seller(c.adjustInvoice))
	m.HandleFunc("POST "+a+"/adjust/amount", seller(c.adjustAmount))
	m.HandleFunc("POST "+a+"/adjust/preview", seller(c.adjustPreview))
	m.HandleFunc("POST "+a+"/adjust/submit", seller(c.adjustSubmit))
	m.HandleFunc("GET "+a+"/adjustments/{ba}", seller(c.adjustmentPage))
	m.HandleFunc("POST "+a+"/cancellation", seller(c.sendCancellation))
	m.HandleFunc("POST "+a+"/cancellation/{rid}/withdraw", seller(c.withdrawCancellation))
	m.HandleFunc("POST "+a+"/pending-charges/cancel", seller(c.stopReplacedPayments))
	m.HandleFunc("POST "+a+"/renewal", seller(c.adjustRenewalPrice))
	m.HandleFunc("GET /console/seller/adjustments", seller(c.adjustmentsPage))
	m.HandleFunc("GET /console/seller/refunds", seller(c.sellerRefunds))
	m.HandleFunc("POST /console/seller/refunds", seller(c.fileSellerRefund))
	m.HandleFunc("GET /console/seller/offers", seller(c.sellerOffers))
	m.HandleFunc("POST /console/seller/offers", seller(c.createOffer))
	m.HandleFunc("POST /console/seller/products/{id}/fulfillment", seller(c.setFulfillmentURL))
	c.catalogRoutes(m, seller)
	c.resaleRoutes(m, seller)
	m.HandleFunc("GET /console/seller/metering", seller(c.meteringPage))
	m.HandleFunc("POST /console/seller/metering", seller(c.confirmMeteringError))
	m.HandleFunc("GET /console/seller/reports", seller(c.reportsPage))
	c.downloadRoutes(m, seller)
	m.HandleFunc("GET /console/seller/refunds/{rid}/approve", seller(c.approvalPage(false)))
	m.HandleFunc("POST /console/seller/refunds/{rid}/approve", seller(c.approveRefund))
	m.HandleFunc("POST /console/seller/refunds/{rid}/reject", seller(c.rejectRefund))
}

func (c *Console) buyerRoutes(m *http.ServeMux, buyer func(pageHandler) http.HandlerFunc) {
	const a = "/console/buyer/agreements/{id}"
	m.HandleFunc("GET /console/buyer/agreements", buyer(c.agreementList(service.Acceptor, "buyer_agreements", "My agreements", "/console/buyer/agreements")))
	m.HandleFunc("GET "+a, buyer(c.buyerAgreement))
	m.HandleFunc("POST "+a+"/cancellations/{rid}/accept", buyer(c.approveCancellation))
	m.HandleFunc("POST "+a+"/cancellations/{rid}/reject", buyer(c.rejectCancellation))
	m.HandleFunc("POST "+a+"/payments/{pid}/accept", buyer(c.approvePayment))
	m.HandleFunc("POST "+a+"/payments/{pid}/reject", buyer(c.rejectPayment))
	m.HandleFunc("POST "+a+"/refund", buyer(c.fileRefund))
	m.HandleFunc("GET "+a+"/setup", buyer(c.fulfillmentPage))
	m.HandleFunc("POST "+a+"/renewal", buyer(c.setAutoRenew))
	m.HandleFunc("GET /console/buyer/refunds", buyer(c.buyerRefunds))
	m.HandleFunc("POST /console/buyer/refunds/{rid}/answer", buyer(c.answerRefund))
	m.HandleFunc("GET /console/buyer/requests", buyer(c.buyerRequests))
	m.HandleFunc("GET /console/buyer/invoices", buyer(c.buyerInvoices))
	m.HandleFunc("GET /console/buyer/offers", buyer(c.buyerOffers))
	m.HandleFunc("GET /console/buyer/offers/{id}", buyer(c.buyerOffer))
	m.HandleFunc("POST /console/buyer/offers/{id}/accept", buyer(c.acceptOffer))
}

func (c *Console) operatorRoutes(m *http.ServeMux, operator func(pageHandler) http.HandlerFunc) {
	m.HandleFunc("GET /console/operator", operator(c.operatorPage))
	m.HandleFunc("POST /console/operator/clock", operator(c.advanceClock))
	m.HandleFunc("GET /console/operator/refunds/{rid}/approve", operator(c.approvalPage(true)))
	m.HandleFunc("POST /console/operator/refunds/{rid}/approve", operator(c.supportApproveRefund))
	m.HandleFunc("POST /console/operator/refunds/{rid}/reject", operator(c.supportRejectRefund))
	m.HandleFunc("POST /console/operator/refunds/{rid}/answer", operator(c.supportAnswerRefund))
	m.HandleFunc("POST /console/operator/jobs/{id}/retry", operator(c.retryJob))
}

// home sends the account to the first section its roles open.
func (c *Console) home(w http.ResponseWriter, r *http.Request, u *user) {
	switch {
	case u.Is(mercato.RoleSeller):
		http.Redirect(w, r, "/console/seller/agreements", http.StatusSeeOther)
	case u.Is(mercato.RoleBuyer):
		http.Redirect(w, r, "/console/buyer/agreements", http.StatusSeeOther)
	case u.Is(mercato.RoleOperator):
		http.Redirect(w, r, "/console/operator", http.StatusSeeOther)
	case u.Is(mercato.RolePrivateMarketplaceAdmin):
		http.Redirect(w, r, "/console/pmp", http.StatusSeeOther)
	default:
		c.renderError(w, r, u, http.StatusForbidden, "No console access",
			"This account has no seller, buyer or operator role, so the console has nothing to show it.")
	}
}
