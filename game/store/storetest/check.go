package storetest

import (
	"context"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
)

// CheckArchived checks the finished pulka of table: every deal replays to
// its end from its seed and moves, and scoring its record (cmd/pulka's
// rules) gives told, the settlement the players were told — what one
// process gives for the same seeds and moves, however many processes
// played it. It returns the archived pulka for further checks.
func CheckArchived(t testing.TB, st *store.Store, table string, told *protocol.Settlement) store.Archived {
	t.Helper()
	ctx := context.Background()
	var pid int64
	if err := st.DB().QueryRowContext(ctx, "SELECT id FROM pulkas WHERE table_id = $1 AND finished_ms IS NOT NULL", table).Scan(&pid); err != nil {
		t.Fatalf("the finished pulka of %s: %v", table, err)
	}
	a, err := st.Archived(ctx, store.PulkaID(pid))
	if err != nil {
		t.Fatal(err)
	}
	ReplayDeals(t, a)
	out, _, err := score.Run(a.Record())
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range a.Settings.Players {
		got, ok := out.Result.Get(name)
		if !ok || told == nil || i >= len(told.Exact) || got != told.Exact[i] {
			t.Errorf("%s: the record scores %v, the players were told %v", name, got, told)
		}
	}
	return a
}

// ReplayDeals checks that every deal of a replays to its end from its seed
// and moves under the pulka's settings.
func ReplayDeals(t testing.TB, a store.Archived) {
	t.Helper()
	set, err := a.Settings.Settings()
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range a.Deals {
		moves := make([]rules.Move, len(d.Moves))
		for k, m := range d.Moves {
			moves[k] = m.Move
		}
		s, err := rules.Replay(d.Rules(set.Options), moves)
		if err != nil {
			t.Fatalf("deal %d does not replay: %v", i, err)
		}
		if !s.Done() {
			t.Errorf("deal %d replays unfinished", i)
		}
	}
}
