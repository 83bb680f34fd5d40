package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/store"
)

// The log is checkpointed beside the writer and restarted once it holds
// the checkpointer's bound: its file stays near that size however many
// commits the writer makes (with no checkpoint, 800 commits of a move
// each make it some 2,000 pages), and every move stays readable.
func TestTheLogIsCheckpointedAndRestarted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "club.db")
	s := open(t, "sqlite:"+path)
	const restart = 32
	if err := s.CheckpointEvery(2*time.Millisecond, restart); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	names := []string{"A", "B", "C"}
	ids := signIn(t, s, names...)
	p := play(t, 11, names, 40)
	id, err := s.BeginPulka(ctx, p.Pulka("t", ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	commits := 0
	largest := int64(0)
	var first, last store.Move
	for d := range p.Deals {
		if commits >= 800 {
			break
		}
		if err := s.StartDeal(ctx, p.Starts(id, d, t0)); err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Moves(id, d, t0) {
			if err := s.Append(ctx, m); err != nil { // a commit each
				t.Fatalf("append move %d of deal %d: %v", m.No, m.Deal, err)
			}
			if commits == 0 {
				first = m
			}
			last = m
			commits++
			fi, err := os.Stat(path + "-wal")
			if err != nil {
				t.Fatal(err)
			}
			largest = max(largest, fi.Size())
		}
	}
	if commits < 800 {
		t.Fatalf("only %d commits: the play is too short for the test", commits)
	}
	const page = 4096 + 24 // a log frame: a page and its header
	if limit := int64(8*restart) * page; largest > limit {
		t.Errorf("the log grew to %d bytes (%d frames) in %d commits; want at most %d frames (restarted from %d)", largest, largest/page, commits, limit/page, restart)
	}
	for _, m := range []store.Move{first, last} {
		if ok, err := s.Written(ctx, m); err != nil || !ok {
			t.Errorf("move %d of deal %d written %v, %v", m.No, m.Deal, ok, err)
		}
	}
}
