package awsapi

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// Defaults of a BodyBudget.
const (
	// DefaultBodyBudget is the bytes that bodies still being received, before their caller is
	// known, may hold at once across all connections. 32 MiB is 32 bodies at the 1 MiB limit
	// in flight together, far more than real callers send: marketplace requests are a few KiB.
	DefaultBodyBudget = 32 << 20
	// SmallBody is the largest body that may use the budget's reserve.
	SmallBody = 64 << 10
	// defaultBudgetWait is how long a body waits for room before it is refused: long enough to
	// ride out a burst, short enough that a client retries rather than hangs.
	defaultBudgetWait = time.Second
)

// BodyBudget bounds the memory that request bodies hold while they are read and before the
// caller is authenticated, so that clients without credentials cannot make the server hold
// more than a fixed number of bytes however many connections they open. A body reserves its
// declared length (or the limit when it declares none) before a byte is read, and gives it
// back once its caller is authenticated or refused.
//
// A quarter of the budget is kept for small bodies (SmallBody bytes or fewer): large bodies
// sent slowly can hold the rest, and ordinary requests, which are small, are still served.
// The zero value is not usable; call NewBodyBudget.
type BodyBudget struct {
	total, large int64 // large: the most that bodies over SmallBody may hold together
	wait         time.Duration

	mu    sync.Mutex
	used  int64
	freed chan struct{} // closed, and replaced, whenever bytes are given back
}

// NewBodyBudget returns a budget of total bytes (DefaultBodyBudget if total <= 0).
func NewBodyBudget(total int64) *BodyBudget {
	if total <= 0 {
		total = DefaultBodyBudget
	}
	return &BodyBudget{total: total, large: total - total/4, wait: defaultBudgetWait,
		freed: make(chan struct{})}
}

// Reserve takes n bytes of the budget, waiting briefly for room. It returns a function that
// gives them back (call it exactly once), or false when there was no room in time or ctx ended.
func (b *BodyBudget) Reserve(ctx context.Context, n int64) (release func(), ok bool) {
	timer := time.NewTimer(b.wait)
	defer timer.Stop()
	for {
		freed, ok := b.tryReserve(n)
		if ok {
			return func() { b.release(n) }, true
		}
		select {
		case <-freed:
		case <-timer.C:
			return nil, false
		case <-ctx.Done():
			return nil, false
		}
	}
}

// tryReserve takes n bytes if they fit under the cap of n's size; otherwise it returns the
// channel that is closed when bytes are next given back.
func (b *BodyBudget) tryReserve(n int64) (<-chan struct{}, bool) {
	limit := b.total
	if n > SmallBody {
		limit = b.large
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > limit {
		return b.freed, false
	}
	b.used += n
	return nil, true
}

func (b *BodyBudget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	close(b.freed)
	b.freed = make(chan struct{})
}

// Limit returns a handler that refuses bodies over max bytes (413 before reading when the
// declared length is over) and reserves each body's bytes in the budget while next serves
// the request (503 when there is no room). It is for handlers that authenticate after
// reading the body, such as the console's sign-in form and the sandbox controls.
func (b *BodyBudget) Limit(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := reservation(r, max)
		if n == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			http.Error(w, "Request body is larger than the limit of "+itoa(max)+" bytes",
				http.StatusRequestEntityTooLarge)
			return
		}
		release, ok := b.Reserve(r.Context(), n)
		if !ok {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "The server is receiving too many request bodies; retry shortly",
				http.StatusServiceUnavailable)
			return
		}
		defer release()
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// reservation is the bytes a body of r may hold: its declared length, or max when it
// declares none; 0 when there is no body.
func reservation(r *http.Request, max int64) int64 {
	switch {
	case r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0:
		return 0
	case r.ContentLength < 0 || r.ContentLength > max:
		return max
	}
	return r.ContentLength
}

// readAtMost reads r to its end into a buffer that grows as bytes arrive, never beyond
// limit+1 bytes, so that a body declaring a large length and sending little holds little.
// declared is the length the sender declared (-1 when unknown): the first buffer is that
// (plus the byte that detects a longer body) when it is small, so that a small call allocates
// what it sends.
func readAtMost(r io.Reader, limit, declared int64) ([]byte, error) {
	const first = 16 << 10
	size := min(first, limit+1)
	if declared >= 0 && declared < size {
		size = declared + 1
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil
			}
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
