package console

import (
	"net/http"
	"net/url"
	"strings"

	"mercato"
	"mercato/service"
)

// pageSize is how many rows a list page shows.
const pageSize = 20

// maxPages bounds how many service pages a detail view reads of one list (1,000 rows at most).
const maxPages = 20

// collect reads every page of a paged service list, up to maxPages.
func collect[T any](fetch func(cursor string) ([]T, string, error)) ([]T, error) {
	var out []T
	cursor := ""
	for range maxPages {
		items, next, err := fetch(cursor)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			break
		}
		cursor = next
	}
	return out, nil
}

// agreementQuery is the filter form of an agreements list.
type agreementQuery struct {
	AgreementID string
	BuyerID     string // seller lists only
	OfferID     string
	ProductID   string
	Status      string
	Cursor      string
}

func readAgreementQuery(r *http.Request) agreementQuery {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return agreementQuery{AgreementID: get("agreement"), BuyerID: get("buyer"), OfferID: get("offer"),
		ProductID: get("product"), Status: get("status"), Cursor: q.Get("cursor")}
}

// Filtered reports whether any filter is set.
func (q agreementQuery) Filtered() bool {
	return q.AgreementID != "" || q.BuyerID != "" || q.OfferID != "" || q.ProductID != "" || q.Status != ""
}

// filters returns the SearchAgreements filters of the query.
func (q agreementQuery) filters() map[string]string {
	f := map[string]string{}
	for name, v := range map[string]string{"AcceptorAccountId": q.BuyerID, "OfferId": q.OfferID,
		"ResourceIdentifier": q.ProductID, "Status": q.Status} {
		if v != "" {
			f[name] = v
		}
	}
	return f
}

// url returns the list's URL with the query's filters and a cursor.
func (q agreementQuery) url(base, cursor string) string {
	v := url.Values{}
	for k, s := range map[string]string{"agreement": q.AgreementID, "buyer": q.BuyerID, "offer": q.OfferID,
		"product": q.ProductID, "status": q.Status, "cursor": cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// agreementRow is one line of an agreements list.
type agreementRow struct {
	mercato.Agreement
	Product        string
	Counterparty   string // the buyer's name on a seller's list, the seller's on a buyer's
	CounterpartyID string
}

// agreementList is the data of an agreements list page.
type agreementList struct {
	Query    agreementQuery
	Rows     []agreementRow
	Next     string // the next page's URL, if any
	First    string // the first page's URL, on a later page
	Statuses []mercato.AgreementStatus
	Base     string
	Other    string // what the counterparty is: "Buyer" or "Seller"
}

// agreementStatuses are the statuses a list can be filtered by.
var agreementStatuses = []mercato.AgreementStatus{mercato.AgreementActive, mercato.AgreementCancelled,
	mercato.AgreementExpired, mercato.AgreementReplaced, mercato.AgreementRenewed, mercato.AgreementTerminated,
	mercato.AgreementSuperseded, mercato.AgreementRolledBack, mercato.AgreementArchived}

// listAgreements returns a page of the account's agreements on one side. An agreement ID finds
// that agreement alone (the other filters then do not apply).
func (c *Console) listAgreements(r *http.Request, u *user, party service.Party, base string) (agreementList, error) {
	q := readAgreementQuery(r)
	l := agreementList{Query: q, Statuses: agreementStatuses, Base: base, Other: "Buyer"}
	if party == service.Acceptor {
		l.Other = "Seller"
	}
	var found []mercato.Agreement
	if q.AgreementID != "" {
		a, err := c.svc.DescribeAgreement(r.Context(), u.ID, q.AgreementID)
		if err != nil && mercato.ErrorCodeOf(err) != mercato.ENotFound {
			return l, err
		}
		if err == nil && partyOf(&a, u.ID) == party {
			found = []mercato.Agreement{a}
		}
	} else {
		in := service.SearchInput{Party: party, Filters: q.filters(), Page: service.Page{Cursor: q.Cursor, Limit: pageSize}}
		if party == service.Proposer {
			in.SortBy = "StartTime" // newest first; acceptors may only sort by end time
		}
		var next string
		var err error
		if found, next, err = c.svc.SearchAgreements(r.Context(), u.ID, in); err != nil {
			return l, err
		}
		if next != "" {
			l.Next = q.url(base, next)
		}
		if q.Cursor != "" {
			l.First = q.url(base, "")
		}
	}
	l.Rows = c.agreementRows(r, found, party)
	return l, nil
}

func (c *Console) agreementRows(r *http.Request, list []mercato.Agreement, party service.Party) []agreementRow {
	n := c.names(r.Context())
	rows := make([]agreementRow, len(list))
	for i, a := range list {
		other := a.AcceptorID
		if party == service.Acceptor {
			other = a.ProposerID
		}
		rows[i] = agreementRow{Agreement: a, Product: n.Product(a.ProductID), Counterparty: n.Account(other), CounterpartyID: other}
	}
	return rows
}

// partyOf returns the account's side of an agreement, "" if it is neither.
func partyOf(a *mercato.Agreement, account string) service.Party {
	switch account {
	case a.ProposerID:
		return service.Proposer
	case a.AcceptorID:
		return service.Acceptor
	}
	return ""
}

// agreementAs returns the agreement if the account is the party to it; ENotFound otherwise, so
// that a page of the other side looks like no page at all.
func (c *Console) agreementAs(r *http.Request, u *user, party service.Party) (mercato.Agreement, error) {
	id := r.PathValue("id")
	a, err := c.svc.DescribeAgreement(r.Context(), u.ID, id)
	if err == nil && partyOf(&a, u.ID) != party {
		err = mercato.NotFound("Agreement", id)
	}
	return a, err
}

// invoiceView is an invoice with the credit memos issued against it. What the memos credited is
// the invoice's own Credited total.
type invoiceView struct {
	mercato.Invoice
	Remaining mercato.Amount // pre-tax amount that may still be refunded
	Memos     []mercato.Invoice
}

// groupInvoices puts each credit memo under the invoice it credits, keeping issue order.
func groupInvoices(all []mercato.Invoice) []invoiceView {
	var views []invoiceView
	at := map[string]int{}
	for _, inv := range all {
		if inv.Type == mercato.InvoiceTypeInvoice {
			at[inv.ID] = len(views)
			views = append(views, invoiceView{Invoice: inv, Remaining: inv.MaxAdjustment()})
		}
	}
	for _, m := range all {
		if i, ok := at[m.OriginalInvoiceID]; ok && m.Type == mercato.InvoiceTypeCreditMemo {
			views[i].Memos = append(views[i].Memos, m)
		}
	}
	return views
}
