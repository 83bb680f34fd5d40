package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/pgtest"
)

// pg is the PostgreSQL server the tests share; nil when it could not start
// (pgErr says why).
var (
	pg    *pgtest.Server
	pgErr error
	dbSeq atomic.Int64
)

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild())
	}
	pg, pgErr = pgtest.Start()
	code := m.Run()
	if pg != nil {
		pg.Stop()
	}
	os.Exit(code)
}

// engine opens fresh stores of one engine.
type engine struct {
	name string
	// url returns the URL of a new empty database.
	url func(t testing.TB) string
}

func engines() []engine {
	return []engine{
		{"sqlite", func(t testing.TB) string {
			return "sqlite:" + filepath.Join(t.TempDir(), "club.db")
		}},
		{"postgres", func(t testing.TB) string {
			switch {
			case errors.Is(pgErr, pgtest.ErrNotInstalled):
				t.Skipf("PostgreSQL tests skipped: %v", pgErr)
			case pgErr != nil:
				t.Fatalf("PostgreSQL is installed but did not start: %v", pgErr)
			}
			u, err := pg.CreateDB(context.Background(), fmt.Sprintf("t%d", dbSeq.Add(1)))
			if err != nil {
				t.Fatal(err)
			}
			return u
		}},
	}
}

// forEachEngine runs f as a subtest on every engine with a fresh store.
func forEachEngine(t *testing.T, f func(t *testing.T, s *store.Store, url string)) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			u := e.url(t)
			s := open(t, u)
			f(t, s, u)
		})
	}
}

func open(t testing.TB, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}
