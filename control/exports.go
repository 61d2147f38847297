package control

import (
	"net/http"
	"time"

	"mercato/datafeed"
)

// feeds serves GET /_mercato/exports/feeds?seller=ID: the seller's records as AWS Marketplace's
// seller data feeds, one CSV file each in a zip archive. Outside the sandbox the request is
// signed by the seller or an operator, as for the reports.
func (h *Handler) feeds(w http.ResponseWriter, r *http.Request) {
	seller := r.URL.Query().Get("seller")
	if seller == "" {
		h.fail(w, fieldError("seller", "is required: the seller's account ID"))
		return
	}
	if err := h.reportAuth(r, seller); err != nil {
		h.fail(w, err)
		return
	}
	// Written to a temporary file first, so that a failure is an error answer rather than half
	// an archive, and memory does not hold the archive.
	archive, err := datafeed.SpoolZip(func(sink datafeed.Sink) error { return h.svc.WriteSellerFeeds(r.Context(), seller, sink) })
	if err != nil {
		h.fail(w, err)
		return
	}
	defer archive.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+seller+`-data-feeds.zip"`)
	http.ServeContent(w, r, "", time.Time{}, archive)
}
