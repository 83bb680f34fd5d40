// Package redistest starts a throwaway redis-server on a free loopback port
// for tests, and skips the test with a clear message when the binary is not
// installed.
package redistest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// startTimeout bounds how long a redis-server may take to accept connections.
const startTimeout = 10 * time.Second

// Server is one redis-server process bound to 127.0.0.1. Stop and Start may
// be called to simulate a Redis restart on the same port.
type Server struct {
	tb   testing.TB
	bin  string
	port int

	mu  sync.Mutex
	cmd *exec.Cmd
	out *bytes.Buffer
}

// ErrNotInstalled is Launch's error when redis-server is not on PATH.
var ErrNotInstalled = errors.New("redis-server not installed (Debian package redis-server)")

// Launch starts redis-server on a free port of 127.0.0.1 where there is no
// testing.TB to hand, as in a TestMain that serves the package's Examples.
// The caller stops it with Stop. It returns ErrNotInstalled when
// redis-server is not on PATH.
func Launch() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNotInstalled
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("redistest: find a free port: %w", err)
	}
	s := &Server{bin: bin, port: port}
	if err := s.start(); err != nil {
		return nil, err
	}
	return s, nil
}

// Start starts redis-server on a free port of 127.0.0.1 and stops it when the
// test ends. It skips the test when redis-server is not on PATH.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Skip("redis-server not installed (Debian package redis-server); skipping test that needs a real Redis")
	}
	port, err := freePort()
	if err != nil {
		tb.Fatalf("redistest: find a free port: %v", err)
	}
	s := &Server{tb: tb, bin: bin, port: port}
	tb.Cleanup(s.Stop)
	s.Start()
	return s
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Start (re)starts the server on its port and waits until it accepts
// connections, failing the test if it does not. Starting a running server
// does nothing. A server made by Launch has no test to fail: Start panics.
func (s *Server) Start() {
	if s.tb == nil {
		if err := s.start(); err != nil {
			panic(err)
		}
		return
	}
	s.tb.Helper()
	if err := s.start(); err != nil {
		s.tb.Fatal(err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	s.out = new(bytes.Buffer)
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--protected-mode", "yes", "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: start redis-server: %w", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			s.cmd = nil
			return fmt.Errorf("redistest: redis-server on %s not accepting after %s: %w\n%s", s.Addr(), startTimeout, err, s.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server (as a crash would) and waits for it to exit.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
