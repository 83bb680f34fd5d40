package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/pgtest"
)

// pg is the PostgreSQL server the tests share, started by the first test
// that asks for it.
var pg = &pgtest.Shared{}

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild())
	}
	code := m.Run()
	pg.Stop()
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
		{"postgres", pg.NewDB},
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
	return openWith(t, store.Config{URL: url})
}

// openWith opens the store cfg says, closed at the test's end.
func openWith(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), cfg)
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
