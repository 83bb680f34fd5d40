package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

// waitCommits waits until the writer has made n group commits (bounded).
func waitCommits(t *testing.T, s *store.Store, n int64) {
	t.Helper()
	for range 10000 {
		if s.Stats().Commits >= n {
			return
		}
		waitABit()
	}
	t.Fatalf("%d commits, want %d", s.Stats().Commits, n)
}

// On SQLite the writer commits the next batch while the log syncs the last
// one, and a batch's Append returns only once a sync after its commit has
// returned: nothing is acknowledged before it is on disk.
func TestTheWriterCommitsWhileTheLogSyncs(t *testing.T) {
	s, moves, before, syncing, release := heldSyncs(t)
	ctx := context.Background()
	first := make(chan error, 1)
	go func() { first <- s.Append(ctx, moves[0]) }()
	<-syncing // committed, its sync held
	second := make(chan error, 1)
	go func() { second <- s.Append(ctx, moves[1]) }()
	waitCommits(t, s, before+2) // the next batch committed while the first syncs
	select {
	case err := <-first:
		t.Fatalf("Append returned (%v) before its log was synced", err)
	default:
	}
	close(release)
	for i, ch := range []chan error{first, second} {
		if err := <-ch; err != nil {
			t.Errorf("Append %d: %v", i, err)
		}
	}
	for _, m := range moves[:2] {
		if ok, err := s.Written(ctx, m); err != nil || !ok {
			t.Errorf("move %d written %v, %v", m.No, ok, err)
		}
	}
}

// An Append given up while it waits for the writer to take it (the writer
// held one batch ahead of a slow sync) is taken out of the queue: its
// caller is told plainly, not ErrUncertain, and the move is not written.
func TestAnAppendGivenUpBeforeTheWriterTookItIsNotWritten(t *testing.T) {
	s, moves, before, syncing, release := heldSyncs(t)
	ctx := context.Background()
	held := make(chan error, 2)
	go func() { held <- s.Append(ctx, moves[0]) }()
	<-syncing
	go func() { held <- s.Append(ctx, moves[1]) }()
	waitCommits(t, s, before+2) // the writer now waits for the held sync

	short, cancel := context.WithCancel(ctx)
	given := make(chan error, 1)
	go func() { given <- s.Append(short, moves[2]) }()
	for i := 0; s.Queued() == 0; i++ {
		if i == 10000 {
			t.Fatal("the third Append never queued")
		}
		waitABit()
	}
	cancel()
	err := <-given
	if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrUncertain) {
		t.Fatalf("Append given up before it was taken: %v, want canceled and certain", err)
	}
	if n := s.Queued(); n != 0 {
		t.Errorf("%d writes still queued after the only one was given up", n)
	}
	close(release)
	for range 2 {
		if err := <-held; err != nil {
			t.Errorf("held Append: %v", err)
		}
	}
	if ok, err := s.Written(ctx, moves[2]); err != nil || ok {
		t.Fatalf("Written(given up move) = %v, %v; want false", ok, err)
	}
	if err := s.Append(ctx, moves[2]); err != nil {
		t.Errorf("the given-up move appended again: %v", err)
	}
}

// A sync that fails leaves its moves' durability unknown (ErrUncertain),
// and every write after it is refused: the kernel may have dropped the
// pages it could not write, so nothing more may be acknowledged.
func TestAFailedLogSyncRefusesEveryLaterWrite(t *testing.T) {
	s := open(t, "sqlite:"+filepath.Join(t.TempDir(), "club.db"))
	p, id, _ := beganPulka(t, s)
	s.SyncLogWith(func() error { return errors.New("EIO") })
	moves := p.Moves(id, 0, t0)
	ctx := context.Background()
	if err := s.Append(ctx, moves[0]); !errors.Is(err, store.ErrUncertain) {
		t.Fatalf("Append whose sync failed: %v, want ErrUncertain", err)
	}
	err := s.Append(ctx, moves[1])
	if err == nil || errors.Is(err, store.ErrUncertain) {
		t.Fatalf("Append after a failed sync: %v, want a refusal (nothing written)", err)
	}
	if ok, err := s.Written(ctx, moves[1]); err != nil || ok {
		t.Errorf("the refused move: written %v, %v; want not written", ok, err)
	}
	if _, err := s.Written(ctx, moves[0]); err == nil {
		t.Errorf("a move whose sync failed was confirmed written")
	}
}

