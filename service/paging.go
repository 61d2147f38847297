package service

import (
	"sort"
)

// MaxPageSize is the most items one page of a list holds (and the default).
const MaxPageSize = 50

// Page is a request for one page of a list: the cursor returned with the previous page (empty
// for the first) and the page size (0 means the maximum).
type Page struct {
	Cursor string
	Limit  int
}

// paginate returns the page of items that follows the cursor, and the cursor of the next page
// ("" on the last). items must be sorted so that key increases strictly; key must be unique.
func paginate[T any](items []T, key func(*T) string, p Page) ([]T, string) {
	limit := p.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	start := 0
	if p.Cursor != "" {
		start = sort.Search(len(items), func(i int) bool { return key(&items[i]) > p.Cursor })
	}
	end := min(len(items), start+limit)
	out := items[start:end]
	if end == len(items) || len(out) == 0 {
		return out, ""
	}
	return out, key(&out[len(out)-1])
}
