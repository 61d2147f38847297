package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"mercato"
)

// funcs are the template functions: formatting only, no data access.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"money":  formatMoney,
		"amount": formatAmount,
		"when":   formatTime,
		"date":   formatDate,
		"badge":  badgeClass,
		"label":  humanize,
		"asset":  c.static.url,
		"neg":    func(a mercato.Amount) mercato.Amount { return -a },
		"dict":   dict,
		"field":  fieldMessage,
		"reason": reasonLabel,
		// activeKeys counts the keys that may sign requests.
		"activeKeys": func(keys []mercato.AccessKey) int {
			n := 0
			for i := range keys {
				if keys[i].Active() {
					n++
				}
			}
			return n
		},
		// autoApproval is when a cancellation request sent at t is approved without an answer.
		"autoApproval": func(t time.Time) time.Time { return t.Add(mercato.CancellationAutoApproval) },
	}
}

// formatMoney formats an amount in its currency's minor unit with thousands separators and the
// currency code: "1,200.00 USD".
func formatMoney(a mercato.Amount, c mercato.Currency) string {
	if c == "" {
		return formatAmount(a, c)
	}
	return formatAmount(a, c) + " " + string(c)
}

// formatAmount formats an amount like formatMoney, without the currency code.
func formatAmount(a mercato.Amount, c mercato.Currency) string {
	s := a.FormatIn(c)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// formatTime formats a business time to the minute in UTC; the zero time is a dash.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// formatDate formats the date of a time in UTC; the zero time is a dash.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006")
}

// badgeClass returns the CSS class of a status badge: good, pending, bad or neutral.
func badgeClass(status any) string {
	switch strings.ToUpper(fmt.Sprint(status)) {
	case "ACTIVE", "COMPLETED", "APPROVED", "DONE", "INVOICED", "AVAILABLE", "BALANCED", "DELIVERED":
		return "badge badge-good"
	case "PENDING", "PENDING_APPROVAL", "VALIDATING", "SCHEDULED", "AWAITING_SELLER", "ACTION_REQUIRED":
		return "badge badge-pending"
	case "CANCELLED", "REJECTED", "VALIDATION_FAILED", "FAILED", "TERMINATED", "EXPIRED", "UNBALANCED", "FAILING":
		return "badge badge-bad"
	}
	return "badge"
}

// humanize turns a code such as BUYER_DISSATISFACTION into "Buyer dissatisfaction".
func humanize(code any) string {
	s := strings.ToLower(strings.ReplaceAll(fmt.Sprint(code), "_", " "))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dict makes a map of key-value pairs, to pass several values to a partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// formatPeriod says an ISO 8601 period in words: P12M is "12 months", P1Y2M "1 year 2 months".
func formatPeriod(p mercato.Period) string {
	var parts []string
	for _, u := range []struct {
		n    int
		unit string
	}{{p.Years, "year"}, {p.Months, "month"}, {p.Weeks, "week"}, {p.Days, "day"}} {
		switch {
		case u.n == 1:
			parts = append(parts, "1 "+u.unit)
		case u.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", u.n, u.unit))
		}
	}
	if len(parts) == 0 {
		return "0 days"
	}
	return strings.Join(parts, " ")
}

// fieldMessage returns the problems with the named field, joined, or "".
func fieldMessage(fields []mercato.FieldError, name string) string {
	var out []string
	for _, f := range fields {
		if f.Name == name || strings.HasPrefix(f.Name, name+".") || strings.HasPrefix(f.Name, name+"[") {
			out = append(out, f.Message)
		}
	}
	return strings.Join(out, "; ")
}