// heldSyncs opens a SQLite store with a pulka begun and its first deal
// started, whose log syncs are held: each signals syncing, then waits for
// release to be closed. It returns the deal's moves and the commits made
// so far.
func heldSyncs(t *testing.T) (s *store.Store, moves []store.Move, before int64, syncing, release chan struct{}) {
	t.Helper()
	s = open(t, "sqlite:"+filepath.Join(t.TempDir(), "club.db"))
	p, id, _ := beganPulka(t, s)
	before = s.Stats().Commits // the deal's start
	release = make(chan struct{})
	syncing = make(chan struct{}, 16)
	s.SyncLogWith(func() error {
		syncing <- struct{}{}
		<-release
		return nil
	})
	return s, p.Moves(id, 0, t0), before, syncing, release
}

// On SQLite the moves' group commits begin CommitEvery apart at least, and
// the writes handed meanwhile share the next one (and its sync): one
// table's moves, each appended once the last returned, wait for their
// commits in turn, and moves handed together while the writer waits go in
// one commit.
func TestGroupCommitsAreCommitEveryApart(t *testing.T) {
	const every = time.Second
	s := openWith(t, store.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "club.db"), CommitEvery: every})
	p, id, _ := beganPulka(t, s)
	moves := p.Moves(id, 0, t0)
	ctx := context.Background()
	start := time.Now()
	for _, m := range moves[:2] {
		if err := s.Append(ctx, m); err != nil {
			t.Fatalf("Append move %d: %v", m.No, err)
		}
	}
	if took := time.Since(start); took < every {
		t.Errorf("two moves appended one after the other took %v, want at least %v (a commit each, %v apart)", took, every, every)
	}
	before := s.Stats().Commits
	together := moves[2:6]
	errs := make(chan error, len(together))
	for _, m := range together {
		go func() { errs <- s.Append(ctx, m) }()
	}
	for range together {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Stats().Commits - before; n != 1 {
		t.Errorf("%d moves handed together made %d commits, want 1", len(together), n)
	}
	// A check waits its turn too (a second each): the last move will do.
	if ok, err := s.Written(ctx, moves[5]); err != nil || !ok {
		t.Errorf("move %d written %v, %v", moves[5].No, ok, err)
	}
}

// beganPulka begins a played pulka with its first deal started.
func beganPulka(t *testing.T, s *store.Store) (storetest.Played, store.PulkaID, []account.ID) {
	t.Helper()
	ctx := context.Background()
	names := []string{"A", "B", "C"}
	ids := signIn(t, s, names...)
	p := play(t, 7, names, 1)
	id, err := s.BeginPulka(ctx, p.Pulka("t", ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.StartDeal(ctx, p.Starts(id, 0, t0)); err != nil {
		t.Fatal(err)
	}
	return p, id, ids
}

// waitABit is one step of a bounded wait on the store's state.
func waitABit() { time.Sleep(time.Millisecond) }

// The writer's statements on SQLite run under a context that cannot end:
// modernc.org/sqlite starts a goroutine to watch one that can, for every
// statement. One table appending alone commits each move in a transaction
// of its own (BEGIN, INSERT, COMMIT): at most the one goroutine
// database/sql starts a transaction is made per move.
func TestTheWriterStartsNoGoroutineAStatement(t *testing.T) {
	s := open(t, "sqlite:"+filepath.Join(t.TempDir(), "club.db"))
	p, id, _ := beganPulka(t, s)
	moves := p.Moves(id, 0, t0)
	ctx := context.Background()
	created := func() uint64 {
		m := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
		metrics.Read(m)
		return m[0].Value.Uint64()
	}
	before := created()
	for _, m := range moves {
		if err := s.Append(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	per := float64(created()-before) / float64(len(moves))
	if per > 1.5 {
		t.Errorf("%.1f goroutines made a move appended alone, want at most 1 (database/sql's for the transaction)", per)
	}
}

// A write given up before the writer took it names what it was in its
// error: an append, a deal's start, a check of a move.
func TestAGivenUpWriteNamesItsOperation(t *testing.T) {
	s := open(t, "sqlite:"+filepath.Join(t.TempDir(), "club.db"))
	p, id, _ := beganPulka(t, s)
	m := p.Moves(id, 0, t0)[0]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		op   string
		call func() error
	}{
		{"append", func() error { return s.Append(ctx, m) }},
		{"start a deal", func() error { return s.StartDeal(ctx, p.Starts(id, 0, t0)) }},
		{"check a move", func() error { _, err := s.Written(ctx, m); return err }},
	} {
		err := tc.call()
		if want := "store: " + tc.op + ": "; err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, context.Canceled) {
			t.Errorf("%s given up: %v, want %q… wrapping context.Canceled", tc.op, err, want)
		}
	}
}
