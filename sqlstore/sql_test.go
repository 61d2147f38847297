package sqlstore

import (
	"encoding/json"
	"testing"
	"time"
)

func TestStatementBuilders(t *testing.T) {
	cols := []string{"id", "a", "b"}
	for _, tc := range []struct{ got, want string }{
		{selectSQL("t", cols), "SELECT id, a, b FROM t"},
		{insertSQL("t", cols), "INSERT INTO t (id, a, b) VALUES ($1, $2, $3)"},
		{insertNewSQL("t", cols), "INSERT INTO t (id, a, b) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"},
		{upsertSQL("t", cols), "INSERT INTO t (id, a, b) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b"},
		{updateSQL("t", cols), "UPDATE t SET a = $2, b = $3 WHERE id = $1"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}

func TestFilter(t *testing.T) {
	var f filter
	if f.clause() != "" {
		t.Errorf("empty filter clause %q", f.clause())
	}
	f.eq("a", "")
	f.eq("b", "x")
	f.where("bare")
	f.in("c", []string{"p", "q"})
	f.where("d > %s AND d < %s", 1, 2)
	limit := f.arg(10)
	const want = " WHERE b = $1 AND bare AND c IN ($2, $3) AND d > $4 AND d < $5"
	if got := f.clause(); got != want || limit != "$6" {
		t.Errorf("clause %q, limit %q; want %q, $6", got, limit, want)
	}
	if len(f.args) != 6 || f.args[0] != "x" || f.args[2] != "q" || f.args[4] != 2 || f.args[5] != 10 {
		t.Errorf("args %v", f.args)
	}
}

func TestTimes(t *testing.T) {
	if micros(time.Time{}) != 0 || !fromMicros(0).IsZero() {
		t.Error("the zero time is not stored as 0")
	}
	berlin := time.FixedZone("CET", 3600)
	in := time.Date(2025, 3, 4, 5, 6, 7, 891011000, berlin)
	out := fromMicros(micros(in))
	if !out.Equal(in.Truncate(time.Microsecond)) || out.Location() != time.UTC {
		t.Errorf("%v read back as %v", in, out)
	}
	var got time.Time
	if err := (timeCol{&got}).Scan(micros(in)); err != nil || !got.Equal(out) {
		t.Errorf("timeCol scanned %v, %v", got, err)
	}
	if err := (timeCol{&got}).Scan("soon"); err == nil {
		t.Error("timeCol scanned text")
	}
}

func TestJSONColumns(t *testing.T) {
	v, err := jsonArg{[]string{"a"}}.Value()
	if err != nil || v != `["a"]` {
		t.Errorf("jsonArg = %v, %v", v, err)
	}
	var list []string
	for _, src := range []any{`["x","y"]`, []byte(`["x","y"]`)} {
		list = nil
		if err := (jsonCol{&list}).Scan(src); err != nil || len(list) != 2 {
			t.Errorf("jsonCol(%T) = %v, %v", src, list, err)
		}
	}
	if err := (jsonCol{&list}).Scan("{"); err == nil {
		t.Error("jsonCol accepted bad JSON")
	}
	if rawArg(nil) != nil || rawArg(json.RawMessage(`{}`)) != "{}" {
		t.Error("rawArg does not map empty to NULL")
	}
	raw := json.RawMessage(`"old"`)
	if err := (rawCol{&raw}).Scan(nil); err != nil || raw != nil {
		t.Errorf("rawCol(NULL) = %q, %v", raw, err)
	}
	src := []byte(`{"a": 1}`)
	if err := (rawCol{&raw}).Scan(src); err != nil || string(raw) != `{"a": 1}` {
		t.Errorf("rawCol = %q, %v", raw, err)
	}
	src[0] = 'X'
	if raw[0] != '{' {
		t.Error("rawCol keeps the driver's buffer")
	}
}

func TestBackoff(t *testing.T) {
	for attempt := 1; attempt < 40; attempt++ {
		if d := backoff(attempt); d <= 0 || d > 250*time.Millisecond {
			t.Errorf("backoff(%d) = %v", attempt, d)
		}
	}
}
