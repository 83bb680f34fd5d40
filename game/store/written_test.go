package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/trelljaz/trelljaz/game/store"
)

// Written tells whether a move is in the log, and refuses a log whose move
// under that number is another.
func TestWrittenTellsWhetherTheMoveIsInTheLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		p := play(t, 11, []string{"A", "B", "C"}, 2)
		id, err := s.BeginPulka(ctx, p.Pulka("t1", signIn(t, s, "A", "B", "C"), t0))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StartDeal(ctx, p.Starts(id, 0, t0)); err != nil {
			t.Fatal(err)
		}
		moves := p.Moves(id, 0, t0)
		if err := s.Append(ctx, moves[:2]...); err != nil {
			t.Fatal(err)
		}
		other := moves[1]
		other.Move = moves[2].Move
		nextDeal := p.Moves(id, 1, t0)[0]
		for _, c := range []struct {
			name    string
			move    store.Move
			written bool
			err     error
		}{
			{"a move written is there", moves[1], true, nil},
			{"the next move is not", moves[2], false, nil},
			{"a move of a deal not started is not", nextDeal, false, nil},
			{"another move under a written number is corrupt", other, false, store.ErrCorrupt},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.Written(ctx, c.move)
				if got != c.written || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
					t.Fatalf("Written = %v, %v; want %v, %v", got, err, c.written, c.err)
				}
			})
		}
	})
}

// An Append whose caller gave up (its context ended while the write waited
// on the database) is settled by Written: Written answers only once that
// write committed or failed, and its answer is what the log holds. The
// write is held by a lock on its deal that the test takes; then the test
// either lets it commit or kills its connection.
func TestWrittenSettlesAnAppendWhoseCallerGaveUp(t *testing.T) {
	for _, c := range []struct {
		name    string
		kill    bool // kill the writer's connection while it waits
		written bool
	}{
		{"the write commits after the timeout", false, true},
		{"the writer's connection is killed", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := pg.NewDB(t)
			s := open(t, url)
			ctx := context.Background()
			p := play(t, 12, []string{"A", "B", "C"}, 1)
			id, err := s.BeginPulka(ctx, p.Pulka("t1", signIn(t, s, "A", "B", "C"), t0))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.StartDeal(ctx, p.Starts(id, 0, t0)); err != nil {
				t.Fatal(err)
			}
			move := p.Moves(id, 0, t0)[0]

			db, lock := locked(t, url, "SELECT 1 FROM deals WHERE pulka_id = $1 AND deal_no = 0 FOR UPDATE", int64(id))
			short, cancel := context.WithCancel(ctx)
			defer cancel()
			appended := make(chan error, 1)
			go func() { appended <- s.Append(short, move) }()
			// The write waits on the lock (seen in pg_stat_activity); then
			// its caller gives up.
			writer := waitingOnLock(t, db, "INSERT INTO moves")
			cancel()
			if err := <-appended; !errors.Is(err, context.Canceled) || !errors.Is(err, store.ErrUncertain) {
				t.Fatalf("Append given up while its deal is locked: %v, want canceled, uncertain", err)
			}
			type answer struct {
				written bool
				err     error
			}
			done := make(chan answer, 1)
			go func() {
				w, err := s.Written(ctx, move)
				done <- answer{w, err}
			}()
			if c.kill {
				if _, err := db.ExecContext(ctx, "SELECT pg_terminate_backend($1)", writer); err != nil {
					t.Fatal(err)
				}
			}
			if err := lock.Commit(); err != nil {
				t.Fatal(err)
			}
			a := <-done
			if a.err != nil || a.written != c.written {
				t.Fatalf("Written = %v, %v; want %v", a.written, a.err, c.written)
			}
			ps, err := s.InProgress(ctx)
			if err != nil || len(ps) != 1 || len(ps[0].Deals) != 1 {
				t.Fatalf("in progress: %+v, %v", ps, err)
			}
			if got := len(ps[0].Deals[0].Moves) == 1; got != c.written {
				t.Fatalf("the log holds %d moves; Written said %v", len(ps[0].Deals[0].Moves), a.written)
			}
		})
	}
}
