package console

import (
	"net/http"
	"strings"

	"mercato"
	"mercato/service"
)

// meteringForm is the "Metering errors" form, as last posted, with the refunds its preview
// shows or the cases its confirmation created.
type meteringForm struct {
	ProductID string
	Dimension string
	Period    string
	Comments  string
	Fields    []mercato.FieldError
	Previewed bool             // the refunds a confirmation would make are shown
	Preview   []meteringRefund // what the confirmation refunds, to whom
	Total     []moneyTotal     // the preview's total, per currency
	Confirm   string           // why the confirmation was refused
	Done      bool
	Cases     []refundCaseView
}

// meteringRefund is one buyer's refund in the preview of a metering error.
type meteringRefund struct {
	mercato.RefundCase
	Buyer string
}

// moneyTotal is a sum of amounts in one currency.
type moneyTotal struct {
	Amount   mercato.Amount
	Currency mercato.Currency
}

// meteringPage shows the form to confirm a metering error.
func (c *Console) meteringPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showMetering(w, r, u, http.StatusOK, meteringForm{}, "")
}

func (c *Console) showMetering(w http.ResponseWriter, r *http.Request, u *user, status int, f meteringForm, problem string) {
	c.render(w, r, status, page{Name: "seller_metering", Title: "Metering errors", Nav: "seller-metering", User: u, Error: problem, Data: f})
}

// confirmMeteringError previews the refunds of a metering error, every affected buyer with the
// amount it gets back, and makes them only once the seller confirms that preview: the refunds
// cannot be undone, and a mistyped dimension or month would refund the wrong buyers.
func (c *Console) confirmMeteringError(w http.ResponseWriter, r *http.Request, u *user) {
	f := meteringForm{ProductID: strings.TrimSpace(r.PostFormValue("product")), Dimension: strings.TrimSpace(r.PostFormValue("dimension")),
		Period: strings.TrimSpace(r.PostFormValue("period")), Comments: strings.TrimSpace(r.PostFormValue("comments"))}
	in, ok := f.input()
	if !ok {
		c.showMetering(w, r, u, http.StatusBadRequest, f, "The form is not complete: see the fields below.")
		return
	}
	confirming := r.PostFormValue("step") == "confirm"
	if !confirming || r.PostFormValue("confirm") != "1" {
		if confirming {
			f.Confirm = "Confirm that you checked the product, the dimension, the month and the refunds below."
		}
		c.previewMetering(w, r, u, f, in)
		return
	}
	cases, err := c.svc.ConfirmMeteringError(r.Context(), u.ID, in)
	if err != nil {
		c.meteringFailed(w, r, u, f, err)
		return
	}
	f.Done, f.Cases = true, viewCases(cases)
	c.showMetering(w, r, u, http.StatusOK, f, "")
}

// input reads the form into the service's input; the problems it cannot read go to f.Fields.
func (f *meteringForm) input() (service.MeteringErrorInput, bool) {
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
	f.Fields = p
	return service.MeteringErrorInput{ProductID: f.ProductID, Dimension: f.Dimension, Period: period, Comments: f.Comments}, len(p) == 0
}

// previewMetering shows what confirming the metering error would refund, to whom.
func (c *Console) previewMetering(w http.ResponseWriter, r *http.Request, u *user, f meteringForm, in service.MeteringErrorInput) {
	cases, err := c.svc.PreviewMeteringError(r.Context(), u.ID, in)
	if err != nil {
		c.meteringFailed(w, r, u, f, err)
		return
	}
	n := c.names(r.Context())
	f.Previewed = true
	for _, x := range cases {
		f.Preview = append(f.Preview, meteringRefund{RefundCase: x, Buyer: n.Account(x.BuyerID)})
		f.Total = addTotal(f.Total, x.Amount, x.Currency)
	}
	status := http.StatusOK
	if f.Confirm != "" {
		status = http.StatusBadRequest
	}
	c.showMetering(w, r, u, status, f, "")
}

// addTotal adds an amount to the total of its currency.
func addTotal(ts []moneyTotal, a mercato.Amount, cur mercato.Currency) []moneyTotal {
	for i := range ts {
		if ts[i].Currency == cur {
			ts[i].Amount += a
			return ts
		}
	}
	return append(ts, moneyTotal{a, cur})
}

// meteringFailed shows the form again with the service's reason, or fails the page.
func (c *Console) meteringFailed(w http.ResponseWriter, r *http.Request, u *user, f meteringForm, err error) {
	status, msg := problemOf(err)
	if status >= 500 {
		c.fail(w, r, u, err)
		return
	}
	f.Fields = fieldProblems(err)
	c.showMetering(w, r, u, status, f, msg)
}
