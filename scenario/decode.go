package scenario

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// maxValues bounds the values one Parse decodes, so that aliases to aliases cannot expand a
// small file into an endless one.
const maxValues = 1_000_000

// fieldProblem is one value that could not be decoded: where it is inside its entry, the line
// it was written on, and what is wrong.
type fieldProblem struct {
	path string
	line int
	msg  string
}

// decoder fills Go values from YAML nodes. Keys are the fields' JSON names, which are the
// domain's wire names; unknown keys are refused. Scalars are read from their literal text, so
// amounts are exact whether quoted or not, and dates may be plain (2026-01-15) or RFC 3339.
type decoder struct {
	problems []fieldProblem
	lines    map[string]int // path of every key and list item decoded → its line
	budget   *int           // values left to decode, shared by every decoder of one Parse
}

var (
	timeType            = reflect.TypeFor[time.Time]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.problems = append(d.problems, fieldProblem{path: path, line: n.Line, msg: fmt.Sprintf(format, args...)})
}

// decode sets v, which must be settable, from n; path names v inside its entry.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if *d.budget <= 0 {
		return // reported once, when it ran out
	}
	*d.budget--
	if *d.budget == 0 {
		d.fail(n, path, "the file expands to more than %d values", maxValues)
		return
	}
	n = deref(n)
	if isNull(n) {
		v.SetZero()
		return
	}
	switch {
	case v.Type() == timeType:
		d.timestamp(n, v, path)
	case reflect.PointerTo(v.Type()).Implements(textUnmarshalerType):
		d.text(n, v, path)
	case v.Kind() == reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), path)
		v.Set(p)
	case v.Kind() == reflect.Slice:
		d.slice(n, v, path)
	case v.Kind() == reflect.Struct:
		d.object(n, v, path)
	default:
		d.scalar(n, v, path)
	}
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an explicit or implicit null (~, null, or nothing), which leaves
// the value as if the key were absent.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// kindName describes a node for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// scalarText returns the literal text of a scalar node, or records a problem and returns false.
func (d *decoder) scalarText(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "expected %s, found %s", want, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) timestamp(n *yaml.Node, v reflect.Value, path string) {
	const want = "an RFC 3339 timestamp (2026-01-15T00:00:00Z) or a date (2026-01-15)"
	s, ok := d.scalarText(n, path, want)
	if !ok {
		return
	}
	t, err := parseTime(s)
	if err != nil {
		d.fail(n, path, "expected %s, found %q", want, s)
		return
	}
	v.Set(reflect.ValueOf(t))
}

// parseTime parses an RFC 3339 timestamp or a plain date, taken as midnight UTC.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, s)
}

func (d *decoder) text(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalarText(n, path, "a single value ("+v.Type().Name()+")")
	if !ok {
		return
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		d.fail(n, path, "%s", err)
	}
}

func (d *decoder) slice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list, found %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		name := fmt.Sprintf("%s[%d]", path, i)
		d.lines[name] = item.Line
		d.decode(item, s.Index(i), name)
	}
	v.Set(s)
}

func (d *decoder) object(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping, found %s", kindName(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := deref(n.Content[i]), n.Content[i+1]
		name := join(path, key.Value)
		index, known := fields.index[key.Value]
		switch {
		case key.Kind != yaml.ScalarNode:
			d.fail(key, path, "keys must be plain words, found %s", kindName(key))
		case seen[key.Value] != 0:
			d.fail(key, name, "is set twice (first on line %d)", seen[key.Value])
		case !known:
			d.fail(key, name, "unknown key; expected one of %s", strings.Join(fields.names, ", "))
		default:
			seen[key.Value] = key.Line
			d.lines[name] = key.Line
			d.decode(val, v.FieldByIndex(index), name)
		}
	}
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		if s, ok := d.scalarText(n, path, "a string"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		s, ok := d.scalarText(n, path, "true or false")
		if !ok {
			return
		}
		switch strings.ToLower(s) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.fail(n, path, "expected true or false, found %q", s)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s, ok := d.scalarText(n, path, "a whole number")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			d.fail(n, path, "expected a whole number, found %q", s)
			return
		}
		v.SetInt(i)
	default:
		// The domain types use none of the other kinds; refuse rather than guess.
		d.fail(n, path, "cannot read a value of type %s", v.Type())
	}
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldSet is the keys a struct accepts, in declaration order, and where each one goes.
type fieldSet struct {
	names []string
	index map[string][]int
}

// fieldCache holds the fieldSet of each struct type decoded so far.
var fieldCache sync.Map // reflect.Type → fieldSet

// fieldsOf returns the keys of struct type t: the JSON names of its exported fields, with
// embedded structs without a name flattened, as encoding/json does.
func fieldsOf(t reflect.Type) fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(fieldSet)
	}
	fs := fieldSet{index: map[string][]int{}}
	fs.add(t, nil)
	fieldCache.Store(t, fs)
	return fs
}

func (fs *fieldSet) add(t reflect.Type, prefix []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
			fs.add(f.Type, index)
		default:
			if name == "" {
				name = f.Name
			}
			if _, dup := fs.index[name]; !dup {
				fs.names = append(fs.names, name)
				fs.index[name] = index
			}
		}
	}
}
