// Package proc runs the mercato binary as a server for tests that need the real process: on a
// free loopback port, with its output kept, until /_mercato/health answers; stopped as a
// service manager stops it (SIGTERM) or killed as a crash would (SIGKILL).
package proc

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// healthWait bounds how long a server may take to answer its health check.
const healthWait = 30 * time.Second

// Output is a bytes.Buffer safe for the writes of the process's output copier and the reads
// of the test.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// Server is a running mercato process.
type Server struct {
	URL    string // http://127.0.0.1:port
	Cmd    *exec.Cmd
	Output *Output // its standard output and error
	done   chan error
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Start runs bin with args and --addr on a free loopback port, with MERCATO_ADDR and
// MERCATO_DB cleared so that only the arguments count, and returns once the server is healthy.
// A port taken between its choice and the server's bind is tried again, twice; an exit or no
// health within 30 s is an error that holds the output. The caller stops the server.
func Start(bin string, args ...string) (*Server, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var s *Server
		if s, err = start(bin, args); err == nil {
			return s, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, err
}

func start(bin string, args []string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, Output: &Output{}, done: make(chan error, 1)}
	s.Cmd = exec.Command(bin, append(append([]string(nil), args...), "--addr", addr)...)
	s.Cmd.Stdout, s.Cmd.Stderr = s.Output, s.Output
	s.Cmd.Env = append(os.Environ(), "MERCATO_ADDR=", "MERCATO_DB=")
	if err := s.Cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- s.Cmd.Wait() }()
	for deadline := time.Now().Add(healthWait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s.Exited() {
			return nil, fmt.Errorf("mercato exited before it was healthy (%v):\n%s", s.Cmd.ProcessState, s.Output)
		}
		if resp, err := http.Get(s.URL + "/_mercato/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	_ = s.Kill()
	return nil, fmt.Errorf("mercato not healthy after %s:\n%s", healthWait, s.Output)
}

// Exited reports whether the process has ended.
func (s *Server) Exited() bool {
	select {
	case err := <-s.done:
		s.done <- err
		return true
	default:
		return false
	}
}

// wait returns the process's exit error once it has ended.
func (s *Server) wait() error {
	err := <-s.done
	s.done <- err
	return err
}

// Stop asks the server to finish (SIGTERM) and returns its exit error; if it has not finished
// within timeout it is killed and the error says so. Stopping an ended server returns how it
// ended.
func (s *Server) Stop(timeout time.Duration) error {
	if s.Exited() {
		return s.wait()
	}
	_ = s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(timeout):
		_ = s.Cmd.Process.Kill()
		s.wait()
		return fmt.Errorf("did not stop within %s: killed", timeout)
	}
}

// Kill ends the server with SIGKILL, as a crash or the OOM killer would, and waits for it.
func (s *Server) Kill() error {
	if s.Exited() {
		return nil
	}
	if err := s.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	s.wait()
	return nil
}
