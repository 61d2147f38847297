package console

import (
	"net/http"
	"strings"

	"mercato"
	"mercato/service"
)

// meteringForm is the "Metering errors" form, as last posted, with the cases it created.
type meteringForm struct {
	ProductID string
	Dimension string
	Period    string
	Comments  string
	Fields    []mercato.FieldError
	Done      bool
	Cases     []refundCaseView
}

// meteringPage shows the form to confirm a metering error.
func (c *Console) meteringPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showMetering(w, r, u, http.StatusOK, meteringForm{}, "")
}

func (c *Console) showMetering(w http.ResponseWriter, r *http.Request, u *user, status int, f meteringForm, problem string) {
	c.render(w, r, status, page{Name: "seller_metering", Title: "Metering errors", Nav: "seller-metering", User: u, Error: problem, Data: f})
}

// confirmMeteringError refunds every affected buyer the usage of a dimension billed for a period.
func (c *Console) confirmMeteringError(w http.ResponseWriter, r *http.Request, u *user) {
	f := meteringForm{ProductID: strings.TrimSpace(r.PostFormValue("product")), Dimension: strings.TrimSpace(r.PostFormValue("dimension")),
		Period: strings.TrimSpace(r.PostFormValue("period")), Comments: strings.TrimSpace(r.PostFormValue("comments"))}
	var p mercato.Problems
	if f.ProductID == "" {
		p.Add("product", "is required")
	}
	if f.Dimension == "" {
		p.Add("dimension", "is required")
	}
	period, ok := formPeriod(f.Period)
	if !ok {
		p.Add("period", "write the billing period as YYYY-MM")
	}
	if len(p) > 0 {
		f.Fields = p
		c.showMetering(w, r, u, http.StatusBadRequest, f, "The form is not complete: see the fields below.")
		return
	}
	cases, err := c.svc.ConfirmMeteringError(r.Context(), u.ID, service.MeteringErrorInput{ProductID: f.ProductID,
		Dimension: f.Dimension, Period: period, Comments: f.Comments})
	if err != nil {
		status, msg := problemOf(err)
		if status >= 500 {
			c.fail(w, r, u, err)
			return
		}
		f.Fields = fieldProblems(err)
		c.showMetering(w, r, u, status, f, msg)
		return
	}
	f.Done, f.Cases = true, viewCases(cases)
	c.showMetering(w, r, u, http.StatusOK, f, "")
}
