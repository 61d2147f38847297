package awsapi

import (
	"strings"
	"testing"

	"mercato"
)

// TestReadAtMostAllocatesWhatIsDeclared: a small body is read into a buffer of its declared
// size, not the 16 KiB first buffer of an unknown length; a body longer than declared still
// reads in full, up to the limit.
func TestReadAtMostAllocatesWhatIsDeclared(t *testing.T) {
	body := strings.Repeat("x", 300)
	got, err := readAtMost(strings.NewReader(body), 1<<20, 300)
	if err != nil || string(got) != body || cap(got) != 301 {
		t.Errorf("declared 300: %d bytes, cap %d, %v", len(got), cap(got), err)
	}
	got, err = readAtMost(strings.NewReader(body), 1<<20, 10)
	if err != nil || string(got) != body {
		t.Errorf("declared 10, sent 300: %d bytes, %v", len(got), err)
	}
	got, err = readAtMost(strings.NewReader(body), 100, -1)
	if err != nil || len(got) != 101 {
		t.Errorf("unknown length over a limit of 100: %d bytes, %v", len(got), err)
	}
}

// TestCappedFieldsCountWhatTheyDrop: fields beyond the cap, and what they had omitted, are
// counted on the last field kept.
func TestCappedFieldsCountWhatTheyDrop(t *testing.T) {
	var fs []mercato.FieldError
	for range mercato.MaxProblems + 3 {
		fs = append(fs, mercato.FieldError{Name: "a", Message: "bad"})
	}
	fs[len(fs)-1].Omitted = 4
	p := capped(fs)
	if len(p) != mercato.MaxProblems || p.Count() != mercato.MaxProblems+3+4 {
		t.Errorf("kept %d, count %d; want %d and %d", len(p), p.Count(), mercato.MaxProblems, mercato.MaxProblems+7)
	}
}
