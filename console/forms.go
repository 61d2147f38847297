package console

import (
	"errors"
	"strings"
	"time"

	"mercato"
)

// fieldProblems returns the field errors of an EInvalid service error, to show next to the form.
func fieldProblems(err error) []mercato.FieldError {
	var e *mercato.Error
	if errors.As(err, &e) && e.Code == mercato.EInvalid {
		return e.Fields
	}
	return nil
}

// formAmount reads an optional decimal amount; blank is zero.
func formAmount(s string) (mercato.Amount, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	a, err := mercato.ParseAmount(s)
	return a, err == nil
}

// formDate reads an optional YYYY-MM-DD date (midnight UTC); blank is the zero time.
func formDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// formPeriod reads a YYYY-MM billing period.
func formPeriod(s string) (mercato.BillingPeriod, bool) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return mercato.BillingPeriod{}, false
	}
	return mercato.PeriodOf(t), true
}

// formList splits a comma- or space-separated list, dropping blanks.
func formList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}
