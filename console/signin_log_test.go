package console_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"mercato/console"
)

// lockedLog is a log buffer safe for a server's concurrent writes.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A failed sign-in is logged with the access key ID and the client, never the secret typed.
func TestFailedSignInIsLoggedWithoutTheSecret(t *testing.T) {
	e := newEnv(t)
	logs := &lockedLog{}
	c, err := console.New(e.ctx, console.Config{Service: e.svc, Directory: storeDirectory{e.store},
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	const typed = "not-the-acme-secret-9"
	if r := trySignIn(clientOf(t, srv), "", acmeKey, typed); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", r.status)
	}
	long := strings.Repeat("K", 5000)
	trySignIn(clientOf(t, srv), "", long, typed)
	out := logs.String()
	if !strings.Contains(out, `"msg":"console sign-in failed"`) || !strings.Contains(out, `"key":"`+acmeKey+`"`) ||
		!strings.Contains(out, `"client":"127.0.0.1"`) {
		t.Errorf("log of a failed sign-in:\n%s", out)
	}
	if strings.Contains(out, typed) || strings.Contains(out, acmeSecret) || strings.Contains(out, long[:200]) {
		t.Errorf("the log holds a secret or an unbounded key ID:\n%s", out)
	}
}
