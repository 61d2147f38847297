package console

import (
	"net/http"
	"net/url"
	"strings"

	"mercato"
	"mercato/service"
)

// eventRoutes registers the event destinations pages, open to every signed-in account: each
// manages the webhook destinations of its own events.
func (c *Console) eventRoutes(m *http.ServeMux) {
	const d = "/console/events/destinations/{id}"
	m.HandleFunc("GET /console/events", c.signedIn(c.destinationsPage))
	m.HandleFunc("POST /console/events/destinations", c.signedIn(c.addDestination))
	m.HandleFunc("GET "+d, c.signedIn(c.destinationPage))
	m.HandleFunc("POST "+d+"/rotate", c.signedIn(c.rotateDestinationSecret))
	m.HandleFunc("POST "+d+"/delete", c.signedIn(c.deleteDestination))
	m.HandleFunc("POST "+d+"/redeliver", c.signedIn(c.redeliverEvent))
}

// destinationsView is the data of the event destinations page.
type destinationsView struct {
	Destinations []mercato.EventDestination
	Form         destinationForm
	Events       []mercato.Event // the account's latest events
}

// destinationForm is the add-a-destination form as typed.
type destinationForm struct {
	URL, Types, Secret string
}

func (c *Console) destinationsPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showDestinations(w, r, u, http.StatusOK, destinationForm{}, "")
}

func (c *Console) showDestinations(w http.ResponseWriter, r *http.Request, u *user, status int, f destinationForm, problem string) {
	ds, err := c.svc.EventDestinations(r.Context(), u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	events, err := c.svc.LatestEvents(r.Context(), u.ID, 20)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, r, status, page{Name: "events", Title: "Event destinations", Nav: "events", User: u, Error: problem,
		Data: destinationsView{Destinations: ds, Form: f, Events: events}})
}

// addDestination registers a destination; a bad URL, secret or event type shows the form again
// with the service's problem.
func (c *Console) addDestination(w http.ResponseWriter, r *http.Request, u *user) {
	f := destinationForm{URL: strings.TrimSpace(r.PostFormValue("url")), Types: r.PostFormValue("types"),
		Secret: strings.TrimSpace(r.PostFormValue("secret"))}
	in := service.EventDestinationInput{URL: f.URL, EventTypes: eventTypeLines(f.Types), Secret: f.Secret}
	d, err := c.svc.CreateEventDestination(r.Context(), u.ID, in)
	if err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.showDestinations(w, r, u, status, f, msg)
		}
		return
	}
	http.Redirect(w, r, "/console/events/destinations/"+url.PathEscape(d.ID)+"?notice=destination-added", http.StatusSeeOther)
}

// eventTypeLines reads one detail type per line (or comma-separated), skipping blanks.
func eventTypeLines(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }) {
		if t := strings.TrimSpace(line); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// destinationView is the data of a destination's page: it and its delivery log.
type destinationView struct {
	Destination mercato.EventDestination
	Attempts    []mercato.DeliveryAttempt
}

func (c *Console) destinationPage(w http.ResponseWriter, r *http.Request, u *user) {
	d, err := c.svc.EventDestination(r.Context(), u.ID, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	log, err := c.svc.DeliveryLog(r.Context(), u.ID, d.ID, 100)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, r, http.StatusOK, page{Name: "event_destination", Title: "Destination " + d.ID, Nav: "events", User: u,
		Crumbs: []crumb{{"Event destinations", "/console/events"}}, Data: destinationView{Destination: d, Attempts: log}})
}

func (c *Console) rotateDestinationSecret(w http.ResponseWriter, r *http.Request, u *user) {
	d, err := c.svc.RotateDestinationSecret(r.Context(), u.ID, r.PathValue("id"), "")
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/console/events/destinations/"+url.PathEscape(d.ID)+"?notice=destination-rotated", http.StatusSeeOther)
}

func (c *Console) deleteDestination(w http.ResponseWriter, r *http.Request, u *user) {
	if err := c.svc.DeleteEventDestination(r.Context(), u.ID, r.PathValue("id")); err != nil {
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/console/events?notice=destination-deleted", http.StatusSeeOther)
}

func (c *Console) redeliverEvent(w http.ResponseWriter, r *http.Request, u *user) {
	id := r.PathValue("id")
	if err := c.svc.RedeliverEvent(r.Context(), u.ID, id, r.PostFormValue("event")); err != nil {
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/console/events/destinations/"+url.PathEscape(id)+"?notice=event-redelivered", http.StatusSeeOther)
}
