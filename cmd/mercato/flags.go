package main

import (
	"fmt"
	"slices"
	"strings"
)

// oneOf returns an error naming the flag (or argument) and the values it accepts when value is
// not one of them, so that a user sees at once what to type instead.
func oneOf(flag, value string, accepted ...string) error {
	if slices.Contains(accepted, value) {
		return nil
	}
	return fmt.Errorf("%s %q: want %s", flag, value, orList(accepted))
}

// orList writes "a", "a or b", "a, b or c".
func orList(vs []string) string {
	if len(vs) <= 1 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}
