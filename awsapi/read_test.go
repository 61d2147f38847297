package awsapi

import (
	"strings"
	"testing"
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
