package journal_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// sqliteClub opens a store in the test's directory (closed when the test
// ends) with a signed-in account for each name, as the table's players.
func sqliteClub(t *testing.T, names ...string) (*store.Store, []protocol.Player) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: "sqlite:" + t.TempDir() + "/club.db"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close the store: %v", err)
		}
	})
	var players []protocol.Player
	for _, n := range names {
		p, err := st.SignIn(ctx, account.Identity{Provider: "github", ProviderUserID: n, Name: n})
		if err != nil {
			t.Fatal(err)
		}
		players = append(players, protocol.Player{ID: strconv.FormatInt(int64(p.ID), 10), Name: n})
	}
	return st, players
}

// With SetFence every deal and move carries its table's lease: once
// another process took the lease, the journal refuses the old owner's move
// (store.ErrFenced), and the new owner, reading the table back with
// InProgressAt, goes on writing.
func TestMovesOfALostLeaseAreRefused(t *testing.T) {
	ctx := context.Background()
	st, players := sqliteClub(t, "Anna", "Boris", "Vera")
	var mu sync.Mutex
	fences := map[string]store.Fence{}
	fenced := func(owner *journal.Journal) {
		owner.SetFence(func(tbl string) store.Fence {
			mu.Lock()
			defer mu.Unlock()
			return fences[tbl]
		})
	}
	a := journal.New(st, nil, nil)
	fenced(a)
	lease, ok, err := st.AcquireLease(ctx, "t1", "A", time.Minute)
	if err != nil || !ok {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	fences["t1"] = lease
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Begin(table.PulkaStart{Table: "t1", Pulka: 1, Players: players, Settings: set, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rd := rules.Deal{Seed: 42, Dealer: 0, Options: set.Options}
	deal, err := rules.Replay(rd, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Deal(table.DealStart{Table: "t1", Pulka: 1, Deal: 1, Seed: 42}); err != nil {
		t.Fatal(err)
	}
	legal := rules.LegalMoves(&deal, nil)
	if err := a.Move(table.MoveEntry{Table: "t1", Pulka: 1, Deal: 1, Seed: 42, Index: 0, Move: legal[0]}); err != nil {
		t.Fatalf("the owner's move: %v", err)
	}
	if err := st.ReleaseLease(ctx, lease); err != nil {
		t.Fatal(err)
	}
	b := journal.New(st, nil, nil)
	taken, ok, err := st.AcquireLease(ctx, "t1", "B", time.Minute)
	if err != nil || !ok {
		t.Fatalf("take over: %v %v", ok, err)
	}
	ps, err := st.InProgressAt(ctx, "t1")
	if err != nil || len(ps) != 1 || len(ps[0].Deals) != 1 || len(ps[0].Deals[0].Moves) != 1 {
		t.Fatalf("in progress at t1: %+v %v, want the deal with its one move", ps, err)
	}
	if _, err := b.Resume(ctx, ps[0]); err != nil { // adopted by the new owner
		t.Fatal(err)
	}
	if deal, err = rules.Replay(rd, legal[:1]); err != nil {
		t.Fatal(err)
	}
	next := rules.LegalMoves(&deal, nil)[0]
	if err := a.Move(table.MoveEntry{Table: "t1", Pulka: 1, Deal: 1, Seed: 42, Index: 1, Move: next}); !errors.Is(err, store.ErrFenced) {
		t.Fatalf("the old owner's move: %v, want store.ErrFenced", err)
	}
	mu.Lock()
	fences["t1"] = taken // both journals read the one map: B's fence is now t1's
	mu.Unlock()
	fenced(b)
	if err := b.Move(table.MoveEntry{Table: "t1", Pulka: 1, Deal: 1, Seed: 42, Index: 1, Move: next}); err != nil {
		t.Fatalf("the new owner's move: %v", err)
	}
}
