package mercato

import (
	"fmt"
	"slices"
)

// allowed reports whether table lets a status move from one value to the next.
func allowed[S ~string](table map[S][]S, from, next S) bool {
	return slices.Contains(table[from], next)
}

// transitionRefused is the EConflict of a status change that a transition table does not allow.
func transitionRefused[S ~string](resourceType, label, id string, from, next S) error {
	return &Error{Code: EConflict, Message: fmt.Sprintf("%s %s is %s and cannot become %s", label, id, from, next),
		ResourceID: id, ResourceType: resourceType}
}
