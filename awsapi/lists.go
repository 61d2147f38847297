package awsapi

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"mercato"
)

// MaxListElements bounds every list in a request body, whatever its member: no operation takes
// lists near this long (the longest, purchase orders, takes 86), and a body of 1 MiB could
// otherwise carry hundreds of thousands of empty elements that decoding would turn into as many
// structures before validation counts them. A longer list is refused before it is decoded.
const MaxListElements = 1000

// errLongList is a list over MaxListElements.
type errLongList struct{ n int }

func (e errLongList) Error() string {
	return fmt.Sprintf("1 validation error detected: a list in the request has %d elements or more; "+
		"Member must have length less than or equal to %d", e.n, MaxListElements)
}

// longListError returns the ValidationException of a list that decoding refused as too long, or
// nil for any other error.
func longListError(err error) error {
	var long errLongList
	var max *cbor.MaxArrayElementsError
	switch {
	case errors.As(err, &long):
	case errors.As(err, &max):
		long = errLongList{MaxListElements + 1}
	default:
		return nil
	}
	e := mercato.Errorf(mercato.EInvalid, "%s", long.Error())
	e.Reason = "OTHER"
	return e
}

// checkJSONLists refuses a JSON document with a list of more than MaxListElements elements,
// scanning its bytes once without decoding (strings are skipped with their escapes). Malformed
// JSON passes: the decoder reports it.
func checkJSONLists(body []byte) error {
	var counts []int // elements so far of each open array, -1 for an open object
	inString, escaped := false, false
	for _, b := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		case b == '"':
			inString = true
		case b == '[':
			counts = append(counts, 0)
		case b == '{':
			counts = append(counts, -1)
		case b == ']' || b == '}':
			if len(counts) > 0 {
				counts = counts[:len(counts)-1]
			}
			continue
		case b == ',':
			if n := len(counts); n > 0 && counts[n-1] >= 0 {
				counts[n-1]++
				if counts[n-1] >= MaxListElements {
					return errLongList{counts[n-1] + 1}
				}
			}
		}
	}
	return nil
}
