package journal_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trelljaz/trelljaz/game/store/pgtest"
)

// pg is the PostgreSQL server the tests share, started by the first test
// that asks for it.
var pg = &pgtest.Shared{Prefix: "j"}

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// engine makes the URL of a new, empty store of one database engine.
type engine struct {
	name string
	url  func(t testing.TB) string
}

// engines are SQLite (a file in the test's directory) and PostgreSQL (a
// new database on the shared server; the test skips with the reason when
// PostgreSQL is not installed).
func engines() []engine {
	return []engine{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "club.db") }},
		{"postgres", pg.NewDB},
	}
}
