package console

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"mercato"
)

//go:embed templates/*.html
var templateFS embed.FS

// page is what every template gets: the layout's data and the page's own.
type page struct {
	Name   string // the template (templates/NAME.html), also the body's data-page attribute
	Title  string
	Nav    string // the active section of the navigation
	Crumbs []crumb
	Notice string // a confirmation shown on top
	Error  string // a problem shown on top
	Data   any

	User    *user
	Now     time.Time
	Sandbox bool
	// ManualJobs says due work waits for a move of the clock: a sandbox whose scheduler does
	// not run (serve --sandbox --manual-jobs).
	ManualJobs bool
}

// crumb is one link of the breadcrumb trail.
type crumb struct{ Label, Href string }

// parsePages parses each page template together with the layout and the shared partials.
func (c *Console) parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New(name).Funcs(c.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page with the status. It renders into a buffer first, so a template error
// becomes a clean 500 and never half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, p page) {
	t, ok := c.pages[p.Name]
	if !ok {
		c.log.Error("console: no template", "page", p.Name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p.Now, p.Sandbox = c.svc.Now(), c.svc.Sandbox()
	p.ManualJobs = p.Sandbox && !c.svc.Scheduling()
	if p.Notice == "" {
		p.Notice = noticeText(r.URL.Query().Get("notice"), p.ManualJobs)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.log.Error("console: rendering", "page", p.Name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// notices are the confirmations a redirect after a form names with ?notice=; fixed texts, so
// that no link can make the console say something else.
var notices = map[string]string{
	"account-created":         "Account created. Give it its first access key with mercato keys create.",
	"payout-saved":            "Payout schedule and bank accounts saved. They apply from the next payout.",
	"key-revoked":             "Key revoked. It signs nothing from now on; other nodes refuse it within seconds.",
	"fulfillment-saved":       "Registration page saved. New subscribers are sent there with their registration token.",
	"destination-added":       "Destination added. Its events are delivered from now on, signed with the secret shown below.",
	"destination-deleted":     "Destination deleted. Nothing more is delivered to it; its delivery log is kept.",
	"destination-rotated":     "New signing secret set. Deliveries from now on are signed with it.",
	"event-redelivered":       "The event will be delivered again within a second. Its attempt appears in the log below.",
	"cancellation-sent":       "Cancellation request sent. The buyer has 7 days to approve or reject it; after that it is approved automatically.",
	"cancellation-withdrawn":  "Cancellation request withdrawn. The agreement stays active.",
	"cancellation-approved":   "You approved the cancellation. The agreement is cancelled and no further invoices will be issued.",
	"cancellation-rejected":   "You rejected the cancellation request. The agreement stays active.",
	"payment-approved":        "Payment request approved. It has been charged and invoiced.",
	"payment-rejected":        "Payment request rejected. Nothing was charged.",
	"payments-stopped":        "The previous offer's pending payments are stopped: they will not be invoiced. Invoices already issued stay; refund them with a billing adjustment if needed.",
	"offer-accepted":          "Offer accepted. This is your new agreement.",
	"refund-filed":            "Refund request filed. Its reference ID and status are below.",
	"refund-filed-seller":     "Refund request filed for the buyer. Its reference ID and status are below; the buyer sees it too.",
	"refund-support":          "Done. Both parties see the refund request's new status.",
	"refund-answered":         "Your answer was added and the refund request submitted again.",
	"refund-approved":         "Refund request approved. The refund is made as billing adjustments.",
	"refund-rejected":         "Refund request rejected. The buyer sees your reason.",
	"offer-created":           "Offer created.",
	"renewal-updated":         "Your renewal choice is saved: the agreement's end shows what happens next.",
	"renewal-adjusted":        "Renewal price increase saved. You may change it until the adjustment deadline; without a choice the range's default applies.",
	"change-set-started":      "Change set started. Its status is under Change sets; the offers below show it once it has succeeded.",
	"resale-started":          "Change set started. Its status is under Change sets; the authorizations and offers show it once it has succeeded.",
	"clock-advanced":          "The simulated clock moved forward; every job due on the way has run.",
	"clock-advanced-failures": "The simulated clock moved forward, but jobs failed on the way: they are listed under Failed jobs, or are tried again when the clock reaches their next attempt.",
	"job-retried":             "The job is pending again. It runs within seconds.",
	"product-requested":       "Product requested. Your private marketplace administrator will approve or decline it; you are told either way.",
	"pmp-product-added":       "Product added. The accounts of this private marketplace can now buy it.",
	"pmp-product-removed":     "Product removed. The accounts of this private marketplace can no longer accept its offers; their agreements stay.",
	"pmp-request-approved":    "Request approved. The product is added to the private marketplace and the buyer is told.",
	"pmp-request-declined":    "Request declined. The buyer is told your reason.",
}

// manualNotices are the notices that say otherwise where due work waits for a move of the
// clock (page.ManualJobs).
var manualNotices = map[string]string{
	"job-retried": "The job is pending again. It runs at the next move of the clock: advance by 0s to run it now.",
}

// noticeText returns the text of the notice named key, as it reads where due work runs on its own
// or, when manualJobs is set, where it waits for a move of the clock.
func noticeText(key string, manualJobs bool) string {
	if text, ok := manualNotices[key]; ok && manualJobs {
		return text
	}
	return notices[key]
}

// renderError shows an error page.
func (c *Console) renderError(w http.ResponseWriter, r *http.Request, u *user, status int, title, message string) {
	c.render(w, r, status, page{Name: "error", Title: title, User: u, Data: message})
}

// notFound answers 404 alike for pages that do not exist and for things the account may not see.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request, u *user) {
	c.renderError(w, r, u, http.StatusNotFound, "Not found",
		"There is nothing here, or it belongs to another account. Check the ID or go back to your agreements.")
}

// fail answers a service error: its message and status for a rule the request broke, a generic
// 500 for a fault of ours (logged, never shown).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, u *user, err error) {
	status, msg := problemOf(err)
	switch status {
	case http.StatusNotFound:
		c.notFound(w, r, u)
	case http.StatusInternalServerError:
		c.log.Error("console request failed", "path", r.URL.Path, "err", err)
		c.renderError(w, r, u, status, "Something went wrong", msg)
	default:
		c.renderError(w, r, u, status, "Not possible", msg)
	}
}

// formProblem returns the status and message of a service error for the page of the form that
// caused it: a rule the request broke. A 404 or a fault of ours it answers itself, with fail, and
// returns false.
func (c *Console) formProblem(w http.ResponseWriter, r *http.Request, u *user, err error) (int, string, bool) {
	status, msg := problemOf(err)
	if status == http.StatusNotFound || status >= 500 {
		c.fail(w, r, u, err)
		return 0, "", false
	}
	return status, msg, true
}

// problemOf returns the HTTP status and the message to show for an error.
func problemOf(err error) (int, string) {
	var e *mercato.Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError, "The console could not complete the request. Please try again; if it keeps failing, tell your marketplace operator."
	}
	switch e.Code {
	case mercato.ENotFound:
		return http.StatusNotFound, e.Error()
	case mercato.EInvalid:
		return http.StatusBadRequest, e.Error()
	case mercato.EConflict:
		return http.StatusConflict, e.Error()
	case mercato.EForbidden, mercato.EUnauthorized:
		return http.StatusForbidden, e.Error()
	case mercato.EQuota, mercato.EThrottled:
		return http.StatusTooManyRequests, e.Error()
	}
	return problemOf(errors.New(e.Message))
}
