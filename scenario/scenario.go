// Package scenario reads scenario files: YAML descriptions of the accounts, products, offers
// and acceptances that the sandbox applies at once (see mercato.Scenario).
//
// A file is a mapping with the keys clock, accounts, products, offers, agreements,
// eventDestinations and privateMarketplaces; each list entry uses the wire names of the domain
// (the JSON names of mercato.Account, mercato.Product, mercato.Offer, mercato.ScenarioAgreement,
// mercato.ScenarioEventDestination and mercato.PrivateMarketplace; terms are the Agreement
// API's). Parse checks what the file alone can tell; the service checks the rest against the
// marketplace.
package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"mercato"
)

// sections are the top-level keys of a scenario file, in the order they are documented.
var sections = []string{"clock", "accounts", "products", "offers", "agreements", "eventDestinations",
	"privateMarketplaces", "resaleAuthorizations"}

// Parse reads a scenario file. Amounts may be quoted or not and are read exactly; times are
// RFC 3339 timestamps or plain dates (midnight UTC); durations are ISO 8601 (P12M).
//
// Defaults are filled in: a product's productCode is its id and its visibility public; an
// offer's seller is its product's when the product is in the file; terms get the stable IDs
// of mercato.Terms.FillIDs. Scenario.Where maps every entry ("offers[1]") to its line.
//
// Every failure is a *mercato.Error with code EInvalid. It lists each broken entry in Fields,
// named by the entry and its line ("offers[1] (line 23)"), with the rule it breaks.
func Parse(data []byte) (mercato.Scenario, error) {
	root, err := parseYAML(data)
	if err != nil {
		return mercato.Scenario{}, err
	}
	p := newParser()
	sc := p.scenario(root)
	if err := p.err(); err != nil {
		return mercato.Scenario{}, err
	}
	return sc, nil
}

