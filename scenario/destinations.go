package scenario

import "mercato"

// placeholderSecret stands for a secret the file leaves out (the service generates one), so
// that the rest of the entry is checked as the service will check it.
var placeholderSecret = mercato.NewWebhookSecret()

// checkEventDestinations checks each destination alone (the service checks that its account
// exists), and that no account lists one URL twice.
func (p *parser) checkEventDestinations(dests []mercato.ScenarioEventDestination) {
	seen := ids{}
	for i := range dests {
		in, name := &dests[i], entryName("eventDestinations", i)
		if p.broken[name] {
			continue
		}
		d := mercato.EventDestination{AccountID: in.AccountID, URL: in.URL, EventTypes: in.EventTypes,
			Secret: in.Secret, Status: mercato.DestinationActive}
		if d.Secret == "" {
			d.Secret = placeholderSecret
		}
		ps := problemsOf(d.Validate())
		if first, dup := seen[in.AccountID+" "+in.URL]; dup && in.URL != "" {
			ps.Add("url", "%s is already a destination of account %s in %s (%s)", in.URL, in.AccountID, first, p.where[first])
		} else {
			seen[in.AccountID+" "+in.URL] = name
		}
		p.rules(name, "invalid event destination", ps)
	}
}
