package sqlstore

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Times are stored as unix microseconds in UTC; the zero time is stored as 0.

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// timeCol scans a microsecond column into a time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c.t = fromMicros(v)
	case nil:
		*c.t = time.Time{}
	default:
		return fmt.Errorf("time column holds %T, want an integer", src)
	}
	return nil
}

// jsonArg is a query argument stored as JSON text.
type jsonArg struct{ v any }

func (a jsonArg) Value() (driver.Value, error) {
	b, err := json.Marshal(a.v)
	if err != nil {
		return nil, fmt.Errorf("encode JSON column: %w", err)
	}
	return string(b), nil
}

// jsonCol scans JSON text into the value v points to; NULL leaves it zero.
type jsonCol struct{ v any }

func (c jsonCol) Scan(src any) error {
	b, err := textBytes(src)
	if err != nil || len(b) == 0 {
		return err
	}
	if err := json.Unmarshal(b, c.v); err != nil {
		return fmt.Errorf("decode JSON column: %w", err)
	}
	return nil
}

// rawArg stores raw JSON as text, or NULL when it is empty.
func rawArg(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

// rawCol scans a text column into raw JSON; NULL and the empty text read as nil.
type rawCol struct{ m *json.RawMessage }

func (c rawCol) Scan(src any) error {
	b, err := textBytes(src)
	if err != nil {
		return err
	}
	*c.m = nil
	if len(b) > 0 {
		*c.m = json.RawMessage(append([]byte(nil), b...))
	}
	return nil
}

func textBytes(src any) ([]byte, error) {
	switch v := src.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(v), nil
	case []byte:
		return v, nil
	}
	return nil, fmt.Errorf("text column holds %T", src)
}

// filter builds a WHERE clause with numbered placeholders.
type filter struct {
	conds []string
	args  []any
}

// arg adds a query argument and returns its placeholder.
func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

// where adds a condition; each %s in cond is replaced by the placeholder of the next arg.
func (f *filter) where(cond string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		ph[i] = f.arg(a)
	}
	f.conds = append(f.conds, fmt.Sprintf(cond, ph...))
}

// eq adds "col = value" unless value is empty, which matches all.
func (f *filter) eq(col, value string) {
	if value != "" {
		f.where(col+" = %s", value)
	}
}

// in adds "col IN (values...)", with the last value repeated up to a power of two of them, so
// that the statement has few shapes for the database to keep prepared. values is not empty.
func (f *filter) in(col string, values []string) {
	ph := make([]string, 1<<bits.Len(uint(len(values)-1)))
	for i := range ph {
		ph[i] = f.arg(values[min(i, len(values)-1)])
	}
	f.conds = append(f.conds, col+" IN ("+strings.Join(ph, ", ")+")")
}

// clause returns " WHERE c1 AND c2 ...", or "" without conditions.
func (f *filter) clause() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}
