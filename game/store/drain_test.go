package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/store"
)

// Close lets the writer finish what was handed to it before: every write
// queued when Close began is committed and answered (nil, not ErrClosed),
// and a write handed after it is refused with ErrClosed and not written.
// The writer is held mid-batch (on SQLite by the log's sync, on
// PostgreSQL by a lock on the moves) while the writes queue behind it.
func TestCloseAnswersEveryWriteQueuedBeforeIt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, url string) {
		ctx := context.Background()
		p, id, _ := beganPulka(t, s)
		moves := p.Moves(id, 0, t0)
		const queued = 6
		if len(moves) < queued+3 {
			t.Fatalf("a deal of %d moves; the test needs %d", len(moves), queued+3)
		}
		answers := make(chan error, len(moves))
		appendAt := func(i int) { go func() { answers <- s.Append(ctx, moves[i]) }() }

		var release func()
		inFlight := 0
		if strings.HasPrefix(url, "sqlite:") {
			// The first batch's sync is held; the second commits
			// meanwhile, and the writer waits for that sync to end.
			before := s.Stats().Commits
			held, syncing := make(chan struct{}), make(chan struct{}, 16)
			s.SyncLogWith(func() error {
				syncing <- struct{}{}
				<-held
				return nil
			})
			appendAt(0)
			<-syncing
			appendAt(1)
			waitCommits(t, s, before+2)
			release, inFlight = func() { close(held) }, 2
		} else {
			db, lock := locked(t, url, "LOCK TABLE moves IN EXCLUSIVE MODE")
			appendAt(0)
			waitingOnLock(t, db, "INSERT INTO moves")
			release = func() {
				if err := lock.Commit(); err != nil {
					t.Error(err)
				}
			}
			inFlight = 1
		}
		for i := inFlight; i < inFlight+queued; i++ {
			appendAt(i)
		}
		for i := 0; s.Queued() < queued; i++ {
			if i == 10000 {
				t.Fatalf("%d writes queued, want %d", s.Queued(), queued)
			}
			waitABit()
		}

		closed := make(chan error, 1)
		go func() { closed <- s.Close() }()
		for i := 0; !s.WriterClosed(); i++ {
			if i == 10000 {
				t.Fatal("Close never stopped the writer taking writes")
			}
			waitABit()
		}
		late := moves[inFlight+queued]
		if err := s.Append(ctx, late); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Append handed after Close began: %v, want ErrClosed", err)
		}
		release()
		for range inFlight + queued {
			select {
			case err := <-answers:
				if err != nil {
					t.Errorf("a write queued before Close: %v", err)
				}
			case <-time.After(time.Minute): // a guard against a hang, not a measure
				t.Fatal("a write queued before Close was never answered")
			}
		}
		if err := <-closed; err != nil {
			t.Fatal(err)
		}

		again := open(t, url)
		for i, m := range moves[:inFlight+queued+1] {
			want := i < inFlight+queued
			if ok, err := again.Written(ctx, m); err != nil || ok != want {
				t.Errorf("Written(move %d) after Close = %v, %v; want %v", i, ok, err, want)
			}
		}
	})
}
