package journal_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trelljaz/trelljaz/game/store/pgtest"
)

// pg is the PostgreSQL server the tests share, started by the first test
// that asks for it (pgStart); pgErr says why there is none.
var (
	pgOnce sync.Once
	pg     *pgtest.Server
	pgErr  error
	dbSeq  atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if pg != nil {
		pg.Stop()
	}
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
		{"postgres", func(t testing.TB) string {
			pgOnce.Do(func() { pg, pgErr = pgtest.Start() })
			switch {
			case errors.Is(pgErr, pgtest.ErrNotInstalled):
				t.Skipf("PostgreSQL tests skipped: %v", pgErr)
			case pgErr != nil:
				t.Fatalf("PostgreSQL is installed but did not start: %v", pgErr)
			}
			u, err := pg.CreateDB(context.Background(), fmt.Sprintf("j%d", dbSeq.Add(1)))
			if err != nil {
				t.Fatal(err)
			}
			return u
		}},
	}
}