// parseYAML returns the root node of the single document in data, or nil if there is none.
func parseYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// yaml.v3 reports bad input as errors; this guards Parse against any it misses.
		if r := recover(); r != nil {
			root, err = nil, mercato.Errorf(mercato.EInvalid, "invalid scenario: unreadable YAML (%v)", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(err)
		}
		return nil, mercato.Errorf(mercato.EInvalid,
			"invalid scenario: line %d: a scenario file holds a single YAML document", next.Line)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// syntaxError turns a yaml.v3 error ("yaml: line 3: did not find expected key") into ours.
func syntaxError(err error) error {
	return mercato.Errorf(mercato.EInvalid, "invalid scenario: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// parser accumulates the problems of one Parse, so that all of them are reported at once.
type parser struct {
	problems []problem
	where    map[string]string         // entry → "line N", as Scenario.Where
	lines    map[string]map[string]int // entry → path inside it ("terms[0]", "" for itself) → line
	broken   map[string]bool           // entries that could not be decoded, and so are not checked
	budget   int                       // values left to decode
}

func newParser() *parser {
	return &parser{
		where:  map[string]string{},
		lines:  map[string]map[string]int{},
		broken: map[string]bool{},
		budget: maxValues,
	}
}

// problem is one problem of the file, with the line of what it names.
type problem struct {
	line  int
	field mercato.FieldError
}

// add records a problem with name, written on line; an empty name stands for the line itself.
func (p *parser) add(name string, line int, format string, args ...any) {
	p.problems = append(p.problems, problem{line, mercato.FieldError{
		Name:    label(name, line),
		Message: fmt.Sprintf(format, args...),
	}})
}

// err returns the problems, in the order of the file, as one EInvalid error, or nil.
func (p *parser) err() error {
	slices.SortStableFunc(p.problems, func(a, b problem) int { return a.line - b.line })
	ps := make(mercato.Problems, len(p.problems))
	for i, pr := range p.problems {
		ps[i] = pr.field
	}
	return ps.Err("invalid scenario")
}

func (p *parser) decoder() *decoder { return &decoder{lines: map[string]int{}, budget: &p.budget} }

// scenario decodes, completes and checks the scenario rooted at root.
func (p *parser) scenario(root *yaml.Node) mercato.Scenario {
	sc := mercato.Scenario{Where: p.where}
	if root == nil {
		return sc
	}
	s := p.sections(deref(root))
	if n := s["clock"]; n != nil {
		d := p.decoder()
		d.decode(n, reflect.ValueOf(&sc.Clock).Elem(), "")
		p.report("clock", n.Line, d.problems)
	}
	sc.Accounts = entries[mercato.Account](p, "accounts", s["accounts"])
	sc.Products = entries[mercato.Product](p, "products", s["products"])
	sc.ResaleAuthorizations = entries[mercato.ScenarioResaleAuthorization](p, "resaleAuthorizations", s["resaleAuthorizations"])
	sc.Offers = p.offers(s["offers"])
	sc.Agreements = entries[mercato.ScenarioAgreement](p, "agreements", s["agreements"])
	sc.EventDestinations = entries[mercato.ScenarioEventDestination](p, "eventDestinations", s["eventDestinations"])
	sc.PrivateMarketplaces = entries[mercato.PrivateMarketplace](p, "privateMarketplaces", s["privateMarketplaces"])
	p.check(&sc)
	return sc
}

// sections returns the value of each top-level key of the file.
func (p *parser) sections(root *yaml.Node) map[string]*yaml.Node {
	s := map[string]*yaml.Node{}
	if root.Kind != yaml.MappingNode {
		p.add("", root.Line, "a scenario is a mapping with the keys %s, found %s",
			strings.Join(sections, ", "), kindName(root))
		return s
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key := deref(root.Content[i])
		switch {
		case key.Kind != yaml.ScalarNode || !slices.Contains(sections, key.Value):
			p.add("", key.Line, "unknown key %s; expected one of %s",
				kindName(key), strings.Join(sections, ", "))
		case s[key.Value] != nil:
			p.add(key.Value, key.Line, "is set twice")
		default:
			s[key.Value] = root.Content[i+1]
		}
	}
	return s
}

// entries decodes the list n of the file section into values of type T, recording the line
// of each entry in p.where.
func entries[T any](p *parser, section string, n *yaml.Node) []T {
	if n == nil {
		return nil
	}
	if n = deref(n); isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.add(section, n.Line, "expected a list, found %s", kindName(n))
		return nil
	}
	out := make([]T, len(n.Content))
	for i, item := range n.Content {
		name := entryName(section, i)
		p.where[name] = fmt.Sprintf("line %d", item.Line)
		if p.budget <= 0 {
			p.broken[name] = true // the file is too large; that was reported once
			continue
		}
		d := p.decoder()
		d.decode(item, reflect.ValueOf(&out[i]).Elem(), "")
		d.lines[""] = item.Line
		p.lines[name] = d.lines
		if len(d.problems) > 0 {
			p.broken[name] = true
			p.report(name, item.Line, d.problems)
		}
	}
	return out
}

// report records the decoding problems of the entry name written on line.
func (p *parser) report(name string, line int, problems []fieldProblem) {
	for _, fp := range problems {
		msg := fp.msg
		switch {
		case fp.path != "":
			msg = fmt.Sprintf("%s (line %d): %s", fp.path, fp.line, msg)
		case fp.line != line:
			msg = fmt.Sprintf("line %d: %s", fp.line, msg)
		}
		p.add(name, line, "%s", msg)
	}
}

// entryName names the i-th entry of a section, as Scenario.Where does: "offers[1]".
func entryName(section string, i int) string { return fmt.Sprintf("%s[%d]", section, i) }

// label names something written on line for an error: "offers[1] (line 23)", or "line 23".
func label(name string, line int) string {
	if name == "" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("%s (line %d)", name, line)
}
