package console

import (
	"strings"
	"testing"

	"mercato"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		want    string // the amount, or "" when refused
		problem string // part of the refusal
	}{
		{"120.50", "120.5", ""},
		{" 120.50 USD", "120.5", ""},
		{"USD 7", "7", ""},
		{"1,200.50", "1200.5", ""},
		{"1,200,000", "1200000", ""},
		{"1,234,567.89", "1234567.89", ""},
		{"0,50", "", `like 0.50`},
		{"12,5", "", `like 12.5`},
		{"1,200", "", "ambiguous"},
		{"1.234,56", "", "ambiguous"},
		{"12,50.00", "", "ambiguous"},
		{"1,2345.00", "", "ambiguous"},
		{",5", "", "ambiguous"},
		{"ten", "", "is not an amount"},
		{"1e3", "", "is not an amount"},
		{"", "", "is not an amount"},
	}
	for _, tt := range tests {
		a, problem := parseAmount(tt.in, "USD")
		if tt.want == "" {
			if problem == "" || !strings.Contains(problem, tt.problem) {
				t.Errorf("parseAmount(%q) = %s, %q; want a refusal saying %q", tt.in, a, problem, tt.problem)
			}
			continue
		}
		if problem != "" || a != mercato.MustAmount(tt.want) {
			t.Errorf("parseAmount(%q) = %s, %q; want %s", tt.in, a, problem, tt.want)
		}
	}
}

// FuzzParseAmount: whatever is typed, the reader answers an amount or a problem, never both,
// never a panic, and what it accepts without commas is exactly what the wire parser reads.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"120.50", "0,50", "12,5", "1,200.50", "1.234,56", "-3", "USD 7", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, problem := parseAmount(s, "USD")
		if problem != "" && a != 0 {
			t.Fatalf("parseAmount(%q) = %s and %q", s, a, problem)
		}
		if problem != "" || strings.Contains(s, ",") {
			return
		}
		w, err := mercato.ParseAmount(strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(s), "USD"), "USD")))
		if err != nil || w != a {
			t.Fatalf("parseAmount(%q) = %s, the wire reads %s (%v)", s, a, w, err)
		}
	})
}
