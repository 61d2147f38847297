package control

import (
	"bytes"
	"net/http"

	"mercato"
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
	feeds, err := h.svc.SellerFeeds(r.Context(), seller)
	if err != nil {
		h.fail(w, err)
		return
	}
	// Built in memory first, so that a failure is an error answer rather than half an archive.
	var buf bytes.Buffer
	if err := datafeed.WriteZip(&buf, feeds); err != nil {
		h.fail(w, mercato.Errorf(mercato.EInternal, "writing the feeds: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+seller+`-data-feeds.zip"`)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}
