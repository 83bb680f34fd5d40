package pgtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// Shared is one PostgreSQL server shared by the tests of a test binary:
// started on first use, each test given a new database on it. Declare it
// beside TestMain and call Stop there after m.Run. The zero value is ready.
type Shared struct {
	// Prefix begins the names of the databases NewDB makes ("t" when
	// empty), so that a test's logs say which package made them.
	Prefix string

	once sync.Once
	srv  *Server
	err  error
	seq  atomic.Int64
}

// NewDB returns the URL of a new, empty database on the shared server,
// starting the server on first use. The test is skipped, with the reason,
// when PostgreSQL is not installed, and fails when it is installed but does
// not start.
func (s *Shared) NewDB(t testing.TB) string {
	t.Helper()
	srv := s.Server(t)
	prefix := s.Prefix
	if prefix == "" {
		prefix = "t"
	}
	u, err := srv.CreateDB(context.Background(), fmt.Sprintf("%s%d", prefix, s.seq.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Server returns the shared server, started on first use, skipping or
// failing the test as NewDB does.
func (s *Shared) Server(t testing.TB) *Server {
	t.Helper()
	s.once.Do(func() { s.srv, s.err = Start() })
	switch {
	case errors.Is(s.err, ErrNotInstalled):
		t.Skipf("PostgreSQL tests skipped: %v", s.err)
	case s.err != nil:
		t.Fatalf("PostgreSQL is installed but did not start: %v", s.err)
	}
	return s.srv
}

// Stop stops the shared server if it was started.
func (s *Shared) Stop() {
	if s.srv != nil {
		s.srv.Stop()
	}
}
