package awsapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mercato/awsapi"
)

// reserve takes n bytes of b within a short wait, reporting whether it could.
func reserve(b *awsapi.BodyBudget, n int64) (func(), bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	return b.Reserve(ctx, n)
}

// TestBodyBudgetKeepsRoomForSmallBodies: of a 4 MiB budget, bodies over SmallBody may hold
// 3 MiB together, and room given back is taken by a waiter; the last MiB stays for small bodies.
func TestBodyBudgetKeepsRoomForSmallBodies(t *testing.T) {
	b := awsapi.NewBodyBudget(4 << 20)
	var held []func()
	for i := range 3 {
		release, ok := reserve(b, 1<<20)
		if !ok {
			t.Fatalf("large body %d refused with %d MiB held", i+1, i)
		}
		held = append(held, release)
	}
	if _, ok := reserve(b, 1<<20); ok {
		t.Fatal("a fourth large body was admitted: large bodies hold more than 3 MiB")
	}

	got := make(chan bool)
	go func() {
		_, ok := b.Reserve(context.Background(), 1<<20)
		got <- ok
	}()
	time.Sleep(20 * time.Millisecond)
	held[0]()
	select {
	case ok := <-got:
		if !ok {
			t.Error("a waiting large body was refused after a MiB was given back")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a waiting large body was not woken when a MiB was given back")
	}

	// 3 MiB of large bodies are held again: the last MiB is for small bodies only.
	for i := range 16 {
		if _, ok := reserve(b, awsapi.SmallBody); !ok {
			t.Fatalf("small body %d refused: the reserve of 1 MiB should take 16 of 64 KiB", i+1)
		}
	}
	if _, ok := reserve(b, 1); ok {
		t.Fatal("a byte over the whole budget was admitted")
	}
}

// TestHandlerThrottlesWhenBudgetIsFull: with the room for large bodies held, a large API call
// waits briefly, then gets 503 ThrottlingException (which the SDKs retry); a small call is
// served from the reserve; and the bytes of both are given back.
func TestHandlerThrottlesWhenBudgetIsFull(t *testing.T) {
	budget := awsapi.NewBodyBudget(4 << 20)
	env := newEnv(t, "", func(c *awsapi.Config) { c.Budget = budget })
	release, ok := reserve(budget, 3<<20)
	if !ok {
		t.Fatal("could not fill the budget")
	}

	big := `{"agreementId":"agmt-1","pad":"` + strings.Repeat("x", awsapi.SmallBody) + `"}`
	status, hdr, body := env.callJSON(t, "DescribeAgreement", big)
	wantError(t, status, hdr, body, http.StatusServiceUnavailable, "ThrottlingException")
	if strings.Contains(env.log.String(), "server fault") {
		t.Errorf("a throttled call was logged as a server fault:\n%s", env.log.String())
	}
	if status, _, body := env.callJSON(t, "DescribeAgreement", `{"agreementId":"agmt-1"}`); status != http.StatusOK {
		t.Errorf("a small call with the large room full: %d %s", status, body)
	}

	release()
	if status, _, body := env.callJSON(t, "DescribeAgreement", big); status != http.StatusOK {
		t.Errorf("a large call once room is given back: %d %s", status, body)
	}
	if release, ok := reserve(budget, 3<<20); !ok {
		t.Error("the calls did not give back their bytes")
	} else {
		release()
	}
}

// countingBody counts the bytes read from it.
type countingBody struct {
	r    io.Reader
	read atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingBody) Close() error { return nil }

// TestUnsignedBodyIsNotRead: a call that cannot authenticate from its headers is refused
// before a byte of its body is read, so that it holds no memory for it.
func TestUnsignedBodyIsNotRead(t *testing.T) {
	env := newEnv(t, "")
	cases := map[string]string{
		"no signature":        "",
		"malformed signature": "AWS4-HMAC-SHA256 Credential=x",
		"wrong service": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, " +
			"SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64),
	}
	for name, authz := range cases {
		t.Run(name, func(t *testing.T) {
			body := &countingBody{r: strings.NewReader(`{"agreementId":"agmt-1"}`)}
			r, _ := http.NewRequest(http.MethodPost, env.endpoint()+"/", nil)
			r.Header = jsonHeaders(agreementPrefix + "DescribeAgreement")
			r.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
			if authz != "" {
				r.Header.Set("Authorization", authz)
			}
			r.Body, r.ContentLength = body, 24
			w := &recorder{header: http.Header{}}
			env.handler.ServeHTTP(w, r)
			if w.status != http.StatusForbidden || body.read.Load() != 0 {
				t.Errorf("status %d after reading %d bytes of the body, want 403 and none", w.status, body.read.Load())
			}
		})
	}
}

// recorder is the least http.ResponseWriter a handler can answer on.
type recorder struct {
	header http.Header
	status int
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) Write(p []byte) (int, error) { return len(p), nil }

func (w *recorder) WriteHeader(status int) { w.status = status }
