package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
)

// startRefundServer starts a sandbox server on SQLite with refundScenario loaded.
func startRefundServer(t *testing.T) (url, addr string) {
	t.Helper()
	dir := t.TempDir()
	scenarioFile := filepath.Join(dir, "refunds.yaml")
	if err := writeFile(scenarioFile, refundScenario(scenarioStart(true))); err != nil {
		t.Fatal(err)
	}
	addr = freeAddr(t)
	url = startServer(t, serveOptions{addr: addr, db: "sqlite:" + filepath.Join(dir, "l.db"), sandbox: true,
		scenario: scenarioFile})
	return url, addr
}

// forgedHeaders are the headers of an AWS API call whose Authorization header is well formed
// and current but whose signature is wrong: the server can only find out after reading the body.
func forgedHeaders(addr string, contentLength int) string {
	now := time.Now().UTC()
	return fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: application/x-amz-json-1.0\r\n"+
		"X-Amz-Target: AWSMPCommerceService_v20200301.DescribeAgreement\r\n"+
		"X-Amz-Date: %s\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIASELLER0000000001/%s/us-east-1/aws-marketplace/aws4_request, "+
		"SignedHeaders=host;x-amz-date, Signature=%s\r\n"+
		"Content-Length: %d\r\n\r\n",
		addr, now.Format("20060102T150405Z"), now.Format("20060102"), strings.Repeat("0", 64), contentLength)
}

// liveHeap is the heap in use after a full collection: the bytes something still holds.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSlowBodiesHoldBoundedMemory opens 300 connections (60 with -short) that each send an API
// call's body of 1 MiB minus one byte slowly and never its last byte, as a client with no
// credentials can. The server (in this process) holds at most its body budget of 32 MiB for
// them: the live heap grows by less than 48 MiB, where it grew by a buffer of the declared size
// per connection (300 MiB) before. A signed client is served meanwhile.
func TestSlowBodiesHoldBoundedMemory(t *testing.T) {
	url, addr := startRefundServer(t)
	conns := 300
	if testing.Short() {
		conns = 60
	}
	const size = 1<<20 - 1
	chunk := make([]byte, 64<<10)
	before := liveHeap()

	var sent, done sync.WaitGroup
	stop := make(chan struct{})
	for range conns {
		sent.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			holdSlowBody(addr, size, chunk, &sent, stop)
		}()
	}
	sent.Wait()

	var peak uint64
	for range 5 {
		peak = max(peak, liveHeap())
		time.Sleep(200 * time.Millisecond)
	}
	grown := int64(peak) - int64(before)
	t.Logf("%d slow bodies: live heap %d MiB before, peak %d MiB while held; %s", conns, before>>20, peak>>20, peakRSS())
	if grown > 48<<20 {
		t.Errorf("the live heap grew by %d MiB while %d bodies were held, want under 48 MiB", grown>>20, conns)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seller := agreementClient(url, "AKIASELLER0000000001", "seller-secret-key")
	got, err := seller.DescribeAgreement(ctx, &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String("agmt-x")})
	if err != nil || aws.ToString(got.AgreementId) != "agmt-x" {
		t.Errorf("a signed call while slow bodies are held: %+v, %v", got, err)
	}
	close(stop)
	done.Wait()
}

// peakRSS is the process's peak resident set size as Linux reports it, for the log.
func peakRSS() string {
	status, _ := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") {
			return "peak RSS " + strings.Join(strings.Fields(line)[1:], " ")
		}
	}
	return "peak RSS unknown"
}

// holdSlowBody sends forged headers and all of a body but its last byte, in chunks with
// pauses, then holds the connection open until stop is closed.
func holdSlowBody(addr string, size int, chunk []byte, sent *sync.WaitGroup, stop <-chan struct{}) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		sent.Done()
		return
	}
	defer conn.Close()
	_, err = io.WriteString(conn, forgedHeaders(addr, size))
	for left := size - 1; err == nil && left > 0; left -= len(chunk) {
		conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Write(chunk[:min(left, len(chunk))])
		time.Sleep(20 * time.Millisecond)
	}
	sent.Done() // sent, or refused by the server
	<-stop
}

// TestDeclaredLengthOverLimitRefusedUnread sends only the headers of requests that declare a
// body over the limit: the server answers 413 at once, without waiting for a byte of it.
func TestDeclaredLengthOverLimitRefusedUnread(t *testing.T) {
	_, addr := startRefundServer(t)
	cases := []struct {
		name, head string
		wantType   string
	}{
		{"aws api", forgedHeaders(addr, 1<<20+1), "ValidationException"},
		{"scenario", fmt.Sprintf("POST /_mercato/scenario HTTP/1.1\r\nHost: %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, 9<<20), ""},
		{"console", fmt.Sprintf("POST /console/signin HTTP/1.1\r\nHost: %s\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", addr, 1<<20), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := rawRequest(t, addr, c.head, 3*time.Second)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413: %s", resp.StatusCode, body)
			}
			if c.wantType != "" && (resp.Header.Get("X-Amzn-Errortype") != c.wantType ||
				!strings.Contains(body, `"__type":"`+c.wantType+`"`)) {
				t.Errorf("error %q %s, want %s", resp.Header.Get("X-Amzn-Errortype"), body, c.wantType)
			}
		})
	}
}

// rawRequest sends head on a new connection and reads the response within timeout.
func rawRequest(t *testing.T, addr, head string, timeout time.Duration) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer within %v: %v", timeout, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestIdleConnectionsClosed: a kept-alive connection that sends nothing after its request is
// closed by the server once the idle timeout has passed.
func TestIdleConnectionsClosed(t *testing.T) {
	defer func(d time.Duration) { idleTimeout = d }(idleTimeout)
	idleTimeout = 300 * time.Millisecond
	_, addr := startRefundServer(t)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET /_mercato/health HTTP/1.1\r\nHost: %s\r\n\r\n", addr); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	start := time.Now()
	if n, err := r.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("idle connection: read %d bytes, %v; want it closed (EOF)", n, err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("closed after %v, want about the idle timeout", waited)
	}
}

// TestHeadersOverLimitRefused: request headers over 64 KiB are refused with 431.
func TestHeadersOverLimitRefused(t *testing.T) {
	_, addr := startRefundServer(t)
	head := fmt.Sprintf("GET /_mercato/health HTTP/1.1\r\nHost: %s\r\nX-Pad: %s\r\n\r\n", addr, strings.Repeat("x", 80<<10))
	resp, _ := rawRequest(t, addr, head, 3*time.Second)
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", resp.StatusCode)
	}
}

// TestLongRequestsOutliveWriteTimeout: a request that moves the clock is answered however long
// it runs, while any other request still ends at the write timeout.
func TestLongRequestsOutliveWriteTimeout(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})
	srv := newHTTPServer(slow)
	srv.WriteTimeout = 100 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()

	resp, err := http.Post(url+"/_mercato/clock", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("clock move past the write timeout: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "done" {
		t.Errorf("clock move answered %q", body)
	}
	if resp, err := http.Post(url+"/", "application/json", strings.NewReader(`{}`)); err == nil {
		resp.Body.Close()
		t.Errorf("an API call past the write timeout was answered: %d", resp.StatusCode)
	}
}
