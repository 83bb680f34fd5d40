package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
)

// inProgressAt counts the pulkas in progress at table tbl.
func inProgressAt(t *testing.T, s *store.Store, tbl string) int {
	t.Helper()
	ps, err := s.InProgressAt(context.Background(), tbl)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}

// A pulka start with a key is written once: beginning it again with the
// same key (a caller whose first answer was lost) returns the same pulka,
// another pulka under that key is refused, and starts without a key are
// each a pulka of their own.
func TestAPulkaStartWithAKeyIsWrittenOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		ids := signIn(t, s, "A", "B", "C", "D")
		p := play(t, 21, []string{"A", "B", "C"}, 1).Pulka("t1", ids[:3], t0)
		p.Key = "start-1"
		first, err := s.BeginPulka(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.BeginPulka(ctx, p)
		if err != nil || again != first {
			t.Fatalf("the same start again: %v, %v; want pulka %v", again, err, first)
		}
		if n := inProgressAt(t, s, "t1"); n != 1 {
			t.Fatalf("%d pulkas in progress at t1 after one start begun twice, want 1", n)
		}
		other := p
		other.Seats = []account.ID{ids[0], ids[1], ids[3]}
		if id, err := s.BeginPulka(ctx, other); !errors.Is(err, store.ErrBadInput) {
			t.Fatalf("another pulka under a written key: %v, %v; want ErrBadInput", id, err)
		}
		elsewhere := p
		elsewhere.Table = "t2"
		if id, err := s.BeginPulka(ctx, elsewhere); err != nil || id == first {
			t.Fatalf("the same key at another table: %v, %v; want a pulka of its own", id, err)
		}
		p.Key = ""
		a, errA := s.BeginPulka(ctx, p)
		b, errB := s.BeginPulka(ctx, p)
		if errA != nil || errB != nil || a == b {
			t.Fatalf("two starts without a key: %v %v, %v %v; want two pulkas", a, errA, b, errB)
		}
	})
}

// A start whose caller gave up while its INSERT waited on a lock is
// uncertain (ErrUncertain), and its write goes on; beginning it again with
// the same key gives the pulka it wrote, whether it committed or its
// connection was killed first: one pulka in progress either way.
func TestAnUncertainPulkaStartBegunAgainIsOnePulka(t *testing.T) {
	for _, c := range []struct {
		name string
		kill bool // kill the first start's connection while it waits
	}{
		{"the first start commits after its caller gave up", false},
		{"the first start's connection is killed", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := pg.NewDB(t)
			s := open(t, url)
			ctx := context.Background()
			p := play(t, 22, []string{"A", "B", "C"}, 1).Pulka("t1", signIn(t, s, "A", "B", "C"), t0)
			p.Key = "start-1"
			db, lock := locked(t, url, "LOCK TABLE pulkas IN EXCLUSIVE MODE")
			writer, err := startGivenUp(t, s, db, p)
			if !errors.Is(err, context.Canceled) || !errors.Is(err, store.ErrUncertain) {
				t.Fatalf("a start given up while it waits: %v, want canceled, uncertain", err)
			}
			if c.kill {
				if _, err := db.ExecContext(ctx, "SELECT pg_terminate_backend($1)", writer); err != nil {
					t.Fatal(err)
				}
			}
			type answer struct {
				id  store.PulkaID
				err error
			}
			again := make(chan answer, 1)
			go func() {
				id, err := s.BeginPulka(ctx, p)
				again <- answer{id, err}
			}()
			if err := lock.Commit(); err != nil {
				t.Fatal(err)
			}
			a := <-again
			if a.err != nil {
				t.Fatalf("the start begun again: %v", a.err)
			}
			ps, err := s.InProgressAt(ctx, "t1")
			if err != nil || len(ps) != 1 || ps[0].ID != a.id {
				t.Fatalf("in progress at t1: %+v, %v; want pulka %v alone", ps, err, a.id)
			}
		})
	}
}

// Close waits for the writes in flight (its doc says so), a pulka start
// whose caller gave up among them: when Close returns, that start has
// committed or failed, and nothing is written after it.
func TestCloseWaitsForAStartWhoseCallerGaveUp(t *testing.T) {
	url := pg.NewDB(t)
	s := open(t, url)
	ctx := context.Background()
	p := play(t, 23, []string{"A", "B", "C"}, 1).Pulka("t1", signIn(t, s, "A", "B", "C"), t0)
	p.Key = "start-1"
	db, lock := locked(t, url, "LOCK TABLE pulkas IN EXCLUSIVE MODE")
	if _, err := startGivenUp(t, s, db, p); !errors.Is(err, store.ErrUncertain) {
		t.Fatalf("a start given up while it waits: %v, want uncertain", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pulkas WHERE table_id = 't1'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d pulkas at t1 as Close returned: the start it should have waited for is still on its way", n)
	}
}

// startGivenUp begins p on s while its INSERT must wait on a lock, gives
// up once db shows it waiting, and returns the waiting backend's pid and
// what BeginPulka answered.
func startGivenUp(t *testing.T, s *store.Store, db *sql.DB, p store.Pulka) (int, error) {
	t.Helper()
	short, cancel := context.WithCancel(context.Background())
	defer cancel()
	begun := make(chan error, 1)
	go func() {
		_, err := s.BeginPulka(short, p)
		begun <- err
	}()
	writer := waitingOnLock(t, db, "INSERT INTO pulkas")
	cancel()
	return writer, <-begun
}
