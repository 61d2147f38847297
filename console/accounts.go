package console

import (
	"net/http"
	"strconv"
	"strings"

	"mercato"
	"mercato/service"
)

// accountsView is the operator's accounts page: every account, and the form to create one.
type accountsView struct {
	Accounts []mercato.Account
	Roles    []mercato.Role
	Form     service.AccountInput
	Created  string // the ID of the account just created
}

// payoutView is a seller's payouts page.
type payoutView struct {
	Payout     mercato.Disbursement
	Rows       []mercato.BankAccount // the bank account rows of the form, the account's and empty ones
	Types      []string
	Currencies []mercato.Currency
}

// accountRoutes registers the operator's accounts page and a seller's payouts page.
func (c *Console) accountRoutes(m *http.ServeMux) {
	operator, seller := c.as(mercato.RoleOperator), c.as(mercato.RoleSeller)
	m.HandleFunc("GET /console/operator/accounts", operator(c.accountsPage))
	m.HandleFunc("POST /console/operator/accounts", operator(c.createAccount))
	m.HandleFunc("GET /console/seller/payouts", seller(c.payoutPage))
	m.HandleFunc("POST /console/seller/payouts", seller(c.setPayout))
}

func (c *Console) accountsPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showAccounts(w, r, u, http.StatusOK, accountsView{Created: r.URL.Query().Get("created")}, "")
}

func (c *Console) showAccounts(w http.ResponseWriter, r *http.Request, u *user, status int, v accountsView, problem string) {
	accounts, err := c.svc.Accounts(r.Context(), u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v.Accounts, v.Roles = accounts, mercato.Roles
	c.render(w, r, status, page{Name: "operator_accounts", Title: "Accounts", Nav: "operator-accounts", User: u,
		Error: problem, Data: v})
}

// createAccount creates an account from the form; its keys are then created by the account
// (or by the operator with mercato keys create).
func (c *Console) createAccount(w http.ResponseWriter, r *http.Request, u *user) {
	in := service.AccountInput{ID: strings.TrimSpace(r.PostFormValue("id")), Name: strings.TrimSpace(r.PostFormValue("name")),
		TaxJurisdiction: strings.TrimSpace(r.PostFormValue("tax"))}
	for _, role := range r.PostForm["role"] {
		in.Roles = append(in.Roles, mercato.Role(role))
	}
	if err := c.authorize(r, u, "mercato:CreateAccount", "*"); err != nil {
		c.showAccounts(w, r, u, http.StatusForbidden, accountsView{Form: in}, err.Error())
		return
	}
	if _, err := c.svc.CreateAccount(r.Context(), u.ID, in); err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.showAccounts(w, r, u, status, accountsView{Form: in}, msg)
		}
		return
	}
	http.Redirect(w, r, "/console/operator/accounts?notice=account-created&created="+in.ID, http.StatusSeeOther)
}

func (c *Console) payoutPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showPayout(w, r, u, http.StatusOK, u.DisbursementSchedule(), "")
}

func (c *Console) showPayout(w http.ResponseWriter, r *http.Request, u *user, status int, d mercato.Disbursement, problem string) {
	v := payoutView{Payout: d, Types: []string{mercato.BankACH, mercato.BankSWIFT, mercato.BankHyperwallet},
		Currencies: mercato.DisbursementCurrencies}
	v.Rows = append(append(v.Rows, d.BankAccounts...), make([]mercato.BankAccount, 2)...)
	c.render(w, r, status, page{Name: "seller_payouts", Title: "Payouts", Nav: "seller-payouts", User: u, Error: problem, Data: v})
}

// setPayout sets the seller's schedule and bank accounts from the form; rows without a type
// are left out.
func (c *Console) setPayout(w http.ResponseWriter, r *http.Request, u *user) {
	d := mercato.Disbursement{Cadence: r.PostFormValue("cadence")}
	if d.Cadence == "monthly" {
		d.Day, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("day"))) // 0 is refused by the rules
	}
	types, currencies := r.PostForm["bank_type"], r.PostForm["bank_currency"]
	for i, t := range types {
		if t != "" && i < len(currencies) {
			d.BankAccounts = append(d.BankAccounts, mercato.BankAccount{Type: t, Currency: mercato.Currency(currencies[i])})
		}
	}
	if err := c.authorize(r, u, "mercato:UpdatePayout", "*"); err != nil {
		c.showPayout(w, r, u, http.StatusForbidden, d, err.Error())
		return
	}
	if err := c.svc.SetPayout(r.Context(), u.ID, u.ID, d); err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.showPayout(w, r, u, status, d, msg)
		}
		return
	}
	http.Redirect(w, r, "/console/seller/payouts?notice=payout-saved", http.StatusSeeOther)
}
