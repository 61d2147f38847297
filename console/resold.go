package console

import (
	"net/http"

	"mercato"
	"mercato/service"
)

// The maker's view of its products' resales by channel partners: a read-only list, and a page
// per agreement with the partner, the buyer, the product, status and dates, and the maker's own
// share and payout lines; never the buyer's price, which is the partner's business.

// resoldBase is the path of the maker's list of resales.
const resoldBase = "/console/seller/resold"

// resoldList lists the agreements of the maker's products that partners resold, newest first.
func (c *Console) resoldList(w http.ResponseWriter, r *http.Request, u *user) {
	q := readAgreementQuery(r)
	q.AgreementID = "" // the list searches; an agreement opens from its row
	l := agreementList{Query: q, Statuses: agreementStatuses, Base: resoldBase, Other: "Partner"}
	in := service.SearchInput{Party: service.Manufacturer, Filters: q.filters(), SortBy: "StartTime",
		Page: service.Page{Cursor: q.Cursor, Limit: pageSize}}
	found, next, err := c.svc.SearchAgreements(r.Context(), u.ID, in)
	p := page{Name: "seller_resold", Title: "Resold by partners", Nav: "seller-agreements", User: u}
	status := http.StatusOK
	if err != nil {
		if status, p.Error = problemOf(err); status >= 500 {
			c.fail(w, r, u, err)
			return
		}
	}
	if next != "" {
		l.Next = q.url(resoldBase, next)
	}
	if q.Cursor != "" {
		l.First = q.url(resoldBase, "")
	}
	p.Data = resoldListView{agreementList: l, Rows: c.resoldRows(r, found)}
	c.render(w, r, status, p)
}

// resoldListView is the data of the maker's list: an agreements list whose rows name the buyer
// beside the partner.
type resoldListView struct {
	agreementList
	Rows []resoldRow
}

// resoldRows are the rows of resales: the counterparty is the partner, and the buyer too.
func (c *Console) resoldRows(r *http.Request, list []mercato.Agreement) []resoldRow {
	n := c.names(r.Context())
	rows := make([]resoldRow, len(list))
	for i, a := range list {
		rows[i] = resoldRow{agreementRow: agreementRow{Agreement: a, Product: n.Product(a.ProductID),
			Counterparty: n.Account(a.ProposerID), CounterpartyID: a.ProposerID}, Buyer: n.Account(a.AcceptorID)}
	}
	return rows
}

// resoldRow is a resale in the maker's list.
type resoldRow struct {
	agreementRow
	Buyer string
}

// resoldView is the data of the maker's page of one resale.
type resoldView struct {
	service.ResoldAgreement
	Product, Partner, Buyer string
	Paid, Pending           mercato.Amount // the maker's payout lines, disbursed and not yet
}

// resoldAgreement shows one resale of the maker's product. ENotFound (404) for any other.
func (c *Console) resoldAgreement(w http.ResponseWriter, r *http.Request, u *user) {
	ra, err := c.svc.ResoldAgreement(r.Context(), u.ID, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	n := c.names(r.Context())
	a := &ra.Agreement
	v := resoldView{ResoldAgreement: ra, Product: n.Product(a.ProductID), Partner: n.Account(a.ProposerID), Buyer: n.Account(a.AcceptorID)}
	for _, l := range ra.Lines {
		if l.PayoutID != "" {
			v.Paid += l.Amount
		} else {
			v.Pending += l.Amount
		}
	}
	c.render(w, r, http.StatusOK, page{Name: "seller_resold_agreement", Title: "Resold agreement " + a.ID, Nav: "seller-agreements",
		User: u, Crumbs: []crumb{{"Agreements", "/console/seller/agreements"}, {"Resold by partners", resoldBase}}, Data: v})
}
