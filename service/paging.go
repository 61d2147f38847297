package service

import (
	"context"
	"sort"

	"mercato"
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
	limit := pageLimit(p.Limit)
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

// pageLimit returns the size of a page asked for as n: the maximum when n is 0 or too large.
func pageLimit(n int) int {
	if n <= 0 || n > MaxPageSize {
		return MaxPageSize
	}
	return n
}

// cutPage returns the page of items read after a cursor, one more than limit when there are more
// (so that the last page is known without another read), and the cursor of the next page ("" on
// the last).
func cutPage[T any](items []T, limit int, id func(*T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	return items[:limit], id(&items[limit-1])
}

// requestPage returns one page of the caller's requests on one side (see RequestQuery), read
// with list, and the cursor of the next page.
func requestPage[T any](ctx context.Context, s *Service, caller string, q RequestQuery,
	list func(mercato.Tx, mercato.RequestFilter) ([]T, error), id func(*T) string) ([]T, string, error) {
	limit := pageLimit(q.Limit)
	f, err := q.filter(caller, limit+1)
	if err != nil {
		return nil, "", err
	}
	var out []T
	err = s.view(ctx, func(tx mercato.Tx) error {
		out, err = list(tx, f)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	page, next := cutPage(out, limit, id)
	return page, next, nil
}
