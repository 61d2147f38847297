package console

import (
	"errors"
	"fmt"
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

// formAmount reads an optional decimal amount; blank is zero. It returns what is wrong with the
// text instead, as parseAmount does.
func formAmount(s string) (mercato.Amount, string) {
	if strings.TrimSpace(s) == "" {
		return 0, ""
	}
	return parseAmount(s, "")
}

// parseAmount is the console's one reader of a typed amount: a decimal with a dot, such as
// 1200.50, optionally followed (or preceded) by the currency code c. It returns the amount, or
// what is wrong with the text, as a phrase to show next to the field.
//
// A comma is read only where it cannot be a decimal comma: as thousands separators in groups of
// three before a decimal point ("1,200.50") or more than once ("1,200,000"). "0,50", "12,5" and
// "1,200" are refused: in much of the world they mean 0.50, 12.50 and 1.20, and guessing wrong
// refunds a hundred or a thousand times the amount meant.
func parseAmount(s string, c mercato.Currency) (mercato.Amount, string) {
	s = strings.TrimSpace(s)
	if c != "" {
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(s, string(c)), string(c)))
	}
	digits, problem := thousands(s)
	if problem != "" {
		return 0, problem
	}
	a, err := mercato.ParseAmount(digits)
	if err != nil {
		return 0, fmt.Sprintf("%q is not an amount: write it with a dot for decimals, like 120.50", s)
	}
	return a, ""
}

// thousands removes the thousands separators of s, or says why its commas are ambiguous.
func thousands(s string) (string, string) {
	if !strings.Contains(s, ",") {
		return s, ""
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	groups := strings.Split(strings.TrimPrefix(whole, "-"), ",")
	grouped := len(groups[0]) >= 1 && len(groups[0]) <= 3 && allDigits(groups[0])
	for _, g := range groups[1:] {
		grouped = grouped && len(g) == 3 && allDigits(g)
	}
	// "1.234,56" writes the thousands with a dot and the decimals with a comma.
	if !grouped || (!hasDot && len(groups) == 2) || strings.Contains(frac, ",") {
		return "", fmt.Sprintf("%q is ambiguous: write decimals with a dot and no thousands separator, like %s",
			s, commaExample(s))
	}
	return strings.ReplaceAll(s, ",", ""), ""
}

// commaExample is how s was most likely meant, written as the console reads it.
func commaExample(s string) string {
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		return strings.Replace(s, ",", ".", 1)
	}
	return "1200.50"
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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
