package mercato

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Period is an ISO-8601 calendar duration as the Agreement API writes them (P12M, P30D, P1Y,
// P2W). Months and years are calendar months, so a period is added to a time, never converted
// to a fixed number of seconds.
type Period struct {
	Years, Months, Weeks, Days int
}

var periodPattern = regexp.MustCompile(`^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$`)

// ParsePeriod parses an ISO-8601 date duration such as P12M or P10D. Time parts are refused:
// no term of the model uses them.
func ParsePeriod(s string) (Period, error) {
	m := periodPattern.FindStringSubmatch(s)
	if m == nil || s == "P" {
		return Period{}, Errorf(EInvalid, "%q is not an ISO-8601 duration such as P12M or P30D", s)
	}
	n := func(x string) int { v, _ := strconv.Atoi(x); return v }
	return Period{Years: n(m[1]), Months: n(m[2]), Weeks: n(m[3]), Days: n(m[4])}, nil
}

// AddTo returns t moved forward by the period.
func (p Period) AddTo(t time.Time) time.Time {
	return t.AddDate(p.Years, p.Months, 7*p.Weeks+p.Days)
}

// IsZero reports whether the period is empty.
func (p Period) IsZero() bool { return p == Period{} }

// String renders the period in ISO-8601 form.
func (p Period) String() string {
	if p.IsZero() {
		return "P0D"
	}
	s := "P"
	for _, part := range []struct {
		n    int
		unit string
	}{{p.Years, "Y"}, {p.Months, "M"}, {p.Weeks, "W"}, {p.Days, "D"}} {
		if part.n != 0 {
			s += fmt.Sprint(part.n) + part.unit
		}
	}
	return s
}

// MarshalText renders the ISO-8601 form.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses the ISO-8601 form.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
